"""SettlementSite 安置点 / 安置区: where relocated households live."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin

__all__ = ["SettlementSite"]


class SettlementSite(TimestampMixin, Base):
    __tablename__ = "settlement_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    county_adcode: Mapped[str | None] = mapped_column(String(12), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
