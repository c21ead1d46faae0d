"""The compiled steps of a search after the hard rules: text scores, occupation levels, the shortlist, features.

For one posting, ``shortlist`` scores the eligible workers' text rows against the posting's query (a row-wise
product in the order and float32 precision of scipy's, over copies of the candidates' rows kept side by side),
takes their 大典 levels from a table of the posting's occupation against the whole occupation vocabulary, and
keeps the best by the prior ``text + level / 4`` (in candidate order: ``best_positions``), all in one pass.
``pair_columns`` computes ``matcher.features.pair_features`` of the shortlisted pairs (the tests compare the
two column by column); ``prioritised_top`` adds household priority and picks the best. ``top_positions`` is the
ranking all use: the ``k`` largest values, largest first, ties by position. For a worker, ``row_scores`` and
``pair_levels`` do the text and levels of many postings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher.features import AGE_MARGIN_CAP, FEATURE_NAMES, MAX_DISTANCE_KM, UNKNOWN_DISTANCE_KM
from matcher.frame import PLACE_ORDER
from matcher.jit import compiled, inlined
from matcher.screen import held, same_area
from matcher.statics import (
    MONITORED,
    P_AGE_MAX,
    P_AGE_MIN,
    P_COUNTY,
    P_HIRE_MAX,
    P_HIRE_MIN,
    P_OUT,
    P_WELFARE,
    PLACE_AT,
    PRIORITY,
    Candidates,
    CandidateText,
    PostingArrays,
    WorkerArrays,
)

__all__ = [
    "best_positions",
    "level_table",
    "pair_columns",
    "pair_levels",
    "prioritised_top",
    "row_scores",
    "shortlist",
    "top_positions",
]

Ints = npt.NDArray[np.integer[Any]]
Floats = npt.NDArray[np.float32]
_UNKNOWN_KM = np.array(UNKNOWN_DISTANCE_KM, dtype=np.float64)
_N_FEATURES = len(FEATURE_NAMES)
_WISHES = len(PLACE_ORDER)  # the place and wish of a candidate: place * _WISHES + wish


def shortlist(
    text: CandidateText,
    cands: Candidates,
    at: Ints,
    query: tuple[Ints, Floats],
    codes: npt.NDArray[np.int32],
    occupation: int,
    km: npt.NDArray[np.float64],
    k: int,
) -> tuple[npt.NDArray[np.intp], Floats, npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    """Of the candidates at positions ``at`` (eligible for one posting; ``text``: the candidates'
    ``CandidateText``): the worker rows of the ``k`` best by the prior, in candidate order (ties at the k-th by
    position; the ranking after it sorts), with their
    text similarity to the posting's ``query`` (indices, weights), their level against the posting's
    ``occupation`` (``codes``: ``OccupationCodes.table``) and their distance (``km``: to each place)."""
    if occupation >= len(codes):
        raise ValueError("occupation id beyond the vocabulary: the frames were built with another vocabulary")
    return _shortlist(at, cands.rows, cands.packed, text, *query, codes, occupation, km, k)


@compiled
def _shortlist(
    at: Ints,
    rows: Ints,
    packed: Ints,
    ct: CandidateText,
    q_ids: Ints,
    q_weights: Floats,
    codes: npt.NDArray[np.int32],
    occupation: int,
    km: npt.NDArray[np.float64],
    k: int,
) -> tuple[npt.NDArray[np.intp], Floats, npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    level_of = level_table(codes, occupation)
    text_ptr, text_terms, text_data, terms, item_ptr, item_ids = ct
    weights = np.zeros(len(terms), np.float32)  # the query over the candidates' terms (others weigh 0)
    for i in range(len(q_ids)):
        t = np.searchsorted(terms, q_ids[i])
        if t < len(terms) and terms[t] == q_ids[i]:
            weights[t] = q_weights[i]
    n = len(at)
    text, level, prior = np.empty(n, np.float32), np.zeros(n, np.int8), np.empty(n, np.float64)
    for i in range(n):
        c = at[i]
        total = np.float32(0.0)  # as scipy's product: in stored order, float32, absent terms adding 0
        for j in range(text_ptr[c], text_ptr[c + 1]):
            total += text_data[j] * weights[text_terms[j]]
        text[i] = total
        level[i] = _best_level(item_ptr, item_ids, c, level_of)
        prior[i] = np.float64(text[i]) + level[i] / 4
    chosen = best_positions(prior, k)
    places = at[chosen]
    distance = np.empty(len(chosen))
    for i in range(len(chosen)):
        distance[i] = km[(packed[places[i]] >> PLACE_AT) // _WISHES]
    return rows[places].astype(np.intp), text[chosen], level[chosen], distance


@inlined
def _best_level(ptr: Ints, ids: Ints, w: int, level_of: npt.NDArray[np.int8]) -> int:
    best = 0
    for j in range(ptr[w], ptr[w + 1]):
        if ids[j] >= len(level_of):
            raise ValueError("occupation id beyond the vocabulary")
        best = max(best, level_of[ids[j]])
    return best


def row_scores(matrix: sparse.csr_matrix, rows: Ints, query: sparse.csr_matrix) -> Floats:
    """``TextIndex.scores_at``: the similarity of the one-row ``query`` with rows ``rows`` of ``matrix``."""
    return _row_scores(matrix.indptr, matrix.indices, matrix.data, rows, query.indices, query.data)


@compiled
def _row_scores(indptr: Ints, indices: Ints, data: Floats, rows: Ints, q_ids: Ints, q_weights: Floats) -> Floats:
    keys, weights = _query_table(q_ids, q_weights)
    out = np.empty(len(rows), np.float32)
    for i in range(len(rows)):
        out[i] = _dot(indptr, indices, data, rows[i], keys, weights)
    return out


@inlined
def _query_table(q_ids: Ints, q_weights: Floats) -> tuple[npt.NDArray[np.int64], Floats]:
    """The query's terms in an open-addressing table (a probe per term of a row, all in cache)."""
    size = 16
    while size < 2 * len(q_ids):
        size *= 2
    keys, weights = np.full(size, -1, np.int64), np.zeros(size, np.float32)
    for i in range(len(q_ids)):
        slot = (q_ids[i] * 40503) & (size - 1)
        while keys[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        keys[slot], weights[slot] = q_ids[i], q_weights[i]
    return keys, weights


@inlined
def _dot(indptr: Ints, indices: Ints, data: Floats, row: int, keys: npt.NDArray[np.int64], weights: Floats) -> Any:
    """Row ``row`` times the query, summed like scipy's product: in stored order, in float32 (a term the query
    lacks adds an exact 0)."""
    mask = len(keys) - 1
    total = np.float32(0.0)
    for j in range(indptr[row], indptr[row + 1]):
        term = indices[j]
        slot = (term * 40503) & mask
        while keys[slot] >= 0:
            if keys[slot] == term:
                total += data[j] * weights[slot]
                break
            slot = (slot + 1) & mask
    return total


@compiled
def level_table(codes: npt.NDArray[np.int32], target: int) -> npt.NDArray[np.int8]:
    """``OccupationCodes.level`` of every vocabulary id against ``target`` (all 0 when it is unknown)."""
    out = np.zeros(len(codes), np.int8)
    if target < 0:
        return out
    for i in range(len(codes)):
        for depth in range(3, -1, -1):
            if codes[i, depth] >= 0 and codes[i, depth] == codes[target, depth]:
                out[i] = depth + 1
                break
    return out


@compiled
def pair_levels(
    wi: Ints, pi: Ints, wa: WorkerArrays, codes: npt.NDArray[np.int32], occupation: Ints
) -> npt.NDArray[np.int8]:
    """``occupation_levels`` of pairs (``wi[k]``, ``pi[k]``); ``occupation``: the postings' column."""
    out = np.zeros(len(wi), np.int8)
    wish_ptr, wish_ids, skill_ptr, skill_ids = wa.wish_ptr, wa.wish_ids, wa.skill_ptr, wa.skill_ids
    for k in range(len(wi)):
        w, target = wi[k], occupation[pi[k]]
        if target >= len(codes):
            raise ValueError("occupation id beyond the vocabulary")
        if target >= 0:
            wished = _items_level(wish_ptr, wish_ids, w, codes, target)
            out[k] = max(wished, _items_level(skill_ptr, skill_ids, w, codes, target))
    return out


@inlined
def _items_level(ptr: Ints, ids: Ints, w: int, codes: npt.NDArray[np.int32], target: int) -> int:
    best = 0
    for j in range(ptr[w], ptr[w + 1]):
        item = ids[j]
        if item >= len(codes):
            raise ValueError("occupation id beyond the vocabulary")
        for depth in range(3, best - 1, -1):
            if codes[item, depth] >= 0 and codes[item, depth] == codes[target, depth]:
                best = max(best, depth + 1)
                break
    return best


@compiled
def top_positions(values: npt.NDArray[np.floating[Any]], k: int) -> npt.NDArray[np.intp]:
    """Positions of the ``k`` largest values, largest first, ties by position."""
    picked = best_positions(values, k)
    return picked[np.argsort(-values[picked], kind="mergesort")]


@compiled
def best_positions(values: npt.NDArray[np.floating[Any]], k: int) -> npt.NDArray[np.intp]:
    """The positions ``top_positions`` picks, in position order (a shortlist needs no order: the ranking
    after it sorts, ties by position)."""
    n = len(values)
    if k <= 0:
        return np.empty(0, np.intp)
    if n <= k:
        return np.arange(n)
    negative = -values
    kth = np.partition(negative, k - 1)[k - 1]
    ties = k - np.sum(negative < kth)  # how many of the values equal to the k-th are taken: the first ones
    picked, m = np.empty(k, np.intp), 0
    for i in range(n):
        if negative[i] < kth or (negative[i] == kth and ties > 0):
            ties -= negative[i] == kth
            picked[m] = i
            m += 1
    return picked


@compiled
def prioritised_top(base: Floats, priority: npt.NDArray[np.bool_], weight: float, k: int) -> Any:
    """``with_household_priority`` of scores ``base`` (``priority``: the pairs' household priority), and the
    positions of the ``k`` best of them (``top_positions``)."""
    final, w = np.empty(len(base), np.float32), np.float32(weight)
    for i in range(len(base)):
        s = base[i]
        final[i] = s + w * (np.float32(1.0) - s) if priority[i] else s
    return final, top_positions(final, k)


@compiled
def pair_columns(
    wi: Ints,
    pi: Ints,
    text: Floats,
    level: npt.NDArray[np.int8],
    km: npt.NDArray[np.float64],
    wa: WorkerArrays,
    pa: PostingArrays,
    today: int,
    commute_km: float,
    limits: npt.NDArray[np.int64],
    retention_prior: float,
) -> Floats:
    """``pair_features`` of pairs (``wi[k]``, ``pi[k]``), given their text similarity, level and km (nan: no
    coordinates); ``limits``: ``PostingStatics.age_limits``."""
    out = np.zeros((len(wi), _N_FEATURES), np.float32)
    commute = np.float32(commute_km)
    # arrays are taken out of the tuples once: a look-up inside the loop would count references each time
    flags, age, sex, county, wage, job_kind = wa.flags, wa.age, wa.sex, wa.county, wa.wage, wa.job_kind
    experience, placements, cert_ptr, cert_ids, cert_expiry = (
        wa.experience, wa.placements, wa.cert_ptr, wa.cert_ids, wa.cert_expiry)  # fmt: skip
    rules, required_ptr, required_ids, preferred_ptr, preferred_ids = (
        pa.rules, pa.required_ptr, pa.required_ids, pa.preferred_ptr, pa.preferred_ids)  # fmt: skip
    pay, offered_kind, retention = pa.pay, pa.job_kind, pa.retention
    for k in range(len(wi)):  # no row views: each would be a new array, reference-counted
        w, p = wi[k], pi[k]
        out[k, 0], out[k, 1] = text[k], level[k]
        start, end = required_ptr[p], required_ptr[p + 1]
        share = held(w, cert_ptr, cert_ids, cert_expiry, required_ids, today, start, end) / max(end - start, 1)
        out[k, 2] = share if end > start else 1.0
        start, end = preferred_ptr[p], preferred_ptr[p + 1]
        out[k, 3] = held(w, cert_ptr, cert_ids, cert_expiry, preferred_ids, today, start, end)
        out[k, 4] = _wage_ratio(pay[p], wage[w])
        wanted, offered = job_kind[w], offered_kind[p]
        out[k, 5] = 0.5 if wanted < 0 or offered < 0 else (1.0 if wanted == offered else 0.0)
        distance = np.float32(_distance(km[k], county[w], rules[p, P_COUNTY]))
        out[k, 6] = distance
        out[k, 7] = distance <= commute and not rules[p, P_OUT]
        welfare, hire = rules[p, P_WELFARE] != 0, (rules[p, P_HIRE_MIN], rules[p, P_HIRE_MAX])
        out[k, 8] = _age_margin(age[w], sex[w], welfare, hire, rules[p, P_AGE_MIN], rules[p, P_AGE_MAX], limits)
        out[k, 9] = experience[w]
        out[k, 10] = (flags[w] & PRIORITY) != 0
        out[k, 11] = (flags[w] & MONITORED) != 0
        out[k, 12] = retention_prior if np.isnan(retention[p]) else retention[p]
        out[k, 13] = placements[w]
    return out


@inlined
def _wage_ratio(pay: np.float32, wish: np.float32) -> np.float32:
    if np.isnan(pay) or np.isnan(wish) or not wish > 0:
        return np.float32(1.0)
    return min(max(np.float32(pay / wish), np.float32(0.0)), np.float32(3.0))


@inlined
def _distance(km: float, home: int, work: int) -> float:
    """``distance_estimate_km`` of one pair."""
    if np.isnan(km):
        km = _UNKNOWN_KM[3]
        for level in (2, 1, 0):
            if same_area(home, work, level):
                km = _UNKNOWN_KM[level]
        if home <= 0 or work <= 0:
            km = _UNKNOWN_KM[1]
    return min(km, MAX_DISTANCE_KM)


@inlined
def _age_margin(
    age: int, sex: int, welfare: bool, hire: tuple[int, int], age_min: int, age_max: int, limits: Any
) -> float:
    """``age_margin`` of one pair."""
    if age < 0:
        return 0.0
    code = 2 if sex < 0 else sex
    lo, hi = limits[0, code], limits[1, code]
    if welfare:
        lo, hi = max(lo, hire[0]), hire[1]
    lo = max(lo, age_min)
    if age_max >= 0:
        hi = min(hi, age_max)
    return float(min(max(min(age - lo, hi - age), 0), AGE_MARGIN_CAP))
