"""Match-day plans (撮合日计划): plan the proposals of a whole region at once (``matcher.allocation``), keep the
plan as a preview, show it, and commit it into the placement pipeline.

Who: administrators and brokers. A plan is made for a region (a county or city adcode, the out-of-area pool,
or the employers of a job fair 招聘会) that holds at least one site of the account (an administrator of the
whole city: any region); the planning is region-wide, so every worker of the region counts, but an account
sees and commits only the proposals of workers of its own sites (a broker commits their part, a county
administrator their counties', a city administrator everything). Anyone else is told the plan does not exist.

Committing writes each proposal as a manual proposal is written (``Tracking.propose``: the match, its
``proposed`` event, the proposer), with the plan's probability and model version on the match; a pair that
got an open match since the preview, a posting no longer open, a worker who withdrew consent are skipped with
the reason, and so is a worker who has since found a job (a hire, or the ledger no longer has them looking), a
proposal that would take a worker over the plan's limit of open proposals, or a
posting over its limit of open proposals per place left (others proposed since the preview count). Each item
is settled once, so committing again changes nothing. Services do not commit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.tracking import Tracking
from matcher.allocation import Limits, Pipeline, Plan, Region, plan
from matcher.load import day
from matcher.search import Matcher
from models.base import utcnow
from models.employer import Employer
from models.errors import AnyeError, Conflict, InvalidInput, NotAllowed, NotFound
from models.match_plan import MatchPlan, MatchPlanItem
from models.match_plan_repository import ItemRow, MatchPlanRepository
from models.posting import Posting
from models.vocab import Role

__all__ = [
    "CommitOutcome",
    "PlanRequest",
    "Plans",
    "check_request",
    "make_plan",
    "plan_note",
    "region_label",
]

_STAFF = (Role.ADMIN, Role.BROKER)
_ADCODE = re.compile(r"\d{6}", re.ASCII)
MAX_PER_PLACE = 20
MAX_PER_WORKER = 10


def plan_note(plan_id: int) -> str:
    """The note on the ``proposed`` event of a match a plan made."""
    return f"撮合日计划 {plan_id}"


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What to plan: the region (``adcode`` of a county or city; ``out_of_area`` for the pool of group
    recruitments; ``employer_ids`` for a job fair), the day (today if None) and the limits (``per_place``
    proposals per place left, ``per_worker`` open proposals per worker)."""

    adcode: str | None = None
    out_of_area: bool = False
    employer_ids: tuple[int, ...] = ()
    day: dt.date | None = None
    per_place: int = 3
    per_worker: int = 2

    def to_json(self) -> dict[str, Any]:
        return {"adcode": self.adcode, "out_of_area": self.out_of_area, "employer_ids": list(self.employer_ids),
                "day": self.day.isoformat() if self.day else None, "per_place": self.per_place,
                "per_worker": self.per_worker}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanRequest:
        when = data.get("day")
        employers = tuple(int(e) for e in data.get("employer_ids") or ())
        return cls(data.get("adcode"), bool(data.get("out_of_area")), employers,
                   dt.date.fromisoformat(when) if when else None, int(data.get("per_place", 3)),
                   int(data.get("per_worker", 2)))  # fmt: skip

    @property
    def region(self) -> Region:
        employers = frozenset(self.employer_ids) if self.employer_ids else None
        return Region(adcode=int(self.adcode) if self.adcode else None, out_of_area=self.out_of_area,
                      employer_ids=employers)  # fmt: skip


def region_label(adcode: str | None, out_of_area: bool, employer_ids: list[Any] | tuple[int, ...] | None) -> str:
    """The region in words, for tables and workbook titles."""
    parts = [f"行政区划 {adcode}" if adcode else "全部地区"]
    if out_of_area:
        parts.append("外出务工岗位")
    if employer_ids:
        parts.append(f"招聘会（{len(employer_ids)} 家用人单位）")
    return "，".join(parts)


