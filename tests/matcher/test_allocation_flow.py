"""The plan's solver on networks too big to enumerate: column generation (a few pairs per worker and posting at
first, more while the duals say they would help) reaches the optimum of the whole graph, within the limits."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.flow import Network, solve, top_per_group


def _network(seed: int, workers: int = 120, postings: int = 40, density: float = 0.6) -> Network:
    """Random pairs (most workers eligible for most postings, so the first columns leave most pairs out),
    capacities 1-3 a worker and 1-6 a posting, a third of the workers from priority households."""
    g = np.random.default_rng(seed)
    w, p = np.meshgrid(np.arange(workers), np.arange(postings), indexing="ij")
    keep = g.random(w.size) < density
    worker, posting = w.ravel()[keep].astype(np.int32), p.ravel()[keep].astype(np.int32)
    household_of = np.where(g.random(workers) < 1 / 3, g.integers(0, workers // 3, workers), -1)
    used, household_of = np.unique(household_of[household_of >= 0]), household_of
    household = np.searchsorted(used, household_of[worker]).astype(np.int32)
    household[household_of[worker] < 0] = -1
    gain = g.integers(20_000, 900_000, len(worker)).astype(np.int64)
    posting_cap, worker_cap = g.integers(1, 7, postings), g.integers(1, 4, workers)
    bonus = int(g.choice([0, 150_000, 1_000_000]))
    return Network(posting, worker, household, gain, posting_cap, worker_cap, len(used), bonus)


@pytest.mark.parametrize("seed", range(5))
def test_column_generation_reaches_the_optimum_of_the_whole_graph(seed: int) -> None:
    net = _network(seed)
    chosen, whole = solve(net), solve(net, whole=True)
    assert net.objective(chosen) == net.objective(whole)
    assert (np.bincount(net.posting[chosen], minlength=len(net.posting_cap)) <= net.posting_cap).all()
    assert (np.bincount(net.worker[chosen], minlength=len(net.worker_cap)) <= net.worker_cap).all()


def test_the_plan_makes_fewer_proposals_when_more_would_be_worth_less() -> None:
    """Posting 0 and 1 have one place each; worker 0 is worth 10 to posting 0 and 9 to posting 1, worker 1 is
    worth nothing to posting 0. Two proposals (worker 1 to posting 0, worker 0 to posting 1) are worth 9; the
    single proposal of worker 0 to posting 0 is worth 10, and is the plan."""
    ones = np.ones(2, np.int64)
    net = Network(np.array([0, 1, 0], np.int32), np.array([0, 0, 1], np.int32), np.full(3, -1, np.int32),
                  np.array([10, 9, 0], np.int64), ones, ones, 0, 0)  # fmt: skip
    assert solve(net).tolist() == [True, False, False]


def test_top_per_group_takes_each_groups_best_ties_by_position() -> None:
    group = np.array([1, 0, 1, 1, 0, 2])
    value = np.array([0.5, 0.1, 0.9, 0.5, 0.3, 0.2])
    picked = top_per_group(group, value, np.array([1, 2, 0]), 3)
    assert sorted(picked.tolist()) == [0, 2, 4]
