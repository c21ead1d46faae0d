"""WorkerChange 变更记录: which import (or user) changed which field of a worker, old and new value.

Sensitive fields (ID number, phone) keep old and new value encrypted (base64), never plain.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

__all__ = ["WorkerChange"]


class WorkerChange(Base):
    __tablename__ = "worker_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(48))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
