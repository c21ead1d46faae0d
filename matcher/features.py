"""Features of (worker, posting) pairs for ranking, a transparent fallback score, and household priority.

``pair_features`` returns one float32 row per pair, columns in ``FEATURE_NAMES``; every column is finite
(unknowns get the documented neutral values below), so any scikit-learn model can take it:

- ``text_similarity``: given by the caller (the tokenizer's similarity of the two texts);
- ``occupation_level``: 大典 closeness of the posting's occupation to the best of the worker's wishes and
  skills: 4 same code, 3 same 小类 (6-30-05), 2 same 中类 (6-30), 1 same 大类 (6), 0 none or unknown;
- ``required_certificate_share``: share of required certificates held unexpired (1 when none required);
- ``preferred_certificates_held``: preferred certificates held unexpired;
- ``wage_ratio``: pay (``pay_max_month``, else ``pay_min_month``) over ``wish_min_wage``, clipped to 0..3;
  1 (pay meets the wish) when either side is unknown;
- ``job_kind_match``: 1 same 用工形式, 0 different, 0.5 when either is unknown;
- ``distance_km``: site to workplace, capped at 1000; without coordinates a rough estimate from adcodes
  (``UNKNOWN_DISTANCE_KM``: same county 20, same city 80, same province 250, else 1000; unknown 80);
- ``commute_feasible``: 1 when within ``Policy.commute_km`` and not an out-of-area posting;
- ``age_margin_years``: years to the nearer limit of the posting's age range (within the legal working age,
  or the hiring-age range of a public-welfare post), capped at 10; 0 when age is unknown;
- ``experience_years``: capped at 30, 0 when unknown;
- ``household_no_one_employed``: the worker has labour and no one of the household is employed;
- ``household_monitored``: 监测户 (防返贫监测对象);
- ``employer_retention``: share of the employer's past hires kept 3+ months; ``RETENTION_PRIOR`` when unknown;
- ``worker_placements``: the worker's past placements kept 3+ months, capped at 10.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from matcher.frame import NO_LABOUR_CODES, PostingFrame, Vocabulary, WorkerFrame
from matcher.geo import same_area
from matcher.jit import compiled
from matcher.policy import (
    Flags,
    Index,
    RuleContext,
    ages_at,
    certificates_held,
    hire_age_limits,
    pair_distance_km,
    row_entries,
    working_age_limits,
)

__all__ = [
    "COLUMN",
    "DEFAULT_PRIORITY_WEIGHT",
    "DEFAULT_WEIGHTS",
    "FEATURE_NAMES",
    "OccupationCodes",
    "RETENTION_PRIOR",
    "UNKNOWN_DISTANCE_KM",
    "WeightedScore",
    "age_margin",
    "distance_estimate_km",
    "household_priority",
    "occupation_codes",
    "occupation_levels",
    "pair_features",
    "unit_features",
    "wage_ratio",
    "with_household_priority",
]

FEATURE_NAMES: tuple[str, ...] = (
    "text_similarity",
    "occupation_level",
    "required_certificate_share",
    "preferred_certificates_held",
    "wage_ratio",
    "job_kind_match",
    "distance_km",
    "commute_feasible",
    "age_margin_years",
    "experience_years",
    "household_no_one_employed",
    "household_monitored",
    "employer_retention",
    "worker_placements",
)
COLUMN: Mapping[str, int] = MappingProxyType({name: i for i, name in enumerate(FEATURE_NAMES)})

# No outcome says anything about a new employer yet: an even chance, until the overall rate is known.
RETENTION_PRIOR = 0.5
UNKNOWN_DISTANCE_KM = (20.0, 80.0, 250.0, 1000.0)
MAX_DISTANCE_KM = 1000.0
AGE_MARGIN_CAP = 10.0
Floats = npt.NDArray[np.float32]


def pair_features(
    workers: WorkerFrame,
    wi: Index,
    postings: PostingFrame,
    pi: Index,
    text_similarity: npt.ArrayLike,
    ctx: RuleContext,
    occupations: Vocabulary,
    *,
    retention_prior: float = RETENTION_PRIOR,
    occupation_level: npt.ArrayLike | None = None,
) -> Floats:
    """The (n_pairs x len(FEATURE_NAMES)) float32 features of pairs (``wi[k]``, ``pi[k]``); ``occupation_level``
    passes ``occupation_levels`` of the same pairs when the caller has them already."""
    wi, pi = np.asarray(wi, dtype=np.intp), np.asarray(pi, dtype=np.intp)
    out = np.zeros((len(wi), len(FEATURE_NAMES)), dtype=np.float32)
    out[:, COLUMN["text_similarity"]] = np.nan_to_num(np.asarray(text_similarity, dtype=np.float32), nan=0.0)
    if occupation_level is None:
        occupation_level = occupation_levels(workers, wi, postings, pi, occupations)
    out[:, COLUMN["occupation_level"]] = occupation_level
    _certificate_columns(out, workers, wi, postings, pi, ctx.today)
    out[:, COLUMN["wage_ratio"]] = wage_ratio(workers, wi, postings, pi)
    kind_w, kind_p = workers.wish_job_kind[wi], postings.job_kind[pi]
    out[:, COLUMN["job_kind_match"]] = np.where((kind_w < 0) | (kind_p < 0), 0.5, kind_w == kind_p)
    km = distance_estimate_km(workers, wi, postings, pi)
    out[:, COLUMN["distance_km"]] = km
    out[:, COLUMN["commute_feasible"]] = (km <= ctx.policy.commute_km) & ~postings.out_of_area[pi]
    out[:, COLUMN["age_margin_years"]] = age_margin(workers, wi, postings, pi, ctx)
    out[:, COLUMN["experience_years"]] = np.clip(np.nan_to_num(workers.experience_years[wi], nan=0.0), 0, 30)
    out[:, COLUMN["household_no_one_employed"]] = household_priority(workers, wi)
    out[:, COLUMN["household_monitored"]] = workers.household_monitored[wi]
    retention = postings.employer_retention[pi]
    out[:, COLUMN["employer_retention"]] = np.where(np.isnan(retention), retention_prior, retention)
    out[:, COLUMN["worker_placements"]] = np.clip(workers.placements[wi], 0, 10)
    return out


def _certificate_columns(
    out: Floats, workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, today: int
) -> None:
    required = np.diff(postings.certificates_required.indptr)[pi]
    held = certificates_held(workers.certificates, wi, postings.certificates_required, pi, today)
    out[:, COLUMN["required_certificate_share"]] = np.where(required > 0, held / np.maximum(required, 1), 1.0)
    preferred = certificates_held(workers.certificates, wi, postings.certificates_preferred, pi, today)
    out[:, COLUMN["preferred_certificates_held"]] = preferred


def occupation_levels(
    workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, occupations: Vocabulary
) -> npt.NDArray[np.int8]:
    """Per pair: the best 大典 level (0-4) of the posting's occupation among the worker's wishes and skills."""
    codes = occupation_codes(occupations)
    wi = np.asarray(wi, dtype=np.intp)
    target = postings.occupation[pi]
    one = len(target) > 0 and target.min() == target.max()  # one posting: a level per vocabulary id
    best = np.zeros(len(wi), dtype=np.int8)
    for items in (workers.wishes, workers.skills):
        owner, at = row_entries(items.indptr, wi)
        if len(owner) == 0:
            continue
        ids = items.indices[at]
        if one and ids.max() < len(codes.table) and target[0] < len(codes.table):
            level = codes.level(np.arange(len(codes.table)), np.full(len(codes.table), target[0]))[ids]
        else:
            level = codes.level(ids, target[owner])
        first = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))  # owners come in order
        held = owner[first]
        best[held] = np.maximum(best[held], np.maximum.reduceat(level, first))
    return best


def wage_ratio(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index) -> Floats:
    """Per pair: the best monthly pay over the wished minimum, 0..3; 1 where either is unknown or the wish is 0."""
    pay = np.where(np.isnan(postings.pay_max_month[pi]), postings.pay_min_month[pi], postings.pay_max_month[pi])
    wish = workers.wish_min_wage[wi]
    known = ~np.isnan(pay) & ~np.isnan(wish) & (wish > 0)
    ratio = np.divide(pay, wish, out=np.ones(len(wi), dtype=np.float32), where=known)
    return np.clip(ratio, 0.0, 3.0).astype(np.float32)


def distance_estimate_km(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index) -> Floats:
    """Per pair: km site to workplace, capped; estimated from adcodes where coordinates are missing."""
    km = pair_distance_km(workers, wi, postings, pi)
    missing = np.isnan(km)
    if not missing.any():
        return np.minimum(km, MAX_DISTANCE_KM).astype(np.float32)
    home, work = workers.local_county[wi], postings.work_county[pi]
    estimate = np.full(len(wi), UNKNOWN_DISTANCE_KM[3])
    for level in (2, 1, 0):  # nearest area last, so it wins
        estimate = np.where(same_area(home, work, level), UNKNOWN_DISTANCE_KM[level], estimate)
    estimate = np.where((home <= 0) | (work <= 0), UNKNOWN_DISTANCE_KM[1], estimate)
    return np.minimum(np.where(missing, estimate, km), MAX_DISTANCE_KM).astype(np.float32)


def age_margin(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Floats:
    """Per pair: years to the nearer age limit, 0..``AGE_MARGIN_CAP``; 0 when age is unknown."""
    age = ages_at(workers.birth_day[wi], ctx.today)
    lo, hi = working_age_limits(workers.sex[wi], ctx.policy)
    hire_lo, hire_hi = hire_age_limits(postings, pi, ctx.policy)
    welfare = postings.public_welfare[pi]
    lo, hi = np.where(welfare, np.maximum(lo, hire_lo), lo), np.where(welfare, hire_hi, hi)
    lo = np.maximum(lo, postings.age_min[pi])
    hi = np.where(postings.age_max[pi] >= 0, np.minimum(hi, postings.age_max[pi]), hi)
    margin = np.clip(np.minimum(age - lo, hi - age), 0, AGE_MARGIN_CAP)
    return np.where(age >= 0, margin, 0.0).astype(np.float32)


def household_priority(workers: WorkerFrame, wi: Index) -> Flags:
    """Per pair: the worker has labour (or it is not recorded) and no one of the household is employed."""
    labour = workers.labour[wi]
    has_labour = (labour != NO_LABOUR_CODES[0]) & (labour != NO_LABOUR_CODES[1])
    return np.asarray(has_labour & ~workers.household_employed[wi], dtype=np.bool_)


# --- 大典 occupation codes -----------------------------------------------------------------------------------


@dataclass(slots=True)
class OccupationCodes:
    """Per occupation-vocabulary id: ids of its 大类, 中类 and 小类 prefixes and of the whole code (-1 where the
    code stops), so levels compare as integer arrays. ``1-00-00-00`` and ``1`` are the same 大类; a name that
    is not a 大典 code matches only itself. Grows with its vocabulary (which never renumbers)."""

    vocabulary: Vocabulary
    table: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int32))
    prefixes: dict[str, int] = field(default_factory=dict)

    def update(self) -> None:
        """Add the rows of names the vocabulary gained since the last call."""
        names = self.vocabulary.names[len(self.table) :]
        if names:
            rows = np.array([self._row(name) for name in names], dtype=np.int32).reshape(-1, 4)
            self.table = np.concatenate([self.table, rows])

    def _row(self, name: str) -> list[int]:
        parts = name.strip().split("-")
        if not (1 <= len(parts) <= 4 and all(p.isdigit() for p in parts)):
            return [-1, -1, -1, self._id("name:" + name)]
        while len(parts) > 1 and int(parts[-1]) == 0:
            parts.pop()
        parts = [parts[0], *(p.zfill(2) for p in parts[1:])]
        levels = [self._id("-".join(parts[:depth])) if depth <= len(parts) else -1 for depth in (1, 2, 3)]
        return [*levels, self._id("-".join(parts))]

    def _id(self, prefix: str) -> int:
        return self.prefixes.setdefault(prefix, len(self.prefixes))

    def level(self, items: npt.ArrayLike, targets: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """Element-wise 大典 level of ``items`` against ``targets`` (ids; -1 unknown): 4 same code .. 0 none."""
        a, b = np.asarray(items, dtype=np.intp), np.asarray(targets, dtype=np.intp)
        known = (a >= 0) & (b >= 0)
        if max(a.max(initial=-1), b.max(initial=-1)) >= len(self.table):
            raise ValueError("occupation id beyond the vocabulary: the frames were built with another vocabulary")
        ta, tb = self.table[np.where(known, a, 0)], self.table[np.where(known, b, 0)]
        same = (ta == tb) & (ta >= 0) & known[:, None]
        # the deepest level in common: a same code is a same 小类, 中类, 大类 too (or a name, level 4 alone)
        level: npt.NDArray[np.int8] = (same * _DEPTH).max(axis=1, initial=0)
        return level


_DEPTH = np.array([1, 2, 3, 4], dtype=np.int8)
_CODES: dict[int, OccupationCodes] = {}


def occupation_codes(vocabulary: Vocabulary) -> OccupationCodes:
    """The (cached, growing) ``OccupationCodes`` of an occupation vocabulary."""
    codes = _CODES.get(id(vocabulary))
    if codes is None or codes.vocabulary is not vocabulary:
        if len(_CODES) >= 8:  # a process holds one or two vocabularies; tests make more
            _CODES.clear()
        codes = _CODES[id(vocabulary)] = OccupationCodes(vocabulary)
    codes.update()
    return codes


# --- fallback score and household priority ----------------------------------------------------------------

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "text_similarity": 0.20,
        "occupation_level": 0.25,
        "required_certificate_share": 0.05,
        "preferred_certificates_held": 0.05,
        "wage_ratio": 0.10,
        "job_kind_match": 0.05,
        "distance_km": 0.10,
        "commute_feasible": 0.05,
        "age_margin_years": 0.02,
        "experience_years": 0.05,
        "household_no_one_employed": 0.0,  # applied once, by with_household_priority
        "household_monitored": 0.0,  # shown to brokers, not ranked on
        "employer_retention": 0.05,
        "worker_placements": 0.03,
    }
)
DEFAULT_PRIORITY_WEIGHT = 0.2


def unit_features(features: npt.ArrayLike) -> Floats:
    """Each feature mapped to 0..1, higher is better (the scale ``WeightedScore`` weighs).

    Occupation level / 4; preferred certificates / 2 (capped); wage ratio 0.8 -> 0 up to 1.3 -> 1; distance
    1 - km / 150 (0 beyond); age margin / 10; experience / 10 years (capped); placements / 3 (capped); the
    other columns are shares or flags already. Computed in float32, in one compiled pass over the pairs.
    """
    x = np.ascontiguousarray(features, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != len(FEATURE_NAMES):
        raise ValueError(f"features must have {len(FEATURE_NAMES)} columns (FEATURE_NAMES)")
    return _unit(x)


_OCC, _PREF, _WAGE, _DIST = (COLUMN[n] for n in ("occupation_level", "preferred_certificates_held", "wage_ratio",
                                                 "distance_km"))  # fmt: skip
_AGE, _EXP, _PLACED = (COLUMN[n] for n in ("age_margin_years", "experience_years", "worker_placements"))


_ONE, _ZERO = np.float32(1.0), np.float32(0.0)


@compiled
def _unit(x: Floats) -> Floats:
    u = np.empty_like(x)
    for k in range(len(x)):
        row, out = x[k], u[k]
        for j in range(len(row)):
            out[j] = min(max(row[j], _ZERO), _ONE)
        out[_OCC] = row[_OCC] / np.float32(4)
        out[_PREF] = min(row[_PREF], np.float32(2)) / np.float32(2)
        out[_WAGE] = min(max((row[_WAGE] - np.float32(0.8)) / np.float32(0.5), _ZERO), _ONE)
        out[_DIST] = _ONE - min(max(row[_DIST] / np.float32(150), _ZERO), _ONE)
        out[_AGE] = min(max(row[_AGE] / np.float32(AGE_MARGIN_CAP), _ZERO), _ONE)
        out[_EXP] = min(max(row[_EXP] / np.float32(10), _ZERO), _ONE)
        out[_PLACED] = min(max(row[_PLACED] / np.float32(3), _ZERO), _ONE)
    return u


@dataclass(frozen=True, slots=True)
class WeightedScore:
    """A transparent score in 0..1 until enough outcomes exist to train a model: the weighted mean of
    ``unit_features`` with ``weights`` (``DEFAULT_WEIGHTS``: occupation 0.25, text 0.20, wage and distance 0.10
    each, the rest 0.02-0.05; household columns 0, since priority is applied once by
    ``with_household_priority``)."""

    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    _vector: Floats = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FEATURE_NAMES)
        if unknown or any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError(f"weights must be non-negative, not all zero, over FEATURE_NAMES (unknown: {unknown})")
        w = np.array([self.weights.get(name, 0.0) for name in FEATURE_NAMES], dtype=np.float32)
        object.__setattr__(self, "_vector", (w / w.sum()).astype(np.float32))

    @property
    def vector(self) -> Floats:
        """The weights in ``FEATURE_NAMES`` order, summing to 1."""
        return self._vector.copy()

    def contributions(self, features: npt.ArrayLike) -> Floats:
        """Per pair and feature: its share of the score (rows sum to the score)."""
        out: Floats = unit_features(features) * self._vector
        return out

    def score(self, features: npt.ArrayLike) -> Floats:
        """Per pair: the score in 0..1."""
        total: Floats = unit_features(features) @ self._vector
        return np.clip(total, 0.0, 1.0).astype(np.float32)


def with_household_priority(
    scores: npt.ArrayLike,
    workers: WorkerFrame,
    wi: Index,
    weight: float = DEFAULT_PRIORITY_WEIGHT,
    *,
    priority: npt.ArrayLike | None = None,
) -> Floats:
    """Raise the scores of workers from households with labour and no one employed (每户至少一人稳定就业).

    ``s -> s + weight * (1 - s)``: the score moves ``weight`` of the way to 1, so it stays in 0..1 (a model's
    probability or ``WeightedScore``), order within each group is kept, 0 turns priority off. The trade-off:
    a priority worker with score ``s`` overtakes anyone scoring below ``s + weight * (1 - s)`` — at the default
    0.2 a 0.5 candidate ranks with a 0.6 one, while a weak fit (0.1) still stays below a good one (0.8).
    ``priority``: ``household_priority`` of the pairs, when the caller has it already.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError("household priority weight must be between 0 and 1")
    s = np.asarray(scores, dtype=np.float32)
    flags = household_priority(workers, np.asarray(wi)) if priority is None else np.asarray(priority, dtype=np.bool_)
    return np.where(flags, s + weight * (1 - s), s).astype(np.float32)
