"""HouseholdAlert 防返贫风险提示: a household with labour in which no one is employed any more.

Raised at once when a separation (or a correction of a hire) leaves a household that has labour with no one
employed, for the brokers of its site; cleared when someone of the household is placed again (``cleared_by_
match_id`` names that placement). ``DOMAIN.md`` ("Goal per household"): every household with labour has at
least one member in stable employment; a household that loses its only job is a 防返贫 risk and must be
flagged at once. *Labour* and *employed* are counted as ``models.people_repository`` counts them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

__all__ = ["HouseholdAlert"]


class HouseholdAlert(Base):
    __tablename__ = "household_alert"
    __table_args__ = (Index("ix_household_alert_site_open", "site_id", "cleared_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("settlement_site.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    raised_by: Mapped[str | None] = mapped_column(String(64))
    # the separation (or corrected hire) that left the household without work
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    cleared_at: Mapped[dt.datetime | None]
    cleared_by: Mapped[str | None] = mapped_column(String(64))
    cleared_by_match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))

    @property
    def open(self) -> bool:
        return self.cleared_at is None
