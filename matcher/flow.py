"""The match-day plan's optimisation: choose proposals on the sparse graph of eligible pairs, solved exactly.

The problem (``matcher.allocation`` says where the numbers come from) is a min-cost flow with integer costs::

    source -> posting p (capacity cap_p) -> pair (p, w) (capacity 1, cost -gain_pw) -> worker w (capacity cap_w)
           -> sink, or for a worker of a priority household -> household node h -> sink by two arcs: one of
              capacity 1 and cost -bonus (the first proposal reaching the household), one uncapped of cost 0
    source -> sink (uncapped, cost 0): what no proposal is worth sends its flow this way

with ``sum cap_p`` units sent from source to sink. A flow of least cost is a plan of greatest value (gains plus
``bonus`` per priority household reached), and the bypass lets the plan make fewer proposals than the
capacities allow when more would not add value. Flows are integers, so each pair is proposed or not. OR-Tools'
``SimpleMinCostFlow`` (cost scaling, exact on integers) solves it.

A city has millions of eligible pairs, and a plan uses a few in a hundred, so the graph is grown rather than
pruned (column generation): it starts with each worker's and each posting's best pairs (their capacity + 2)
and each priority household's best pair; after each solve, node potentials are read off the residual graph
(shortest distances from a root joined to every node, by Bellman-Ford: the residual graph of an optimal flow
has no negative cycle, so they exist, and every residual arc has ``cost + d[tail] - d[head] >= 0``). A pair
left out is a residual arc of cost ``-gain`` from its posting to its worker; if every one has a non-negative
reduced cost under the same potentials, the flow meets the optimality condition of the whole graph (no
residual arc of negative reduced cost), so it is optimal there, not just on the pairs taken in. Otherwise the
pairs of most negative reduced cost (capacity + 2 per worker and per posting) join and it is solved again;
each round adds pairs, so it ends (in 2-6 rounds on the demo city). ``solve(..., whole=True)`` solves on every
pair at once, the check the tests compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from matcher.jit import compiled
from matcher.sweep import top_positions

__all__ = ["Network", "solve", "top_per_group"]

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
_EXTRA = 2  # pairs beyond its capacity each worker and posting brings into the graph at the start and per round


@dataclass(frozen=True, slots=True)
class Network:
    """Pair ``e`` joins posting ``posting[e]`` (0..len(posting_cap)-1) and worker ``worker[e]``
    (0..len(worker_cap)-1), whose priority household is ``household[e]`` (0..households-1; -1: not a priority
    household); ``gain``: integers; ``bonus``: the integer gain of reaching a priority household."""

    posting: npt.NDArray[np.int32]
    worker: npt.NDArray[np.int32]
    household: npt.NDArray[np.int32]
    gain: Ints
    posting_cap: Ints
    worker_cap: Ints
    households: int
    bonus: int

    def __len__(self) -> int:
        return len(self.posting)

    def objective(self, chosen: Flags) -> int:
        """The plan's value: gains of the ``chosen`` pairs plus ``bonus`` per priority household reached."""
        reached = np.unique(self.household[chosen & (self.household >= 0)])
        return int(self.gain[chosen].sum()) + self.bonus * len(reached)


def solve(net: Network, *, whole: bool = False) -> Flags:
    """Which pairs the optimal plan proposes (see the module docstring); ``whole``: solve on every pair at once
    instead of by column generation (the same optimum, slower: for checking)."""
    chosen = np.zeros(len(net), np.bool_)
    if len(net) == 0:
        return chosen
    inside = np.ones(len(net), np.bool_) if whole else _starting_pairs(net)
    start_p, start_w = 2, 2 + len(net.posting_cap)
    while True:
        columns = np.flatnonzero(inside)
        flows, potential = _flow(net, columns)
        reduced = -net.gain + potential[start_p + net.posting] - potential[start_w + net.worker]
        entering = (reduced < 0) & ~inside
        if not entering.any():
            chosen[columns] = flows > 0
            return chosen
        inside |= _best_per_side(net, -reduced.astype(np.float64), entering)


def _starting_pairs(net: Network) -> Flags:
    """Each worker's and each posting's best pairs (capacity + _EXTRA of them) and each priority household's
    best pair."""
    inside = _best_per_side(net, net.gain.astype(np.float64), np.ones(len(net), np.bool_))
    has = net.household >= 0
    if has.any():
        limit = np.ones(net.households, np.int64)
        picked = top_per_group(net.household[has], net.gain[has].astype(np.float64), limit, net.households)
        inside[np.flatnonzero(has)[picked]] = True
    return inside


