"""The county's matching policy (``Policy``), the context rules run in, and computations rules and features share.

Kept apart from ``matcher.eligibility`` so features and explanations use the same ages, distances and
certificate counts as the hard rules.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher.frame import NO_DATE, PLACE_ORDER, PostingFrame, Vocabulary, WorkerFrame
from matcher.geo import haversine_km, same_area
from matcher.index import row_entries
from models.vocab import PlaceRange

__all__ = [
    "Flags",
    "Index",
    "Policy",
    "RuleContext",
    "ages_at",
    "certificates_held",
    "date_text",
    "hire_age_limits",
    "pair_distance_km",
    "row_entries",
    "within_wish",
    "wish_limit_km",
    "working_age_limits",
]

Index = npt.NDArray[np.integer[Any]]
Flags = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int32]
Km = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Policy:
    """The configurable rules of a county (defaults follow ``DOMAIN.md``; every number is a setting).

    - ``working_age_male`` / ``working_age_female``: legal working age, both ends inclusive, in whole years
      (16 to 60 for both sexes by default); a worker of unknown sex gets the narrower range;
    - ``wish_km``: how far each place wish reaches, in ``PLACE_ORDER`` (本地 10, 县内 60, 市内 150, 省内 500,
      省外均可 unlimited); ``unknown_wish`` is assumed where no wish is recorded (县内);
    - ``commute_km``: the farthest daily commute, for the commute feature (30 km);
    - ``apply_sex_requirement``: a sex requirement is kept as the employer wrote it but is possibly
      discriminatory (就业促进法 第27条), so it filters candidates only where the county decides so (off);
    - ``public_welfare_age`` / ``public_welfare_max_terms``: used where a public-welfare post leaves its hiring
      age or term limit open (16-60 at hiring; 3 terms = first appointment and 2 renewals).
    """

    working_age_male: tuple[int, int] = (16, 60)
    working_age_female: tuple[int, int] = (16, 60)
    wish_km: tuple[float, float, float, float, float] = (10.0, 60.0, 150.0, 500.0, float("inf"))
    unknown_wish: PlaceRange = PlaceRange.COUNTY
    commute_km: float = 30.0
    apply_sex_requirement: bool = False
    public_welfare_age: tuple[int, int] = (16, 60)
    public_welfare_max_terms: int = 3


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What rules need besides the frames: ``today`` (days since 1970-01-01), the policy, certificate names."""

    today: int
    policy: Policy = field(default_factory=Policy)
    certificates: Vocabulary = field(default_factory=Vocabulary)


def ages_at(birth_day: npt.ArrayLike, today: int) -> Ints:
    """Age in whole years on ``today`` (a 29 February birthday counts from 1 March); -1 (unknown) for
    ``NO_DATE`` and for a birth day after ``today``, which is a wrong date, not an age."""
    birth = np.asarray(birth_day, dtype=np.int64)
    known = birth != NO_DATE
    b_year, b_md = _calendar_of(np.where(known, birth, 0))
    t_year, t_md = _calendar_of(np.array([int(today)], dtype=np.int64))
    age = t_year - b_year - (t_md < b_md)
    return np.where(known & (age >= 0), age, -1).astype(np.int32)


_CALENDAR_FROM, _CALENDAR_TO = -25567, 47482  # 1900-01-01 .. 2100-01-01


@functools.cache
def _calendar() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``_year_and_day`` of every day of 1900-2099, looked up instead of computed (birth days fall there)."""
    return _year_and_day(np.arange(_CALENDAR_FROM, _CALENDAR_TO, dtype=np.int64))


def _calendar_of(days: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    if len(days) and (days.min() < _CALENDAR_FROM or days.max() >= _CALENDAR_TO):
        return _year_and_day(days)
    years, month_days = _calendar()
    return years[days - _CALENDAR_FROM], month_days[days - _CALENDAR_FROM]


def _year_and_day(days: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Year and (month - 1) * 32 + (day - 1) of day numbers, proleptic Gregorian (Hinnant's ``civil_from_days``,
    in integers: numpy's datetime64 casts cost ~100 ns an element)."""
    z = days + 719468  # days since 0000-03-01
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153  # months since March
    day = doy - (153 * mp + 2) // 5
    month = np.where(mp < 10, mp + 2, mp - 10)  # 0 = January
    return yoe + era * 400 + (month <= 1), month * 32 + day


