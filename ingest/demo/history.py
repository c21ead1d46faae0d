"""``generate_history``: a few years of past postings and proposals with outcomes for the demo city.

On a database where the demo city is loaded (workers, households, sites, employers, postings), it adds
closed or filled past postings copied and varied from each employer's current ones, proposes candidates for
each (a crude keyword heuristic plus chance, so the history holds poor matches too), and follows every
proposal through contact, interest, interview, offer, hiring, the 1/3/6/12-month follow-ups and separation,
as the hidden behaviour model (``ingest.demo.history_model``, ``HISTORY.md``) decides. Rows go in with bulk
inserts; the same seed gives the same history. A database that already has a history is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Executable, Table, exists, insert, select
from sqlalchemy.orm import Session

from ingest.demo.draw import Draw
from ingest.demo.history_model import Person, draw_latents, reach_of, wished_wage
from ingest.demo.history_plan import PastPosting, plan_postings
from ingest.demo.history_walk import Pool, Proposal, Walk, keys_of
from models.base import Base
from models.batch import ImportBatch
from models.errors import InvalidInput
from models.history import WorkerChange
from models.household import Household
from models.match import Match, retained
from models.posting import Posting
from models.site import SettlementSite
from models.vocab import EmploymentStatus, HouseholdCategory, LabourCapacity, MatchSource
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = ["HistorySummary", "generate_history"]

_CHUNK = 2000
_ACTOR = "demo"
_LABOUR = tuple(c.value for c in LabourCapacity if c.has_labour)
_NOT_LOOKING = (EmploymentStatus.STUDENT.value, EmploymentStatus.NOT_SEEKING.value)
_EMPLOYED = tuple(s.value for s in EmploymentStatus if s.is_employed)
_CARE_AGE = 6  # a mother of a child this young has care duties


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """What ``generate_history`` added; ``already_present`` when the database had a history and nothing was
    added. ``first_day``..``last_day``: from the first past posting's opening to the last recorded event."""

    already_present: bool
    past_postings: int = 0
    proposals: int = 0
    contacted: int = 0
    hires: int = 0
    retained_3_months: int = 0
    separations: dict[str, int] = field(default_factory=dict)
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def message(self) -> str:
        if self.already_present:
            return "数据库中已有历史撮合记录，未重复生成。"
        return (
            f"已生成 {self.first_day} 至 {self.last_day} 的历史：往期岗位 {self.past_postings} 个，推荐 "
            f"{self.proposals} 人次，联系 {self.contacted} 人次，上岗 {self.hires} 人，其中满 3 个月在岗 "
            f"{self.retained_3_months} 人。"
        )


def generate_history(session: Session, *, seed: int = 20261128, today: dt.date, years: int = 3) -> HistorySummary:
    """Add ``years`` years (up to ``today``) of past postings and proposals with outcomes to the loaded
    demo city; nothing when history (matches of source "history") is already there. The caller commits."""
    if session.scalar(select(exists().where(Match.source == MatchSource.HISTORY))):
        return HistorySummary(already_present=True)
    if years < 1:
        raise InvalidInput("历史至少生成 1 年。")
    if not session.scalar(select(exists().where(Posting.id.is_not(None)))):
        raise InvalidInput("数据库中还没有岗位，请先导入演示城市（anye demo load）。")
    rng = Draw(f"{seed}:history")
    employer_ids = list(session.scalars(select(Posting.employer_id).distinct()))
    pool = load_people(session, today)
    quality = draw_latents(rng, employer_ids, pool.people)
    plans = plan_postings(rng, session, quality, today=today, years=years)
    walk = Walk(rng, pool, today=today)
    proposals = [p for plan in plans for p in walk.posting(plan)]
    posting_ids = _insert_postings(session, plans)
    _insert_matches(session, proposals, posting_ids)
    return _summary(plans, proposals, today)


def _insert_postings(session: Session, plans: list[PastPosting]) -> list[int]:
    """Insert the past postings (and their public-welfare terms); their ids in plan order."""
    rows = [plan.row for plan in plans]
    ids = _insert_returning_ids(session, "posting", rows)
    welfare = [{**plan.welfare, "posting_id": pid} for plan, pid in zip(plans, ids, strict=True) if plan.welfare]
    if welfare:
        session.execute(insert(_table("public_welfare_job")), welfare)
    return ids