def _best_per_side(net: Network, value: npt.NDArray[np.float64], among: Flags) -> Flags:
    """Of the pairs flagged in ``among``: each worker's and each posting's best by ``value`` (capacity + _EXTRA)."""
    at = np.flatnonzero(among)
    out = np.zeros(len(net), np.bool_)
    for group, cap in ((net.worker, net.worker_cap), (net.posting, net.posting_cap)):
        out[at[top_per_group(group[at], value[at], cap + _EXTRA, len(cap))]] = True
    return out


def _flow(net: Network, columns: Ints) -> tuple[Ints, Ints]:
    """The least-cost flow of the network restricted to pairs ``columns``: the pairs' flows, and node potentials
    under which every residual arc has a non-negative reduced cost (nodes: source 0, sink 1, postings, workers,
    households)."""
    n_p, n_w, n_h = len(net.posting_cap), len(net.worker_cap), net.households
    posting, worker, household = 2 + np.arange(n_p), 2 + n_p + np.arange(n_w), 2 + n_p + n_w + np.arange(n_h)
    home = np.ones(n_w, np.int64)  # the sink, or the worker's priority household
    has = net.household >= 0
    home[net.worker[has]] = household[net.household[has]]
    total = int(net.posting_cap.sum())
    tails = np.concatenate([np.zeros(n_p), posting[net.posting[columns]], worker, household, household, [0]])
    heads = np.concatenate([posting, worker[net.worker[columns]], home, np.ones(2 * n_h), [1]])
    capacities = np.concatenate([net.posting_cap, np.ones(len(columns)), net.worker_cap, np.ones(n_h),
                                 np.full(n_h, total), [total]]).astype(np.int64)  # fmt: skip
    costs = np.concatenate([np.zeros(n_p), -net.gain[columns], np.zeros(n_w), np.full(n_h, -net.bonus),
                            np.zeros(n_h + 1)]).astype(np.int64)  # fmt: skip
    tails, heads = tails.astype(np.int32), heads.astype(np.int32)
    graph = min_cost_flow.SimpleMinCostFlow()
    graph.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    graph.set_node_supply(0, total)
    graph.set_node_supply(1, -total)
    status = graph.solve()
    if status != graph.OPTIMAL:
        raise RuntimeError(f"min-cost flow not solved: {status}")
    flows = np.asarray(graph.flows(np.arange(len(tails))), np.int64)
    potential = _potentials(2 + n_p + n_w + n_h, tails, heads, capacities, costs, flows)
    return flows[n_p : n_p + len(columns)], potential


@compiled
def _potentials(nodes: int, tails: Any, heads: Any, capacities: Ints, costs: Ints, flows: Ints) -> Ints:
    """Shortest distances in the residual graph from a root joined to every node at cost 0 (Bellman-Ford): an
    optimal flow's residual graph has no negative cycle, so they exist, and ``cost + d[tail] - d[head] >= 0``
    on every residual arc."""
    d = np.zeros(nodes, np.int64)
    for _ in range(nodes + 1):
        changed = False
        for a in range(len(tails)):
            u, v, c = tails[a], heads[a], costs[a]
            if flows[a] < capacities[a] and d[u] + c < d[v]:
                d[v] = d[u] + c
                changed = True
            if flows[a] > 0 and d[v] - c < d[u]:
                d[u] = d[v] - c
                changed = True
        if not changed:
            return d
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


def top_per_group(group: npt.ArrayLike, value: npt.NDArray[np.float64], limit: Ints, groups: int) -> Ints:
    """Positions of the ``limit[g]`` largest ``value`` of each group ``g`` (ties by position)."""
    return _top_per_group_compiled(np.asarray(group, np.int64), value, np.asarray(limit, np.int64), groups)


@compiled
def _top_per_group_compiled(group: Ints, value: npt.NDArray[np.float64], limit: Ints, groups: int) -> Ints:
    counts = np.zeros(groups + 1, np.int64)
    for g in group:
        counts[g + 1] += 1
    starts = np.cumsum(counts)
    order, fill = np.empty(len(group), np.int64), starts[:-1].copy()
    for i in range(len(group)):  # a counting sort by group, stable
        order[fill[group[i]]] = i
        fill[group[i]] += 1
    out, m = np.empty(len(group), np.int64), 0
    for g in range(groups):
        members = order[starts[g] : starts[g + 1]]
        picked = top_positions(value[members], limit[g]) if len(members) > limit[g] else np.arange(len(members))
        for j in picked:
            out[m] = members[j]
            m += 1
    return out[:m]
