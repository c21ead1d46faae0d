"""The hard rules of ``matcher.eligibility`` for one posting against every worker, as whole-column masks.

A candidate search asks the same question of every worker: ``rule.check`` over a million (worker, posting)
pairs gathers each posting column a million times. Here the posting's values are scalars, and what does not
depend on the posting is computed once per worker frame, day and policy (``WorkerStatics``: ages, the legal
working age, labour capacity by physical demand, the distinct places workers live at), so most rules cost one
or two boolean operations over a column. ``screen`` gives the same eligible set as ``evaluate`` (the tests
compare them); a rule it has no mask for runs its own ``check`` on the workers still left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher import eligibility as el
from matcher.eligibility import Rule
from matcher.frame import NO_LABOUR_CODES, PLACE_ORDER, STATUS_ORDER, Demand, PostingFrame, WorkerFrame
from matcher.geo import haversine_km, same_area
from matcher.policy import Flags, Policy, RuleContext, ages_at, hire_age_limits, working_age_limits
from models.vocab import PostingStatus

__all__ = ["WorkerStatics", "screen"]

_OPEN = STATUS_ORDER.index(PostingStatus.OPEN)
Mask = Flags | bool  # True: every worker passes, False: none does


@dataclass(slots=True)
class WorkerStatics:
    """What the rules need of every worker that no posting changes, for one frame, day and policy."""

    workers: WorkerFrame
    today: int
    policy: Policy
    age: npt.NDArray[np.int32] = field(init=False)
    of_age: Flags = field(init=False)  # age known and at least the legal minimum
    within_legal_age: Flags = field(init=False)  # ... and at most the legal maximum
    far: Flags = field(init=False)  # wishes 省内 or 省外均可
    place: npt.NDArray[np.intp] = field(init=False)  # row of ``places``: the distinct (lon, lat) of workers
    places: npt.NDArray[np.float32] = field(init=False)
    wish: npt.NDArray[np.intp] = field(init=False)  # place wish, an unknown one replaced by the policy's
    place_wish: npt.NDArray[np.intp] = field(init=False)  # place * 5 + wish
    _labour: dict[int, Flags] = field(init=False, default_factory=dict)
    _holders: sparse.csc_matrix | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        w = self.workers
        self.age = ages_at(w.birth_day, self.today)
        lo, hi = working_age_limits(w.sex, self.policy)
        self.of_age = (self.age >= 0) & (self.age >= lo)
        self.within_legal_age = self.of_age & (self.age <= hi)
        self.far = np.isin(w.wish_place, el._FAR)
        lon, lat = np.ascontiguousarray(w.longitude), np.ascontiguousarray(w.latitude)
        bits = (lon.view(np.uint32).astype(np.uint64) << np.uint64(32)) | lat.view(np.uint32)
        _, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
        self.place = inverse.reshape(-1).astype(np.intp)
        self.places = np.stack([lon[first], lat[first]], axis=1)
        unknown = PLACE_ORDER.index(self.policy.unknown_wish)
        self.wish = np.where(w.wish_place < 0, unknown, w.wish_place).astype(np.intp)
        self.place_wish = self.place * len(self.policy.wish_km) + self.wish

    def fits(self, workers: WorkerFrame, today: int, policy: Policy) -> bool:
        return self.workers is workers and self.today == today and self.policy == policy

    def labour(self, demand: int) -> Flags:
        """The ``labour`` rule of every worker for a posting of this physical demand (unknown: normal)."""
        demand = Demand.NORMAL if demand < 0 else demand
        mask = self._labour.get(demand)
        if mask is None:
            labour, health = self.workers.labour, self.workers.health
            not_heavy = np.isin(health, el._FRAIL) | (labour < 0)
            refused = np.isin(labour, NO_LABOUR_CODES) | ((labour == el._WEAK) & (demand > Demand.LIGHT))
            mask = self._labour[demand] = ~refused & ~(not_heavy & (demand == Demand.HEAVY))
        return mask

    def holders(self) -> sparse.csc_matrix:
        """Certificates by column: who holds each one, and until when."""
        if self._holders is None:
            self._holders = sparse.csc_matrix(self.workers.certificates)
        return self._holders


FastCheck = Callable[[WorkerStatics, PostingFrame, int, RuleContext], Mask]


def _open(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    return bool(
        postings.status[p] == _OPEN and postings.places_left[p] != 0 and postings.deadline[p] >= ctx.today
    )


def _available(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    return s.workers.available


def _working_age(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    return s.of_age if postings.public_welfare[p] else s.within_legal_age


def _posting_age(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    lo, hi = int(postings.age_min[p]), int(postings.age_max[p])
    if lo < 0 and hi < 0:
        return True
    mask = s.age >= max(lo, 0)
    return mask & (s.age <= hi) if hi >= 0 else mask


def _certificates(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    req = postings.certificates_required
    wanted = req.indices[req.indptr[p] : req.indptr[p + 1]]
    if len(wanted) == 0:
        return True
    holders = s.holders()
    held = np.zeros(len(s.age), dtype=np.int32)
    for cert in wanted.tolist():
        if cert < holders.shape[1]:
            start, end = holders.indptr[cert], holders.indptr[cert + 1]
            rows = holders.indices[start:end][holders.data[start:end] >= ctx.today]
            np.add.at(held, rows, 1)
    return held >= len(wanted)


def _labour(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    return s.labour(int(postings.demand[p]))


def _sex(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    required = int(postings.sex_required[p])
    return True if required < 0 or not ctx.policy.apply_sex_requirement else s.workers.sex == required


def _place(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    km = haversine_km(s.places[:, 0], s.places[:, 1], postings.longitude[p], postings.latitude[p])
    reach = np.asarray(ctx.policy.wish_km, dtype=np.float64)
    inside = km[:, None] <= reach[None, :]  # place x wish
    mask: Flags = inside.ravel()[s.place_wish]
    missing = np.isnan(km)
    unmeasured = np.flatnonzero(missing[s.place]) if missing.any() else np.empty(0, dtype=np.intp)
    if len(unmeasured):  # no coordinates: compare adcodes, as ``within_wish`` does
        level = np.maximum(s.wish[unmeasured] - 1, 0)
        mask[unmeasured] = same_area(s.workers.local_county[unmeasured], postings.work_county[p], level)
    return mask


def _out_of_area(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    return s.far if postings.out_of_area[p] else True


def _pw_age(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    if not postings.public_welfare[p]:
        return True
    lo, hi = (int(x[0]) for x in hire_age_limits(postings, np.array([p]), ctx.policy))
    return (s.age >= max(lo, 0)) & (s.age <= hi)


def _pw_local(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    if not (postings.public_welfare[p] and postings.local_registration[p]):
        return True
    home = s.workers.local_county
    local: Flags = (home > 0) & (home == postings.work_county[p])
    return local


def _pw_cadre(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    return ~s.workers.village_cadre if postings.public_welfare[p] and postings.exclude_cadres[p] else True


def _pw_terms(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    if not postings.public_welfare[p]:
        return True
    return s.workers.public_welfare_terms < int(el._max_terms(postings, np.array([p]), ctx.policy)[0])


def _pw_photovoltaic(s: WorkerStatics, postings: PostingFrame, p: int, ctx: RuleContext) -> Mask:
    if not (postings.public_welfare[p] and postings.photovoltaic[p]):
        return True
    return s.workers.household_lifted | s.workers.household_monitored


# Keyed by the rule's check, so a rule with another check under the same name is not mistaken for ours.
_FAST: dict[object, FastCheck] = {
    el._open: _open,
    el._available: _available,
    el._working_age: _working_age,
    el._posting_age: _posting_age,
    el._certificates: _certificates,
    el._labour: _labour,
    el._sex: _sex,
    el._place: _place,
    el._out_of_area: _out_of_area,
    el._pw_age: _pw_age,
    el._pw_local: _pw_local,
    el._pw_cadre: _pw_cadre,
    el._pw_terms: _pw_terms,
    el._pw_photovoltaic: _pw_photovoltaic,
}


def screen(
    statics: WorkerStatics, live: Flags, postings: PostingFrame, p: int, ctx: RuleContext, rules: Sequence[Rule]
) -> npt.NDArray[np.intp]:
    """Rows of the workers (among ``live``) who pass every rule for posting row ``p``, ascending."""
    mask = live.copy()
    others = []
    for rule in rules:
        fast = _FAST.get(rule.check)
        if fast is None:
            others.append(rule)
            continue
        part = fast(statics, postings, p, ctx)
        if part is False:
            return np.empty(0, dtype=np.intp)
        if part is not True:
            mask &= part
    alive = np.flatnonzero(mask)
    for rule in others:
        alive = alive[rule.check(statics.workers, alive, postings, np.full(len(alive), p), ctx)]
    return alive
