"""The true-chance reference (真实概率参考) of a simulation: the plan and greedy run again, both knowing exactly how
likely every proposal is to end in a hire lasting 3 months, instead of estimating it with the ranking model.

The ranking model's errors hurt both policies; what the plan adds over greedy is planning. Running both with the
behaviour model's own chances separates the two: the ratio of their lasting hires is what planning is worth in
this world with a perfect model, and the plan's lasting hires there are about the most a planner that does not
know the outcomes in advance can get (the hindsight reference, ``api.simulation_bound``, knows them).

A pair's true chance is the expectation, over every draw of its course (``api.simulation_course.draw_course``),
of reaching the worker, their interest, the employer's offer, the show-up and a stay of at least 90 days,
computed on the first match day as if the proposal were alone (a place free, no other offer). The wage offered
is uniform in the posting's pay range (midpoint rule, ``_WAGE_POINTS`` points); the keenness ε₁, the employer's
noise and the stay's own noise are normal (Gauss-Hermite, ``_NODES`` nodes each; ε₁ enters the interest and, in
part, the stay, so the two are integrated together); the scheduled end (season, contract) is independent of
the rest (``ingest.demo.history_model.scheduled_reaches``). Pairs not eligible on the first day get no chance
and are never proposed. The chances are those of the first match day: a course drawn later (the contact comes 0-4
days after the proposal, and later weeks have their own dates) sees the worker a little older, which matters only
for a worker crossing an age limit during the run (the posting's, or the model's 23, 35, 45, 50 or 55). Retraining
is off for these runs: there is nothing for a model to learn that the chances do not already hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from api.simulation_bound import FirstDay
from api.simulation_course import (
    EMPLOYER_NOISE_SD,
    KEENNESS_CARRIED,
    KEENNESS_SD,
    STAY_NOISE_SD,
    Opening,
    reach_chance,
)
from api.simulation_run import PolicyRun, RunOptions
from api.simulation_world import World
from ingest.demo.history_model import (
    Person,
    fit,
    interest_logit,
    offer_logit,
    retention_logit,
    scheduled_reaches,
    show_logit,
)
from matcher.plan_pairs import ScoredPairs
from matcher.policy import Flags
from matcher.search import Matcher
from models.match import RETAINED_DAYS

__all__ = ["KnownChances", "KnownChancesMatcher", "TruthReference", "lasting_chances", "truth_reference"]

_WAGE_POINTS = 5
_NODES = 12
Floats = npt.NDArray[np.float64]
Index = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class TruthReference:
    """Hires lasting 3 months of the plan and of greedy when both know every pair's true chance."""

    plan: int
    greedy: int

    @property
    def ratio(self) -> float | None:
        return self.plan / self.greedy if self.greedy else None


@dataclass(frozen=True, slots=True)
class KnownChances:
    """Pairs' true chances, looked up by (worker id, posting id); pairs not listed have none."""

    keys: npt.NDArray[np.int64]  # worker id << 32 | posting id, ascending
    chance: npt.NDArray[np.float32]

    @classmethod
    def of(cls, worker_id: list[int], posting_id: list[int], chance: Floats) -> KnownChances:
        keys = np.asarray(worker_id, np.int64) << 32 | np.asarray(posting_id, np.int64)
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], chance[order].astype(np.float32))

    def lookup(self, worker_id: npt.NDArray[np.int64], posting_id: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        keys = worker_id.astype(np.int64) << 32 | posting_id.astype(np.int64)
        if not len(self.keys):
            return np.zeros(len(keys), np.float32)
        at = np.searchsorted(self.keys, keys).clip(max=len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.chance[at], np.float32(0.0))


class KnownChancesMatcher(Matcher):
    """A matcher whose pairs' probabilities are their true chances (``KnownChances``), not the ranking model's:
    which pairs are eligible, their text similarity and the households' priority stay the matcher's own. The
    ranking model is not run (the fallback score, cheap, is computed and replaced)."""

    def __init__(self, *args: Any, known: KnownChances, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "scorer": None})
        self.known = known

    def score_pairs(
        self, rows: Index, *, today: int, workers: Flags | None = None, batch: int = 1 << 18
    ) -> ScoredPairs:
        pairs = super().score_pairs(rows, today=today, workers=workers, batch=batch)
        frame, postings = self._frames()
        chance = self.known.lookup(frame.worker_id[pairs.wi], postings.posting_id[pairs.pi])
        return ScoredPairs(pairs.wi, pairs.pi, chance, pairs.text, pairs.priority, True)


