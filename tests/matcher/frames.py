"""Small worker and posting frames built directly, for the matcher's tests (no database).

A spec holds one row with sensible defaults (a healthy 35-year-old man at a 忻府区 site, an open full-time
posting in 忻府区); tests change only the fields they are about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from matcher.frame import (
    HEALTH_ORDER,
    JOB_KIND_ORDER,
    LABOUR_ORDER,
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
from matcher.policy import Policy, RuleContext
from models.vocab import Health, JobKind, LabourCapacity, PlaceRange, PostingStatus, Sex

EPOCH = dt.date(1970, 1, 1)
TODAY = dt.date(2026, 11, 28)

# 忻州市忻府区 (a settlement site near the city centre) and 原平市 (about 35 km north).
XINFU = (112.734, 38.417)
YUANPING = (112.706, 38.731)
XINFU_COUNTY = 140902
YUANPING_COUNTY = 140981
TAIYUAN_COUNTY = 140105  # 太原市小店区: same province, another city


def day(value: str | dt.date | None) -> int:
    """Days since 1970-01-01 of an ISO date; NO_DATE for None."""
    if value is None:
        return int(NO_DATE)
    date = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return (date - EPOCH).days


def born(age: int, *, days_before_birthday: int = 30) -> str:
    """A birth date making someone ``age`` on ``TODAY`` (their birthday ``days_before_birthday`` days ahead)."""
    birthday = TODAY + dt.timedelta(days=days_before_birthday)
    return birthday.replace(year=birthday.year - age - 1).isoformat()


@dataclass
class Vocabs:
    certificates: Vocabulary = field(default_factory=Vocabulary)
    occupations: Vocabulary = field(default_factory=Vocabulary)

    def context(self, **policy_changes: Any) -> RuleContext:
        """A rule context for ``TODAY`` with the default policy, changed by ``policy_changes``."""
        return RuleContext(day(TODAY), Policy(**policy_changes), self.certificates)


@dataclass
class W:
    """One worker row."""

    birth: str | None = field(default_factory=lambda: born(35))
    sex: Sex | None = Sex.MALE
    labour: LabourCapacity | None = LabourCapacity.FULL
    health: Health | None = Health.HEALTHY
    available: bool = True
    household_employed: bool = True
    monitored: bool = False
    lifted: bool = True
    cadre: bool = False
    place: tuple[float, float] = XINFU
    county: int = XINFU_COUNTY
    wish_place: PlaceRange | None = PlaceRange.COUNTY
    wish_min_wage: float = float("nan")
    wish_job_kind: JobKind | None = None
    experience: float = float("nan")
    placements: int = 0
    terms: int = 0
    certificates: dict[str, str | None] = field(default_factory=dict)  # name -> expiry day (None: never)
    skills: Sequence[str] = ()
    wishes: Sequence[str] = ()
    text: str = ""


@dataclass
class P:
    """One posting row."""

    status: PostingStatus = PostingStatus.OPEN
    places_left: int = 3
    age_min: int = -1
    age_max: int = -1
    sex_required: Sex | None = None
    demand: int = Demand.NORMAL
    occupation: str | None = None
    place: tuple[float, float] = XINFU
    county: int = XINFU_COUNTY
    out_of_area: bool = False
    job_kind: JobKind | None = JobKind.FULL_TIME
    pay_min: float = float("nan")
    pay_max: float = float("nan")
    deadline: str | None = None
    public_welfare: bool = False
    hire_age_min: int = -1
    hire_age_max: int = -1
    local_registration: bool = True
    exclude_cadres: bool = True
    photovoltaic: bool = False
    max_terms: int = -1
    employer_retention: float = float("nan")
    required: Sequence[str] = ()
    preferred: Sequence[str] = ()
    text: str = ""


def _csr(rows: Sequence[Sequence[tuple[int, int]]], width: int) -> sparse.csr_matrix:
    indptr = np.cumsum([0, *(len(r) for r in rows)])
    indices = np.array([i for r in rows for i, _ in r], dtype=np.int32)
    data = np.array([v for r in rows for _, v in r], dtype=np.int32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), width))


def _codes(values: Sequence[object], order: tuple[str, ...]) -> np.ndarray:
    return np.array([code_of(v if v is None else str(v), order) for v in values], dtype=np.int8)


def workers(vocabs: Vocabs, *specs: W) -> WorkerFrame:
    """A worker frame of ``specs``; certificate and occupation names join ``vocabs``."""
    certs = [[(vocabs.certificates.id(n), day(e)) for n, e in s.certificates.items()] for s in specs]
    skills = [[(vocabs.occupations.id(c), 1) for c in s.skills] for s in specs]
    wishes = [[(vocabs.occupations.id(c), 1) for c in s.wishes] for s in specs]
    n_occ = len(vocabs.occupations)
    return WorkerFrame(
        worker_id=np.arange(1, len(specs) + 1, dtype=np.int64),
        household_id=np.arange(101, len(specs) + 101, dtype=np.int64),
        site_id=np.ones(len(specs), dtype=np.int32),
        birth_day=np.array([day(s.birth) for s in specs], dtype=np.int32),
        sex=_codes([s.sex for s in specs], SEX_ORDER),
        education=np.full(len(specs), -1, dtype=np.int8),
        labour=_codes([s.labour for s in specs], LABOUR_ORDER),
        health=_codes([s.health for s in specs], HEALTH_ORDER),
        available=np.array([s.available for s in specs], dtype=np.bool_),
        household_employed=np.array([s.household_employed for s in specs], dtype=np.bool_),
        household_monitored=np.array([s.monitored for s in specs], dtype=np.bool_),
        household_lifted=np.array([s.lifted for s in specs], dtype=np.bool_),
        village_cadre=np.array([s.cadre for s in specs], dtype=np.bool_),
        longitude=np.array([s.place[0] for s in specs], dtype=np.float32),
        latitude=np.array([s.place[1] for s in specs], dtype=np.float32),
        local_county=np.array([s.county for s in specs], dtype=np.int32),
        wish_place=_codes([s.wish_place for s in specs], PLACE_ORDER),
        wish_min_wage=np.array([s.wish_min_wage for s in specs], dtype=np.float32),
        wish_job_kind=_codes([s.wish_job_kind for s in specs], JOB_KIND_ORDER),
        experience_years=np.array([s.experience for s in specs], dtype=np.float32),
        placements=np.array([s.placements for s in specs], dtype=np.int16),
        public_welfare_terms=np.array([s.terms for s in specs], dtype=np.int8),
        certificates=_csr(certs, len(vocabs.certificates)),
        skills=_csr(skills, n_occ),
        wishes=_csr(wishes, n_occ),
        text=[s.text for s in specs],
    )


def postings(vocabs: Vocabs, *specs: P) -> PostingFrame:
    """A posting frame of ``specs``; certificate and occupation names join ``vocabs``."""
    required = [[(vocabs.certificates.id(n), 1) for n in s.required] for s in specs]
    preferred = [[(vocabs.certificates.id(n), 1) for n in s.preferred] for s in specs]
    occupation = [vocabs.occupations.id(s.occupation) if s.occupation else -1 for s in specs]
    n_cert = len(vocabs.certificates)
    return PostingFrame(
        posting_id=np.arange(1, len(specs) + 1, dtype=np.int64),
        employer_id=np.arange(201, len(specs) + 201, dtype=np.int64),
        status=_codes([s.status for s in specs], STATUS_ORDER),
        places_left=np.array([s.places_left for s in specs], dtype=np.int32),
        age_min=np.array([s.age_min for s in specs], dtype=np.int8),
        age_max=np.array([s.age_max for s in specs], dtype=np.int8),
        sex_required=_codes([s.sex_required for s in specs], SEX_ORDER),
        education_min=np.full(len(specs), -1, dtype=np.int8),
        demand=np.array([s.demand for s in specs], dtype=np.int8),
        occupation=np.array(occupation, dtype=np.int32),
        longitude=np.array([s.place[0] for s in specs], dtype=np.float32),
        latitude=np.array([s.place[1] for s in specs], dtype=np.float32),
        work_county=np.array([s.county for s in specs], dtype=np.int32),
        out_of_area=np.array([s.out_of_area for s in specs], dtype=np.bool_),
        job_kind=_codes([s.job_kind for s in specs], JOB_KIND_ORDER),
        pay_min_month=np.array([s.pay_min for s in specs], dtype=np.float32),
        pay_max_month=np.array([s.pay_max for s in specs], dtype=np.float32),
        deadline=np.array([day(s.deadline) for s in specs], dtype=np.int32),
        public_welfare=np.array([s.public_welfare for s in specs], dtype=np.bool_),
        hire_age_min=np.array([s.hire_age_min for s in specs], dtype=np.int8),
        hire_age_max=np.array([s.hire_age_max for s in specs], dtype=np.int8),
        local_registration=np.array([s.local_registration for s in specs], dtype=np.bool_),
        exclude_cadres=np.array([s.exclude_cadres for s in specs], dtype=np.bool_),
        photovoltaic=np.array([s.photovoltaic for s in specs], dtype=np.bool_),
        max_terms=np.array([s.max_terms for s in specs], dtype=np.int8),
        employer_retention=np.array([s.employer_retention for s in specs], dtype=np.float32),
        certificates_required=_csr(required, n_cert),
        certificates_preferred=_csr(preferred, n_cert),
        text=[s.text for s in specs],
    )


def pairs(n_workers: int, n_postings: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (worker, posting) pair, worker-major."""
    wi, pi = np.meshgrid(np.arange(n_workers), np.arange(n_postings), indexing="ij")
    return wi.ravel(), pi.ravel()


