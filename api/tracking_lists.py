"""Lists of the placement pipeline that staff act on: follow-up visits due and overdue (回访), household alerts
(防返贫风险提示), and placements per broker that lasted 3 and 6 months (what broker rewards are paid on).

Follow-ups are the checkpoints 1, 3, 6 and 12 calendar months after the start (``models.pipeline``) of hires
recorded in Anye and still going on (imported past jobs, source ``history``, are records, not followed up);
a checkpoint is *overdue* once its day is before today. Broker attribution: the broker credited with a
placement is the one who proposed the match (source ``broker``), else the one who recorded the hire; a
placement *lasted* n months when the worker was still at work n calendar months after the start
(``DOMAIN.md``: brokers are commonly rewarded per placed worker who stays 3+ months, more at 6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.accounts import Scope
from models.errors import InvalidInput, NotAllowed
from models.pipeline import CHECKPOINT_MONTHS, CHECKPOINT_QUESTIONS, checkpoint_due, lasted_months
from models.pipeline_repository import AlertRow, MatchRow, PipelineRepository
from models.vocab import MatchSource, Role

__all__ = ["BrokerPlacements", "FollowUp", "alerts", "broker_placements", "followups"]

_STATES = ("open", "cleared", "all")


@dataclass(frozen=True, slots=True)
class FollowUp:
    row: MatchRow
    month: int
    due_on: dt.date
    overdue_days: int  # 0 when not yet overdue
    questions: str


def _staff(scope: Scope) -> None:
    if scope.role not in (Role.ADMIN, Role.BROKER):
        raise NotAllowed("只有管理员和劳务经纪人可以查看此列表。")


def followups(
    session: Session, scope: Scope, *, due_before: dt.date, today: dt.date, site_id: int | None = None
) -> list[FollowUp]:
    """Checkpoints not yet recorded that fall due before ``due_before``, of workers of the account's sites,
    earliest first."""
    _staff(scope)
    repo = PipelineRepository(session)
    rows = repo.hires_going_on(scope.site_ids, site_id)
    done = repo.checkpoint_months([r.match.id for r in rows])
    out = []
    for row in rows:
        assert row.match.hired_on is not None
        for month in CHECKPOINT_MONTHS:
            due = checkpoint_due(row.match.hired_on, month)
            if due >= due_before:
                break
            if month not in done.get(row.match.id, set()):
                late = max((today - due).days, 0)
                out.append(FollowUp(row, month, due, late, CHECKPOINT_QUESTIONS[month]))
    out.sort(key=lambda f: (f.due_on, f.row.match.id, f.month))
    return out


def alerts(
    session: Session, scope: Scope, *, state: str, site_id: int | None, offset: int, limit: int
) -> tuple[list[AlertRow], int]:
    """Household alerts of the account's sites (a broker's sites, an administrator's counties)."""
    _staff(scope)
    if state not in _STATES:
        raise InvalidInput("state 应为 open（未解除）、cleared（已解除）或 all（全部）。")
    return PipelineRepository(session).alerts(scope.site_ids, state=state, site_id=site_id, offset=offset,
                                              limit=limit)  # fmt: skip


@dataclass(slots=True)
class BrokerPlacements:
    """One broker's placements started in the period: how many, how many lasted 3 and 6 months, and how many
    are too recent to tell (``pending_3``, ``pending_6``)."""

    username: str
    display_name: str
    placements: int = 0
    lasted_3: int = 0
    lasted_6: int = 0
    pending_3: int = 0
    pending_6: int = 0
    match_ids: list[int] = field(default_factory=list)


def broker_placements(
    session: Session, scope: Scope, *, start: dt.date, end: dt.date, today: dt.date
) -> list[BrokerPlacements]:
    """Placements with a start date in [``start``, ``end``) per broker, most placements first."""
    if scope.role is not Role.ADMIN:
        raise NotAllowed("只有管理员可以查看经纪人业绩。")
    if end <= start:
        raise InvalidInput("结束日期应晚于开始日期。")
    repo = PipelineRepository(session)
    hires = repo.hires_between(start, end, scope.site_ids)
    credited = {h.match.id: _credited(h.match.source, h.match.proposed_by, h.hired_by) for h in hires}
    brokers = repo.brokers({u for u in credited.values() if u})
    out: dict[str, BrokerPlacements] = {}
    for hire in hires:
        username = credited[hire.match.id]
        if username not in brokers:
            continue  # credited to no broker (an administrator or the system recorded it)
        entry = out.setdefault(username, BrokerPlacements(username, brokers[username]))
        entry.placements += 1
        entry.match_ids.append(hire.match.id)
        assert hire.match.hired_on is not None
        for months in (3, 6):
            lasted = lasted_months(hire.match.hired_on, hire.match.separated_on, months, today)
            if lasted is True:
                setattr(entry, f"lasted_{months}", getattr(entry, f"lasted_{months}") + 1)
            elif lasted is None:
                setattr(entry, f"pending_{months}", getattr(entry, f"pending_{months}") + 1)
    return sorted(out.values(), key=lambda b: (-b.placements, b.username))


def _credited(source: str, proposed_by: str | None, hired_by: str | None) -> str | None:
    return proposed_by if source == MatchSource.BROKER.value and proposed_by else hired_by
