"""The true-chance reference of a simulation: a pair's computed chance is what drawing its course many times gives,
a scheduled end's chance is what drawing it gives, the runs propose with those chances (the likelier worker first),
and neither run keeps more lasting hires than the hindsight reference."""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
import pytest

from api.simulation_bound import first_day, hindsight_reference
from api.simulation_course import Opening, draw_course
from api.simulation_run import PolicyRun, RunOptions
from api.simulation_truth import KnownChances, KnownChancesMatcher, lasting_chances, truth_reference
from ingest.demo.history_model import Job, Person, _scheduled_end, scheduled_reaches
from matcher.allocation import Limits
from matcher.tokenizer import Tokenizer
from models.match import RETAINED_DAYS
from tests.api.test_simulation import _job, _person, _world
from tests.matcher.frames import TODAY

DRAWS = 4000


def _succeeds(seed: int, person: Person, opening: Opening, posting_id: int) -> bool:
    course = draw_course(seed, person, opening, TODAY, posting_id)
    stay = course.stay.days
    return course.offered and course.shows and (stay is None or stay >= RETAINED_DAYS)


def _cases() -> dict[str, tuple[Person, Opening]]:
    keen, job = _person(1), _job(201)
    far_older = dataclasses.replace(keen, reachable=False, wish_wage=3400.0, female=True, care=True)
    seasonal = dataclasses.replace(job, job_kind="seasonal", occupation_code="6-29-01-01", longitude=113.2)
    welfare = dataclasses.replace(job, welfare_term_months=3, job_kind=None, quality=-1.0)
    licensed = dataclasses.replace(job, required=frozenset({"电工证"}))
    return {
        "keen, full-time": (keen, Opening(job, (4000.0, 5000.0))),
        "no phone, far seasonal building work, pay below the wish": (far_older, Opening(seasonal, (2500.0, 4000.0))),
        "public-welfare post of three months at a poor employer": (keen, Opening(welfare, (1500.0, 2000.0))),
        "a required licence the worker lacks": (keen, Opening(licensed, (4000.0, 5000.0))),
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_a_pairs_chance_is_what_drawing_its_course_many_times_gives(case: str) -> None:
    person, opening = _cases()[case]
    exact = float(lasting_chances([(person, opening)], TODAY)[0])
    drawn = sum(_succeeds(seed, person, opening, 1) for seed in range(DRAWS)) / DRAWS
    error = math.sqrt(max(exact * (1 - exact), 1e-4) / DRAWS)
    # 4 standard errors, and 0.01 for the quadrature and the days (0-4) between the proposal and the contact
    assert abs(drawn - exact) <= 4 * error + 0.01, (case, exact, drawn)


def test_the_cases_span_likely_and_unlikely_pairs() -> None:
    chances = lasting_chances(list(_cases().values()), TODAY)
    assert chances.max() > 0.3 and chances.min() < 0.1  # the comparison above is not only of near-zero chances


@pytest.mark.parametrize(
    "kind, term", [("seasonal", None), ("temporary", None), ("daily", None), (None, 3), (None, 2), ("full_time", None)]
)
def test_a_scheduled_ends_chance_is_what_drawing_it_gives(kind: str | None, term: int | None) -> None:
    job: Job = dataclasses.replace(_job(1), job_kind=kind, welfare_term_months=term)
    rng = random.Random(11)
    ends = [_scheduled_end(rng, job)[0] for _ in range(20000)]
    for days in (30, 61, 90, 120, 380):
        drawn = sum(end is None or end >= days for end in ends) / len(ends)
        assert abs(drawn - scheduled_reaches(job, days)) < 0.015, (kind, term, days)


def test_known_chances_are_looked_up_by_worker_and_posting() -> None:
    known = KnownChances.of([3, 1, 3], [9, 9, 2], np.array([0.3, 0.1, 0.2]))
    found = known.lookup(np.array([1, 3, 3, 1, 7]), np.array([9, 2, 9, 2, 9]))
    assert found.tolist() == pytest.approx([0.1, 0.2, 0.3, 0.0, 0.0])
    assert KnownChances.of([], [], np.zeros(0)).lookup(np.array([1]), np.array([1])).tolist() == [0.0]


def test_the_runs_propose_with_the_true_chances_the_likelier_worker_first() -> None:
    world = _world(Tokenizer(), 2, [1])
    world.people[1] = dataclasses.replace(world.people[1], reachable=False)  # half as likely to be reached
    options = RunOptions(weeks=1, seed=7, limits=Limits(1, 1), retrain_every=0)
    pairs = first_day(world, options)
    chances = lasting_chances([(world.people[w], world.openings[p])
                               for w, p in zip(pairs.worker_id, pairs.posting_id, strict=True)], TODAY)  # fmt: skip
    known = KnownChances.of(pairs.worker_id, pairs.posting_id, chances)
    assert known.lookup(np.array([1]), np.array([1]))[0] < known.lookup(np.array([2]), np.array([1]))[0]
    for policy in ("plan", "greedy"):
        matcher = world.matcher(lambda *a, **k: KnownChancesMatcher(*a, known=known, **k))
        run = PolicyRun(world, policy, options, matcher=matcher)
        run.run()
        first = [r for r in run.records if r.day == 0]
        assert [r.worker_id for r in first] == [2], policy  # one place, one proposal: the reachable worker
        assert first[0].probability == pytest.approx(float(known.lookup(np.array([2]), np.array([1]))[0]))


def test_neither_run_keeps_more_lasting_hires_than_the_hindsight_reference() -> None:
    world = _world(Tokenizer(), 12, [2, 1, 3])
    options = RunOptions(seed=7, limits=Limits(3, 2))
    pairs = first_day(world, options)
    truth = truth_reference(world, options, pairs)
    reference = hindsight_reference(world, options, pairs)
    assert 0 < truth.plan <= reference and 0 < truth.greedy <= reference
    assert truth.ratio == truth.plan / truth.greedy
