"""Placement use cases (撮合跟踪): propose a worker for a posting, move a match through its stages, correct an
event, record a follow-up visit (回访). The stage machine is ``models.pipeline``; what a hire or a separation
changes beyond the match is ``api.tracking_effects``; lists (follow-ups due, alerts, broker placements) are
``api.tracking_lists``.

Who may do what: administrators and brokers, for workers of their sites, everything; the employer of the
posting may record 面试, 已录用 and 已上岗 for matches whose worker agreed to be put forward; a worker may say
不合适 to their own match. Someone who may not see a match is told it does not exist. Services do not commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from api.accounts import Scope, can_see_site
from api.changes import Changes
from api.tracking_correct import correct
from api.tracking_effects import Effects, Situation, employment_status_for, hire_status
from models.base import utcnow
from models.errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.match import Match, MatchEvent
from models.match_repository import MatchRepository
from models.pipeline import (
    CHECKPOINT_MONTHS,
    ContractKind,
    EventKind,
    Step,
    apply_step,
    checkpoint_due,
    event_kind,
)
from models.pipeline_repository import MatchFilter, MatchRow, PipelineRepository
from models.posting_repository import PostingRepository
from models.vocab import EmploymentStatus, MatchSource, MatchStage, PostingStatus, Role

__all__ = ["Correction", "Tracking", "Visit", "visible"]

M = MatchStage
_STAFF = (Role.ADMIN, Role.BROKER)
_EMPLOYER_STAGES = frozenset({M.INTERVIEW, M.OFFERED, M.HIRED})
_EARLY_VISIT_DAYS = 15  # a follow-up may be recorded this many days before it falls due


@dataclass(frozen=True, slots=True)
class Visit:
    """A follow-up visit (回访): at ``month`` months, still at work (with the wage now) or not (then the day
    of leaving, today if not given, and the reason)."""

    month: int
    still_employed: bool
    wage: Decimal | None = None
    note: str | None = None
    separated_on: dt.date | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction of ``event_id``: ``void`` takes back the latest step (the match returns to the stage
    before it); otherwise the values given replace those the event recorded."""

    event_id: int
    reason: str
    void: bool = False
    hired_on: dt.date | None = None
    separated_on: dt.date | None = None
    wage: Decimal | None = None
    contract_kind: ContractKind | None = None
    place: str | None = None
    separation_reason: str | None = None
    declined_reason: str | None = None


def _staff(scope: Scope, row: MatchRow) -> bool:
    return scope.role in _STAFF and can_see_site(scope, row.site.id)


def visible(scope: Scope, row: MatchRow) -> bool:
    """Staff of the worker's site, the posting's employer once the worker agreed, or the worker themself."""
    if scope.role is Role.EMPLOYER:
        return row.posting.employer_id == scope.employer_id and row.match.agreed_at is not None
    if scope.role is Role.WORKER:
        return scope.worker_id == row.worker.id
    return _staff(scope, row)


