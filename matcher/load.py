"""Frames from the database: who can be matched and what is open, as ``matcher.frame`` columns.

One pass of a few set-based queries (workers with their households and sites, certificates, skills and
wishes, past placements; open postings with their employers' past retention), so the city loads in seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.frame import (
    EDUCATION_ORDER,
    HEALTH_ORDER,
    JOB_KIND_ORDER,
    LABOUR_ORDER,
    MONTHLY,
    NO_DATE,
    PLACE_ORDER,
    SEX_ORDER,
    STATUS_ORDER,
    Demand,
    PostingFrame,
    Vocabulary,
    WorkerFrame,
    code_of,
)
from models.household import Household
from models.match import Match, retained
from models.posting import Posting, PublicWelfareJob, pay_text
from models.site import SettlementSite
from models.vocab import EmploymentStatus, HouseholdCategory, LabourCapacity, PostingStatus
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = ["Vocabularies", "demand_of", "ledger_employed_households", "load_postings", "load_workers"]

EPOCH = dt.date(1970, 1, 1)
_NOT_AVAILABLE = {s.value for s in EmploymentStatus if not s.is_looking}
_NO_LABOUR = {LabourCapacity.NONE.value, LabourCapacity.LOST.value}


@dataclass(slots=True)
class Vocabularies:
    """The shared id spaces of the set columns, so worker and posting frames can be compared."""

    certificates: Vocabulary = field(default_factory=Vocabulary)
    occupations: Vocabulary = field(default_factory=Vocabulary)


def day(value: dt.date | None) -> int:
    return int(NO_DATE) if value is None else (value - EPOCH).days


@lru_cache(maxsize=1)
def _demand_patterns() -> tuple[tuple[str, int], ...]:
    with resources.files("matcher.data").joinpath("demand.csv").open(encoding="utf-8") as fh:
        return tuple((row["pattern"], int(row["demand"])) for row in csv.DictReader(fh))


def demand_of(*texts: str | None) -> int:
    """Physical demand of a job from its title and occupation name (``matcher/data/demand.csv``)."""
    joined = " ".join(t for t in texts if t)
    for pattern, demand in _demand_patterns():
        if pattern in joined:
            return demand
    return Demand.NORMAL


def _csr(rows: Sequence[Iterable[tuple[int, int]]], width: int) -> sparse.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    data: list[int] = []
    for items in rows:
        for col, value in dict(items).items():  # one cell per (row, column): the last value wins
            indices.append(col)
            data.append(value)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.int32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(rows), max(width, 1)),
    )


def load_workers(
    session: Session, vocab: Vocabularies, *, today: dt.date, ids: Sequence[int] | None = None
) -> WorkerFrame:
    """Every person with labour capacity (or not recorded) of the ledger, as a frame; only ``ids`` if given.

    Placements and jobs held are counted as of ``today`` (a past date gives the state of that day, for
    training without looking ahead)."""
    query = (
        select(Worker, Household.category, Household.id, SettlementSite)
        .join(Household, Worker.household_id == Household.id)
        .join(SettlementSite, Household.site_id == SettlementSite.id)
        .where(Worker.labour_capacity.is_(None) | Worker.labour_capacity.not_in(_NO_LABOUR))
        .order_by(Worker.id)
    )
    if ids is not None:
        query = query.where(Worker.id.in_(list(ids)))
    rows = session.execute(query).all()
    ids = [w.id for w, *_ in rows]
    details = _worker_details(session, ids, vocab)
    history = _worker_history(session, today)
    employed = _households_employed(session, history["working"])
    n = len(rows)
    return WorkerFrame(
        worker_id=np.asarray(ids, dtype=np.int64),
        household_id=np.asarray([h for _, _, h, _ in rows], dtype=np.int64),
        site_id=np.asarray([s.id for *_, s in rows], dtype=np.int32),
        birth_day=np.asarray([day(w.birth_date) for w, *_ in rows], dtype=np.int32),
        sex=np.asarray([code_of(w.sex, SEX_ORDER) for w, *_ in rows], dtype=np.int8),
        education=np.asarray([code_of(w.education, EDUCATION_ORDER) for w, *_ in rows], dtype=np.int8),
        labour=np.asarray([code_of(w.labour_capacity, LABOUR_ORDER) for w, *_ in rows], dtype=np.int8),
        health=np.asarray([code_of(w.health, HEALTH_ORDER) for w, *_ in rows], dtype=np.int8),
        available=np.asarray([_available(w, history["working"]) for w, *_ in rows], dtype=np.bool_),
        household_employed=np.asarray([h in employed for _, _, h, _ in rows], dtype=np.bool_),
        household_monitored=np.asarray([c == HouseholdCategory.MONITORED for _, c, _, _ in rows], dtype=np.bool_),
        household_lifted=np.asarray([c == HouseholdCategory.LIFTED for _, c, _, _ in rows], dtype=np.bool_),
        village_cadre=np.asarray([_is_cadre(w) for w, *_ in rows], dtype=np.bool_),
        longitude=np.asarray([s.longitude or np.nan for *_, s in rows], dtype=np.float32),
        latitude=np.asarray([s.latitude or np.nan for *_, s in rows], dtype=np.float32),
        local_county=np.asarray([int(s.county_adcode or 0) for *_, s in rows], dtype=np.int32),
        wish_place=np.asarray([code_of(w.wish_place_range, PLACE_ORDER) for w, *_ in rows], dtype=np.int8),
        wish_min_wage=np.asarray([w.wish_min_wage or np.nan for w, *_ in rows], dtype=np.float32),
        wish_job_kind=np.full(n, -1, dtype=np.int8),  # ledgers do not record it
        experience_years=np.asarray([history["years"].get(i, np.nan) for i in ids], dtype=np.float32),
        placements=np.asarray([history["kept"].get(i, 0) for i in ids], dtype=np.int16),
        public_welfare_terms=np.asarray([history["terms"].get(i, 0) for i in ids], dtype=np.int8),
        certificates=_csr([details.certificates.get(i, ()) for i in ids], len(vocab.certificates)),
        skills=_csr([details.skills.get(i, ()) for i in ids], len(vocab.occupations)),
        wishes=_csr([details.wishes.get(i, ()) for i in ids], len(vocab.occupations)),
        text=[" ".join([*details.text.get(w.id, ()), w.wish_job_text or ""]).strip() for w, *_ in rows],
    )


def _available(worker: Worker, working: dict[int, int]) -> bool:
    """Looking for work: not at work (ledger or a current hire), not said no, consent to be proposed kept."""
    if worker.id in working or worker.wish_employment is False or worker.consent_withdrawn_at is not None:
        return False
    return worker.employment_status not in _NOT_AVAILABLE


def _is_cadre(worker: Worker) -> bool:
    extra = worker.extra or {}
    return any("村干部" in str(k) and str(v).strip() in ("是", "1", "√", "Y") for k, v in extra.items())


@dataclass(slots=True)
class _Details:
    certificates: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    skills: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    wishes: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    text: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


def _worker_details(session: Session, ids: list[int], vocab: Vocabularies) -> _Details:
    out = _Details()
    wanted = set(ids)
    certificates = session.execute(
        select(
            WorkerCertificate.worker_id,
            WorkerCertificate.canonical_name,
            WorkerCertificate.source_text,
            WorkerCertificate.expires_on,
        )
    )
    for worker_id, canonical, source, expires in certificates:
        if worker_id in wanted:
            name = canonical or source
            out.certificates[worker_id].append((vocab.certificates.id(name), day(expires)))
            out.text[worker_id].append(name)
    skills = session.execute(
        select(WorkerSkill.worker_id, WorkerSkill.kind, WorkerSkill.occupation_code, WorkerSkill.source_text)
    )
    for worker_id, kind, code, source in skills:
        if worker_id not in wanted:
            continue
        if code:
            target = out.wishes if kind == "wish" else out.skills
            target[worker_id].append((vocab.occupations.id(code), 1))
        out.text[worker_id].append(source)
    return out


def _worker_history(session: Session, today: dt.date) -> dict[str, dict[int, Any]]:
    """Per worker: the posting of a job held now, placements kept 3+ months, public-welfare terms, years."""
    working: dict[int, int] = {}
    kept: dict[int, int] = defaultdict(int)
    terms: dict[int, int] = defaultdict(int)
    days: dict[int, int] = defaultdict(int)
    hires = session.execute(
        select(Match.worker_id, Match.posting_id, Match.hired_on, Match.separated_on, PublicWelfareJob.posting_id)
        .outerjoin(PublicWelfareJob, PublicWelfareJob.posting_id == Match.posting_id)
        .where(Match.hired_on.is_not(None))
    )
    for worker_id, posting_id, hired_on, separated_on, public in hires:
        if hired_on is None or hired_on > today:
            continue
        separated_on = separated_on if separated_on is not None and separated_on <= today else None
        if separated_on is None:
            working[worker_id] = posting_id
        if retained(hired_on, separated_on, today):
            kept[worker_id] += 1
        if public is not None:
            terms[worker_id] += 1
        days[worker_id] += ((separated_on or today) - hired_on).days
    years = {w: d / 365.25 for w, d in days.items()}
    return {"working": working, "kept": kept, "terms": terms, "years": years}


def ledger_employed_households(session: Session) -> set[int]:
    """Households where the ledger shows someone at work."""
    return _households_employed(session, {})


def _households_employed(session: Session, working: dict[int, int]) -> set[int]:
    employed_status = [s.value for s in EmploymentStatus if s.is_employed]
    found = set(session.scalars(select(Worker.household_id).where(Worker.employment_status.in_(employed_status))).all())
    if working:
        found |= set(session.scalars(select(Worker.household_id).where(Worker.id.in_(list(working)))).all())
    return found


def load_postings(
    session: Session,
    vocab: Vocabularies,
    *,
    today: dt.date,
    statuses: Sequence[str] | None = (PostingStatus.OPEN,),
    ids: Sequence[int] | None = None,
) -> PostingFrame:
    """Postings in ``statuses`` (open ones by default; None for all), as a frame; only ``ids`` if given.
    Employers' past retention is counted as of ``today``."""
    query = select(Posting, PublicWelfareJob).outerjoin(PublicWelfareJob, PublicWelfareJob.posting_id == Posting.id)
    if statuses is not None:
        query = query.where(Posting.status.in_([str(s) for s in statuses]))
    if ids is not None:
        query = query.where(Posting.id.in_(list(ids)))
    rows = session.execute(query.order_by(Posting.id)).all()
    retention = _employer_retention(session, today)
    postings = [p for p, _ in rows]
    welfare = [w for _, w in rows]
    return PostingFrame(
        posting_id=np.asarray([p.id for p in postings], dtype=np.int64),
        employer_id=np.asarray([p.employer_id for p in postings], dtype=np.int64),
        status=np.asarray([code_of(p.status, STATUS_ORDER) for p in postings], dtype=np.int8),
        places_left=np.asarray([-1 if p.places_left is None else p.places_left for p in postings], dtype=np.int32),
        age_min=np.asarray([p.age_min or -1 for p in postings], dtype=np.int8),
        age_max=np.asarray([p.age_max or -1 for p in postings], dtype=np.int8),
        sex_required=np.asarray([code_of(p.sex_required, SEX_ORDER) for p in postings], dtype=np.int8),
        education_min=np.asarray([code_of(p.education_min, EDUCATION_ORDER) for p in postings], dtype=np.int8),
        demand=np.asarray([demand_of(p.title, p.occupation_name) for p in postings], dtype=np.int8),
        occupation=np.asarray(
            [vocab.occupations.id(p.occupation_code) if p.occupation_code else -1 for p in postings], dtype=np.int32
        ),
        longitude=np.asarray([p.longitude or np.nan for p in postings], dtype=np.float32),
        latitude=np.asarray([p.latitude or np.nan for p in postings], dtype=np.float32),
        work_county=np.asarray([int(p.work_adcode or 0) for p in postings], dtype=np.int32),
        out_of_area=np.asarray([p.out_of_area for p in postings], dtype=np.bool_),
        job_kind=np.asarray([code_of(p.job_kind, JOB_KIND_ORDER) for p in postings], dtype=np.int8),
        pay_min_month=np.asarray([_monthly(p.pay_min, p.pay_period) for p in postings], dtype=np.float32),
        pay_max_month=np.asarray([_monthly(p.pay_max, p.pay_period) for p in postings], dtype=np.float32),
        deadline=np.asarray([day(p.deadline) for p in postings], dtype=np.int32),
        public_welfare=np.asarray([w is not None for w in welfare], dtype=np.bool_),
        hire_age_min=np.asarray([w.hire_age_min if w else -1 for w in welfare], dtype=np.int8),
        hire_age_max=np.asarray([w.hire_age_max if w else -1 for w in welfare], dtype=np.int8),
        local_registration=np.asarray([bool(w and w.local_registration_required) for w in welfare], dtype=np.bool_),
        exclude_cadres=np.asarray([bool(w and w.exclude_village_cadres) for w in welfare], dtype=np.bool_),
        photovoltaic=np.asarray([bool(w and w.photovoltaic_funded) for w in welfare], dtype=np.bool_),
        max_terms=np.asarray([1 + w.max_renewals if w else -1 for w in welfare], dtype=np.int8),
        employer_retention=np.asarray([retention.get(p.employer_id, np.nan) for p in postings], dtype=np.float32),
        certificates_required=_csr(
            [[(vocab.certificates.id(c), 1) for c in p.certificates_required] for p in postings],
            len(vocab.certificates),
        ),
        certificates_preferred=_csr(
            [[(vocab.certificates.id(c), 1) for c in p.certificates_preferred] for p in postings],
            len(vocab.certificates),
        ),
        text=[_posting_text(p) for p in postings],
        pay_text=[pay_text(p.pay_min, p.pay_max, p.pay_period) for p in postings],
    )


def _monthly(amount: Any, period: str | None) -> float:
    if amount is None or period not in MONTHLY:
        return float("nan")
    return float(amount) * MONTHLY[period]


def _posting_text(p: Posting) -> str:
    parts = [p.title, p.occupation_name or "", " ".join(p.skills or []), p.description or p.source_text or ""]
    return " ".join(part for part in parts if part)


# An employer's past retention counts once it has this many hires whose outcome is known.
MIN_HIRES_FOR_RETENTION = 3


def _employer_retention(session: Session, today: dt.date) -> dict[int, float]:
    outcomes: dict[int, list[bool]] = defaultdict(list)
    hires = session.execute(
        select(Posting.employer_id, Match.hired_on, Match.separated_on)
        .join(Posting, Posting.id == Match.posting_id)
        .where(Match.hired_on.is_not(None))
    )
    for employer_id, hired_on, separated_on in hires:
        if hired_on is None or hired_on > today:
            continue
        kept = retained(hired_on, separated_on if separated_on and separated_on <= today else None, today)
        if kept is not None:
            outcomes[employer_id].append(kept)
    return {e: sum(k) / len(k) for e, k in outcomes.items() if len(k) >= MIN_HIRES_FOR_RETENTION}