def date_text(day: int) -> str:
    """A day number as 2026-11-28."""
    return str(np.datetime64(int(day), "D"))


def certificates_held(
    worker_certs: sparse.csr_matrix, wi: Index, posting_certs: sparse.csr_matrix, pi: Index, today: int
) -> Ints:
    """Per pair: how many of the posting's certificates (required or preferred) the worker holds unexpired."""
    wi, pi = np.asarray(wi, dtype=np.intp), np.asarray(pi, dtype=np.intp)
    pair, at = row_entries(posting_certs.indptr, pi)
    if len(pair) == 0:
        return np.zeros(len(wi), dtype=np.int32)
    wanting = np.unique(pair)  # only the pairs whose posting names a certificate
    owner, own = row_entries(worker_certs.indptr, wi[wanting])
    valid = worker_certs.data[own] >= today
    # the vocabulary may have grown between loading workers and postings: ids are compared as they are
    width = np.int64(max(worker_certs.shape[1], posting_certs.shape[1]) + 1)
    held = wanting[owner[valid]] * width + worker_certs.indices[own[valid]]
    hit = np.isin(pair * width + posting_certs.indices[at], held)
    return np.bincount(pair[hit], minlength=len(wi)).astype(np.int32)


def wish_limit_km(wish_place: npt.ArrayLike, policy: Policy) -> Km:
    """How far each place wish reaches (``Policy.wish_km``); an unknown wish counts as ``policy.unknown_wish``."""
    wish = np.asarray(wish_place, dtype=np.int64)
    wish = np.where(wish < 0, PLACE_ORDER.index(policy.unknown_wish), wish)
    return np.asarray(policy.wish_km, dtype=np.float64)[wish]


def pair_distance_km(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index) -> Km:
    """Per pair: km from the worker's settlement site to the workplace; nan where a coordinate is missing."""
    return haversine_km(workers.longitude[wi], workers.latitude[wi], postings.longitude[pi], postings.latitude[pi])


def within_wish(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, policy: Policy) -> Flags:
    """Per pair: the workplace lies within the worker's place wish; by adcodes where coordinates are missing."""
    km = pair_distance_km(workers, wi, postings, pi)
    wish = workers.wish_place[wi].astype(np.int64)
    wish = np.where(wish < 0, PLACE_ORDER.index(policy.unknown_wish), wish)
    # local and county both mean "the same county" when only adcodes are known
    level = np.maximum(wish - 1, 0)
    by_area = same_area(workers.local_county[wi], postings.work_county[pi], level)
    out: Flags = np.where(np.isnan(km), by_area, km <= wish_limit_km(wish, policy))
    return out


def working_age_limits(sex: npt.NDArray[np.int8], policy: Policy) -> tuple[Ints, Ints]:
    """The legal working age (lowest, highest) per worker's sex code; the narrower range when sex is unknown."""
    male, female = policy.working_age_male, policy.working_age_female
    narrow = (max(male[0], female[0]), min(male[1], female[1]))
    lows = np.array([male[0], female[0], narrow[0]], dtype=np.int32)
    highs = np.array([male[1], female[1], narrow[1]], dtype=np.int32)
    code = np.where(sex < 0, 2, sex)
    return lows[code], highs[code]


def hire_age_limits(postings: PostingFrame, pi: Index, policy: Policy) -> tuple[Ints, Ints]:
    """A public-welfare post's hiring age range per pair, the policy's where the post leaves it open."""
    lo, hi = postings.hire_age_min[pi].astype(np.int32), postings.hire_age_max[pi].astype(np.int32)
    return np.where(lo < 0, policy.public_welfare_age[0], lo), np.where(hi < 0, policy.public_welfare_age[1], hi)
