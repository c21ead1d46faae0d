"""Household 搬迁户: a relocated family, living at one settlement site, from one origin village."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin

__all__ = ["Household"]


class Household(TimestampMixin, Base):
    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("site_id", "number", name="site_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("settlement_site.id"), index=True)
    # 户编号 as written in the ledger; a household whose ledger gave none gets "auto-" + a digest prefix.
    number: Mapped[str] = mapped_column(Text)
    head_name: Mapped[str | None] = mapped_column(Text)
    origin_town: Mapped[str | None] = mapped_column(Text)
    origin_village: Mapped[str | None] = mapped_column(Text)
    # HouseholdCategory codes: lifted (脱贫户), monitored (监测户), concurrent (同步搬迁户).
    category: Mapped[str | None] = mapped_column(String(16))
    monitoring_kind: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None]
    # The ledger date these fields reflect: a household's fields, like a worker's, are never overwritten by an
    # older ledger imported later.
    as_of: Mapped[dt.date | None] = mapped_column(Date)
