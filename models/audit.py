"""AuditEvent 审计记录: who saw or took out personal data, when and why (exports, reveals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

__all__ = ["Actor", "AuditEvent"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something: a user name and a role (admin, broker, employer, worker, system)."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))  # e.g. "export_ledger", "reveal"
    subject: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
