"""ImportBatch 导入批次 and ImportProblem 导入问题: what one file brought in and what it could not.

Problem values of sensitive columns are stored masked, never plain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

__all__ = ["ImportBatch", "ImportProblem"]


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "ledger"; later "postings", "placements"
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    # Counts: rows, created, updated, unchanged, rejected, problems.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Per sheet: header rows found and which column was mapped to which field.
    column_report: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ImportProblem(Base):
    __tablename__ = "import_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    sheet: Mapped[str] = mapped_column(Text)
    row: Mapped[int]  # 1-based, as Excel shows it
    column: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    rejected: Mapped[bool] = mapped_column(default=False)  # True: the whole row was not imported
