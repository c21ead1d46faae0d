"""Which reasons explain a pair and in what order, for many pairs in one compiled loop (``matcher.explain``
turns the plan into Chinese).

A reason has a slot (``S_*``, in the order reasons are considered), a contribution (its share of the weighted
score, 0 for a note, negative against the match), a ``variant`` (which wording) and an ``argument`` (an
occupation id, or bit i for the posting's i-th named certificate held; ``-1 - w`` for worker row ``w`` when the
posting names more than 62). The order: the
strongest ``top`` positive reasons, household priority among them by its size, then notes, then what speaks
against, strongest first; ties keep the slot order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.features import COLUMN
from matcher.jit import compiled, inlined

__all__ = ["N_SLOTS", "PairValues", "Plan", "plan"]

Ints = npt.NDArray[np.integer[Any]]
Floats = npt.NDArray[np.float32]

(S_OCCUPATION, S_REQUIRED, S_PREFERRED, S_WAGE, S_DISTANCE, S_JOB_KIND, S_EXPERIENCE, S_PLACEMENTS, S_RETENTION,
 S_TEXT, S_PRIORITY, S_NO_ONE_EMPLOYED, S_MONITORED) = range(13)  # fmt: skip
N_SLOTS = 13
_SCORED = 10  # slots before this one are ranked by contribution; the household ones follow their own rule
# variants
WAGE_NOTE, WAGE_BELOW, WAGE_MET = 0, 1, 2
PLACE_OUT_OF_AREA, PLACE_SAME_COUNTY, PLACE_NEAR, PLACE_FAR = 0, 1, 2, 3
_OCC, _REQ, _PREF, _WAGE = COLUMN["occupation_level"], COLUMN["required_certificate_share"], \
    COLUMN["preferred_certificates_held"], COLUMN["wage_ratio"]  # fmt: skip
_DIST, _COMMUTE, _KIND = COLUMN["distance_km"], COLUMN["commute_feasible"], COLUMN["job_kind_match"]
_EXP, _PLACED, _RET, _TEXT = (COLUMN["experience_years"], COLUMN["worker_placements"], COLUMN["employer_retention"],
                              COLUMN["text_similarity"])  # fmt: skip


class PairValues(NamedTuple):
    """Per pair, the raw values the reasons look at besides the features (one entry per pair)."""

    km: npt.NDArray[np.float64]  # nan without coordinates
    out_of_area: npt.NDArray[np.bool_]
    home: npt.NDArray[np.int64]
    work: npt.NDArray[np.int64]
    wanted_kind: npt.NDArray[np.int64]
    offered_kind: npt.NDArray[np.int64]
    retention: Floats
    pay_known: npt.NDArray[np.bool_]  # the posting states some pay
    wish_wage: Floats
    monitored: npt.NDArray[np.bool_]
    occupation: npt.NDArray[np.int64]
    boost: npt.NDArray[np.float64]  # what household priority added; -1 when the household does not qualify


class Plan(NamedTuple):
    """The reasons of all pairs in display order, pair after pair (pair k's end at ``ends[k]``): slot,
    contribution, variant, argument, and which wording each says (reasons with the same wording say the same
    text: ``first[j]`` is the first reason of wording j, for the writer to fill in once)."""

    pair: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]
    contribution: npt.NDArray[np.float64]
    variant: npt.NDArray[np.int64]
    argument: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    wording: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]


@inlined
def pair_values(
    wi: Ints,
    pi: Ints,
    km: npt.NDArray[np.float64],
    workers: tuple[Ints, Ints, Floats, Any, Any, Any],
    postings: tuple[Any, Ints, Ints, Floats, Floats, Floats, Ints],
    base: Floats,
    priority_weight: float,
    no_labour: tuple[int, int],
) -> PairValues:
    """``PairValues`` of pairs (``wi[k]``, ``pi[k]``): ``workers``: local county, wished job kind, wished wage,
    monitored, labour, household employed; ``postings``: out of area, work county, job kind, retention, pay min
    and max, occupation; ``base``: the pairs' scores before household priority (``NO_LABOUR_CODES``: no labour)."""
    county, wanted, wish, monitored, labour, employed = workers
    out_of_area, work, offered, retention, pay_min, pay_max, occupation = postings
    n = len(wi)
    v = PairValues(km, np.empty(n, np.bool_), np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64),
                   np.empty(n, np.int64), np.empty(n, np.float32), np.empty(n, np.bool_), np.empty(n, np.float32),
                   np.empty(n, np.bool_), np.empty(n, np.int64), np.empty(n))  # fmt: skip
    for k in range(n):
        w, p = wi[k], pi[k]
        v.out_of_area[k], v.home[k], v.work[k] = out_of_area[p], county[w], work[p]
        v.wanted_kind[k], v.offered_kind[k], v.retention[k] = wanted[w], offered[p], retention[p]
        v.pay_known[k] = not (np.isnan(pay_min[p]) and np.isnan(pay_max[p]))
        v.wish_wage[k], v.monitored[k], v.occupation[k] = wish[w], monitored[w], occupation[p]
        priority = labour[w] != no_labour[0] and labour[w] != no_labour[1] and not employed[w]
        v.boost[k] = priority_weight * (1.0 - np.float64(base[k])) if priority else -1.0
    return v


