"""Employer 用人单位: a business, workshop, cooperative, agency or public body that offers work.

Kinds are ``models.vocab.EmployerKind``: 企业, 涉农企业, 帮扶车间/扶贫车间, 扶贫工坊, 产业园区企业, 合作社,
劳务派遣/人力资源机构, and the 村委会/社区/乡镇 that create public-welfare posts (公益性岗位).
The contact is a business contact that appears on the employer's own ads, so it is stored as written.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin

__all__ = ["Employer"]


class Employer(TimestampMixin, Base):
    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # 统一社会信用代码 (GB 32100-2015, check character validated); missing for many small workshops.
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    county_adcode: Mapped[str | None] = mapped_column(String(12), index=True)
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    remarks: Mapped[str | None] = mapped_column(Text)
