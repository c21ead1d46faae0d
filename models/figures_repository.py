"""Queries behind the figures and lists (统计报表与工作清单): the records every figure is computed from.

Each method returns plain rows (frozen dataclasses), never computed figures: the computations are pure
functions in ``api.figures_*`` over these rows, so every figure can be reproduced from the records and
checked by hand on a small case. ``site_ids`` of None means every site (an administrator of the whole city);
an empty set means none.

A worker, a household, a hire belongs to the settlement site the household lives at (``Household.site_id``); a
public-welfare post to the site it is at (``Posting.site_id``), else to the county of its workplace or
employer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select, true
from sqlalchemy.orm import Session

from models.batch import ImportBatch
from models.employer import Employer
from models.history import WorkerChange
from models.household import Household
from models.match import Match, MatchEvent
from models.posting import Posting, PublicWelfareJob
from models.site import SettlementSite
from models.training import TrainingRecord
from models.vocab import MatchStage
from models.worker import Worker, WorkerCertificate

__all__ = [
    "CHAIN",
    "TRACKED_FIELDS",
    "ChangeRow",
    "FiguresRepository",
    "HireRow",
    "HouseholdRecord",
    "PersonRecord",
    "ProposalRow",
    "SiteInfo",
    "WelfarePostRow",
]

# The placement funnel's steps in order; a match that reached a step passed every one before it.
CHAIN: tuple[MatchStage, ...] = (
    MatchStage.PROPOSED,
    MatchStage.CONTACTED,
    MatchStage.INTERESTED,
    MatchStage.INTERVIEW,
    MatchStage.OFFERED,
    MatchStage.HIRED,
)
_LEDGER_FIELDS = (
    "worker_id", "household_id", "site_id", "name", "id_mask", "phone_mask", "birth_date", "labour_capacity",
    "employment_status", "monthly_income", "training_wish", "wish_employment", "wish_job_text", "not_working_reason",
)  # fmt: skip
# Ledger fields whose value on a past day is rebuilt from the change log (变更记录).
TRACKED_FIELDS = ("labour_capacity", "employment_status", "monthly_income")


@dataclass(frozen=True, slots=True)
class SiteInfo:
    id: int
    name: str
    county: str | None


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    id: int
    site_id: int
    number: str
    head_name: str | None
    category: str | None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person of the ledger with the current values of the fields the figures read.

    ``recorded_on``: the first day the ledger holds the person: the earliest of the day written, ``as_of`` and
    the ledger date of the import that last changed them (a hire or a correction moves ``as_of`` on).
    ``trained_on``: the first training on record (one without a date counts from ``recorded_on``); None: never
    trained. ``certificate_expiries``: one per certificate (None: no expiry). ``certified_by_training``: a
    training on record gave a certificate."""

    worker_id: int
    household_id: int
    site_id: int
    name: str
    id_mask: str
    phone_mask: str | None
    birth_date: dt.date
    labour_capacity: str | None
    employment_status: str | None
    monthly_income: int | None
    training_wish: bool | None
    wish_employment: bool | None
    wish_job_text: str | None
    not_working_reason: str | None
    recorded_on: dt.date
    trained_on: dt.date | None = None
    certificate_expiries: tuple[dt.date | None, ...] = ()
    certified_by_training: bool = False


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One change of a tracked ledger field, effective on ``on`` (the import's ledger date, else the day it
    was recorded)."""

    worker_id: int
    field: str
    old: str | None
    new: str | None
    on: dt.date


@dataclass(frozen=True, slots=True)
class HireRow:
    """A placement (上岗): a match with a hiring date."""

    match_id: int
    worker_id: int
    posting_id: int
    hired_on: dt.date
    separated_on: dt.date | None
    wage: Decimal | None
    separation_reason: str | None
    title: str
    employer: str
    public_welfare: bool = False
    term_months: int | None = None


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """A match for the funnel: the day proposed, its current stage, the furthest step of ``CHAIN`` its events
    reached (index, -1 without events) and its hiring and separation dates."""

    match_id: int
    worker_id: int
    proposed_on: dt.date
    stage: str
    furthest_event: int
    hired_on: dt.date | None
    separated_on: dt.date | None


@dataclass(frozen=True, slots=True)
class WelfarePostRow:
    """A public-welfare posting (公益性岗位) with its places and terms."""

    posting_id: int
    site_id: int | None
    county: str | None
    title: str
    category: str
    status: str
    headcount: int | None
    filled: int
    term_months: int | None
    opened_on: dt.date | None
    closed_on: dt.date | None


def _utc_day(value: dt.datetime) -> dt.date:
    """The UTC day of a stored time: PostgreSQL hands times back in the session's time zone, SQLite in UTC."""
    return (value.astimezone(dt.UTC) if value.tzinfo else value).date()


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    return _utc_day(value) if isinstance(value, dt.datetime) else value


