"""Match 撮合记录: one proposal of a worker for a posting, followed through placement and retention,
and MatchEvent 撮合事件, each step of it (who, when, what).

The current ``stage`` and the dates of hiring and separation are kept on the match for queries; the events are
the history, never overwritten (a correction is a new event). A proposal's outcome is what the ranking model
learns: hired and still at work 3 months later (``RETAINED_DAYS``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, utcnow

__all__ = ["RETAINED_DAYS", "Match", "MatchEvent", "retained"]

RETAINED_DAYS = 90


class Match(TimestampMixin, Base):
    __tablename__ = "match"
    __table_args__ = (Index("ix_match_worker_posting", "worker_id", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # MatchSource
    proposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None]
    probability: Mapped[float | None]
    model_version: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16), index=True)  # MatchStage
    stage_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    declined_reason: Mapped[str | None] = mapped_column(Text)
    hired_on: Mapped[dt.date | None] = mapped_column(Date)
    wage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # monthly
    separated_on: Mapped[dt.date | None] = mapped_column(Date)
    separation_reason: Mapped[str | None] = mapped_column(Text)
    # When the worker agreed to be put forward to the employer (我有意向, or told a broker so): only then does
    # the employer see the worker's name and contact.
    agreed_at: Mapped[dt.datetime | None]


class MatchEvent(Base):
    __tablename__ = "match_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(64))
    # wage, reason, contract kind, checkpoint month and whether still employed ...
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A correction (models.pipeline) names the event it corrects; events are never changed.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("match_event.id"))


def retained(hired_on: dt.date | None, separated_on: dt.date | None, today: dt.date) -> bool | None:
    """Whether a hire lasted ``RETAINED_DAYS``: True, False, or None while it is too early to tell."""
    if hired_on is None:
        return False
    if separated_on is not None:
        return (separated_on - hired_on).days >= RETAINED_DAYS
    return True if (today - hired_on).days >= RETAINED_DAYS else None
