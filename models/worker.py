"""Worker 搬迁劳动力: one person of a relocated household as the ledger records them.

Every person of the ledger is a row here, also children and the elderly; ``labour_capacity`` tells who
can work. ID number and phone are stored encrypted, with a keyed hash for look-up and a mask for lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin

__all__ = ["Worker", "WorkerCertificate", "WorkerSkill"]


class Worker(TimestampMixin, Base):
    __tablename__ = "worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_mask: Mapped[str] = mapped_column(String(24))
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_mask: Mapped[str | None] = mapped_column(String(24))
    # Further phones of the same cell, encrypted as base64 text.
    other_phones_enc: Mapped[list[Any] | None] = mapped_column(JSON)
    relation_to_head: Mapped[str | None] = mapped_column(Text)
    education: Mapped[str | None] = mapped_column(String(16))
    labour_capacity: Mapped[str | None] = mapped_column(String(16))
    health: Mapped[str | None] = mapped_column(String(16))
    employment_status: Mapped[str | None] = mapped_column(String(16), index=True)
    employment_place: Mapped[str | None] = mapped_column(Text)
    employer_name: Mapped[str | None] = mapped_column(Text)
    months_worked: Mapped[int | None]
    monthly_income: Mapped[int | None]
    wish_employment: Mapped[bool | None]
    wish_job_text: Mapped[str | None] = mapped_column(Text)
    wish_place_range: Mapped[str | None] = mapped_column(String(16))
    wish_min_wage: Mapped[int | None]
    training_wish: Mapped[bool | None]
    not_working_reason: Mapped[str | None] = mapped_column(Text)
    assistance: Mapped[str | None] = mapped_column(Text)
    remarks: Mapped[str | None] = mapped_column(Text)
    # Values of ledger columns Anye has no field for, by their header text: nothing is dropped.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The ledger date the record reflects; an older ledger never overwrites a newer one.
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    last_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    # Set when the worker withdrew consent to being recommended and put forward: no proposals from then on.
    consent_withdrawn_at: Mapped[dt.datetime | None]


class WorkerSkill(Base):
    """A skill (技能特长) or a wished kind of work (意向工种), mapped to a 大典 2022 code where possible."""

    __tablename__ = "worker_skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "skill" or "wish"
    occupation_code: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    source_text: Mapped[str] = mapped_column(Text)


class WorkerCertificate(Base):
    """A certificate (持证情况), named canonically from the certificate taxonomy where recognised."""

    __tablename__ = "worker_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    canonical_name: Mapped[str | None] = mapped_column(Text)
    source_text: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
