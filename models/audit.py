"""AuditEvent 审计记录: who saw or took out personal data, or changed a person's record, when and why (exports,
reveals, corrections). ``record_audit`` writes one; it never holds plain ID numbers or phones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow

__all__ = ["Actor", "AuditEvent", "record_audit"]


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


def record_audit(
    session: Session,
    actor: Actor,
    action: str,
    subject: str | None,
    *,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the caller's unit of work (``subject`` such as ``worker:12``; ``detail`` holds
    field names and masked values only)."""
    event = AuditEvent(actor=actor.name, actor_role=actor.role, action=action, subject=subject, reason=reason,
                       detail=detail)  # fmt: skip
    session.add(event)
    return event