def _insert_matches(session: Session, proposals: list[Proposal], posting_ids: list[int]) -> None:
    """Matches in chunks, each chunk's ids read back (RETURNING) to insert its events."""
    for start in range(0, len(proposals), _CHUNK):
        chunk = proposals[start : start + _CHUNK]
        rows = [_match_row(p, posting_ids[p.plan_index]) for p in chunk]
        ids = _insert_returning_ids(session, "match", rows)
        events = [
            {"match_id": mid, "stage": stage, "at": at, "actor": _ACTOR, "detail": detail}
            for mid, p in zip(ids, chunk, strict=True)
            for stage, at, detail in p.events
        ]
        session.execute(insert(_table("match_event")), events)


def _table(name: str) -> Table:
    """A table by name. Rows go in through Core, not ORM bulk insert: the ORM would split the rows into small
    batches by which of their values are None."""
    return Base.metadata.tables[name]


def _insert_returning_ids(session: Session, name: str, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (batched; one row at a time on SQLite, where that is cheap) and return their ids in row
    order."""
    if not rows:
        return []
    table = _table(name)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _match_row(p: Proposal, posting_id: int) -> dict[str, Any]:
    first, last = p.events[0][1], p.events[-1][1]
    return {
        "worker_id": p.worker_id,
        "posting_id": posting_id,
        "source": MatchSource.HISTORY.value,
        "proposed_at": first,
        "proposed_by": _ACTOR,
        "stage": p.events[-1][0],
        "stage_at": last,
        "declined_reason": p.declined_reason,
        "hired_on": p.hired_on,
        "wage": None if p.wage is None else Decimal(p.wage),
        "separated_on": p.separated_on,
        "separation_reason": p.separation_reason,
        "created_at": first,
        "updated_at": last,
    }


def _summary(plans: list[PastPosting], proposals: list[Proposal], today: dt.date) -> HistorySummary:
    hires = [p for p in proposals if p.hired_on is not None]
    last = max((p.events[-1][1].date() for p in proposals), default=None)
    return HistorySummary(
        already_present=False,
        past_postings=len(plans),
        proposals=len(proposals),
        contacted=sum(len(p.events) > 1 for p in proposals),
        hires=len(hires),
        retained_3_months=sum(retained(p.hired_on, p.separated_on, today) is True for p in hires),
        separations=dict(Counter(p.separation_reason for p in hires if p.separation_reason)),
        first_day=min((plan.opened for plan in plans), default=None),
        last_day=last,
    )


def load_people(session: Session, today: dt.date) -> Pool:
    """Everyone who might be proposed: people with labour who are neither at school nor unwilling to work,
    in worker id order, indexed by county and by the keys of their wishes and skills; each busy while the
    ledger shows them in a job (``ledger_jobs``)."""
    rows = _worker_rows(session)
    jobs = ledger_jobs(session, {r.id: (_first_ledger(r), r.employment_status) for r in rows})
    employed = {r.household_id for r in rows if r.employment_status in _EMPLOYED}
    young_child = {r.household_id for r in rows if (today - r.birth_date).days < 365.25 * _CARE_AGE}
    skill_query = select(WorkerSkill.worker_id, WorkerSkill.kind, WorkerSkill.occupation_code, WorkerSkill.name)
    skills = _by_worker(session, skill_query)
    certificates = _by_worker(session, select(WorkerCertificate.worker_id, WorkerCertificate.canonical_name))
    pool = Pool([])
    for r in rows:
        if r.labour_capacity not in _LABOUR or r.employment_status in _NOT_LOOKING:
            continue
        mother = r.sex == "female" and r.household_id in young_child and _age(r.birth_date, today) < 50
        care = mother or "照顾" in (r.not_working_reason or "")
        own = skills.get(r.id, [])
        person = _person(r, own, certificates.get(r.id, []), care, r.household_id not in employed, today)
        pool.people.append(person)
        if r.id in jobs:
            pool.ledger_jobs[len(pool.people) - 1] = jobs[r.id]
        texts = " ".join([r.wish_job_text or "", *(str(s[3]) for s in own)])
        pool.add(len(pool.people) - 1, r.county_adcode, keys_of(texts, [s[2] for s in own]))
    return pool


def ledger_jobs(
    session: Session, workers: dict[int, tuple[dt.date, str | None]]
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Per worker, the stretches (first day, day after the last) in which the ledger shows a job: from the
    ledger date of each change of the employment status (``worker_change``) to the next, the first from the
    worker's first ledger date, the last for ever. ``workers``: each one's first ledger date and status now."""
    query = (
        select(WorkerChange.worker_id, WorkerChange.old_value, WorkerChange.new_value, ImportBatch.as_of)
        .join(ImportBatch, ImportBatch.id == WorkerChange.batch_id)
        .where(WorkerChange.field == "employment_status", ImportBatch.as_of.is_not(None))
        .order_by(ImportBatch.as_of, WorkerChange.id)
    )
    changes: dict[int, list[tuple[dt.date, str | None, str | None]]] = {}
    for worker_id, old, new, on in session.execute(query):
        if on is not None:
            changes.setdefault(worker_id, []).append((on, old, new))
    out: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for worker_id, (first, now) in workers.items():
        steps = changes.get(worker_id, [])
        timeline = [(first, steps[0][1] if steps else now), *((on, new) for on, _, new in steps)]
        ends = [on for on, _ in timeline[1:]] + [dt.date.max]
        spans = [(start, end) for (start, value), end in zip(timeline, ends, strict=True) if value in _EMPLOYED]
        if spans:
            out[worker_id] = spans
    return out


def _first_ledger(r: Any) -> dt.date:
    """The first day the ledger holds the worker: the day the row was written (``anye demo load`` dates the
    rows of an earlier snapshot on its fill date), or its ledger date if earlier."""
    created: dt.datetime = r.created_at
    written = created.astimezone(dt.UTC).date() if created.tzinfo else created.date()
    as_of: dt.date | None = r.as_of
    return min(written, as_of) if as_of is not None else written


def _worker_rows(session: Session) -> list[Any]:
    query = (
        select(
            Worker.id, Worker.household_id, Worker.birth_date, Worker.sex, Worker.labour_capacity, Worker.health,
            Worker.employment_status, Worker.monthly_income, Worker.wish_min_wage, Worker.wish_place_range,
            Worker.wish_job_text, Worker.not_working_reason, Worker.phone_hash.is_not(None).label("reachable"),
            Worker.as_of, Worker.created_at,
            Household.category, SettlementSite.county_adcode, SettlementSite.longitude, SettlementSite.latitude,
        )
        .join(Household, Household.id == Worker.household_id)
        .join(SettlementSite, SettlementSite.id == Household.site_id)
        .order_by(Worker.id)
    )  # fmt: skip
    return list(session.execute(query))


def _by_worker(session: Session, query: Executable) -> dict[int, list[Any]]:
    """The rows of ``query`` by their first column, the worker id."""
    out: dict[int, list[Any]] = {}
    for row in session.execute(query):
        out.setdefault(row[0], []).append(row)
    return out


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _person(r: Any, skills: list[Any], certificates: list[Any], care: bool, idle: bool, today: dt.date) -> Person:
    age = _age(r.birth_date, today)
    weak = r.labour_capacity == LabourCapacity.WEAK
    return Person(
        worker_id=r.id, county=r.county_adcode, longitude=r.longitude, latitude=r.latitude, birth_date=r.birth_date,
        female=r.sex == "female", labour=r.labour_capacity, health=r.health,
        wish_wage=wished_wage(r.wish_min_wage, r.monthly_income, r.labour_capacity, age),
        reach_km=reach_of(r.wish_place_range, r.employment_status, weak=weak, old=age >= 55, care=care),
        wish_codes=frozenset(s[2] for s in skills if s[1] == "wish" and s[2]),
        skill_codes=frozenset(s[2] for s in skills if s[1] == "skill" and s[2]),
        certificates=frozenset(c[1] for c in certificates if c[1]), care=care, idle_household=idle,
        monitored=r.category == HouseholdCategory.MONITORED, reachable=r.reachable,
    )  # fmt: skip
