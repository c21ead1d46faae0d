"""Queries of the placement pipeline: a match with its worker, household, site, posting and employer; lists of
matches within an account's reach; events; a household's labour and employment; household alerts; hires due
a follow-up; hires per broker.

``site_ids`` of None means every site, as in ``models.people_repository``, whose rule of *labour* and
*employed* is used here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from models.account import Account
from models.alert import HouseholdAlert
from models.employer import Employer
from models.errors import NotFound
from models.household import Household
from models.match import Match, MatchEvent
from models.people_repository import EMPLOYED, LABOUR
from models.posting import Posting
from models.site import SettlementSite
from models.vocab import MatchSource, MatchStage, Role
from models.worker import Worker

__all__ = ["AlertRow", "HireRow", "MatchFilter", "MatchRow", "PipelineRepository"]


@dataclass(frozen=True, slots=True)
class MatchRow:
    match: Match
    worker: Worker
    household: Household
    site: SettlementSite
    posting: Posting
    employer: Employer


@dataclass(frozen=True, slots=True)
class MatchFilter:
    """Which matches a list shows: the reach of the account (``site_ids`` of the worker, or an ``employer_id``
    whose postings' agreed matches it sees, or the ``worker_id`` of the account itself), and filters."""

    site_ids: frozenset[int] | None = None
    employer_id: int | None = None
    own_worker_id: int | None = None
    posting_id: int | None = None
    worker_id: int | None = None
    stage: str | None = None
    site_id: int | None = None


@dataclass(frozen=True, slots=True)
class AlertRow:
    alert: HouseholdAlert
    site_name: str
    household_number: str
    head_name: str | None


@dataclass(frozen=True, slots=True)
class HireRow:
    """A hire: the match, who the hire event was recorded by, and the worker's site."""

    match: Match
    hired_by: str | None
    site_id: int


def _rows() -> Select[Match, Worker, Household, SettlementSite, Posting, Employer]:
    return (
        select(Match, Worker, Household, SettlementSite, Posting, Employer)
        .join(Worker, Match.worker_id == Worker.id)
        .join(Household, Worker.household_id == Household.id)
        .join(SettlementSite, Household.site_id == SettlementSite.id)
        .join(Posting, Match.posting_id == Posting.id)
        .join(Employer, Posting.employer_id == Employer.id)
    )


def _match_row(row: Any) -> MatchRow:
    match, worker, household, site, posting, employer = row
    return MatchRow(match, worker, household, site, posting, employer)


def _in_sites(site_ids: frozenset[int] | None) -> ColumnElement[bool] | None:
    return None if site_ids is None else SettlementSite.id.in_(list(site_ids))


class PipelineRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- matches -----------------------------------------------------------------------------------
    def match(self, match_id: int, *, for_update: bool = False) -> MatchRow:
        """The match with what it joins; ``for_update`` locks the match row (one step at a time per match)."""
        if for_update:
            self.session.scalars(select(Match.id).where(Match.id == match_id).with_for_update()).first()
        found = self.session.execute(_rows().where(Match.id == match_id)).first()
        if found is None:
            raise NotFound(f"找不到编号为 {match_id} 的撮合记录。")
        if for_update:
            self.session.refresh(found[0])
        return _match_row(found)

    def matches(self, where: MatchFilter, *, offset: int, limit: int) -> tuple[list[MatchRow], int]:
        query = _rows()
        conditions = [
            _in_sites(where.site_ids),
            Posting.employer_id == where.employer_id if where.employer_id is not None else None,
            Match.agreed_at.is_not(None) if where.employer_id is not None else None,
            Match.worker_id == where.own_worker_id if where.own_worker_id is not None else None,
            Match.posting_id == where.posting_id if where.posting_id is not None else None,
            Match.worker_id == where.worker_id if where.worker_id is not None else None,
            Match.stage == where.stage if where.stage is not None else None,
            SettlementSite.id == where.site_id if where.site_id is not None else None,
        ]
        query = query.where(*(c for c in conditions if c is not None))
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = self.session.execute(query.order_by(Match.stage_at.desc(), Match.id.desc()).offset(offset).limit(limit))
        return [_match_row(r) for r in rows], total

    def open_match(self, worker_id: int, posting_id: int) -> Match | None:
        """The worker's match for the posting that is still going (neither declined nor separated)."""
        ended = (MatchStage.DECLINED.value, MatchStage.SEPARATED.value)
        query = select(Match).where(Match.worker_id == worker_id, Match.posting_id == posting_id,
                                    Match.stage.not_in(ended))  # fmt: skip
        return self.session.scalars(query.order_by(Match.id.desc()).limit(1)).first()

    def add(self, obj: Match | MatchEvent | HouseholdAlert) -> None:
        self.session.add(obj)
        self.session.flush()

    def events(self, match_id: int) -> Sequence[MatchEvent]:
        query = select(MatchEvent).where(MatchEvent.match_id == match_id).order_by(MatchEvent.at, MatchEvent.id)
        return self.session.scalars(query).all()

    def event(self, match_id: int, event_id: int) -> MatchEvent:
        found = self.session.get(MatchEvent, event_id)
        if found is None or found.match_id != match_id:
            raise NotFound(f"撮合记录 {match_id} 中没有编号为 {event_id} 的事件。")
        return found

    def other_jobs(self, worker_id: int, except_match_id: int) -> int:
        """How many other hires of the worker are going on (recorded in Anye, not imported history)."""
        query = select(func.count()).where(
            Match.worker_id == worker_id,
            Match.id != except_match_id,
            Match.stage == MatchStage.HIRED.value,
            Match.source != MatchSource.HISTORY.value,
        )
        return int(self.session.scalar(query) or 0)

    # -- households and alerts ---------------------------------------------------------------------
    def household_counts(self, household_id: int) -> tuple[int, int, int]:
        """Labour, employed, and the monthly income of the household's members (yuan)."""
        query = select(
            func.coalesce(func.sum(case((Worker.labour_capacity.in_(LABOUR), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Worker.employment_status.in_(EMPLOYED), 1), else_=0)), 0),
            func.coalesce(func.sum(Worker.monthly_income), 0),
        ).where(Worker.household_id == household_id)
        labour, employed, income = self.session.execute(query).one()
        return int(labour), int(employed), int(income)

    def open_alerts(self, household_id: int) -> Sequence[HouseholdAlert]:
        query = select(HouseholdAlert).where(
            HouseholdAlert.household_id == household_id, HouseholdAlert.cleared_at.is_(None)
        )
        return self.session.scalars(query.order_by(HouseholdAlert.id)).all()

    def alerts(
        self, site_ids: frozenset[int] | None, *, state: str, site_id: int | None, offset: int, limit: int
    ) -> tuple[list[AlertRow], int]:
        """Alerts of the sites, newest first; ``state`` is "open", "cleared" or "all"."""
        query = (
            select(HouseholdAlert, SettlementSite.name, Household.number, Household.head_name)
            .join(SettlementSite, HouseholdAlert.site_id == SettlementSite.id)
            .join(Household, HouseholdAlert.household_id == Household.id)
        )
        conditions: list[ColumnElement[bool] | None] = [
            _in_sites(site_ids),
            HouseholdAlert.site_id == site_id if site_id is not None else None,
            HouseholdAlert.cleared_at.is_(None) if state == "open" else None,
            HouseholdAlert.cleared_at.is_not(None) if state == "cleared" else None,
        ]
        query = query.where(*(c for c in conditions if c is not None))
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        order = (HouseholdAlert.raised_at.desc(), HouseholdAlert.id.desc())
        rows = self.session.execute(query.order_by(*order).offset(offset).limit(limit))
        return [AlertRow(a, s, n, h) for a, s, n, h in rows], total

    # -- follow-ups --------------------------------------------------------------------------------
    def hires_going_on(self, site_ids: frozenset[int] | None, site_id: int | None) -> list[MatchRow]:
        """Hires recorded in Anye that are going on (imported history is not followed up), oldest first."""
        query = _rows().where(
            Match.stage == MatchStage.HIRED.value,
            Match.hired_on.is_not(None),
            Match.source != MatchSource.HISTORY.value,
        )
        for condition in (_in_sites(site_ids), SettlementSite.id == site_id if site_id is not None else None):
            if condition is not None:
                query = query.where(condition)
        return [_match_row(r) for r in self.session.execute(query.order_by(Match.hired_on, Match.id))]

    def checkpoint_months(self, match_ids: Collection[int]) -> dict[int, set[int]]:
        """The follow-up months already recorded per match (events whose detail has a month), leaving out
        visits a correction took back."""
        out: dict[int, set[int]] = {}
        ids = list(match_ids)
        for start in range(0, len(ids), 1000):
            query = select(MatchEvent.id, MatchEvent.match_id, MatchEvent.detail, MatchEvent.corrects_id).where(
                MatchEvent.match_id.in_(ids[start : start + 1000])
            )
            rows = list(self.session.execute(query))
            voided = {target for _, _, detail, target in rows if target is not None and _voids(detail)}
            for event_id, match_id, detail, target in rows:
                month = _month(detail)
                if target is None and month is not None and event_id not in voided:
                    out.setdefault(match_id, set()).add(month)
        return out

    # -- broker attribution ------------------------------------------------------------------------
    def hires_between(self, start: dt.date, end: dt.date, site_ids: frozenset[int] | None) -> list[HireRow]:
        """Hires with a start date in [``start``, ``end``) of workers of the sites (imported history left out),
        with the actor of each match's first ``hired`` event not taken back."""
        hired = select(MatchEvent.match_id, func.min(MatchEvent.id).label("event_id")).where(
            MatchEvent.stage == MatchStage.HIRED.value, MatchEvent.corrects_id.is_(None)
        )
        if voided := self._voided():  # a hire taken back was recorded by no one: the one that stands counts
            hired = hired.where(MatchEvent.id.not_in(voided))
        first_hire = hired.group_by(MatchEvent.match_id).subquery()
        query = (
            select(Match, MatchEvent.actor, SettlementSite.id)
            .join(Worker, Match.worker_id == Worker.id)
            .join(Household, Worker.household_id == Household.id)
            .join(SettlementSite, Household.site_id == SettlementSite.id)
            .outerjoin(first_hire, first_hire.c.match_id == Match.id)
            .outerjoin(MatchEvent, MatchEvent.id == first_hire.c.event_id)
            .where(Match.hired_on >= start, Match.hired_on < end, Match.source != MatchSource.HISTORY.value)
        )
        if (condition := _in_sites(site_ids)) is not None:
            query = query.where(condition)
        return [HireRow(m, actor, site) for m, actor, site in self.session.execute(query.order_by(Match.id))]

    def _voided(self) -> list[int]:
        """Events a correction took back (``{"void": true}``); rare, so read in full."""
        query = select(MatchEvent.corrects_id, MatchEvent.detail).where(MatchEvent.corrects_id.is_not(None))
        return sorted({int(target) for target, detail in self.session.execute(query) if _voids(detail)})

    def brokers(self, usernames: Collection[str]) -> dict[str, str]:
        """Broker accounts among ``usernames``: user name -> display name."""
        if not usernames:
            return {}
        query = select(Account.username, Account.display_name).where(
            Account.username.in_(list(usernames)), Account.role == Role.BROKER.value
        )
        return {u: d for u, d in self.session.execute(query)}


def _voids(detail: Any) -> bool:
    return isinstance(detail, dict) and bool(detail.get("void"))


def _month(detail: Any) -> int | None:
    if isinstance(detail, dict) and "still_employed" in detail and isinstance(detail.get("month"), int):
        return int(detail["month"])
    return None