@compiled
def plan(
    x: Floats,
    c: Floats,
    weights: npt.NDArray[np.float64],
    wi: Ints,
    pi: Ints,
    values: tuple[Any, ...],
    sets: tuple[Ints, Ints, Ints, Ints, Ints, Ints, Ints],
    wanted: tuple[Ints, Ints, Ints, Ints],
    codes: npt.NDArray[np.int32],
    today: int,
    top: int,
) -> Plan:
    """The plan of pairs (``wi[k]``, ``pi[k]``) with features ``x`` and contributions ``c``; ``values``: the
    arguments of ``pair_values`` after ``wi`` and ``pi``; ``sets``: the workers' certificates (indptr, ids,
    expiry), wishes and skills (indptr, ids); ``wanted``: the postings' required and preferred certificates
    (indptr, ids)."""
    v = pair_values(wi, pi, values[0], values[1], values[2], values[3], values[4], values[5])
    n = len(wi)
    found = np.zeros((n, N_SLOTS), np.bool_)
    share = np.zeros((n, N_SLOTS), np.float64)
    variant = np.zeros((n, N_SLOTS), np.int8)
    argument = np.zeros((n, N_SLOTS), np.int64)
    # each step goes over all pairs: an array taken out of a tuple costs a reference count, once per step
    _occupation(x, c, v.occupation, wi, sets[3], sets[4], sets[5], sets[6], codes, found, share, variant, argument)
    _certificates(c, wi, pi, sets[0], sets[1], sets[2], wanted, today, found, share, argument)
    _wage(x, c, weights, v.pay_known, v.wish_wage, found, share, variant)
    _place(x, c, weights, v.out_of_area, v.km, v.home, v.work, found, share, variant)
    _job_kind(c, weights, v.wanted_kind, v.offered_kind, found, share, variant)
    _history(x, c, v.retention, v.monitored, found, share)
    pair, slot, contribution, kind, value, ends = _order(found, share, variant, argument, v.boost, top)
    wording, first = _wordings(pair, slot, kind, value, x, v, pi)
    return Plan(pair, slot, contribution, kind, value, ends, wording, first)


@compiled
def _occupation(x: Floats, c: Floats, occupation: Ints, wi: Ints, wish_ptr: Ints, wish_ids: Ints, skill_ptr: Ints,
                skill_ids: Ints, codes: Any, found: Any, share: Any, variant: Any, argument: Any) -> None:  # fmt: skip
    """The wish (then the skill) at the pair's 大典 level: the posting's occupation if the same, else that item."""
    for k in range(len(wi)):
        target, level, w = occupation[k], int(x[k, _OCC]), wi[k]
        if target < 0 or level < 2:
            continue
        kind, item = 0, _item_at(wish_ptr, wish_ids, w, codes, target, level)
        if item < 0:
            kind, item = 1, _item_at(skill_ptr, skill_ids, w, codes, target, level)
        if item >= 0:
            found[k, S_OCCUPATION], share[k, S_OCCUPATION] = True, c[k, _OCC]
            variant[k, S_OCCUPATION] = 2 * kind + (level == 4)
            argument[k, S_OCCUPATION] = target if level == 4 else item


@inlined
def _item_at(ptr: Ints, ids: Ints, w: int, codes: Any, target: int, level: int) -> int:
    """The first item of row ``w`` whose 大典 level against ``target`` is ``level``; -1 if none."""
    for j in range(ptr[w], ptr[w + 1]):
        item = ids[j]
        for depth in range(3, -1, -1):
            if codes[item, depth] >= 0 and codes[item, depth] == codes[target, depth]:
                if depth + 1 == level:
                    return int(item)
                break
    return -1


@compiled
def _certificates(c: Floats, wi: Ints, pi: Ints, own_ptr: Ints, own_ids: Ints, expiry: Ints, wanted: Any,
                  today: int, found: Any, share: Any, argument: Any) -> None:  # fmt: skip
    """The required, then the preferred certificates held."""
    _held(S_REQUIRED, c[:, _REQ], wi, pi, own_ptr, own_ids, expiry, wanted[0], wanted[1], today, found, share, argument)
    _held(S_PREFERRED, c[:, _PREF], wi, pi, own_ptr, own_ids, expiry, wanted[2], wanted[3], today, found, share,
          argument)  # fmt: skip


