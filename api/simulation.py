"""``anye simulate``: weeks of match days on the demo city, for the plan and two baselines, from one start.

The three policies (``matcher.allocation.plan``, ``greedy_plan``: each posting's best by the same model alone,
``keyword_plan``: each posting's best by text similarity) each start from the same state (``World``: the
demo city's frames, the behaviour model's people and jobs with the history's latent factors, the ranking model
trained on the history) and meet the same draws for the same proposal (``api.simulation_course``). Each runs
``RunOptions.weeks`` match days (``api.simulation_run``); the figures (``api.simulation_report``) are compared
with the targets of the match-day plan: at least 1.25 times greedy's hires lasting 3 months, at least 98% of
labour households covered where places allow, no worker with more than m open proposals.

The demo city comes from a database: ``api.figures_demo.build_demo_database`` makes one (sites, the yearly ledger
snapshots and the ledgers, employers, postings and the history, at either scale).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from api.simulation_bound import first_day, hindsight_reference
from api.simulation_report import PolicyFigures, policy_figures
from api.simulation_run import POLICIES, PolicyRun, RunOptions
from api.simulation_truth import TruthReference, truth_reference
from api.simulation_world import World
from matcher.allocation import Region
from matcher.frame import STATUS_ORDER
from matcher.load import day
from models.vocab import PostingStatus

__all__ = ["TARGET_COVERAGE", "TARGET_RATIO", "Simulation", "simulate"]

TARGET_RATIO = 1.25  # the plan's hires lasting 3 months against greedy's
TARGET_COVERAGE = 0.98  # labour households covered where places allow
_OPEN = STATUS_ORDER.index(PostingStatus.OPEN)


@dataclass(frozen=True, slots=True)
class Simulation:
    """The figures of every policy after the run, and the targets' verdicts (None when a policy was not run)."""

    options: RunOptions
    start: dt.date
    model: str
    figures: tuple[PolicyFigures, ...]
    reference: int | None = None  # the hindsight reference (``api.simulation_bound``), when it was computed
    truth: TruthReference | None = None  # the true-chance reference (``api.simulation_truth``), when it was run

    def share_of_reference(self, policy: str) -> float | None:
        """A policy's hires lasting 3 months against the hindsight reference."""
        figures = self.of(policy)
        return None if figures is None or not self.reference else figures.lasting / self.reference

    def of(self, policy: str) -> PolicyFigures | None:
        return next((f for f in self.figures if f.policy == policy), None)

    @property
    def ratio(self) -> float | None:
        """The plan's hires lasting 3 months over greedy's."""
        plan, greedy = self.of("plan"), self.of("greedy")
        if plan is None or greedy is None or greedy.lasting == 0:
            return None
        return plan.lasting / greedy.lasting

    @property
    def coverage(self) -> float | None:
        plan = self.of("plan")
        return None if plan is None or not plan.allowed else plan.covered_allowed / plan.allowed

    def verdicts(self) -> dict[str, bool | None]:
        plan, ratio, coverage = self.of("plan"), self.ratio, self.coverage
        return {
            "ratio": None if ratio is None else ratio >= TARGET_RATIO,
            "coverage": None if coverage is None else coverage >= TARGET_COVERAGE,
            "open": None if plan is None else plan.max_open <= self.options.limits.per_worker,
        }


def simulate(
    world: World,
    options: RunOptions,
    *,
    policies: tuple[str, ...] = tuple(POLICIES),
    progress: Callable[[str], None] | None = None,
    reference: bool = True,
) -> Simulation:
    """Run each of ``policies`` from ``world`` and gather their figures; ``reference``: also compute the hindsight
    reference (``api.simulation_bound``) and run the true-chance reference (``api.simulation_truth``); ``progress`` is
    called with each policy's name before it runs, and with "truth" before the true-chance reference."""
    pairs = first_day(world, options)
    reachable = {h for h, priority in zip(pairs.household_id, pairs.priority, strict=True) if priority}
    households, workers, places = _taking_part(world, options)
    figures = []
    for policy in policies:
        if progress:
            progress(policy)
        run = PolicyRun(world, policy, options)
        run.run()
        figures.append(policy_figures(run, households, reachable, workers, places))
    version = world.scorer.version if world.scorer is not None else "weighted-1"
    bound = hindsight_reference(world, options, pairs) if reference else None
    if reference and progress:
        progress("truth")
    truth = truth_reference(world, options, pairs) if reference else None
    return Simulation(options, world.start, version, tuple(figures), bound, truth)


def _taking_part(world: World, options: RunOptions) -> tuple[set[int], list[int], int]:
    """The region's labour households (of the people the matcher holds: those with labour capacity), the workers
    available at the start in it, and the places open at the start in the postings its plans are about (the
    region's own and the out-of-area group recruitments)."""
    w, p = world.workers, world.postings
    area = Region(options.region)
    inside = area.within(w.local_county)
    households = set(w.household_id[inside].tolist())
    workers = w.worker_id[w.available & inside].tolist()
    open_ = (p.status == _OPEN) & (p.places_left != 0) & (p.deadline >= day(world.start))
    rows = open_ & (p.out_of_area | area.within(p.work_county))
    return households, workers, int(np.maximum(p.places_left[rows], 1).sum())
