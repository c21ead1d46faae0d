"""Broker follow-up visit pages (回访): the visits due and overdue at the account's sites (``GET /followups``'s
list, overdue first, filtered by site and by 逾期 / 本周), and one hire's page with its visits so far and the form
that records the next one (as ``POST /matches/{id}/checkpoints``: still at work with the wage now, or left, which
records the separation, so the worker's employment status and the household's 防返贫 alert follow). A person who
left between visits is recorded from the same form without a month (as ``POST /matches/{id}/events``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.accounts import Scope
from api.changes import Changes
from api.deps import get_changes
from api.pages.broker import DB, Posted, Staff
from api.pages.visit_form import FIELDS, OpenCheckpoint, VisitForm, open_checkpoints, read_visit_form, visit_refusal
from api.pages.web import redirect, render
from api.tracking import Tracking
from api.tracking_lists import FollowUp, followups
from api.tracking_schemas import FollowUpOut
from models.errors import Conflict, InvalidInput
from models.match import MatchEvent
from models.pipeline import CHECKPOINT_QUESTIONS, SEPARATION_REASONS, EventKind, event_kind
from models.pipeline_repository import MatchRow, PipelineRepository
from models.vocab import MatchStage

__all__ = ["router"]

PREFIX = "/web/staff/followups"
router = APIRouter(prefix=PREFIX)

ChangesDep = Annotated[Changes, Depends(get_changes)]
_PAGE_SIZE = 20
_HORIZON = dt.timedelta(days=7)  # as the home page's 近 7 天要做的回访
WHEN = [("", "全部（逾期和 7 天内到期）"), ("overdue", "已逾期"), ("week", "本周（7 天内到期）")]
_REASONS = [("", "请选择"), *((r, r) for r in SEPARATION_REASONS)]
_NOTICES = {"visit": "已登记回访。", "left": "已登记离职，本人的就业状态和本户情况已随之更新。"}


def _fits(f: FollowUp, site: str, when: str) -> bool:
    if site and str(f.row.site.id) != site:
        return False
    return not (when == "overdue" and not f.overdue_days or when == "week" and f.overdue_days)


@router.get("")
def followup_list(request: Request, scope: Staff, session: DB, site: str = "", when: str = "",
                  page: int = 1) -> Response:  # fmt: skip
    """The visits due within 7 days and those overdue, overdue first, then by the day they fall due."""
    today = dt.date.today()
    found = followups(session, scope, due_before=today + _HORIZON, today=today)
    sites = sorted({(str(f.row.site.id), f.row.site.name) for f in found}, key=lambda s: s[1])
    chosen = sorted((f for f in found if _fits(f, site, when)),
                    key=lambda f: (f.overdue_days == 0, f.due_on, f.row.match.id, f.month))  # fmt: skip
    page = max(page, 1)
    shown = [FollowUpOut.of(f) for f in chosen[(page - 1) * _PAGE_SIZE : page * _PAGE_SIZE]]
    context = {"me": scope, "items": shown, "total": len(chosen), "page": page,
               "pages": max((len(chosen) + _PAGE_SIZE - 1) // _PAGE_SIZE, 1), "values": {"site": site, "when": when},
               "sites": [("", "全部安置点"), *sites], "whens": WHEN}  # fmt: skip
    return render(request, "staff_followups.html", context)


def _visits(events: list[MatchEvent], done: set[int]) -> list[dict[str, Any]]:
    """The visits recorded, one per month (the latest, a visit taken back and recorded again counts once)."""
    latest: dict[int, MatchEvent] = {}
    for e in events:
        if event_kind(e) is EventKind.CHECKPOINT and e.detail is not None and e.detail.get("month") in done:
            latest[e.detail["month"]] = e
    return [{"month": m, "at": e.at, "actor": e.actor, **(e.detail or {})} for m, e in sorted(latest.items())]


def _months(checkpoints: list[OpenCheckpoint]) -> list[tuple[str, str]]:
    months = [(str(c.month), f"第 {c.month} 个月（{c.due_on}" + (f"，逾期 {c.overdue_days} 天）" if c.overdue_days
               else "）")) for c in checkpoints]  # fmt: skip
    return [*months, ("", "不是定期回访，只登记离职")]


def _visit_page(request: Request, scope: Scope, tracking: Tracking, match_id: int, *, month: str = "",
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                notice: str | None = None, status: int = 200) -> Response:  # fmt: skip
    row, events = tracking.get(scope, match_id)
    repo = PipelineRepository(tracking.session)
    done = repo.checkpoint_months([match_id]).get(match_id, set())
    today = dt.date.today()
    hired = row.match.stage == MatchStage.HIRED.value and row.match.hired_on is not None
    checkpoints = open_checkpoints(row.match.hired_on, done, today) if hired and row.match.hired_on else []
    month = (values or {}).get("month") or month
    chosen = next((c for c in checkpoints if str(c.month) == month), checkpoints[0] if checkpoints else None)
    labour, employed, _ = repo.household_counts(row.household.id)
    defaults = {"month": str(chosen.month) if chosen else "", "visited_on": today.isoformat()}
    context = {"me": scope, "r": row, "stage_label": MatchStage.of(row.match.stage).zh, "hired": hired,
               "visits": _visits(events, done), "checkpoints": checkpoints, "months": _months(checkpoints),
               "chosen": chosen, "questions": CHECKPOINT_QUESTIONS, "reasons": _REASONS, "labour": labour,
               "employed": employed, "alert": bool(repo.open_alerts(row.household.id)),
               "values": values or defaults, "errors": errors or {}, "notice": notice}  # fmt: skip
    return render(request, "staff_followup.html", context, status=status)


def _tracking(session: DB, changes: ChangesDep, today: dt.date | None = None) -> Tracking:
    return Tracking(session, changes, today=today)


@router.get("/{match_id:int}")
def visit_form(request: Request, match_id: int, scope: Staff, session: DB, changes: ChangesDep, month: str = "",
               done: str = "") -> Response:  # fmt: skip
    """One hire: its visits so far and the form for the next (the month asked for, else the earliest open)."""
    tracking = _tracking(session, changes)
    return _visit_page(request, scope, tracking, match_id, month=month, notice=_NOTICES.get(done))


def _record(tracking: Tracking, scope: Scope, match_id: int, read: VisitForm) -> str:
    """The visit (or, between visits, the separation) through the service; which notice to show."""
    if read.visit is not None:
        tracking.checkpoint(scope, match_id, read.visit)
        return "visit" if read.visit.still_employed else "left"
    assert read.leaving is not None
    tracking.step(scope, match_id, read.leaving)
    return "left"


@router.post("/{match_id:int}")
def record_visit(request: Request, match_id: int, scope: Staff, session: DB, changes: ChangesDep,
                 form: Posted) -> Response:  # fmt: skip
    """Record the visit (``Tracking.checkpoint``) or, between visits, the separation (``Tracking.step``); a
    refusal is said beside its field, everything typed kept."""
    row: MatchRow = _tracking(session, changes).get(scope, match_id)[0]
    hired_on = row.match.hired_on or dt.date.today()
    read = read_visit_form(form, hired_on, dt.date.today())
    if read.understood:
        try:
            done = _record(_tracking(session, changes, read.visited_on), scope, match_id, read)
        except (Conflict, InvalidInput) as exc:
            session.rollback()
            read.errors = visit_refusal(exc.detail)
        else:
            return redirect(f"{PREFIX}/{match_id}?done={done}")
    values = {name: read.values.get(name, "") for name in FIELDS}
    return _visit_page(request, scope, _tracking(session, changes), match_id, values=values, errors=read.errors,
                       status=422)  # fmt: skip
