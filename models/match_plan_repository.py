"""Queries of match-day plans (撮合日计划): what a plan needs from the pipeline (open proposals per worker,
pairs already proposed), the sites of a region and their brokers, a plan's items with the worker, household,
site, posting, employer and the match each became.

``site_ids`` of None means every site, as in ``models.people_repository``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.account import Account, AccountSite
from models.employer import Employer
from models.errors import NotFound
from models.household import Household
from models.match import Match
from models.match_plan import MatchPlan, MatchPlanItem
from models.posting import Posting
from models.site import SettlementSite
from models.vocab import EmploymentStatus, MatchStage, PostingStatus, Role
from models.worker import Worker

__all__ = ["OPEN_STAGES", "BrokerRow", "ItemRow", "MatchPlanRepository", "region_prefix"]

S = MatchStage
# A proposal still going: neither ended (declined, separated) nor turned into a job.
OPEN_STAGES = (S.PROPOSED.value, S.CONTACTED.value, S.INTERESTED.value, S.INTERVIEW.value, S.OFFERED.value)


def region_prefix(adcode: str | None) -> str:
    """The part of an adcode its counties share: 140902 (a county) -> 140902, 140900 (a city) -> 1409,
    140000 (a province) -> 14; '' (no place limit) for None."""
    code = (adcode or "").strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@dataclass(frozen=True, slots=True)
class ItemRow:
    item: MatchPlanItem
    worker: Worker
    household: Household
    site: SettlementSite
    posting: Posting
    employer: Employer
    match: Match | None


@dataclass(frozen=True, slots=True)
class BrokerRow:
    """An active broker account serving a site (phone still encrypted)."""

    account_id: int
    username: str
    display_name: str
    phone_enc: bytes | None
    site_id: int


def _items() -> Select[MatchPlanItem, Worker, Household, SettlementSite, Posting, Employer, Match]:
    return (
        select(MatchPlanItem, Worker, Household, SettlementSite, Posting, Employer, Match)
        .join(Worker, MatchPlanItem.worker_id == Worker.id)
        .join(Household, Worker.household_id == Household.id)
        .join(SettlementSite, Household.site_id == SettlementSite.id)
        .join(Posting, MatchPlanItem.posting_id == Posting.id)
        .join(Employer, Posting.employer_id == Employer.id)
        .outerjoin(Match, MatchPlanItem.match_id == Match.id)
    )


def _in_sites(site_ids: frozenset[int] | None) -> ColumnElement[bool] | None:
    return None if site_ids is None else SettlementSite.id.in_(sorted(site_ids))


class MatchPlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- what a plan is made from ------------------------------------------------------------------
    def open_proposals(self) -> dict[int, int]:
        """Worker id -> matches of theirs still going (``OPEN_STAGES``)."""
        return self._open_by(Match.worker_id)

    def no_longer_looking(self, worker_ids: Sequence[int]) -> set[int]:
        """Those of ``worker_ids`` who now hold a job (a hire not separated, whatever its start day) or whom the
        ledger no longer has looking for work (``EmploymentStatus.is_looking``, no wish to work)."""
        ids = list(set(worker_ids))
        if not ids:
            return set()
        hired = select(Match.worker_id).where(
            Match.worker_id.in_(ids), Match.hired_on.is_not(None), Match.separated_on.is_(None)
        )
        statuses = [s.value for s in EmploymentStatus if not s.is_looking]
        ledger = select(Worker.id).where(
            Worker.id.in_(ids), or_(Worker.employment_status.in_(statuses), Worker.wish_employment.is_(False))
        )
        return {int(w) for w in self.session.scalars(hired)} | {int(w) for w in self.session.scalars(ledger)}

    def open_at_postings(self) -> dict[int, int]:
        """Posting id -> matches for it still going (``OPEN_STAGES``)."""
        return self._open_by(Match.posting_id)

    def _open_by(self, key: InstrumentedAttribute[int]) -> dict[int, int]:
        query = select(key, func.count()).where(Match.stage.in_(OPEN_STAGES)).group_by(key)
        return {int(k): int(n) for k, n in self.session.execute(query)}

    def proposed_pairs(self) -> frozenset[tuple[int, int]]:
        """(worker id, posting id) of every match for an open posting, whatever its stage: a pair proposed
        once (even declined) is not proposed again by a plan."""
        query = (
            select(Match.worker_id, Match.posting_id)
            .join(Posting, Match.posting_id == Posting.id)
            .where(Posting.status == PostingStatus.OPEN.value)
            .distinct()
        )
        return frozenset((int(w), int(p)) for w, p in self.session.execute(query))

    def site_ids_in(self, adcode: str | None) -> frozenset[int]:
        """The sites whose county lies in the region of ``adcode`` (every site for None)."""
        query = select(SettlementSite.id)
        prefix = region_prefix(adcode)
        if prefix:
            query = query.where(SettlementSite.county_adcode.startswith(prefix))
        return frozenset(int(s) for s in self.session.scalars(query))

    def brokers(self, site_ids: frozenset[int] | None) -> list[BrokerRow]:
        """Active broker accounts serving the sites, by user name."""
        query = (
            select(Account.id, Account.username, Account.display_name, Account.phone_enc, AccountSite.site_id)
            .join(AccountSite, AccountSite.account_id == Account.id)
            .where(Account.role == Role.BROKER.value, Account.active.is_(True))
        )
        if site_ids is not None:
            query = query.where(AccountSite.site_id.in_(sorted(site_ids)))
        rows = self.session.execute(query.order_by(Account.username, AccountSite.site_id))
        return [BrokerRow(int(a), u, d, p, int(s)) for a, u, d, p, s in rows]

    # -- plans -------------------------------------------------------------------------------------
    def recent(self, site_ids: frozenset[int] | None, *, limit: int = 10) -> list[MatchPlan]:
        """The newest plans of regions holding one of ``site_ids`` (every plan when None)."""
        regions = list(self.session.scalars(select(MatchPlan.region_adcode).distinct()))
        if site_ids is not None:
            regions = [r for r in regions if site_ids & self.site_ids_in(r)]
        conditions: list[ColumnElement[bool]] = []
        if codes := [r for r in regions if r is not None]:
            conditions.append(MatchPlan.region_adcode.in_(codes))
        if None in regions:
            conditions.append(MatchPlan.region_adcode.is_(None))
        if not conditions:
            return []
        query = select(MatchPlan).where(or_(*conditions)).order_by(MatchPlan.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def add(self, plan: MatchPlan, items: Sequence[MatchPlanItem]) -> None:
        self.session.add(plan)
        self.session.flush()
        for item in items:
            item.plan_id = plan.id
        self.session.add_all(items)
        self.session.flush()

    def plan(self, plan_id: int, *, for_update: bool = False) -> MatchPlan:
        """The plan; ``for_update`` locks it (one commit of a plan at a time)."""
        query = select(MatchPlan).where(MatchPlan.id == plan_id)
        found = self.session.scalars(query.with_for_update() if for_update else query).first()
        if found is None:
            raise NotFound(f"找不到编号为 {plan_id} 的撮合日计划。")
        return found

    def items(
        self, plan_id: int, site_ids: frozenset[int] | None, *, offset: int = 0, limit: int | None = None
    ) -> tuple[list[ItemRow], int]:
        """The plan's items of workers of the sites, in the plan's order, and their number."""
        query = _items().where(MatchPlanItem.plan_id == plan_id)
        if (condition := _in_sites(site_ids)) is not None:
            query = query.where(condition)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        query = query.order_by(MatchPlanItem.rank, MatchPlanItem.id).offset(offset)
        rows = self.session.execute(query.limit(limit) if limit is not None else query)
        return [ItemRow(*row) for row in rows], total

    def uncommitted(self, plan_id: int, site_ids: frozenset[int] | None) -> list[MatchPlanItem]:
        """Items of workers of the sites that no commit has settled yet, in the plan's order."""
        query = (
            select(MatchPlanItem)
            .join(Worker, MatchPlanItem.worker_id == Worker.id)
            .join(Household, Worker.household_id == Household.id)
            .join(SettlementSite, Household.site_id == SettlementSite.id)
            .where(MatchPlanItem.plan_id == plan_id, MatchPlanItem.committed_at.is_(None))
        )
        if (condition := _in_sites(site_ids)) is not None:
            query = query.where(condition)
        return list(self.session.scalars(query.order_by(MatchPlanItem.rank, MatchPlanItem.id)))
