"""The placement pipeline (撮合进度): which step of a match may follow which, what each step must record,
and the follow-up checkpoints (回访) after a hire.

The stages and their legal transitions (``TRANSITIONS``)::

    proposed ──> contacted ──> interested ──> interview ──> offered ──> hired ──> separated
       │  ╲           │          ▲  │  ╲                      ▲  │         │
       │   ╲──────────┼──────────┘  │   ╲─────────────────────┘  │         └─ checkpoints at 1, 3, 6, 12 months
       │              │             │   (offered without an interview)     (still employed? wage)
       └──────────────┴──> declined <┴──── interview, offered (未到岗)
                              │
                              └──> interested (the worker changed their mind)

``separated`` is final: a new job is a new match. A hire is recorded only after an offer (录用), so the wage
and start date agreed are on record first. Each step is a ``MatchEvent`` (who, when, what); a correction is
a new event that references the event it corrects (``MatchEvent.corrects_id``), never an overwrite. The
match keeps the current stage and the dates (``hired_on``, ``separated_on``) for queries: they are what the
ranking model learns from (``matcher.outcome``).

Sources: the stages and the 1/3/6/12-month follow-ups are those of issue 6 ("The placement pipeline") and
``DOMAIN.md`` ("Labour brokers and follow-up"); the separation reasons are those the issue names, as the demo
city's history writes them (``ingest/demo/HISTORY.md``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from models.base import utcnow
from models.errors import Conflict, InvalidInput
from models.match import Match, MatchEvent
from models.vocab import MatchStage

__all__ = [
    "CHECKPOINT_MONTHS",
    "CHECKPOINT_QUESTIONS",
    "SEPARATION_REASONS",
    "TRANSITIONS",
    "ContractKind",
    "EventKind",
    "Step",
    "add_months",
    "apply_step",
    "check_transition",
    "checkpoint_due",
    "event_kind",
    "lasted_months",
    "separation_reason",
]

M = MatchStage
TRANSITIONS: dict[MatchStage, frozenset[MatchStage]] = {
    M.PROPOSED: frozenset({M.CONTACTED, M.INTERESTED, M.DECLINED}),
    M.CONTACTED: frozenset({M.INTERESTED, M.DECLINED}),
    M.INTERESTED: frozenset({M.INTERVIEW, M.OFFERED, M.DECLINED}),
    M.INTERVIEW: frozenset({M.OFFERED, M.DECLINED}),
    M.OFFERED: frozenset({M.HIRED, M.DECLINED}),
    M.HIRED: frozenset({M.SEPARATED}),
    M.DECLINED: frozenset({M.INTERESTED}),
    M.SEPARATED: frozenset(),
}

CHECKPOINT_MONTHS = (1, 3, 6, 12)
# What a broker asks at each follow-up visit (回访).
CHECKPOINT_QUESTIONS: dict[int, str] = {
    1: "是否仍在岗？工资是否按约定足额发放？吃住、通勤、工作强度能否适应？有无需要协调的困难？",
    3: "是否仍在岗（满 3 个月为稳定就业）？当前月工资多少？是否签订劳动合同或劳务协议？",
    6: "是否仍在岗？当前月工资多少？有无调岗、涨薪或想换工作的打算？家庭其他劳动力就业情况？",
    12: "是否仍在岗满一年？当前月工资多少？合同是否续签？家庭收入比上年是否增加？",
}
# 离职原因: the vocabulary of issue 6, plus 其他 for anything else (the words said go into the note).
SEPARATION_REASONS = ("工资低", "离家远", "身体原因", "照顾家庭", "企业减员", "合同到期", "季节结束", "其他")


class ContractKind(StrEnum):
    """用工协议: a labour contract (劳动合同) or a service agreement (劳务协议, usual for 公益性岗位 and 零工)."""

    LABOUR_CONTRACT = "劳动合同"
    SERVICE_AGREEMENT = "劳务协议"
    NONE = "未签订"


class EventKind(StrEnum):
    """What an event is: a step of the pipeline, a follow-up visit, or a correction of an earlier event."""

    STEP = "step"
    CHECKPOINT = "checkpoint"
    CORRECTION = "correction"


def event_kind(event: MatchEvent) -> EventKind:
    """Corrections reference the event they correct; checkpoints carry their month (also in the demo city's
    history, whose follow-ups are written the same way)."""
    if event.corrects_id is not None:
        return EventKind.CORRECTION
    if event.detail and "month" in event.detail and "still_employed" in event.detail:
        return EventKind.CHECKPOINT
    return EventKind.STEP


def check_transition(current: str, to: MatchStage) -> None:
    """Raise ``Conflict`` naming both stages when ``to`` may not follow ``current``."""
    now = MatchStage.of(current)
    if to not in TRANSITIONS[now]:
        allowed = "、".join(f"“{s.zh}”" for s in sorted(TRANSITIONS[now], key=list(MatchStage).index)) or "无"
        raise Conflict(f"撮合当前为“{now.zh}”，不能改为“{to.zh}”（可改为：{allowed}）。")


def separation_reason(text: str | None) -> str:
    """The reason as the vocabulary spells it; ``InvalidInput`` listing the choices otherwise."""
    reason = (text or "").strip()
    if reason not in SEPARATION_REASONS:
        raise InvalidInput(f"离职原因请从以下选择：{'、'.join(SEPARATION_REASONS)}。")
    return reason


@dataclass(frozen=True, slots=True)
class Step:
    """One step asked for: the stage to go to and what that stage records.

    ``hired``: ``on`` (start date, 上岗日期), ``contract_kind``, ``wage`` (monthly) and ``place``;
    ``separated``: ``on`` (date of leaving) and ``reason`` (``SEPARATION_REASONS``); ``declined``: ``reason``;
    ``offered``: ``wage`` optionally. ``note`` goes with any step."""

    stage: MatchStage
    on: dt.date | None = None
    reason: str | None = None
    wage: Decimal | None = None
    contract_kind: ContractKind | None = None
    place: str | None = None
    note: str | None = None


def apply_step(match: Match, step: Step, *, actor: str, today: dt.date, at: dt.datetime | None = None) -> MatchEvent:
    """Check the transition and what the stage must record, set the match's stage and dates, and return the
    event (not yet added to a session). Side effects beyond the match (places, the worker, the household) are
    the caller's."""
    check_transition(match.stage, step.stage)
    detail = _detail(match, step, today)
    when = at or utcnow()
    match.stage, match.stage_at = step.stage.value, when
    if step.stage is M.DECLINED:
        match.declined_reason = detail["reason"]
    elif step.stage is M.INTERESTED:
        match.declined_reason = None
    elif step.stage is M.HIRED:
        match.hired_on, match.wage = step.on, step.wage
    elif step.stage is M.SEPARATED:
        match.separated_on, match.separation_reason = step.on, detail["reason"]
    return MatchEvent(match_id=match.id, stage=step.stage.value, at=when, actor=actor, detail=detail)