@compiled
def _held(slot: int, c: Floats, wi: Ints, pi: Ints, own_ptr: Ints, own_ids: Ints, expiry: Ints, ptr: Ints, ids: Ints,
          today: int, found: Any, share: Any, argument: Any) -> None:  # fmt: skip
    """Bit i of the argument: the worker holds the posting's i-th named certificate unexpired (past 62 names, the
    argument is -1 - w: the writer looks at the worker's certificates itself)."""
    for k in range(len(wi)):
        w, p = wi[k], pi[k]
        mask, any_held = 0, False
        for i in range(ptr[p], ptr[p + 1]):
            for j in range(own_ptr[w], own_ptr[w + 1]):
                if own_ids[j] == ids[i] and expiry[j] >= today:
                    any_held = True
                    if i - ptr[p] < 62:
                        mask |= 1 << (i - ptr[p])
                    break
        if any_held:
            found[k, slot], share[k, slot] = True, c[k]
            argument[k, slot] = mask if ptr[p + 1] - ptr[p] <= 62 else -1 - w


@compiled
def _wage(x: Floats, c: Floats, weights: Any, pay_known: Any, wish_wage: Floats, found: Any, share: Any,
          variant: Any) -> None:  # fmt: skip
    for k in range(len(x)):
        if not pay_known[k]:
            continue
        found[k, S_WAGE] = True
        wish = wish_wage[k]
        if np.isnan(wish) or wish <= 0:
            share[k, S_WAGE], variant[k, S_WAGE] = 0.0, WAGE_NOTE
        elif x[k, _WAGE] < 1:
            share[k, S_WAGE] = -(1 - np.float64(x[k, _WAGE])) * weights[_WAGE] - 1e-6
            variant[k, S_WAGE] = WAGE_BELOW
        else:
            share[k, S_WAGE], variant[k, S_WAGE] = c[k, _WAGE], WAGE_MET


@compiled
def _place(x: Floats, c: Floats, weights: Any, out_of_area: Any, km: Any, home: Ints, work: Ints, found: Any,
           share: Any, variant: Any) -> None:  # fmt: skip
    for k in range(len(x)):
        near = np.float64(c[k, _DIST] + c[k, _COMMUTE])  # summed in float32, like the contributions themselves
        feasible = x[k, _COMMUTE] != 0
        if out_of_area[k]:
            found[k, S_DISTANCE], share[k, S_DISTANCE], variant[k, S_DISTANCE] = True, 0.0, PLACE_OUT_OF_AREA
        elif np.isnan(km[k]):
            if home[k] > 0 and home[k] == work[k] and feasible:
                found[k, S_DISTANCE], share[k, S_DISTANCE], variant[k, S_DISTANCE] = True, near, PLACE_SAME_COUNTY
        elif feasible:
            found[k, S_DISTANCE], share[k, S_DISTANCE], variant[k, S_DISTANCE] = True, near, PLACE_NEAR
        else:
            found[k, S_DISTANCE], share[k, S_DISTANCE], variant[k, S_DISTANCE] = True, -weights[_COMMUTE], PLACE_FAR


@compiled
def _job_kind(c: Floats, weights: Any, wanted: Ints, offered: Ints, found: Any, share: Any, variant: Any) -> None:
    for k in range(len(c)):
        if wanted[k] >= 0 and offered[k] >= 0:
            same = wanted[k] == offered[k]
            found[k, S_JOB_KIND], variant[k, S_JOB_KIND] = True, not same
            share[k, S_JOB_KIND] = c[k, _KIND] if same else -weights[_KIND] / 2


@compiled
def _history(x: Floats, c: Floats, retention: Floats, monitored: Any, found: Any, share: Any) -> None:
    """Experience, past placements, the employer's retention, text similarity; 监测户."""
    for k in range(len(x)):
        if x[k, _EXP] >= 1:
            found[k, S_EXPERIENCE], share[k, S_EXPERIENCE] = True, c[k, _EXP]
        if int(x[k, _PLACED]) >= 1:
            found[k, S_PLACEMENTS], share[k, S_PLACEMENTS] = True, c[k, _PLACED]
        if not np.isnan(retention[k]) and np.float64(retention[k]) >= 0.6:
            found[k, S_RETENTION], share[k, S_RETENTION] = True, c[k, _RET]
        if np.float64(x[k, _TEXT]) >= 0.3:
            found[k, S_TEXT], share[k, S_TEXT] = True, c[k, _TEXT]
        found[k, S_MONITORED] = monitored[k]