def lasting_chances(pairs: list[tuple[Person, Opening]], on: dt.date) -> Floats:
    """Each pair's true chance of a hire lasting 3 months on day ``on`` (module docstring)."""
    n = len(pairs)
    interest, show, stay = (np.zeros((n, _WAGE_POINTS)) for _ in range(3))
    offer, reach, scheduled = np.zeros(n), np.zeros(n), np.zeros(n)
    spots = (np.arange(_WAGE_POINTS) + 0.5) / _WAGE_POINTS
    for k, (person, opening) in enumerate(pairs):
        low, high = opening.pay
        for j, u in enumerate(spots):
            f = fit(person, opening.job, on, float(round(low + u * (high - low), -1)))
            interest[k, j], show[k, j] = interest_logit(f, person, opening.job), show_logit(f)
            stay[k, j] = retention_logit(f, person, opening.job)
        offer[k] = offer_logit(f, person)  # the employer's answer does not depend on the wage
        reach[k], scheduled[k] = reach_chance(person), scheduled_reaches(opening.job, RETAINED_DAYS)
    x, w = np.polynomial.hermite_e.hermegauss(_NODES)  # nodes and weights for a standard normal
    w = w / w.sum()
    offered = _expected_sigmoid(offer, EMPLOYER_NOISE_SD, x, w)[:, None]
    through = np.zeros((n, _WAGE_POINTS))
    for keenness, weight in zip(KEENNESS_SD * x, w, strict=True):
        stays = _expected_sigmoid(stay + KEENNESS_CARRIED * keenness, STAY_NOISE_SD, x, w)
        through += weight * _sigmoid(interest + keenness) * stays
    per_wage = through * offered * _sigmoid(show)
    return np.asarray(reach * per_wage.mean(axis=1) * scheduled, np.float64)


def truth_reference(world: World, options: RunOptions, pairs: FirstDay) -> TruthReference:
    """Run the plan and greedy from ``world`` with the true chances of the first day's eligible ``pairs``."""
    known = _known_chances(world, pairs)
    exact = dataclasses.replace(options, retrain_every=0)
    lasting = {}
    for policy in ("plan", "greedy"):
        matcher = world.matcher(functools.partial(KnownChancesMatcher, known=known))
        run = PolicyRun(world, policy, exact, matcher=matcher)
        run.run()
        lasting[policy] = sum(r.lasting for r in run.records)
    return TruthReference(lasting["plan"], lasting["greedy"])


def _known_chances(world: World, pairs: FirstDay) -> KnownChances:
    workers, postings, modelled = [], [], []
    for worker_id, posting_id in zip(pairs.worker_id, pairs.posting_id, strict=True):
        person, opening = world.people.get(worker_id), world.openings.get(posting_id)
        if person is not None and opening is not None:  # outside the behaviour model nothing comes of a proposal
            workers.append(worker_id)
            postings.append(posting_id)
            modelled.append((person, opening))
    return KnownChances.of(workers, postings, lasting_chances(modelled, world.start))


def _sigmoid(z: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))))


def _expected_sigmoid(z: Floats, sd: float, x: Floats, w: Floats) -> Floats:
    """E sigmoid(z + e), e ~ N(0, sd²), by Gauss-Hermite (nodes ``x``, weights ``w`` of a standard normal)."""
    return np.asarray(sum(weight * _sigmoid(z + sd * node) for node, weight in zip(x, w, strict=True)))
