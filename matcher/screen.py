"""The hard rules of ``matcher.eligibility`` for one posting against every worker, in one compiled loop.

A candidate search asks the same question of every worker. What does not depend on the posting is computed
once per worker frame, day and policy, what does not depend on the worker once per posting frame, day and
policy (``matcher.statics``). ``screen`` measures the distances from the posting to the distinct places workers
live at, turns the posting's rules into tables (the flags a worker must and must not have, the ages and the
(place, wish) pairs that pass), runs them over every worker looking for work in a loop compiled by numba
(``matcher.jit``) without branches, then the rest (local registration, places without coordinates,
certificates, removed workers) on those left. ``screen_postings`` checks one worker against many postings, pair
by pair. Both give the eligible sets ``evaluate`` gives (the tests compare them); a rule they do not know runs
its own ``check`` on the pairs still left.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher import eligibility as el
from matcher.eligibility import Rule
from matcher.frame import PostingFrame
from matcher.geo import great_circle_km
from matcher.jit import compiled, inlined
from matcher.policy import Flags, RuleContext
from matcher.statics import (
    AGE_AT,
    AVAILABLE,
    CADRE,
    ENTITLED,
    FAR,
    LABOUR,
    LEGAL_AGE,
    MAX_AGE,
    OF_AGE,
    P_AGE_MAX,
    P_AGE_MIN,
    P_CADRE,
    P_COUNTY,
    P_DEMAND,
    P_HIRE_MAX,
    P_HIRE_MIN,
    P_LOCAL,
    P_OPEN,
    P_OUT,
    P_PHOTOVOLTAIC,
    P_SEX,
    P_TERMS,
    P_WELFARE,
    PLACE_AT,
    SEX_AT,
    TERMS_AT,
    Candidates,
    PostingStatics,
    WorkerArrays,
    WorkerStatics,
)

__all__ = [
    "place_distances",
    "rule_bits",
    "screen",
    "screen_candidates",
    "screen_postings",
]

Ints = npt.NDArray[np.integer[Any]]
_NO_LIMIT = 2**62

# the bit of each rule this module knows, keyed by its check (a rule with another check under the same name
# is not mistaken for ours)
_BITS: dict[object, int] = {
    check: 1 << i
    for i, check in enumerate(
        (el._open, el._available, el._working_age, el._posting_age, el._certificates, el._labour, el._sex,
         el._place, el._out_of_area, el._pw_age, el._pw_local, el._pw_cadre, el._pw_terms, el._pw_photovoltaic)
    )  # fmt: skip
}
(R_OPEN, R_AVAILABLE, R_WORKING_AGE, R_POSTING_AGE, R_CERTIFICATES, R_LABOUR, R_SEX, R_PLACE, R_OUT_OF_AREA,
 R_PW_AGE, R_PW_LOCAL, R_PW_CADRE, R_PW_TERMS, R_PW_PHOTOVOLTAIC) = (1 << i for i in range(14))  # fmt: skip


def rule_bits(rules: Sequence[Rule]) -> tuple[int, list[Rule]]:
    """The bits of the rules the compiled loops know, and the others (to run with their own ``check``)."""
    bits, others = 0, []
    for rule in rules:
        bit = _BITS.get(rule.check)
        if bit is None:
            others.append(rule)
        else:
            bits |= bit
    return bits, others


def screen(
    statics: WorkerStatics,
    live: Flags,
    posting: PostingStatics,
    p: int,
    ctx: RuleContext,
    rules: Sequence[Rule],
    km: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.intp]:
    """Rows of the workers (among ``live``) who pass every rule for posting row ``p``, ascending; ``km``: the
    distances from the posting to ``statics.places`` when the caller has them."""
    cands, at = screen_candidates(statics, live, posting, p, ctx, rules, km)
    return cands.rows[at]


def screen_candidates(
    statics: WorkerStatics,
    live: Flags,
    posting: PostingStatics,
    p: int,
    ctx: RuleContext,
    rules: Sequence[Rule],
    km: npt.NDArray[np.float64] | None = None,
) -> tuple[Candidates, npt.NDArray[np.intp]]:
    """``screen``, as the candidates screened and the positions among them of those who pass."""
    bits, others = rule_bits(rules)
    postings = posting.postings
    if km is None:
        km = place_distances(statics, postings, p)
    required = postings.certificates_required
    wanted = required.indices[required.indptr[p] : required.indptr[p + 1]]
    reach = np.asarray(ctx.policy.wish_km, dtype=np.float64)
    a, cands = statics.arrays, statics.candidates(bool(bits & R_AVAILABLE))
    at = _screen(cands, live, a.cert_ptr, a.cert_ids, a.cert_expiry, posting.rules[p], km, wanted, ctx.today, reach,
                 bits)  # fmt: skip
    for rule in others:
        at = at[rule.check(statics.workers, cands.rows[at], postings, np.full(len(at), p), ctx)]
    return cands, at


def screen_postings(
    statics: WorkerStatics,
    w: int,
    rows: npt.NDArray[np.intp],
    posting: PostingStatics,
    ctx: RuleContext,
    rules: Sequence[Rule],
    km: npt.NDArray[np.float64],
) -> npt.NDArray[np.intp]:
    """Positions in ``rows`` of the postings worker row ``w`` may be proposed for (``km``: to each of them)."""
    bits, others = rule_bits(rules)
    pa, reach = posting.arrays, np.asarray(ctx.policy.wish_km, dtype=np.float64)
    alive = _screen_postings(w, rows, statics.arrays, pa.rules, km, pa.required_ptr, pa.required_ids, ctx.today,
                             reach, bits)  # fmt: skip
    for rule in others:
        alive = alive[rule.check(statics.workers, np.full(len(alive), w), posting.postings, rows[alive], ctx)]
    return alive


@compiled
def _screen_postings(
    w: int,
    rows: Ints,
    wa: WorkerArrays,
    rules: npt.NDArray[np.int64],
    km: npt.NDArray[np.float64],
    required_ptr: Ints,
    required_ids: Ints,
    today: int,
    reach: npt.NDArray[np.float64],
    bits: int,
) -> npt.NDArray[np.intp]:
    out = np.empty(len(rows), dtype=np.intp)
    n = 0
    for i in range(len(rows)):
        p = rows[i]
        if bits & R_OPEN and not rules[p, P_OPEN]:
            continue
        wanted = required_ids[required_ptr[p] : required_ptr[p + 1]]
        if passes(w, wa, rules[p], km[i], wanted, today, reach, bits):
            out[n] = i
            n += 1
    return out[:n]


def place_distances(statics: WorkerStatics, postings: PostingFrame, p: int) -> npt.NDArray[np.float64]:
    """Km from posting row ``p`` to each of ``statics.places`` (nan without coordinates), in one compiled loop
    (a dozen numpy calls over a few dozen places cost more than the rules over everyone)."""
    return _distances(statics.places, float(postings.longitude[p]), float(postings.latitude[p]))


@compiled
def _distances(places: npt.NDArray[np.float32], longitude: float, latitude: float) -> npt.NDArray[np.float64]:
    out = np.empty(len(places))
    for i in range(len(places)):
        out[i] = great_circle_km(np.float64(places[i, 0]), np.float64(places[i, 1]), longitude, latitude)
    return out


@compiled
def _screen(
    cands: Candidates,
    live: Flags,
    cert_ptr: Ints,
    cert_ids: Ints,
    cert_expiry: Ints,
    r: npt.NDArray[np.int64],
    km: npt.NDArray[np.float64],
    wanted: Ints,
    today: int,
    reach: npt.NDArray[np.float64],
    bits: int,
) -> npt.NDArray[np.intp]:
    """Positions of the candidates who pass for one posting. What depends on the posting alone is turned into
    tables first (the flags a worker must and must not have, the ages and the (place, wish) pairs that pass)."""
    rows, packed, county_of = cands
    out, n = np.empty(len(rows), dtype=np.intp), 0
    if bits & R_OPEN and not r[P_OPEN]:
        return out[:0]
    need, forbid = _flag_masks(r, bits)
    ages, places = _tables(r, km, reach, bits)
    wishes = len(reach)
    sex = r[P_SEX] + 1 if bits & R_SEX and r[P_SEX] >= 0 else -1
    local = bits & R_PW_LOCAL and r[P_WELFARE] and r[P_LOCAL]
    terms = r[P_TERMS] if bits & R_PW_TERMS and r[P_WELFARE] else _NO_LIMIT
    certificates = len(wanted) if bits & R_CERTIFICATES else 0
    work = r[P_COUNTY]
    for i in range(len(rows)):  # the cheap tests, without branches: candidates pass them unpredictably
        word = packed[i]
        f, state = word & 0xFFFF, places[word >> PLACE_AT]
        ok = ((f & need) == need) & ((f & forbid) == 0) & ages[(word >> AGE_AT) & 0x1FF] & (state != 0)
        ok &= ((sex < 0) | (((word >> SEX_AT) & 3) == sex)) & (((word >> TERMS_AT) & 0x7F) < terms)
        out[n] = i
        n += ok
    m = 0
    for at in range(n):  # then the rest, on those left
        i = out[at]
        word, county, w = packed[i], county_of[i], rows[i]
        if local and not (county > 0 and county == work):
            continue
        if places[word >> PLACE_AT] == 2 and not same_area(county, work, max((word >> PLACE_AT) % wishes - 1, 0)):
            continue
        if live[w] and held(w, cert_ptr, cert_ids, cert_expiry, wanted, today) >= certificates:
            out[m] = i
            m += 1
    n = m
    return out[:n]


@inlined
def _tables(r: npt.NDArray[np.int64], km: npt.NDArray[np.float64], reach: npt.NDArray[np.float64], bits: int) -> Any:
    """Whether each age + 1 passes the posting's age rules; whether each place * len(reach) + wish passes the
    place rule (1 passes, 0 fails, 2 no distance: compare adcodes)."""
    ages = np.empty(MAX_AGE + 2, np.bool_)
    for age in range(-1, MAX_AGE + 1):
        ages[age + 1] = _age_ok(age, r, bits)
    wishes = len(reach)
    places = np.ones(len(km) * wishes, np.int8)
    for i in range(len(places) if bits & R_PLACE else 0):
        distance = km[i // wishes]
        places[i] = 2 if np.isnan(distance) else distance <= reach[i % wishes]
    return ages, places


@inlined
def _flag_masks(r: npt.NDArray[np.int64], bits: int) -> tuple[int, int]:
    """The flags a worker must have and must not have to pass the rules in ``bits`` for a posting."""
    welfare = r[P_WELFARE] != 0
    need, forbid = 0, 0
    if bits & R_AVAILABLE:
        need |= AVAILABLE
    if bits & R_WORKING_AGE:
        need |= OF_AGE if welfare else LEGAL_AGE
    if bits & R_LABOUR:
        need |= 1 << (LABOUR + r[P_DEMAND])
    if bits & R_OUT_OF_AREA and r[P_OUT]:
        need |= FAR
    if bits & R_PW_PHOTOVOLTAIC and welfare and r[P_PHOTOVOLTAIC]:
        need |= ENTITLED
    if bits & R_PW_CADRE and welfare and r[P_CADRE]:
        forbid |= CADRE
    return need, forbid


@inlined
def _age_ok(age: int, r: npt.NDArray[np.int64], bits: int) -> bool:
    """The posting's age range and a public-welfare post's hiring age (-1: age unknown)."""
    if bits & R_POSTING_AGE and (r[P_AGE_MIN] >= 0 or r[P_AGE_MAX] >= 0):
        if age < max(r[P_AGE_MIN], 0) or (r[P_AGE_MAX] >= 0 and age > r[P_AGE_MAX]):
            return False
    if bits & R_PW_AGE and r[P_WELFARE]:
        return bool(max(r[P_HIRE_MIN], 0) <= age <= r[P_HIRE_MAX])
    return True


@inlined
def passes(
    w: int,
    wa: WorkerArrays,
    r: npt.NDArray[np.int64],
    km: float,
    wanted: Ints,
    today: int,
    reach: npt.NDArray[np.float64],
    bits: int,
) -> bool:
    """Whether worker row ``w`` passes the rules in ``bits`` (but ``posting_open``) for a posting with rule
    parameters ``r``, ``km`` away, requiring the certificates ``wanted``."""
    need, forbid = _flag_masks(r, bits)
    f, county, wish = wa.flags[w], wa.county[w], wa.wish[w]
    if (f & need) != need or f & forbid or not _age_ok(wa.age[w], r, bits):
        return False
    if bits & R_PLACE and not _within_wish(km, wish, county, r[P_COUNTY], reach):
        return False
    if bits & R_SEX and r[P_SEX] >= 0 and wa.sex[w] != r[P_SEX]:
        return False
    if r[P_WELFARE] and bits & R_PW_LOCAL and r[P_LOCAL] and not (county > 0 and county == r[P_COUNTY]):
        return False
    if r[P_WELFARE] and bits & R_PW_TERMS and wa.terms[w] >= r[P_TERMS]:
        return False
    certificates = len(wanted) if bits & R_CERTIFICATES else 0
    return held(w, wa.cert_ptr, wa.cert_ids, wa.cert_expiry, wanted, today) >= certificates


@inlined
def _within_wish(km: float, wish: int, county: int, work_county: int, reach: npt.NDArray[np.float64]) -> bool:
    """``matcher.policy.within_wish`` of one pair: by adcodes where the distance is unknown."""
    if not np.isnan(km):
        return bool(km <= reach[wish])
    return same_area(county, work_county, max(wish - 1, 0))


@inlined
def same_area(county1: int, county2: int, level: int) -> bool:
    """``matcher.geo.same_area`` of one pair of adcodes."""
    if county1 <= 0 or county2 <= 0:
        return True
    divisor = (1, 100, 10_000, 10**9)[min(max(level, 0), 3)]
    return county1 // divisor == county2 // divisor


@inlined
def held(w: int, ptr: Ints, ids: Ints, expiry: Ints, wanted: Ints, today: int, start: int = 0, end: int = -1) -> int:
    """How many of the certificates ``wanted[start:end]`` (all by default) worker row ``w`` holds unexpired
    (``certificates_held``); a range rather than a slice, which would be a new array each time."""
    count = 0
    for at in range(start, len(wanted) if end < 0 else end):
        for j in range(ptr[w], ptr[w + 1]):
            if ids[j] == wanted[at] and expiry[j] >= today:
                count += 1
                break
    return count