def _may_plan(scope: Scope, region_sites: frozenset[int]) -> bool:
    if scope.role not in _STAFF:
        return False
    return scope.site_ids is None or bool(scope.site_ids & region_sites)


def check_request(session: Session, scope: Scope, request: PlanRequest) -> None:
    """``InvalidInput`` for a malformed request, ``NotFound`` for an unknown employer, ``NotAllowed`` for a
    region holding none of the account's sites."""
    if scope.role not in _STAFF:
        raise NotAllowed("只有管理员和劳务经纪人可以制定撮合日计划。")
    if request.adcode is not None and not _ADCODE.fullmatch(request.adcode):
        raise InvalidInput("adcode（行政区划代码）应为 6 位数字，如县 140902、市 140900。")
    if not 1 <= request.per_place <= MAX_PER_PLACE:
        raise InvalidInput(f"per_place（每个空缺名额推荐人数）应在 1 至 {MAX_PER_PLACE} 之间。")
    if not 1 <= request.per_worker <= MAX_PER_WORKER:
        raise InvalidInput(f"per_worker（每人同时推荐岗位数）应在 1 至 {MAX_PER_WORKER} 之间。")
    request.region  # noqa: B018  (Region checks the fair and out-of-area choice: InvalidInput)
    missing = [e for e in request.employer_ids if session.get(Employer, e) is None]
    if missing:
        raise NotFound(f"找不到编号为 {'、'.join(map(str, missing))} 的用人单位，请核对招聘会的参会单位。")
    if not _may_plan(scope, MatchPlanRepository(session).site_ids_in(request.adcode)):
        raise NotAllowed("这个地区没有您负责的安置点，不能为它制定计划；请选择您负责的县（区）或市。")


@dataclass(slots=True)
class _Going:
    """Open proposals (matches in an open stage) per worker id and per posting id, kept up to date by a commit."""

    workers: dict[int, int]
    postings: dict[int, int]


def make_plan(session: Session, matcher: Matcher, scope: Scope, request: PlanRequest, on: dt.date) -> MatchPlan:
    """Plan the region on day ``on`` with ``matcher`` (built for that day) and store it as a preview."""
    check_request(session, scope, request)
    repo = MatchPlanRepository(session)
    limits = Limits(per_place=request.per_place, per_worker=request.per_worker)
    going = Pipeline(repo.open_proposals(), repo.open_at_postings(), repo.proposed_pairs())
    made = plan(matcher, request.region, limits, today=day(on), pipeline=going)
    stored = _stored(made, scope, request, on)
    items = [
        MatchPlanItem(
            rank=rank,
            posting_id=p.posting_id,
            worker_id=p.worker_id,
            household_id=p.household_id,
            probability=float(p.probability),
            covers_household=bool(p.covers_household),
            reasons=list(p.reasons),
        )  # fmt: skip
        for rank, p in enumerate(made.proposals)
    ]
    repo.add(stored, items)
    return stored


def _stored(made: Plan, scope: Scope, request: PlanRequest, on: dt.date) -> MatchPlan:
    figures = {
        "expected_hires": float(made.expected_hires),
        "postings": int(made.postings),
        "places": int(made.places),
        "workers": int(made.workers),
        "households_to_cover": int(made.households_to_cover),
        "households_covered": int(made.households_covered),
        "proposals": len(made.proposals),
    }
    return MatchPlan(
        created_by=scope.username, created_role=scope.role.value, region_adcode=request.adcode,
        out_of_area=request.out_of_area, employer_ids=list(request.employer_ids) or None, plan_day=on,
        model_version=made.model_version, per_place=made.limits.per_place, per_worker=made.limits.per_worker,
        household_weight=float(made.limits.household_weight), min_probability=float(made.limits.min_probability),
        figures=figures,
    )  # fmt: skip


