"""The matching engine's view of people and openings: columns of numpy arrays, one row per worker or posting.

Eligibility rules, features and the ranking model work on these frames, never on sessions or ORM objects, so
one query is a few vector operations over all candidates and the scoring core can be tested and benchmarked
without a database (``matcher.load`` builds frames from the database; tests build them directly).

Conventions
-----------
- Codes are small integers (``int8``) from the orders below; ``-1`` means unknown.
- Dates are days since 1970-01-01 (``int32``); ``NO_DATE`` means none.
- Money is yuan per month (``float32``): pay per day, hour, piece or year is converted with ``MONTHLY``
  (documented estimates, not wages anyone is promised); ``nan`` means unknown or open.
- Sets (certificates, occupations, skills, wishes) are CSR matrices over a shared ``Vocabulary``: row i holds
  the ids of row i's items. Certificate cells hold the expiry day (``NO_DATE`` when it never expires).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import sparse

from models.vocab import Education, Health, JobKind, LabourCapacity, PlaceRange, PostingStatus, Sex

__all__ = [
    "EDUCATION_ORDER",
    "HEALTH_ORDER",
    "JOB_KIND_ORDER",
    "LABOUR_ORDER",
    "NO_LABOUR_CODES",
    "MONTHLY",
    "NO_DATE",
    "PLACE_ORDER",
    "SEX_ORDER",
    "STATUS_ORDER",
    "Demand",
    "PostingFrame",
    "Vocabulary",
    "WorkerFrame",
    "code_of",
    "concat",
    "take",
]

NO_DATE = np.int32(2**31 - 1)

SEX_ORDER = (Sex.MALE, Sex.FEMALE)
EDUCATION_ORDER = tuple(Education)
LABOUR_ORDER = tuple(LabourCapacity)
HEALTH_ORDER = tuple(Health)  # WorkerFrame.health
# WorkerFrame.labour codes of people without labour capacity (无劳动力, 丧失劳动力)
NO_LABOUR_CODES = (LABOUR_ORDER.index(LabourCapacity.NONE), LABOUR_ORDER.index(LabourCapacity.LOST))
PLACE_ORDER = tuple(PlaceRange)  # nearest first: local, county, city, province, anywhere
JOB_KIND_ORDER = tuple(JobKind)

# Pay per period to a monthly equivalent: 21.75 working days a month (the statutory average), 8 hours a
# day, and for piece rates no conversion exists (left nan unless the posting states a monthly estimate).
MONTHLY = {"month": 1.0, "day": 21.75, "hour": 21.75 * 8, "year": 1 / 12}


class Demand:
    """Physical demand of a job, matched against labour capacity: weak labour takes light work only."""

    LIGHT = 0  # 手工, 保洁, 便民服务, 帮扶车间 assembly ...
    NORMAL = 1
    HEAVY = 2  # 建筑, 搬运, 装卸, 井下 ...


def code_of(value: str | None, order: tuple[str, ...]) -> int:
    """The position of ``value`` in ``order``; -1 for None or an unknown value."""
    if value is None:
        return -1
    try:
        return order.index(value)
    except ValueError:
        return -1


@dataclass(slots=True)
class Vocabulary:
    """Names <-> column ids of a CSR set column (certificates, occupation codes ...). Grows, never renumbers."""

    ids: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    def id(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
        return found

    def __len__(self) -> int:
        return len(self.names)


Ints = npt.NDArray[np.int32]
Small = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float32]
Flags = npt.NDArray[np.bool_]


@dataclass(slots=True)
class WorkerFrame:
    """Workers who might be matched (people with labour capacity), one row each.

    ``available``: has labour, wants work (or did not say no), not in school, not employed in a stable job;
    ``household_employed``: someone of the household is employed; ``local_county``: the county of the
    worker's site, which is their local registration for public-welfare rules.
    """

    worker_id: npt.NDArray[np.int64]
    household_id: npt.NDArray[np.int64]
    site_id: Ints
    birth_day: Ints
    sex: Small
    education: Small
    labour: Small
    health: Small
    available: Flags
    household_employed: Flags
    household_monitored: Flags
    household_lifted: Flags
    village_cadre: Flags
    longitude: Floats
    latitude: Floats
    local_county: Ints
    wish_place: Small
    wish_min_wage: Floats
    wish_job_kind: Small
    experience_years: Floats
    placements: npt.NDArray[np.int16]  # past placements that lasted 3+ months
    public_welfare_terms: Small  # public-welfare terms held so far
    certificates: sparse.csr_matrix  # worker x certificate vocabulary; data = expiry day
    skills: sparse.csr_matrix  # worker x occupation vocabulary (skills 技能特长), data = 1
    wishes: sparse.csr_matrix  # worker x occupation vocabulary (意向工种), data = 1
    text: list[str]  # skills, wishes, certificates and past jobs, as written: the text side of matching

    def __len__(self) -> int:
        return len(self.worker_id)


@dataclass(slots=True)
class PostingFrame:
    """Postings that might take people, one row each. ``age_min``/``age_max`` are -1 when open."""

    posting_id: npt.NDArray[np.int64]
    employer_id: npt.NDArray[np.int64]
    status: Small  # position in tuple(PostingStatus)
    places_left: Ints  # -1 when the headcount is unknown
    age_min: Small
    age_max: Small
    sex_required: Small
    education_min: Small
    demand: Small  # Demand.*
    occupation: Ints  # id in the occupation vocabulary, -1 unknown
    longitude: Floats
    latitude: Floats
    work_county: Ints
    out_of_area: Flags
    job_kind: Small
    pay_min_month: Floats
    pay_max_month: Floats
    deadline: Ints
    public_welfare: Flags
    hire_age_min: Small
    hire_age_max: Small
    local_registration: Flags
    exclude_cadres: Flags
    photovoltaic: Flags
    max_terms: Small  # 1 + renewals allowed
    employer_retention: Floats  # share of the employer's past hires that lasted 3+ months; nan unknown
    certificates_required: sparse.csr_matrix  # posting x certificate vocabulary, data = 1
    certificates_preferred: sparse.csr_matrix
    text: list[str]  # title, occupation name, description, skills
    pay_text: list[str] = field(default_factory=list)  # pay as written (180-190元/天), for explanations

    def __len__(self) -> int:
        return len(self.posting_id)


STATUS_ORDER = tuple(PostingStatus)

Frame = TypeVar("Frame", WorkerFrame, PostingFrame)


def take(frame: Frame, rows: npt.NDArray[np.intp]) -> Frame:
    """The rows ``rows`` of ``frame``, as a frame of the same kind."""
    values: dict[str, Any] = {}
    for f in fields(frame):
        column = getattr(frame, f.name)
        if isinstance(column, list):  # an optional text column may be left empty: it stays empty
            values[f.name] = [column[i] for i in rows] if len(column) == len(frame) else []
        else:
            values[f.name] = column[rows]
    return type(frame)(**values)


def concat(first: Frame, second: Frame) -> Frame:
    """``first`` followed by ``second`` (set columns widened to the wider vocabulary)."""
    values: dict[str, Any] = {}
    for f in fields(first):
        a, b = getattr(first, f.name), getattr(second, f.name)
        if isinstance(a, list):  # an optional text column left empty on one side is padded with ""
            values[f.name] = [] if not a and not b else _padded(a, len(first)) + _padded(b, len(second))
        elif sparse.issparse(a):
            width = max(a.shape[1], b.shape[1])
            a.resize((a.shape[0], width))
            b.resize((b.shape[0], width))
            values[f.name] = sparse.vstack([a, b], format="csr")
        else:
            values[f.name] = np.concatenate([a, b])
    return type(first)(**values)


def _padded(column: list[str], length: int) -> list[str]:
    return column if len(column) == length else [""] * length
