"""The hindsight reference of a simulation: the largest set of successful pairs is found (checked against every
subset on small cases), and on a small world no policy's lasting hires pass it."""

from __future__ import annotations

import itertools
import random

import pytest

from api.simulation_bound import first_day, hindsight_reference, most_pairs
from api.simulation_run import POLICIES, RunOptions
from matcher.allocation import Limits
from matcher.tokenizer import Tokenizer
from tests.api.test_simulation import _run, _world


def _brute_force(pairs: list[tuple[int, int]], places: dict[int, int]) -> int:
    for size in range(len(pairs), 0, -1):
        for subset in itertools.combinations(pairs, size):
            workers = [w for w, _ in subset]
            taken = [p for _, p in subset]
            if len(set(workers)) == len(workers) and all(taken.count(p) <= places[p] for p in set(taken)):
                return size
    return 0


@pytest.mark.parametrize("seed", range(40))
def test_most_pairs_is_the_largest_set_with_each_worker_once_and_postings_within_places(seed: int) -> None:
    rng = random.Random(seed)
    everything = [(w, p) for w in range(1, 5) for p in range(1, 4)]
    pairs = rng.sample(everything, rng.randint(0, 8))
    places = {p: rng.randint(1, 2) for p in range(1, 4)}
    assert most_pairs(pairs, places) == _brute_force(pairs, places)


def test_a_worker_good_for_two_postings_goes_where_no_one_else_can() -> None:
    # worker 1 succeeds at both postings, worker 2 only at posting 1: both places are filled only one way
    assert most_pairs([(1, 1), (1, 2), (2, 1)], {1: 1, 2: 1}) == 2
    assert most_pairs([(1, 1), (1, 2)], {1: 1, 2: 1}) == 1  # one worker, one job


def test_no_policy_keeps_more_lasting_hires_than_the_reference_on_a_small_world() -> None:
    world = _world(Tokenizer(), 12, [2, 1, 3])
    options = RunOptions(seed=7, limits=Limits(3, 2))
    reference = hindsight_reference(world, options, first_day(world, options))
    assert 0 < reference <= 6  # six places at the start
    for policy in POLICIES:
        lasting = sum(r.lasting for r in _run(world, policy, 3, 2).records)
        assert lasting <= reference, policy