@dataclass(slots=True)
class CommitOutcome:
    """What a commit did: proposals written, items skipped (with the reasons), items settled by an earlier
    commit, and items of other sites left to their brokers."""

    plan_id: int
    proposed: int = 0
    skipped: list[tuple[MatchPlanItem, str]] = field(default_factory=list)
    already: int = 0
    others: int = 0


class Plans:
    """Reading and committing stored plans within an account's reach."""

    def __init__(self, session: Session, changes: Changes, *, today: dt.date | None = None) -> None:
        self.session = session
        self.changes = changes
        self.today = today or dt.date.today()
        self.repo = MatchPlanRepository(session)

    def get(self, scope: Scope, plan_id: int, *, for_update: bool = False) -> MatchPlan:
        """The plan if the account may see it; ``NotFound`` otherwise."""
        try:
            found = self.repo.plan(plan_id, for_update=for_update)
        except NotFound:
            found = None
        if found is None or not _may_plan(scope, self.repo.site_ids_in(found.region_adcode)):
            raise NotFound(f"找不到编号为 {plan_id} 的撮合日计划，或您无权查看。")
        return found

    def items(
        self, scope: Scope, plan_id: int, *, offset: int = 0, limit: int | None = None
    ) -> tuple[list[ItemRow], int]:
        """The plan's proposals of the account's sites (everyone for an administrator of the whole city)."""
        self.get(scope, plan_id)
        return self.repo.items(plan_id, scope.site_ids, offset=offset, limit=limit)

    def commit(self, scope: Scope, plan_id: int) -> CommitOutcome:
        """Write the account's part of the plan into the pipeline (see the module docstring)."""
        stored = self.get(scope, plan_id, for_update=True)
        outcome = CommitOutcome(plan_id)
        _, mine = self.repo.items(plan_id, scope.site_ids, limit=0)
        _, everyone = self.repo.items(plan_id, None, limit=0)
        todo = self.repo.uncommitted(plan_id, scope.site_ids)
        outcome.already, outcome.others = mine - len(todo), everyone - mine
        tracking = Tracking(self.session, self.changes, today=self.today)
        going = _Going(self.repo.open_proposals(), self.repo.open_at_postings())  # with those made since the preview
        settled = self.repo.no_longer_looking([item.worker_id for item in todo])
        now = utcnow()
        for item in todo:
            try:
                if item.worker_id in settled:
                    raise Conflict("此人在预览之后已经上岗或不再找工作，不再推荐。")
                self._propose(tracking, scope, stored, item, going)
                outcome.proposed += 1
            except AnyeError as exc:  # Conflict (an open match, a posting no longer open, consent), NotFound
                item.skipped = exc.detail
                outcome.skipped.append((item, exc.detail))
            item.committed_at = now
        if todo:
            stored.committed_at, stored.committed_by = now, scope.username
        self.session.flush()
        return outcome

    def _propose(self, tracking: Tracking, scope: Scope, stored: MatchPlan, item: MatchPlanItem, going: _Going) -> None:
        """One item as a proposed match, unless the worker or the posting reached its limit of open proposals."""
        already = going.workers.get(item.worker_id, 0)
        if already >= stored.per_worker:
            raise Conflict(f"此人已有 {already} 条进行中的推荐，达到每人 {stored.per_worker} 条的上限。")
        posting = self.session.get(Posting, item.posting_id)
        if posting is None:
            raise NotFound("岗位不存在或已被删除。")
        at_posting, places = going.postings.get(item.posting_id, 0), max(posting.places_left or 1, 1)
        if at_posting >= stored.per_place * places:
            raise Conflict(f"这个岗位已有 {at_posting} 条进行中的推荐，达到每个空缺名额 {stored.per_place} 人"
                           f"（共 {places} 个名额）的上限。")  # fmt: skip
        row = tracking.propose(scope, item.worker_id, item.posting_id, note=plan_note(stored.id))
        row.match.probability, row.match.model_version = item.probability, stored.model_version
        item.match_id = row.match.id
        going.workers[item.worker_id] = already + 1
        going.postings[item.posting_id] = at_posting + 1