@compiled
def _order(found: Any, share: Any, variant: Any, argument: Any, boost: npt.NDArray[np.float64], top: int) -> Any:
    """The reasons of each pair in display order, flat: pair, slot, contribution, variant, argument; ends."""
    n = len(found)
    pair, slots = np.empty(n * N_SLOTS, np.int64), np.empty(n * N_SLOTS, np.int64)
    ends, m = np.empty(n, np.int64), 0
    for k in range(n):
        start = m
        m = _ranked(k, found, share, 1, slots, m)  # positive, strongest first
        m = min(m, start + top)
        if boost[k] > 0:  # household priority among them by its size, after the equally strong
            share[k, S_PRIORITY] = boost[k]
            j = m
            while j > start and share[k, slots[j - 1]] < boost[k]:
                j -= 1
            slots[j + 1 : m + 1] = slots[j:m].copy()
            slots[j] = S_PRIORITY
            m += 1
        m = _ranked(k, found, share, 0, slots, m)  # notes
        if boost[k] == 0:
            slots[m] = S_NO_ONE_EMPLOYED
            m += 1
        if found[k, S_MONITORED]:
            slots[m] = S_MONITORED
            m += 1
        m = _ranked(k, found, share, -1, slots, m)  # against, strongest first
        pair[start:m] = k
        ends[k] = m
    slots = slots[:m]
    contribution, kind, value = np.empty(m), np.empty(m, np.int64), np.empty(m, np.int64)
    for i in range(m):
        k, slot = pair[i], slots[i]
        contribution[i], kind[i], value[i] = share[k, slot], variant[k, slot], argument[k, slot]
    return pair[:m], slots, contribution, kind, value, ends


@inlined
def _ranked(k: int, found: Any, share: Any, sign: int, slots: Any, m: int) -> int:
    """Append the scored reasons of pair ``k`` with this sign (1 positive, 0 notes, -1 against) to ``slots``
    from ``m``, the strongest first (a stable insertion sort: ties keep the slot order); the new end."""
    start = m
    for slot in range(_SCORED):
        value = share[k, slot]
        if found[k, slot] and ((value > 0) if sign == 1 else (value == 0) if sign == 0 else (value < 0)):
            slots[m] = slot
            m += 1
    if sign != 0:
        for i in range(start + 1, m):
            slot, j = slots[i], i
            while j > start and abs(share[k, slots[j - 1]]) < abs(share[k, slot]):
                slots[j] = slots[j - 1]
                j -= 1
            slots[j] = slot
    return m


@compiled
def _wordings(pair: Any, slot: Any, variant: Any, argument: Any, x: Floats, v: PairValues, pi: Ints) -> Any:
    """Which reasons say the same text: same slot, variant and argument, and the same values the wording reads
    (the posting's pay and certificates, the wage wished, the km, the years ...), found with a hash table."""
    m = len(pair)
    keys = np.zeros((m, 5), np.int64)
    wish, km = v.wish_wage.copy().view(np.int32), v.km.copy().view(np.int64)
    years, retention = np.ascontiguousarray(x[:, _EXP]).view(np.int32), v.retention.copy().view(np.int32)
    for i in range(m):
        k, s, var = pair[i], slot[i], variant[i]
        keys[i, 0], keys[i, 1], keys[i, 2] = s, var, argument[i]
        if s == S_REQUIRED or s == S_PREFERRED or s == S_WAGE:
            keys[i, 3] = pi[k]
        if s == S_WAGE and var != WAGE_NOTE:
            keys[i, 4] = wish[k]
        elif s == S_DISTANCE and (var == PLACE_NEAR or var == PLACE_FAR):
            keys[i, 4] = km[k]
        elif s == S_JOB_KIND:
            keys[i, 4] = v.wanted_kind[k] * 1024 + v.offered_kind[k]
        elif s == S_EXPERIENCE:
            keys[i, 4] = years[k]
        elif s == S_PLACEMENTS:
            keys[i, 4] = int(x[k, _PLACED])
        elif s == S_RETENTION:
            keys[i, 4] = retention[k]
    size = 16
    while size < 2 * m:
        size *= 2
    table = np.full(size, -1, np.int64)  # open addressing: the first reason of each wording
    wording, first, n = np.empty(m, np.int64), np.empty(m, np.int64), 0
    for i in range(m):
        h = 1469598103934665603  # FNV-1a over the five keys (int64 products wrap around)
        for j in range(5):
            h = (h ^ keys[i, j]) * 1099511628211
        at = (h ^ (h >> 29)) & (size - 1)
        while table[at] >= 0 and not _same(keys, table[at], i):
            at = (at + 1) & (size - 1)
        if table[at] < 0:
            table[at], first[n] = i, i
            n += 1
        wording[i] = wording[table[at]] if table[at] != i else n - 1
    return wording, first[:n]


@inlined
def _same(keys: Any, a: int, b: int) -> bool:
    for j in range(keys.shape[1]):
        if keys[a, j] != keys[b, j]:
            return False
    return True
