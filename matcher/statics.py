"""What the compiled search loops read of every worker and every posting, computed once per frame, day and policy.

``WorkerStatics``: ages, the legal working age and labour capacity by physical demand packed into a flag word
per worker, the distinct places workers live at, and the workers looking for work (``Candidates``) with what
the screening loop reads of them packed side by side; their text rows and occupations (``CandidateText``).
``PostingStatics``: a row of rule parameters per posting (columns ``P_*``) and what features read of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher import eligibility as el
from matcher.frame import NO_LABOUR_CODES, PLACE_ORDER, STATUS_ORDER, Demand, PostingFrame, WorkerFrame
from matcher.policy import Flags, Policy, ages_at, hire_age_limits, working_age_limits
from models.vocab import PostingStatus

__all__ = [
    "CandidateText",
    "Candidates",
    "PostingArrays",
    "PostingStatics",
    "WorkerArrays",
    "WorkerStatics",
]

_OPEN = STATUS_ORDER.index(PostingStatus.OPEN)
Ints = npt.NDArray[np.integer[Any]]

# the flag word of a worker
AVAILABLE, OF_AGE, LEGAL_AGE, FAR, CADRE, ENTITLED, PRIORITY, MONITORED = (1 << i for i in range(8))
LABOUR = 8  # bit LABOUR + d: the labour rule passes for physical demand d (Demand.LIGHT .. HEAVY)
MAX_AGE = 255  # ages are looked up in a table up to this (older is the same as this old for every rule)

# the columns of PostingStatics.rules
(P_OPEN, P_WELFARE, P_AGE_MIN, P_AGE_MAX, P_DEMAND, P_SEX, P_OUT, P_COUNTY, P_HIRE_MIN, P_HIRE_MAX, P_LOCAL,
 P_CADRE, P_TERMS, P_PHOTOVOLTAIC) = range(14)  # fmt: skip


class WorkerArrays(NamedTuple):
    """What the compiled loops read of every worker (a tuple, so numba takes it as one argument)."""

    flags: npt.NDArray[np.uint16]
    age: npt.NDArray[np.int32]
    sex: npt.NDArray[np.int8]
    place: npt.NDArray[np.intp]  # row of WorkerStatics.places
    wish: npt.NDArray[np.intp]  # place wish, an unknown one replaced by the policy's
    county: npt.NDArray[np.int32]
    terms: npt.NDArray[np.int8]
    cert_ptr: Ints
    cert_ids: Ints
    cert_expiry: Ints
    wish_ptr: Ints
    wish_ids: Ints
    skill_ptr: Ints
    skill_ids: Ints
    wage: npt.NDArray[np.float32]
    job_kind: npt.NDArray[np.int8]
    experience: npt.NDArray[np.float32]  # the feature: 0-30 years, 0 unknown
    placements: npt.NDArray[np.float32]  # the feature: 0-10


class CandidateText(NamedTuple):
    """The text rows (index matrix) and the wished and skilled occupations (together) of ``Candidates``, in
    the same order: a search scores the eligible among them reading memory nearly in sequence. Text terms are
    numbered among the candidates' own (``terms``: their hashed ids, ascending), so a query is a short dense
    vector and a row's product has no look-ups to miss."""

    text_ptr: Ints
    text_terms: npt.NDArray[np.int32]  # position in ``terms``
    text_data: npt.NDArray[np.float32]
    terms: Ints
    item_ptr: Ints
    item_ids: Ints


class Candidates(NamedTuple):
    """Workers a posting is screened against, with what the loop reads of them packed into one word each (in
    the order of ``rows``), so it reads memory in sequence: bits 0-15 the flags, 16-24 the age + 1 (at most
    ``MAX_AGE``; 0 unknown), 25-26 the sex code + 1, 27-33 the public-welfare terms held (at most 127), 34-63
    the place * len(PLACE_ORDER) + the wish."""

    rows: npt.NDArray[np.intp]
    packed: npt.NDArray[np.int64]
    county: npt.NDArray[np.int32]