def _utc(day: dt.date) -> dt.datetime:
    """The start of ``day`` (UTC) as a bound: a naive one would be read in the PostgreSQL session's zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _chunks(items: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class FiguresRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _in(site_column: Any, site_ids: frozenset[int] | None) -> ColumnElement[bool]:
        return true() if site_ids is None else site_column.in_(sorted(site_ids))

    def sites(self, site_ids: frozenset[int] | None) -> list[SiteInfo]:
        query = select(SettlementSite.id, SettlementSite.name, SettlementSite.county_adcode)
        query = query.where(self._in(SettlementSite.id, site_ids)).order_by(SettlementSite.id)
        return [SiteInfo(*row) for row in self.session.execute(query)]

    def households(self, site_ids: frozenset[int] | None) -> list[HouseholdRecord]:
        query = select(Household.id, Household.site_id, Household.number, Household.head_name, Household.category)
        query = query.where(self._in(Household.site_id, site_ids)).order_by(Household.id)
        return [HouseholdRecord(*row) for row in self.session.execute(query)]

    def people(self, site_ids: frozenset[int] | None) -> list[PersonRecord]:
        """Every person of the ledger at these sites, with training and certificates."""
        query = (
            select(
                Worker.id,
                Worker.household_id,
                Household.site_id,
                Worker.name,
                Worker.id_number_mask,
                Worker.phone_mask,
                Worker.birth_date,
                Worker.labour_capacity,
                Worker.employment_status,
                Worker.monthly_income,
                Worker.training_wish,
                Worker.wish_employment,
                Worker.wish_job_text,
                Worker.not_working_reason,
                Worker.as_of,
                Worker.created_at,
                ImportBatch.as_of,
            )
            .join(Household, Household.id == Worker.household_id)
            .outerjoin(ImportBatch, (ImportBatch.id == Worker.last_batch_id) & (ImportBatch.kind == "ledger"))
            .where(self._in(Household.site_id, site_ids))
            .order_by(Worker.id)
        )
        rows: list[Any] = list(self.session.execute(query))
        ids = [row[0] for row in rows]
        trainings, certified = self._trainings(ids)
        certificates = self._certificates(ids)
        people = []
        for *values, as_of, created_at, batch_as_of in rows:
            recorded = min(d for d in (as_of, _day(created_at), batch_as_of) if d is not None)
            first = trainings.get(values[0], dt.date.max)
            trained_on = None if first == dt.date.max else (first if first != dt.date.min else recorded)
            people.append(
                PersonRecord(
                    **dict(zip(_LEDGER_FIELDS, values, strict=True)),
                    recorded_on=recorded,
                    trained_on=trained_on,
                    certificate_expiries=tuple(certificates.get(values[0], ())),
                    certified_by_training=values[0] in certified,
                )
            )
        return people

    def _trainings(self, worker_ids: list[int]) -> tuple[dict[int, dt.date], set[int]]:
        """Per worker the first training day (``date.min`` for a record without a date); who was certified."""
        first: dict[int, dt.date] = {}
        certified: set[int] = set()
        query = select(TrainingRecord.worker_id, TrainingRecord.attended_on, TrainingRecord.certified)
        for chunk in _chunks(worker_ids):
            for worker_id, attended, was_certified in self.session.execute(
                query.where(TrainingRecord.worker_id.in_(chunk))
            ):
                day = attended if attended is not None else dt.date.min
                first[worker_id] = min(first.get(worker_id, dt.date.max), day)
                if was_certified:
                    certified.add(worker_id)
        return first, certified

    def _certificates(self, worker_ids: list[int]) -> dict[int, list[dt.date | None]]:
        out: dict[int, list[dt.date | None]] = {}
        query = select(WorkerCertificate.worker_id, WorkerCertificate.expires_on)
        for chunk in _chunks(worker_ids):
            for worker_id, expires in self.session.execute(query.where(WorkerCertificate.worker_id.in_(chunk))):
                out.setdefault(worker_id, []).append(expires)
        return out

    def changes(self, site_ids: frozenset[int] | None) -> list[ChangeRow]:
        """Changes of the tracked ledger fields of the people at these sites, oldest first."""
        effective = func.coalesce(ImportBatch.as_of, WorkerChange.changed_at)
        query = (
            select(
                WorkerChange.worker_id,
                WorkerChange.field,
                WorkerChange.old_value,
                WorkerChange.new_value,
                ImportBatch.as_of,
                WorkerChange.changed_at,
            )
            .join(Worker, Worker.id == WorkerChange.worker_id)
            .join(Household, Household.id == Worker.household_id)
            .outerjoin(ImportBatch, ImportBatch.id == WorkerChange.batch_id)
            .where(self._in(Household.site_id, site_ids), WorkerChange.field.in_(TRACKED_FIELDS))
            .order_by(effective, WorkerChange.id)
        )
        out = []
        for worker_id, field, old, new, as_of, changed_at in self.session.execute(query):
            on = as_of if as_of is not None else _utc_day(changed_at)
            out.append(ChangeRow(worker_id, field, old, new, on))
        return out

    def hires(self, site_ids: frozenset[int] | None) -> list[HireRow]:
        """Every placement of the people at these sites, with the public-welfare terms of its posting."""
        query = (
            select(
                Match.id,
                Match.worker_id,
                Match.posting_id,
                Match.hired_on,
                Match.separated_on,
                Match.wage,
                Match.separation_reason,
                Posting.title,
                Employer.name,
                PublicWelfareJob.posting_id.is_not(None),
                PublicWelfareJob.term_months,
            )
            .join(Worker, Worker.id == Match.worker_id)
            .join(Household, Household.id == Worker.household_id)
            .join(Posting, Posting.id == Match.posting_id)
            .join(Employer, Employer.id == Posting.employer_id)
            .outerjoin(PublicWelfareJob, PublicWelfareJob.posting_id == Posting.id)
            .where(self._in(Household.site_id, site_ids), Match.hired_on.is_not(None))
            .order_by(Match.hired_on, Match.id)
        )
        rows: list[Any] = list(self.session.execute(query))
        return [HireRow(*row) for row in rows]

    def _voided_events(self) -> list[int]:
        """Events a correction took back (``{"void": true}``); rare, so read in full."""
        rows = self.session.execute(
            select(MatchEvent.corrects_id, MatchEvent.detail).where(MatchEvent.corrects_id.is_not(None))
        )
        return sorted({int(target) for target, detail in rows if isinstance(detail, dict) and detail.get("void")})

    def proposals(self, site_ids: frozenset[int] | None, start: dt.date, end: dt.date) -> list[ProposalRow]:
        """Matches proposed from ``start`` to ``end`` (inclusive) for people at these sites."""
        index = case({stage.value: i for i, stage in enumerate(CHAIN)}, value=MatchEvent.stage, else_=-1)
        # steps only: not corrections, nor a step a correction took back (voided: it did not happen)
        steps = select(MatchEvent.match_id, func.max(index).label("furthest")).where(MatchEvent.corrects_id.is_(None))
        voided = self._voided_events()
        if voided:
            steps = steps.where(MatchEvent.id.notin_(voided))
        furthest = steps.group_by(MatchEvent.match_id).subquery()
        query = (
            select(
                Match.id,
                Match.worker_id,
                Match.proposed_at,
                Match.stage,
                func.coalesce(furthest.c.furthest, literal(-1)),
                Match.hired_on,
                Match.separated_on,
            )
            .join(Worker, Worker.id == Match.worker_id)
            .join(Household, Household.id == Worker.household_id)
            .outerjoin(furthest, furthest.c.match_id == Match.id)
            .where(
                self._in(Household.site_id, site_ids),
                Match.proposed_at >= _utc(start),
                Match.proposed_at < _utc(end + dt.timedelta(days=1)),
            )
            .order_by(Match.id)
        )
        return [
            ProposalRow(mid, wid, _utc_day(proposed), stage, int(event), hired, separated)
            for mid, wid, proposed, stage, event, hired, separated in self.session.execute(query)
        ]

    def welfare_posts(self, site_ids: frozenset[int] | None, counties: frozenset[str] | None) -> list[WelfarePostRow]:
        """Public-welfare postings at these sites, or (posts at no site) in these counties; ``counties`` None
        with ``site_ids`` None: all."""
        county = func.coalesce(SettlementSite.county_adcode, Posting.work_adcode, Employer.county_adcode)
        query = (
            select(
                Posting.id,
                Posting.site_id,
                county,
                Posting.title,
                PublicWelfareJob.category,
                Posting.status,
                Posting.headcount,
                Posting.filled_count,
                PublicWelfareJob.term_months,
                Posting.opened_at,
                Posting.closed_at,
            )
            .join(PublicWelfareJob, PublicWelfareJob.posting_id == Posting.id)
            .join(Employer, Employer.id == Posting.employer_id)
            .outerjoin(SettlementSite, SettlementSite.id == Posting.site_id)
            .order_by(Posting.id)
        )
        out = []
        rows: list[Any] = list(self.session.execute(query))
        for pid, site_id, code, title, category, status, headcount, filled, term, opened, closed in rows:
            county_code = code[:6] if code else None
            if site_ids is not None and site_id not in site_ids:
                if site_id is not None or counties is None or county_code not in counties:
                    continue
            out.append(
                WelfarePostRow(pid, site_id, county_code, title, category, status, headcount, filled, term,
                               _day(opened), _day(closed))
            )  # fmt: skip
        return out
