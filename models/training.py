"""TrainingRecord 培训记录: a training a worker attended, and whether it gave a certificate."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

__all__ = ["TrainingRecord"]


class TrainingRecord(Base):
    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    trade: Mapped[str] = mapped_column(Text)  # 工种
    occupation_code: Mapped[str | None] = mapped_column(String(16))
    attended_on: Mapped[dt.date | None] = mapped_column(Date)
    certified: Mapped[bool | None]
    source_text: Mapped[str] = mapped_column(Text)
