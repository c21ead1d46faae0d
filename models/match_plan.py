"""MatchPlan 撮合日计划 and MatchPlanItem, one proposal of it: a plan of proposals for one region (a county, a
city, the pool of out-of-area group recruitments, or the employers of a job fair 招聘会) on one day, stored as a
preview and then committed into the pipeline.

A plan records who made it, for which region and day, the ranking model's version, the limits it was made
under and its figures (expected hires, postings, places, workers, households to cover and covered). An item
is committed once: it then names the ``Match`` it became, or why it was skipped (an open match for the pair
appeared since the preview, the posting is no longer open ...); an item not yet committed has neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin

__all__ = ["MatchPlan", "MatchPlanItem"]


class MatchPlan(TimestampMixin, Base):
    __tablename__ = "match_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_role: Mapped[str] = mapped_column(String(16))
    # The region: a county or city adcode (None: no place limit), the out-of-area pool, a job fair's employers.
    region_adcode: Mapped[str | None] = mapped_column(String(12), index=True)
    out_of_area: Mapped[bool] = mapped_column(default=False, server_default=false())
    employer_ids: Mapped[list[Any] | None] = mapped_column(JSON)
    plan_day: Mapped[dt.date] = mapped_column(Date)
    model_version: Mapped[str] = mapped_column(String(64))
    per_place: Mapped[int]
    per_worker: Mapped[int]
    household_weight: Mapped[float]
    min_probability: Mapped[float]
    # expected_hires, postings, places, workers, households_to_cover, households_covered, proposals
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    committed_at: Mapped[dt.datetime | None]  # the last commit (a broker commits the part of their sites)
    committed_by: Mapped[str | None] = mapped_column(String(64))


class MatchPlanItem(Base):
    __tablename__ = "match_plan_item"
    __table_args__ = (Index("ix_match_plan_item_plan_worker", "plan_id", "worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("match_plan.id", ondelete="CASCADE"))
    rank: Mapped[int]  # order in the plan (by the planner's order of proposals)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    probability: Mapped[float]
    covers_household: Mapped[bool]
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    committed_at: Mapped[dt.datetime | None]
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    skipped: Mapped[str | None] = mapped_column(Text)  # why the commit did not propose it (Chinese)
