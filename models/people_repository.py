"""Queries behind the people resources of the API: settlement sites (安置点), households (搬迁户), workers
(搬迁劳动力) and the audit log, always limited to the sites an account may see.

``site_ids`` of None means every site (an administrator of the whole city); an empty set means none. Counts
follow one rule everywhere: *labour* is a person whose labour capacity is 技能/普通/弱劳动力, *employed* a
person whose employment status is a job (``EmploymentStatus.is_employed``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from models.audit import AuditEvent
from models.household import Household
from models.site import SettlementSite
from models.vocab import EmploymentStatus, LabourCapacity
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = [
    "EMPLOYED",
    "HouseholdFilter",
    "HouseholdRow",
    "LABOUR",
    "PeopleRepository",
    "SiteRow",
    "Sorting",
    "WorkerFilter",
    "WorkerRow",
]

_Query: TypeAlias = "Select[*tuple[Any, ...]]"
LABOUR = tuple(c.value for c in LabourCapacity if c.has_labour)
EMPLOYED = tuple(s.value for s in EmploymentStatus if s.is_employed)
# not employed and not out of the labour market: who "available" means, with the wish to work
_SEEKING = (EmploymentStatus.UNEMPLOYED.value,)


@dataclass(frozen=True, slots=True)
class Sorting:
    """A page of a sorted list: field name (as the repository knows it), direction, offset and size."""

    field: str
    descending: bool
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class SiteRow:
    site: SettlementSite
    households: int
    workers: int
    labour: int
    employed: int


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    household: Household
    site_name: str
    county_adcode: str | None
    members: int
    labour: int
    employed: int


@dataclass(frozen=True, slots=True)
class WorkerRow:
    worker: Worker
    household_number: str
    site_id: int
    site_name: str
    county_adcode: str | None


@dataclass(frozen=True, slots=True)
class HouseholdFilter:
    site_ids: frozenset[int] | None  # the account's scope
    site_id: int | None = None
    county: str | None = None
    category: str | None = None
    no_one_employed: bool | None = None


@dataclass(frozen=True, slots=True)
class WorkerFilter:
    """Conditions on workers; an empty tuple means "any". Ages arrive as birth-date bounds."""

    site_ids: frozenset[int] | None  # the account's scope
    site_id: int | None = None
    county: str | None = None
    statuses: tuple[str, ...] = ()
    occupation_prefix: str | None = None  # a 大典 code or its prefix, of a skill or a wished job
    certificate: str | None = None  # canonical name
    born_on_or_before: dt.date | None = None
    born_after: dt.date | None = None
    labour: tuple[str, ...] = ()
    available: bool | None = None
    name_contains: str | None = None


def _in_scope(site_column: Any, site_ids: frozenset[int] | None) -> ColumnElement[bool]:
    if site_ids is None:
        return literal(True)
    return site_column.in_(sorted(site_ids)) if site_ids else literal(False)


def _worker_counts(*where: ColumnElement[bool]) -> Any:
    """Per household: members, labour, employed (a subquery), over the households meeting ``where`` (so a
    broker's page does not count the whole city)."""
    labour = func.sum(case((Worker.labour_capacity.in_(LABOUR), 1), else_=0))
    employed = func.sum(case((Worker.employment_status.in_(EMPLOYED), 1), else_=0))
    return (
        select(
            Worker.household_id.label("household_id"),
            func.count(Worker.id).label("members"),
            labour.label("labour"),
            employed.label("employed"),
        )
        .join(Household, Household.id == Worker.household_id)
        .where(*where)
        .group_by(Worker.household_id)
        .subquery()
    )


def _order(
    query: _Query, columns: dict[str, Any], sorting: Sorting, tie: Any, inverted: frozenset[str] = frozenset()
) -> _Query:
    """``query`` sorted by ``sorting.field`` (a key of ``columns``; an ``inverted`` one sorts its column the
    other way round), then by ``tie`` so pages never overlap, and cut to the page."""
    column = columns[sorting.field]
    descending = sorting.descending != (sorting.field in inverted)
    ordered = query.order_by(column.desc() if descending else column.asc(), tie)
    return ordered.offset(sorting.offset).limit(sorting.limit)


def _count(session: Session, query: _Query) -> int:
    return int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # sites ------------------------------------------------------------------------------------------
    def _sites(self, site_ids: frozenset[int] | None, *where: ColumnElement[bool]) -> _Query:
        counts = _worker_counts(_in_scope(Household.site_id, site_ids), *where)
        per_site = (
            select(
                Household.site_id.label("site_id"),
                func.count(Household.id).label("households"),
                func.coalesce(func.sum(counts.c.members), 0).label("workers"),
                func.coalesce(func.sum(counts.c.labour), 0).label("labour"),
                func.coalesce(func.sum(counts.c.employed), 0).label("employed"),
            )
            .outerjoin(counts, counts.c.household_id == Household.id)
            .where(_in_scope(Household.site_id, site_ids), *where)
            .group_by(Household.site_id)
            .subquery()
        )
        numbers = [func.coalesce(per_site.c[n], 0) for n in ("households", "workers", "labour", "employed")]
        return (
            select(SettlementSite, *numbers)
            .outerjoin(per_site, per_site.c.site_id == SettlementSite.id)
            .where(_in_scope(SettlementSite.id, site_ids))
        )

    def sites(self, site_ids: frozenset[int] | None, county: str | None, sorting: Sorting) -> tuple[list[SiteRow], int]:
        query = self._sites(site_ids)
        if county:
            query = query.where(SettlementSite.county_adcode == county)
        columns = {"name": SettlementSite.name, "county": SettlementSite.county_adcode, "id": SettlementSite.id}
        rows = self.session.execute(_order(query, columns, sorting, SettlementSite.id)).all()
        return [_site_row(row) for row in rows], _count(self.session, query)

    def site(self, site_id: int, site_ids: frozenset[int] | None) -> SiteRow | None:
        query = self._sites(site_ids, Household.site_id == site_id).where(SettlementSite.id == site_id)
        row = self.session.execute(query).one_or_none()
        return _site_row(row) if row is not None else None

    # households -------------------------------------------------------------------------------------
    def _households(self, site_ids: frozenset[int] | None, *where: ColumnElement[bool]) -> tuple[_Query, Any]:
        counts = _worker_counts(_in_scope(Household.site_id, site_ids), *where)
        numbers = [func.coalesce(counts.c[n], 0) for n in ("members", "labour", "employed")]
        query = (
            select(Household, SettlementSite.name, SettlementSite.county_adcode, *numbers)
            .join(SettlementSite, SettlementSite.id == Household.site_id)
            .outerjoin(counts, counts.c.household_id == Household.id)
            .where(_in_scope(Household.site_id, site_ids))
        )
        return query, counts

    def households(self, where: HouseholdFilter, sorting: Sorting) -> tuple[list[HouseholdRow], int]:
        query, counts = self._households(where.site_ids)
        if where.site_id is not None:
            query = query.where(Household.site_id == where.site_id)
        if where.county:
            query = query.where(SettlementSite.county_adcode == where.county)
        if where.category:
            query = query.where(Household.category == where.category)
        if where.no_one_employed is not None:
            labour, employed = func.coalesce(counts.c.labour, 0), func.coalesce(counts.c.employed, 0)
            none_employed = and_(labour > 0, employed == 0)
            query = query.where(none_employed if where.no_one_employed else ~none_employed)
        columns = {
            "number": Household.number,
            "head_name": Household.head_name,
            "site": SettlementSite.name,
            "members": func.coalesce(counts.c.members, 0),
            "updated_at": Household.updated_at,
        }
        rows = self.session.execute(_order(query, columns, sorting, Household.id)).all()
        return [_household_row(row) for row in rows], _count(self.session, query)

    def household(self, household_id: int, site_ids: frozenset[int] | None) -> HouseholdRow | None:
        query, _ = self._households(site_ids, Household.id == household_id)
        row = self.session.execute(query.where(Household.id == household_id)).one_or_none()
        return _household_row(row) if row is not None else None

    # workers ----------------------------------------------------------------------------------------
    def _workers(self, site_ids: frozenset[int] | None) -> _Query:
        return (
            select(Worker, Household.number, SettlementSite.id, SettlementSite.name, SettlementSite.county_adcode)
            .join(Household, Household.id == Worker.household_id)
            .join(SettlementSite, SettlementSite.id == Household.site_id)
            .where(_in_scope(Household.site_id, site_ids))
        )

    def workers(self, where: WorkerFilter, sorting: Sorting) -> tuple[list[WorkerRow], int]:
        query = self._workers(where.site_ids).where(*_worker_conditions(where))
        columns = {
            "name": Worker.name,
            "age": Worker.birth_date,
            "site": SettlementSite.name,
            "updated_at": Worker.updated_at,
        }
        # a later birth date is a younger person: age ascending is birth date descending
        ordered = _order(query, columns, sorting, Worker.id, inverted=frozenset({"age"}))
        return [WorkerRow(*row) for row in self.session.execute(ordered)], _count(self.session, query)

    def worker(self, worker_id: int, site_ids: frozenset[int] | None) -> WorkerRow | None:
        row = self.session.execute(self._workers(site_ids).where(Worker.id == worker_id)).one_or_none()
        return WorkerRow(*row) if row is not None else None

    def members(self, household_id: int) -> list[WorkerRow]:
        query = self._workers(None).where(Worker.household_id == household_id).order_by(Worker.id)
        return [WorkerRow(*row) for row in self.session.execute(query)]

    def skills(self, worker_id: int) -> Sequence[WorkerSkill]:
        query = select(WorkerSkill).where(WorkerSkill.worker_id == worker_id).order_by(WorkerSkill.id)
        return self.session.scalars(query).all()

    def certificates(self, worker_id: int) -> Sequence[WorkerCertificate]:
        query = select(WorkerCertificate).where(WorkerCertificate.worker_id == worker_id)
        return self.session.scalars(query.order_by(WorkerCertificate.id)).all()

    # audit ------------------------------------------------------------------------------------------
    def audit_events(
        self,
        site_ids: frozenset[int] | None,
        *,
        subject: str | None,
        actor: str | None,
        action: str | None,
        sorting: Sorting,
    ) -> tuple[Sequence[AuditEvent], int]:
        query = select(AuditEvent)
        for column, value in ((AuditEvent.subject, subject), (AuditEvent.actor, actor), (AuditEvent.action, action)):
            if value:
                query = query.where(column == value)
        if site_ids is not None:
            query = query.where(_audit_subject_in(site_ids))
        rows = self.session.scalars(_order(query, {"at": AuditEvent.at}, sorting, AuditEvent.id.desc())).all()
        return rows, _count(self.session, query)


def _site_row(row: Any) -> SiteRow:
    site, households, workers, labour, employed = row
    return SiteRow(site, int(households), int(workers), int(labour), int(employed))


def _household_row(row: Any) -> HouseholdRow:
    household, site_name, county, members, labour, employed = row
    return HouseholdRow(household, site_name, county, int(members), int(labour), int(employed))


def _worker_conditions(where: WorkerFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if where.site_id is not None:
        out.append(Household.site_id == where.site_id)
    if where.county:
        out.append(SettlementSite.county_adcode == where.county)
    if where.statuses:
        out.append(Worker.employment_status.in_(where.statuses))
    if where.labour:
        out.append(Worker.labour_capacity.in_(where.labour))
    if where.born_on_or_before is not None:
        out.append(Worker.birth_date <= where.born_on_or_before)
    if where.born_after is not None:
        out.append(Worker.birth_date > where.born_after)
    if where.name_contains:
        out.append(Worker.name.contains(where.name_contains, autoescape=True))
    if where.occupation_prefix:
        out.append(
            exists().where(
                WorkerSkill.worker_id == Worker.id,
                WorkerSkill.occupation_code.startswith(where.occupation_prefix, autoescape=True),
            )
        )
    if where.certificate:
        out.append(
            exists().where(
                WorkerCertificate.worker_id == Worker.id, WorkerCertificate.canonical_name == where.certificate
            )
        )
    if where.available is not None:
        out.append(_available() if where.available else ~_available())
    return out


def _available() -> ColumnElement[bool]:
    """Wants work (did not say no) and is not employed, nor a student, nor out of the labour market."""
    return and_(
        or_(Worker.wish_employment.is_(None), Worker.wish_employment.is_(True)),
        or_(Worker.employment_status.is_(None), Worker.employment_status.in_(_SEEKING)),
        or_(Worker.labour_capacity.is_(None), Worker.labour_capacity.in_(LABOUR)),
    )


def _audit_subject_in(site_ids: frozenset[int]) -> ColumnElement[bool]:
    """Events about a worker, household or site of these sites (subjects ``worker:12``, ``household:3``,
    ``site:1``). One set of subjects, matched by hashing, not a search of the workers per event."""
    in_sites = _in_scope(Household.site_id, site_ids)

    def subject(prefix: str, id_column: Any) -> Any:
        return (literal(prefix) + cast(id_column, String)).label("subject")

    subjects = union_all(
        select(subject("worker:", Worker.id)).join(Household, Household.id == Worker.household_id).where(in_sites),
        select(subject("household:", Household.id)).where(in_sites),
        select(subject("site:", SettlementSite.id)).where(_in_scope(SettlementSite.id, site_ids)),
    )
    return AuditEvent.subject.in_(select(subjects.subquery().c.subject))
