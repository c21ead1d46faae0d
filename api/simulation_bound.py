"""The hindsight reference (事后最优参考) of a simulation: how many hires lasting 3 months a planner could make
if it knew in advance how every proposal would turn out.

Every pair eligible on the first match day (by the hard rules, any probability, both the region's postings and
the out-of-area group recruitments) meets the draws of its course (``api.simulation_course``, the same
stream a policy's proposal of it meets on that day): a pair "succeeds" when the worker is reached, interested,
offered, shows up and stays 90 days. The reference is the largest set of successful pairs with each worker
once and each posting at most its places at the start: a maximum flow (OR-Tools) over the successful pairs.

It is a yardstick, not a target: no planner knows the outcomes. It leaves out the timing (a proposal takes
weeks to become a hire, and the run ends after ``weeks``) and the few draws that change with the day of a later
proposal, so a policy could in principle pass it by a little; in practice it shows how much of what was
possible each policy reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ortools.graph.python import max_flow

from api.simulation_course import draw_course
from api.simulation_run import RunOptions
from api.simulation_world import World
from matcher.allocation import Limits, Region, eligible_pairs
from matcher.load import day
from models.match import RETAINED_DAYS

__all__ = ["FirstDay", "first_day", "hindsight_reference", "most_pairs"]


@dataclass(frozen=True, slots=True)
class FirstDay:
    """Every pair eligible on the first match day by the hard rules, at any probability, over the region's postings
    and the out-of-area group recruitments: the worker's id and household (``priority``: with labour and no one
    employed) and the posting's id; ``places``: each posting's places at the start (unknown: one)."""

    worker_id: list[int]
    household_id: list[int]
    priority: list[bool]
    posting_id: list[int]
    places: dict[int, int]


def first_day(world: World, options: RunOptions) -> FirstDay:
    """The first match day's eligible pairs (``FirstDay``), found once for the simulation's figures."""
    matcher = world.matcher()
    workers, postings = matcher.workers, matcher.postings
    assert workers is not None and postings is not None
    anything = Limits(options.limits.per_place, options.limits.per_worker, 0.0, min_probability=0.0)
    out = FirstDay([], [], [], [], {})
    for region in (Region(options.region), Region(options.region, out_of_area=True)):
        pairs = eligible_pairs(matcher, region, anything, today=day(world.start))
        out.worker_id.extend(workers.worker_id[pairs.wi].tolist())
        out.household_id.extend(workers.household_id[pairs.wi].tolist())
        out.priority.extend(pairs.priority.tolist())
        out.posting_id.extend(postings.posting_id[pairs.pi].tolist())
    out.places.update((int(p), max(int(n), 1)) for p, n in zip(postings.posting_id, postings.places_left, strict=True))
    return out


def hindsight_reference(world: World, options: RunOptions, pairs: FirstDay) -> int:
    """The most hires lasting 3 months of the first day's eligible ``pairs``, their outcomes known (module
    docstring)."""
    succeeding: list[tuple[int, int]] = []
    for worker_id, posting_id in zip(pairs.worker_id, pairs.posting_id, strict=True):
        person, opening = world.people.get(worker_id), world.openings.get(posting_id)
        if person is None or opening is None:
            continue
        course = draw_course(options.seed, person, opening, world.start, posting_id)
        stay = course.stay.days
        if course.offered and course.shows and (stay is None or stay >= RETAINED_DAYS):
            succeeding.append((worker_id, posting_id))
    return most_pairs(succeeding, pairs.places)


def most_pairs(pairs: Iterable[tuple[int, int]], places: dict[int, int]) -> int:
    """The size of the largest subset of (worker, posting) ``pairs`` using each worker once and each posting at
    most ``places[posting]`` times."""
    pairs = list(dict.fromkeys(pairs))
    worker_node = {w: 2 + n for n, w in enumerate(dict.fromkeys(w for w, _ in pairs))}
    posting_node = {p: 2 + len(worker_node) + n for n, p in enumerate(dict.fromkeys(p for _, p in pairs))}
    flow = max_flow.SimpleMaxFlow()
    for node in worker_node.values():
        flow.add_arc_with_capacity(0, node, 1)
    for posting, node in posting_node.items():
        flow.add_arc_with_capacity(node, 1, places.get(posting, 1))
    for w, p in pairs:
        flow.add_arc_with_capacity(worker_node[w], posting_node[p], 1)
    if not pairs:
        return 0
    if flow.solve(0, 1) != flow.OPTIMAL:
        raise RuntimeError("max flow did not reach an optimum")
    return int(flow.optimal_flow())