CODES = ("6-30-05-01", "6-30-05-02", "6-30-01-00", "6-30", "4-01-01-01", "4", "保洁员")
CERTIFICATES = ("叉车司机", "电工", "健康证明", "焊工")
PLACES = (XINFU, YUANPING, (112.9, 38.5), (float("nan"), float("nan")))
COUNTIES = (XINFU_COUNTY, YUANPING_COUNTY, TAIYUAN_COUNTY, 0)


def random_specs(rng: np.random.Generator, n_workers: int, n_postings: int) -> tuple[list[W], list[P]]:
    """Workers and postings with every field drawn at random, unknowns and edge values included (for
    comparing fast paths with the plain rules and features)."""

    def pick(values: Sequence[Any]) -> Any:
        return values[int(rng.integers(len(values)))]

    def some(values: Sequence[str]) -> list[str]:
        return [v for v in values if rng.random() < 0.3]

    def expiry() -> str | None:
        return pick([None, "2025-01-01", "2026-11-28", "2030-01-01"])

    ws = [
        W(birth=pick([None, born(int(rng.integers(10, 70)))]), sex=pick([None, *Sex]),
          labour=pick([None, *LabourCapacity]), health=pick([None, *Health]), available=rng.random() < 0.8,
          household_employed=rng.random() < 0.5, monitored=rng.random() < 0.3, lifted=rng.random() < 0.5,
          cadre=rng.random() < 0.2, place=pick(PLACES), county=pick(COUNTIES), wish_place=pick([None, *PlaceRange]),
          wish_min_wage=pick([float("nan"), 0.0, 2500.0, 4000.0, 6000.0]), wish_job_kind=pick([None, *JobKind]),
          experience=pick([float("nan"), 0.5, 3.0, 12.5, 40.0]), placements=int(rng.integers(0, 13)),
          terms=int(rng.integers(0, 4)), certificates={c: expiry() for c in some(CERTIFICATES)},
          skills=some(CODES), wishes=some(CODES))
        for _ in range(n_workers)
    ]  # fmt: skip
    ps = [
        P(status=pick(list(PostingStatus)), places_left=pick([-1, 0, 1, 3]), age_min=pick([-1, 18, 30]),
          age_max=pick([-1, 45, 60]), sex_required=pick([None, *Sex]), demand=pick([-1, 0, 1, 2]),
          occupation=pick([None, *CODES]), place=pick(PLACES), county=pick(COUNTIES), out_of_area=rng.random() < 0.3,
          job_kind=pick([None, *JobKind]), pay_min=pick([float("nan"), 2000.0, 3500.0]),
          pay_max=pick([float("nan"), 3500.0, 5000.0]), deadline=pick([None, "2026-11-01", "2027-01-01"]),
          public_welfare=rng.random() < 0.4, hire_age_min=pick([-1, 16, 40]), hire_age_max=pick([-1, 55, 65]),
          local_registration=rng.random() < 0.5, exclude_cadres=rng.random() < 0.5, photovoltaic=rng.random() < 0.3,
          max_terms=pick([-1, 1, 2, 3]), employer_retention=pick([float("nan"), 0.3, 0.6, 0.9]),
          required=some(CERTIFICATES[:3]), preferred=some(CERTIFICATES))
        for _ in range(n_postings)
    ]  # fmt: skip
    return ws, ps
