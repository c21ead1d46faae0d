"""Corrections of a match's events (更正): never an overwrite of an event, always a new event that references
the one corrected, with the match (and what followed from the event) brought in line.

- *Taking back* (``void``) the latest step: the match returns to the stage before it. A hire taken back gives
  its place back and the worker their former status (an alert follows if the household is left without work);
  a separation taken back takes the place again if it had been given back (``Conflict`` when the posting is
  full by now) and the worker is at work again (the household's alert is cleared). Follow-up visits standing on
  the step go with it: every visit of a hire taken back, the visit that recorded a separation taken back.
- *Amending* values: a hire's start date, wage, contract or place; a separation's date or reason; a refusal's
  reason; an offer's or a follow-up's wage. The match's dates follow, so the ranking model's outcomes
  (``matcher.outcome`` reads ``hired_on`` and ``separated_on``) are the corrected ones; while the hire goes on,
  the worker's income and workplace follow too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from api.tracking_effects import Effects, employment_status_for, hire_status
from models.base import utcnow
from models.errors import Conflict, InvalidInput
from models.match import MatchEvent
from models.pipeline import EventKind, event_kind, separation_reason
from models.pipeline_repository import MatchRow
from models.posting_repository import PostingRepository
from models.vocab import EmploymentStatus, MatchStage

if TYPE_CHECKING:
    from api.tracking import Correction

__all__ = ["correct"]

M = MatchStage
# what may be amended, by what the corrected event recorded
_AMENDABLE: dict[str, frozenset[str]] = {
    M.HIRED.value: frozenset({"hired_on", "wage", "contract_kind", "place"}),
    M.SEPARATED.value: frozenset({"separated_on", "separation_reason"}),
    M.DECLINED.value: frozenset({"declined_reason"}),
    M.OFFERED.value: frozenset({"wage"}),
    "checkpoint": frozenset({"wage"}),
}
_FIELDS = ("hired_on", "separated_on", "wage", "contract_kind", "place", "separation_reason", "declined_reason")
_ZH = {"hired_on": "上岗日期", "separated_on": "离职日期", "wage": "月工资", "contract_kind": "用工协议",
       "place": "工作地点", "separation_reason": "离职原因", "declined_reason": "不合适原因"}  # fmt: skip


def correct(
    effects: Effects, row: MatchRow, target: MatchEvent, events: list[MatchEvent], correction: Correction
) -> dict[str, Any]:
    """Apply ``correction`` of ``target``; the detail of the correction event."""
    if not correction.reason.strip():
        raise InvalidInput("请写明更正的原因。")
    voided = {e.corrects_id for e in events if e.corrects_id is not None and (e.detail or {}).get("void")}
    if target.id in voided:
        raise Conflict("该事件已被撤销，不能再更正。")
    if correction.void:
        detail = _void(effects, row, target, events, voided)
        _void_visits(effects, row, target, events, voided, correction.reason)
        return detail
    return _amend(effects, row, target, correction)


def _void_visits(
    effects: Effects, row: MatchRow, target: MatchEvent, events: list[MatchEvent], voided: set[int], reason: str
) -> None:
    """The follow-up visits that stood on the step taken back are taken back with it (each by a correction
    event of its own): all visits of a hire taken back, the visit that recorded a separation taken back. Else
    the month would stay recorded (absent from the follow-up list, refused when recorded again) and the visit
    would keep saying the worker left."""
    visits = [e for e in events if event_kind(e) is EventKind.CHECKPOINT and e.id not in voided]
    if target.stage == M.SEPARATED.value:
        visits = [e for e in visits if (e.detail or {}).get("still_employed") is False]
    elif target.stage != M.HIRED.value:
        return
    for visit in visits:
        detail = {"kind": "correction", "reason": reason, "void": True, "with": target.id}
        effects.repo.add(MatchEvent(match_id=row.match.id, stage=row.match.stage, at=utcnow(), actor=effects.actor,
                                    detail=detail, corrects_id=visit.id))  # fmt: skip


def _void(
    effects: Effects, row: MatchRow, target: MatchEvent, events: list[MatchEvent], voided: set[int]
) -> dict[str, Any]:
    steps = [e for e in events if event_kind(e) is EventKind.STEP and e.id not in voided]
    if not steps or target.id != steps[-1].id or target.stage != row.match.stage:
        latest = M.of(steps[-1].stage).zh if steps else ""
        raise Conflict(f"只能撤销最近的一步（“{latest}”）；更早的步骤请先撤销其后的步骤。")
    if len(steps) == 1:
        raise Conflict("不能撤销推荐本身；如不合适，请登记“不合适”。")
    match, before = row.match, M.of(steps[-2].stage)
    if target.stage == M.HIRED.value:
        effects.give_back_place(row, always=True)
        match.hired_on, match.wage = None, None
        effects.unemploy(row, "的上岗登记已撤销")
    elif target.stage == M.SEPARATED.value:
        if (target.detail or {}).get("place_released"):
            effects.take_place(row)
        match.separated_on, match.separation_reason = None, None
        posting = PostingRepository(effects.session).posting(row.posting.id)
        welfare = posting.public_welfare is not None
        status = hire_status(e for e in events if e.id not in voided) or employment_status_for(
            row, public_welfare=welfare
        )
        effects.employ(row, EmploymentStatus.of(status), None if match.wage is None else int(match.wage), None)
    elif target.stage == M.DECLINED.value:
        match.declined_reason = None
    match.stage, match.stage_at = before.value, dt.datetime.now(dt.UTC)
    return {"void": True, "from": target.stage, "to": before.value}


def _amend(effects: Effects, row: MatchRow, target: MatchEvent, correction: Correction) -> dict[str, Any]:
    kind = "checkpoint" if event_kind(target) is EventKind.CHECKPOINT else target.stage
    allowed = _AMENDABLE.get(kind, frozenset())
    given = {name: getattr(correction, name) for name in _FIELDS if getattr(correction, name) is not None}
    if not given:
        raise InvalidInput("请填写要更正的内容，或选择撤销这一步。")
    if refused := sorted(set(given) - allowed):
        can = "、".join(_ZH[n] for n in _FIELDS if n in allowed) or "无（只能撤销）"
        raise InvalidInput(f"这条记录不能更正{'、'.join(_ZH[n] for n in refused)}；可更正：{can}。")
    old = dict(target.detail or {})
    changes: dict[str, list[Any]] = {}
    for name, value in given.items():
        new = _plain(name, value)
        changes[name] = [old.get(_DETAIL_KEY.get(name, name)), new]
    _apply(effects, row, kind, given)
    return {"changes": changes}


_DETAIL_KEY = {"separation_reason": "reason", "declined_reason": "reason"}


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if name == "separation_reason":
        return separation_reason(value)
    return str(value)


def _apply(effects: Effects, row: MatchRow, kind: str, given: dict[str, Any]) -> None:
    match, today = row.match, effects.today
    hired_on = given.get("hired_on", match.hired_on)
    separated_on = given.get("separated_on", match.separated_on)
    if hired_on is not None and hired_on > today + dt.timedelta(days=31):
        raise InvalidInput("上岗日期不能晚于一个月之后。")
    if separated_on is not None and (separated_on > today or (hired_on is not None and separated_on < hired_on)):
        raise InvalidInput("离职日期应在上岗日期和今天之间。")
    if kind == M.HIRED.value:
        match.hired_on = hired_on
        if "wage" in given:
            match.wage = given["wage"]
    elif kind == M.SEPARATED.value:
        match.separated_on = separated_on
        if "separation_reason" in given:
            match.separation_reason = separation_reason(given["separation_reason"])
    elif kind == M.DECLINED.value:
        match.declined_reason = given["declined_reason"]
    if "wage" in given and kind in (M.HIRED.value, "checkpoint") and match.stage == M.HIRED.value:
        effects.set_income(row, int(given["wage"]), None)
    if "place" in given and kind == M.HIRED.value and match.stage == M.HIRED.value:
        effects.set_place(row, str(given["place"]))