class Tracking:
    def __init__(self, session: Session, changes: Changes, *, today: dt.date | None = None) -> None:
        self.session = session
        self.changes = changes
        self.today = today or dt.date.today()
        self.repo = PipelineRepository(session)

    def _effects(self, scope: Scope) -> Effects:
        return Effects(self.session, self.changes, actor=scope.username, today=self.today)

    def _row(self, scope: Scope, match_id: int, *, for_update: bool = False) -> MatchRow:
        try:
            row = self.repo.match(match_id, for_update=for_update)
        except NotFound:
            row = None
        if row is None or not visible(scope, row):
            raise NotFound(f"找不到编号为 {match_id} 的撮合记录，或您无权查看。")
        return row

    def _staff_row(self, scope: Scope, match_id: int) -> MatchRow:
        row = self._row(scope, match_id, for_update=True)
        if not _staff(scope, row):
            raise NotAllowed("只有管理员和负责该安置点的劳务经纪人可以进行此操作。")
        return row

    # -- reading -----------------------------------------------------------------------------------
    def get(self, scope: Scope, match_id: int) -> tuple[MatchRow, list[MatchEvent]]:
        row = self._row(scope, match_id)
        return row, list(self.repo.events(match_id))

    def list(self, scope: Scope, where: MatchFilter, *, offset: int, limit: int) -> tuple[list[MatchRow], int]:
        if scope.role is Role.EMPLOYER:
            reach = MatchFilter(site_ids=None, employer_id=scope.employer_id or -1)
        elif scope.role is Role.WORKER:
            reach = MatchFilter(site_ids=None, own_worker_id=scope.worker_id or -1)
        else:
            reach = MatchFilter(site_ids=scope.site_ids)
        combined = MatchFilter(reach.site_ids, reach.employer_id, reach.own_worker_id, where.posting_id,
                               where.worker_id, where.stage, where.site_id)  # fmt: skip
        return self.repo.matches(combined, offset=offset, limit=limit)

    # -- proposing ---------------------------------------------------------------------------------
    def propose(self, scope: Scope, worker_id: int, posting_id: int, note: str | None = None) -> MatchRow:
        """A broker (or administrator) puts a worker of their sites forward for an open posting."""
        if scope.role not in _STAFF:
            raise NotAllowed("只有管理员和劳务经纪人可以推荐人选。")
        person = MatchRepository(self.session).person(worker_id)
        if person is None or not can_see_site(scope, person.site.id):
            raise NotFound(f"找不到编号为 {worker_id} 的劳动力，或您无权查看此人。")
        if person.worker.consent_withdrawn_at is not None:
            raise Conflict("本人已撤回推荐同意，不能推荐；本人恢复同意后才能推荐。")
        posting = PostingRepository(self.session).posting(posting_id)
        if posting.status != PostingStatus.OPEN:
            raise Conflict(f"岗位当前为“{PostingStatus.of(posting.status).zh}”，只有招聘中的岗位可以推荐人选。")
        found = self.repo.open_match(worker_id, posting_id)
        if found is not None:
            raise Conflict(f"此人已有该岗位进行中的撮合记录（编号 {found.id}，当前“{M.of(found.stage).zh}”）。")
        now = utcnow()
        match = Match(worker_id=worker_id, posting_id=posting_id, source=MatchSource.BROKER.value, proposed_at=now,
                      proposed_by=scope.username, stage=M.PROPOSED.value, stage_at=now)  # fmt: skip
        self.repo.add(match)
        detail = {"note": note} if note else None
        self.repo.add(
            MatchEvent(match_id=match.id, stage=M.PROPOSED.value, at=now, actor=scope.username, detail=detail)
        )
        return self.repo.match(match.id)

    # -- steps -------------------------------------------------------------------------------------
    def step(
        self, scope: Scope, match_id: int, step: Step, *, worker_agreed: bool = False,
        status: EmploymentStatus | None = None,
    ) -> MatchRow:  # fmt: skip
        """Move the match to ``step.stage`` if the stage machine and the account's role allow it."""
        row = self._row(scope, match_id, for_update=True)
        self._may(scope, row, step.stage)
        if step.stage is M.INTERESTED and scope.role in _STAFF and not worker_agreed:
            raise InvalidInput(
                "登记“有意向”前请先向本人确认同意报名，并同意把姓名和电话提供给用人单位（worker_agreed）。"
            )
        if step.stage is M.DECLINED and scope.role is Role.WORKER and not step.reason:
            step = Step(M.DECLINED, reason="本人表示不合适", note=step.note)
        if step.stage is M.HIRED:
            self._hire(scope, row, step, status)
        elif step.stage is M.SEPARATED:
            self._separate(scope, row, step)
        else:
            event = apply_step(row.match, step, actor=scope.username, today=self.today)
            if step.stage is M.INTERESTED:
                row.match.agreed_at = row.match.agreed_at or event.at
            elif step.stage is M.DECLINED:
                row.match.agreed_at = None  # the employer no longer sees the worker among applicants
            self.repo.add(event)
        return row

    def _may(self, scope: Scope, row: MatchRow, stage: MatchStage) -> None:
        if _staff(scope, row):
            return
        if scope.role is Role.EMPLOYER and stage in _EMPLOYER_STAGES:
            return
        if scope.role is Role.WORKER and stage is M.DECLINED:
            return
        raise NotAllowed(f"您的账号不能把撮合记录改为“{stage.zh}”。")

    def _hire(self, scope: Scope, row: MatchRow, step: Step, status: EmploymentStatus | None) -> None:
        event = apply_step(row.match, step, actor=scope.username, today=self.today)
        effects = self._effects(scope)
        effects.take_place(row)  # Conflict when no place is left: the whole request is undone
        posting = PostingRepository(self.session).posting(row.posting.id)
        status = status or employment_status_for(row, public_welfare=posting.public_welfare is not None)
        assert event.detail is not None and step.wage is not None
        event.detail["employment_status"] = status.value
        self.repo.add(event)
        effects.employ(row, status, int(step.wage), step.place)

    def _separate(self, scope: Scope, row: MatchRow, step: Step) -> MatchEvent:
        event = apply_step(row.match, step, actor=scope.username, today=self.today)
        effects = self._effects(scope)
        assert event.detail is not None
        event.detail["place_released"] = effects.give_back_place(row)
        self.repo.add(event)
        effects.unemploy(row, f"于 {step.on} 离职（{event.detail['reason']}）")
        return event

    # -- follow-up visits --------------------------------------------------------------------------
    def checkpoint(self, scope: Scope, match_id: int, visit: Visit) -> tuple[MatchRow, Situation]:
        """Record a follow-up: still at work (wage, the worker's income) or left (a separation, the alert)."""
        row = self._staff_row(scope, match_id)
        match = row.match
        if match.stage != M.HIRED.value or match.hired_on is None:
            raise Conflict(f"只有已上岗的撮合可以登记回访；当前为“{M.of(match.stage).zh}”。")
        if visit.month not in CHECKPOINT_MONTHS:
            raise InvalidInput(f"回访月份应为 {'、'.join(str(m) for m in CHECKPOINT_MONTHS)} 之一。")
        if visit.month in self.repo.checkpoint_months([match.id]).get(match.id, set()):
            raise Conflict(f"{visit.month} 个月回访已登记；如需修改请提交更正。")
        due = checkpoint_due(match.hired_on, visit.month)
        if self.today < due - dt.timedelta(days=_EARLY_VISIT_DAYS):
            raise InvalidInput(f"还没到 {visit.month} 个月回访的时间（{due} 前后）。")
        detail: dict[str, Any] = {"month": visit.month, "still_employed": visit.still_employed, "note": visit.note}
        if visit.still_employed:
            detail["wage"] = None if visit.wage is None else float(visit.wage)
            if visit.wage is not None:
                self._effects(scope).set_income(row, int(visit.wage), hire_status(self.repo.events(match.id)))
            stage = M.HIRED
        else:
            on = visit.separated_on or self.today
            self._separate(scope, row, Step(M.SEPARATED, on=on, reason=visit.reason, note=visit.note))
            stage = M.SEPARATED
        self.repo.add(MatchEvent(match_id=match.id, stage=stage.value, at=utcnow(), actor=scope.username,
                                 detail=detail))  # fmt: skip
        return row, self._effects(scope).situation(row.household.id)

    # -- corrections -------------------------------------------------------------------------------
    def correct(self, scope: Scope, match_id: int, correction: Correction) -> MatchRow:
        """A correction event referencing the event corrected; the match (and what followed from the event)
        follows the corrected values (``api.tracking_correct``)."""
        row = self._staff_row(scope, match_id)
        target = self.repo.event(match_id, correction.event_id)
        if event_kind(target) is EventKind.CORRECTION:
            raise InvalidInput("请更正原始事件，不能更正一条更正记录。")
        events = list(self.repo.events(match_id))
        detail = correct(self._effects(scope), row, target, events, correction)
        detail = {"kind": "correction", "reason": correction.reason, **detail}
        self.repo.add(MatchEvent(match_id=match_id, stage=row.match.stage, at=utcnow(), actor=scope.username,
                                 detail=detail, corrects_id=target.id))  # fmt: skip
        return row