AGE_AT, SEX_AT, TERMS_AT, PLACE_AT = 16, 25, 27, 34


@dataclass(slots=True)
class WorkerStatics:
    """What the rules need of every worker that no posting changes, for one frame, day and policy."""

    workers: WorkerFrame
    today: int
    policy: Policy
    age: npt.NDArray[np.int32] = field(init=False)
    places: npt.NDArray[np.float32] = field(init=False)  # the distinct (lon, lat) of workers
    arrays: WorkerArrays = field(init=False)
    _candidates: dict[bool, Candidates] = field(init=False, default_factory=dict)
    _texts: dict[bool, tuple[sparse.csr_matrix, CandidateText]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        w = self.workers
        self.age = ages_at(w.birth_day, self.today)
        lon, lat = np.ascontiguousarray(w.longitude), np.ascontiguousarray(w.latitude)
        bits = (lon.view(np.uint32).astype(np.uint64) << np.uint64(32)) | lat.view(np.uint32)
        _, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
        self.places = np.stack([lon[first], lat[first]], axis=1)
        unknown = PLACE_ORDER.index(self.policy.unknown_wish)
        self.arrays = WorkerArrays(
            self._flags(), self.age, w.sex, inverse.reshape(-1).astype(np.intp),
            np.where(w.wish_place < 0, unknown, w.wish_place).astype(np.intp), w.local_county,
            w.public_welfare_terms, w.certificates.indptr, w.certificates.indices, w.certificates.data,
            w.wishes.indptr, w.wishes.indices, w.skills.indptr, w.skills.indices, w.wish_min_wage, w.wish_job_kind,
            np.clip(np.nan_to_num(w.experience_years, nan=0.0), 0, 30).astype(np.float32),
            np.clip(w.placements, 0, 10).astype(np.float32),
        )  # fmt: skip

    def _flags(self) -> npt.NDArray[np.uint16]:
        w = self.workers
        lo, hi = working_age_limits(w.sex, self.policy)
        of_age = (self.age >= 0) & (self.age >= lo)
        not_heavy = np.isin(w.health, el._FRAIL) | (w.labour < 0)
        has_labour = (w.labour != NO_LABOUR_CODES[0]) & (w.labour != NO_LABOUR_CODES[1])
        parts: list[tuple[Flags, int]] = [
            (w.available, AVAILABLE), (of_age, OF_AGE), (of_age & (self.age <= hi), LEGAL_AGE),
            (np.isin(w.wish_place, el._FAR), FAR), (w.village_cadre, CADRE),
            (w.household_lifted | w.household_monitored, ENTITLED), (has_labour & ~w.household_employed, PRIORITY),
            (w.household_monitored, MONITORED),
        ]  # fmt: skip
        for demand in (Demand.LIGHT, Demand.NORMAL, Demand.HEAVY):
            refused = np.isin(w.labour, NO_LABOUR_CODES) | ((w.labour == el._WEAK) & (demand > Demand.LIGHT))
            parts.append((~refused & ~(not_heavy & (demand == Demand.HEAVY)), 1 << (LABOUR + demand)))
        flags = np.zeros(len(w), dtype=np.uint16)
        for mask, bit in parts:
            flags |= np.where(mask, np.uint16(bit), np.uint16(0))
        return flags

    def fits(self, workers: WorkerFrame, today: int, policy: Policy) -> bool:
        return self.workers is workers and self.today == today and self.policy == policy

    def candidates(self, available_only: bool) -> Candidates:
        """The workers available for work (or everyone), as ``Candidates``."""
        found = self._candidates.get(available_only)
        if found is None:
            rows = np.flatnonzero(self.workers.available) if available_only else np.arange(len(self.workers))
            a = self.arrays
            place_wish = a.place[rows].astype(np.int64) * len(PLACE_ORDER) + a.wish[rows]
            packed = (
                a.flags[rows].astype(np.int64)
                | (np.clip(a.age[rows], -1, MAX_AGE).astype(np.int64) + 1) << AGE_AT
                | (a.sex[rows].astype(np.int64) + 1) << SEX_AT
                | np.clip(a.terms[rows], 0, 127).astype(np.int64) << TERMS_AT
                | place_wish << PLACE_AT
            )
            found = Candidates(rows, packed, a.county[rows])
            self._candidates[available_only] = found
        return found

    def candidate_text(self, cands: Candidates, matrix: sparse.csr_matrix) -> CandidateText:
        """``CandidateText`` of ``cands`` (from ``candidates``), with text rows from the index ``matrix``."""
        available_only = cands is self.candidates(True)
        found = self._texts.get(available_only)
        if found is None or found[0] is not matrix:
            w = self.workers
            text = matrix[cands.rows]
            terms, at = np.unique(text.indices, return_inverse=True)
            width = w.wishes.shape[1]
            items = sparse.hstack([w.wishes, w.skills], format="csr")[cands.rows]
            ids = np.where(items.indices >= width, items.indices - width, items.indices)
            found = self._texts[available_only] = (
                matrix,
                CandidateText(text.indptr, at.reshape(-1).astype(np.int32), text.data, terms, items.indptr,
                              ids.astype(np.int32)),  # fmt: skip
            )
        return found[1]


class PostingArrays(NamedTuple):
    """What the compiled loops read of every posting besides its rule parameters."""

    rules: npt.NDArray[np.int64]  # PostingStatics.rules
    required_ptr: Ints
    required_ids: Ints
    preferred_ptr: Ints
    preferred_ids: Ints
    pay: npt.NDArray[np.float32]  # the best monthly pay: pay_max_month, else pay_min_month
    job_kind: npt.NDArray[np.int8]
    retention: npt.NDArray[np.float32]
    occupation: npt.NDArray[np.int32]


@dataclass(slots=True)
class PostingStatics:
    """Per posting, the rules' parameters (columns ``P_*``) for one posting frame, day and policy."""

    postings: PostingFrame
    today: int
    policy: Policy
    rules: npt.NDArray[np.int64] = field(init=False)
    arrays: PostingArrays = field(init=False)
    age_limits: npt.NDArray[np.int64] = field(init=False)  # the legal working age by sex code: lows, highs

    def __post_init__(self) -> None:
        p, policy, rows = self.postings, self.policy, np.arange(len(self.postings))
        welfare = p.public_welfare
        hire_min, hire_max = hire_age_limits(p, rows, policy)
        columns = [
            (p.status == _OPEN) & (p.places_left != 0) & (p.deadline >= self.today), welfare, p.age_min,
            p.age_max, np.where(p.demand < 0, Demand.NORMAL, p.demand),
            p.sex_required if policy.apply_sex_requirement else np.full(len(p), -1), p.out_of_area, p.work_county,
            hire_min, hire_max, welfare & p.local_registration, welfare & p.exclude_cadres,
            el._max_terms(p, rows, policy), welfare & p.photovoltaic,
        ]  # fmt: skip
        self.rules = np.stack([np.asarray(c, dtype=np.int64) for c in columns], axis=1).reshape(len(p), 14)
        male, female = policy.working_age_male, policy.working_age_female
        narrow = (max(male[0], female[0]), min(male[1], female[1]))  # sex unknown: the narrower range
        self.age_limits = np.array([[male[0], female[0], narrow[0]], [male[1], female[1], narrow[1]]], np.int64)
        required, preferred = p.certificates_required, p.certificates_preferred
        self.arrays = PostingArrays(
            self.rules, required.indptr, required.indices, preferred.indptr, preferred.indices,
            np.where(np.isnan(p.pay_max_month), p.pay_min_month, p.pay_max_month).astype(np.float32), p.job_kind,
            p.employer_retention, p.occupation,
        )  # fmt: skip

    def fits(self, postings: PostingFrame, today: int, policy: Policy) -> bool:
        return self.postings is postings and self.today == today and self.policy == policy