def _detail(match: Match, step: Step, today: dt.date) -> dict[str, Any]:
    detail: dict[str, Any] = {"note": step.note} if step.note else {}
    if step.stage is M.DECLINED:
        if not (step.reason or "").strip():
            raise InvalidInput("请填写不合适的原因（如本人不愿意、工资不满意、企业未录用、未到岗）。")
        detail["reason"] = step.reason.strip()  # type: ignore[union-attr]  # checked above
    elif step.stage is M.OFFERED and step.wage is not None:
        detail["wage"] = _wage(step.wage)
    elif step.stage is M.HIRED:
        detail.update(_hire_detail(step, today))
    elif step.stage is M.SEPARATED:
        if step.on is None:
            raise InvalidInput("请填写离职日期。")
        if match.hired_on is not None and step.on < match.hired_on:
            raise InvalidInput(f"离职日期不能早于上岗日期（{match.hired_on}）。")
        if step.on > today:
            raise InvalidInput("离职日期不能晚于今天。")
        detail.update(separated_on=step.on.isoformat(), reason=separation_reason(step.reason))
    return detail


def _hire_detail(step: Step, today: dt.date) -> dict[str, Any]:
    missing = [name for name, value in (("上岗日期", step.on), ("用工协议", step.contract_kind),
                                        ("月工资", step.wage)) if value is None]  # fmt: skip
    if missing:
        raise InvalidInput(f"登记上岗请填写：{'、'.join(missing)}。")
    assert step.on is not None and step.contract_kind is not None and step.wage is not None
    if step.on > today + dt.timedelta(days=31):
        raise InvalidInput("上岗日期不能晚于一个月之后；请在实际上岗时登记。")
    return {"hired_on": step.on.isoformat(), "contract_kind": step.contract_kind.value, "wage": _wage(step.wage),
            "place": step.place}  # fmt: skip


def _wage(wage: Decimal) -> float:
    if not Decimal(0) <= wage <= Decimal(1_000_000):
        raise InvalidInput("月工资应在 0 至 100 万元之间。")
    return float(wage)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checkpoint_due(hired_on: dt.date, month: int) -> dt.date:
    """The day the ``month``-month follow-up falls due: that many calendar months after the start."""
    return add_months(hired_on, month)


def lasted_months(hired_on: dt.date, separated_on: dt.date | None, months: int, today: dt.date) -> bool | None:
    """Whether a hire lasted ``months`` calendar months: True, False, or None while it is too early to tell
    (what broker rewards are paid on: still at work ``months`` months after the start)."""
    mark = add_months(hired_on, months)
    if separated_on is not None and separated_on < mark:
        return False
    return True if today >= mark else None
