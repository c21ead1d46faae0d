"""One policy's weeks of match days on a simulated city: propose, play the proposals out, record, retrain.

Each week has one match day (day 0, 7, 14 ... from the start). On a match day, before anything is planned,
the week behind is settled:

- hires whose drawn tenure has ended end: the worker is available again, and the place goes back to the
  posting while it is before its deadline (as ``api.tracking_effects`` gives a place back);
- offers made during the week are answered. A worker takes at most one job: of their offers of the week the one
  they want most (the behaviour model's interest logit plus their keenness for that job, ``Course.utility``)
  whose posting still has a place and which they take up (show-up; one not taken up falls through and the next
  is considered); workers answer in the order of their first offer of the week (the history
  takes offers in date order), so a posting hires at most its places left. Once hired, the worker's other
  proposals close (已在别处务工).

Then the ranking model is retrained when it is due, the changes go into the matcher (``upsert_workers`` with
the changed rows: a hired worker unavailable, their household employed; ``upsert_postings``: places left, 已招满
at none), and the day's proposals are planned: over the region's postings, then over the out-of-area group
recruitments (劳务输出), with the same workers' limits across both. A proposal stays open until it ends
(unreached after the 4-day contact window, declined, or answered) and counts against its posting's limit
(``Limits.per_place`` per place left) under every policy, and against the worker's limit (``Limits.per_worker``)
under the plan; the baselines ignore the workers' limit, as they do within a day. People at work at the
start (the ledger, or a hire of the history still running) stay at work through the run. No new postings arrive
(the history's planner, ``ingest.demo.history_plan``, plans past ones only): the postings open at the start
take people until they are filled or reach their deadline. The matcher's history-derived columns (a worker's
placements kept, an employer's past retention) stay as they were at the start: no hire of the run is 90 days
old before the twelfth week ends.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from api.simulation_course import UNREACHED, Course, draw_course
from api.simulation_train import Fitted, Outcome
from api.simulation_world import World
from ingest.demo.history_model import Tenure
from matcher.allocation import Limits, Pipeline, Plan, Region, greedy_plan, keyword_plan, plan
from matcher.frame import STATUS_ORDER, take
from matcher.load import day
from matcher.search import Matcher
from models.errors import InvalidInput
from models.match import RETAINED_DAYS
from models.vocab import PostingStatus

__all__ = ["POLICIES", "DayPlan", "PolicyRun", "Record", "RunOptions"]

PlanFunction = Callable[..., Plan]
POLICIES: dict[str, PlanFunction] = {"plan": plan, "greedy": greedy_plan, "keyword": keyword_plan}
_OPEN, _FILLED = STATUS_ORDER.index(PostingStatus.OPEN), STATUS_ORDER.index(PostingStatus.FILLED)
_DEAD_SHARE = 0.25  # dead matcher rows beyond this share are compacted away (as the live matcher does)
TAKEN, FULL, NO_SHOW, HIRED = "已在别处务工", "岗位已招满", "未到岗", "上岗"
_NO_TENURE = Tenure(None, None)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """``region``: a county or city adcode, None for everywhere; ``retrain_every``: weeks between retrainings
    (0: never)."""

    weeks: int = 12
    seed: int = 20261128
    limits: Limits = field(default_factory=Limits)
    region: int | None = None
    retrain_every: int = 4


@dataclass(slots=True)
class Record:
    """One proposal of the run; days count from the start. ``closed``: the day it stopped being open;
    ``outcome``: 上岗 or why it ended; ``ends``: the day a hire ends (None: it lasts beyond the horizon)."""

    worker_id: int
    posting_id: int
    household_id: int
    week: int
    day: int
    probability: float
    course: Course
    closed: int | None = None
    outcome: str | None = None
    hired: int | None = None
    ends: int | None = None

    @property
    def offer_day(self) -> int:
        return self.day + self.course.decided

    @property
    def lasting(self) -> bool:
        """Hired, and the drawn tenure reaches 3 months."""
        days = self.course.stay.days
        return self.hired is not None and (days is None or days >= RETAINED_DAYS)


@dataclass(frozen=True, slots=True)
class DayPlan:
    """One plan of a match day: households it could reach and reached, and the proposals its places allow."""

    week: int
    proposals: int
    to_cover: int
    covered: int
    slots: int


class PolicyRun:
    """The run of one policy (``POLICIES``) from the world's starting state; ``run()`` plays every week."""

    def __init__(self, world: World, policy: str, options: RunOptions, *, matcher: Matcher | None = None) -> None:
        """``matcher``: the world's own (``World.matcher``) unless given (a fresh one over the starting frames)."""
        self.world, self.policy, self.options = world, policy, options
        self.propose = POLICIES[policy]
        self.matcher = matcher if matcher is not None else world.matcher()
        workers, postings = world.workers, world.postings
        self.household = dict(zip(workers.worker_id.tolist(), workers.household_id.tolist(), strict=True))
        self.members: dict[int, list[int]] = defaultdict(list)
        for w, h in self.household.items():
            self.members[h].append(w)
        self.base_employed = set(workers.household_id[workers.household_employed].tolist())
        self.base_available = set(workers.worker_id[workers.available].tolist())
        self.places = {int(p): max(int(n), 1) for p, n in zip(postings.posting_id, postings.places_left, strict=True)}
        self.deadline = dict(zip(postings.posting_id.tolist(), (postings.deadline - day(world.start)).tolist(),
                                 strict=True))  # fmt: skip
        self.records: list[Record] = []
        self.open: dict[int, list[Record]] = defaultdict(list)
        self.proposed: set[tuple[int, int]] = set()
        self.at_work: dict[int, Record] = {}
        self.days: list[DayPlan] = []
        self.retrainings: list[Fitted] = []
        self.retraining_failures: list[str] = []
        self.max_open = 0
        self._changed_workers: set[int] = set()
        self._changed_postings: set[int] = set()

    def run(self) -> None:
        every = self.options.retrain_every
        for week in range(self.options.weeks):
            t = 7 * week
            self.settle(t)
            if every and week and week % every == 0 and self.policy != "keyword":
                self._retrain(t)
            self._apply_changes()
            self.match_day(week, t)
        self.settle(7 * self.options.weeks)

    # -- the week behind --------------------------------------------------------------------------------
    def settle(self, t: int) -> None:
        """End the hires whose tenure ended by day ``t`` and answer the offers made before it."""
        for worker, r in list(self.at_work.items()):
            if r.ends is not None and r.ends <= t:
                del self.at_work[worker]
                self._changed_workers.add(worker)
                if self.deadline.get(r.posting_id, -1) >= t:
                    self.places[r.posting_id] += 1
                    self._changed_postings.add(r.posting_id)
        offers: dict[int, list[Record]] = defaultdict(list)
        for worker, records in self.open.items():
            offers[worker] += [r for r in records if r.course.offered and r.closed is None and r.offer_day < t]
        order = sorted((min(r.offer_day for r in rs), w) for w, rs in offers.items() if rs)
        for _, worker in order:
            self._answer(sorted(offers[worker], key=lambda r: (-r.course.utility, r.offer_day, r.posting_id)), t)
        for worker in list(self.open):
            self.open[worker] = [r for r in self.open[worker] if r.closed is None or r.closed > t]

    def _answer(self, options: list[Record], t: int) -> None:
        """A worker's answer to the week's offers ``options``, most wanted first: the first whose posting has a
        place and that the worker takes up (show-up) is the hire; the rest close."""
        for r in options:
            if self.places.get(r.posting_id, 0) <= 0:
                r.closed, r.outcome = t, FULL
            elif not r.course.shows:
                r.closed, r.outcome = t, NO_SHOW
            else:
                self._hire(r, t)
                return

    def _hire(self, r: Record, t: int) -> None:
        r.outcome, r.closed, r.hired = HIRED, t, r.offer_day + r.course.start
        stay = r.course.stay.days
        r.ends = None if stay is None else r.hired + stay
        self.places[r.posting_id] -= 1
        self._changed_postings.add(r.posting_id)
        self.at_work[r.worker_id] = r
        self._changed_workers.add(r.worker_id)
        for other in self.open[r.worker_id]:
            if other is not r and (other.closed is None or other.closed > t):
                other.closed, other.outcome = t, TAKEN

    # -- the matcher -------------------------------------------------------------------------------------
    def _apply_changes(self) -> None:
        """The changed workers (with their households' members) and postings, into the matcher."""
        m = self.matcher
        assert m.workers is not None and m.postings is not None
        households = {self.household[w] for w in self._changed_workers}
        ids = sorted({w for h in households for w in self.members[h]})
        rows = np.asarray([m.worker_text.row_of(w) for w in ids], dtype=np.intp)
        if len(rows):
            changed = take(m.workers, rows)
            changed.available = np.asarray([w in self.base_available and w not in self.at_work for w in ids])
            employed = self.base_employed | {self.household[w] for w in self.at_work}
            changed.household_employed = np.isin(changed.household_id, list(employed))
            m.upsert_workers(changed)
        posting_ids = sorted(self._changed_postings)
        rows = np.asarray([m.posting_text.row_of(p) for p in posting_ids], dtype=np.intp)
        if len(rows):
            changed_p = take(m.postings, rows)
            left = np.asarray([self.places[p] for p in posting_ids], dtype=np.int32)
            changed_p.places_left = left
            changed_p.status = np.where(left > 0, _OPEN, _FILLED).astype(np.int8)
            m.upsert_postings(changed_p)
        self._changed_workers.clear()
        self._changed_postings.clear()
        live = (m.worker_text.live, m.posting_text.live)
        if any(len(x) and len(x) - int(x.sum()) > _DEAD_SHARE * len(x) for x in live):
            m.compact()

    def _retrain(self, t: int) -> None:
        trainer, start = self.world.trainer, day(self.world.start)
        if trainer is None:
            return
        run = [
            Outcome(r.worker_id, r.posting_id, start + r.day, None if r.closed is None or r.hired is not None
                    else start + r.closed, None if r.hired is None else start + r.hired,
                    None if r.ends is None else start + r.ends)
            for r in self.records
        ]  # fmt: skip
        on = self.world.start + dt.timedelta(days=t)
        try:
            fitted = trainer.fit(on, run, version=f"{self.policy}-week{t // 7}")
        except InvalidInput as exc:
            self.retraining_failures.append(exc.detail)
            return
        self.matcher.scorer = fitted.scorer
        self.retrainings.append(fitted)

    # -- the match day ----------------------------------------------------------------------------------
    def match_day(self, week: int, t: int) -> None:
        """Plan the day's proposals and draw how each will go."""
        today = day(self.world.start) + t
        limits, adcode = self.options.limits, self.options.region
        counts = {w: len(rs) for w, rs in self.open.items() if rs}
        at_postings: dict[int, int] = defaultdict(int)
        for rs in self.open.values():
            for r in rs:
                at_postings[r.posting_id] += 1
        for region in (Region(adcode), Region(adcode, out_of_area=True)):
            going = Pipeline(counts, at_postings, frozenset(self.proposed))
            result = self.propose(self.matcher, region, limits, today=today, pipeline=going)
            for x in result.proposals:
                self._record(x.worker_id, x.posting_id, x.probability, week, t)
                counts[x.worker_id] = counts.get(x.worker_id, 0) + 1
                at_postings[x.posting_id] += 1
            slots = result.places * limits.per_place
            self.days.append(DayPlan(week, len(result.proposals), result.households_to_cover,
                                     result.households_covered, slots))  # fmt: skip
        self.max_open = max(self.max_open, max(counts.values(), default=0))

    def _record(self, worker: int, posting: int, probability: float, week: int, t: int) -> None:
        person, opening = self.world.people.get(worker), self.world.openings.get(posting)
        on = self.world.start + dt.timedelta(days=t)
        if person is None or opening is None:  # not in the behaviour model: nothing comes of it
            course = Course(False, 4, UNREACHED, 0, 0.0, False, 0, _NO_TENURE)
        else:
            course = draw_course(self.options.seed, person, opening, on, posting)
        r = Record(worker, posting, self.household.get(worker, -1), week, t, probability, course)
        if not course.offered:
            r.closed, r.outcome = t + course.decided, course.reason
        self.records.append(r)
        self.open[worker].append(r)
        self.proposed.add((worker, posting))
