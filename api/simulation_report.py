"""The figures of a simulation run, one row per policy, as a rich table and as JSON.

Definitions (also printed under the table):

- hires (上岗): offers taken up during the run; lasting (3个月在岗): hires whose tenure, as the behaviour model drew
  it at the hire, reaches 90 days;
- labour households (劳动力户): households with someone of labour capacity in the matcher; covered (有人就业): with
  someone employed (the ledger, a running hire of the history, or a hire of the run still going at the end);
- covered where places allow (名额允许时覆盖率): of the labour households covered at the start plus those with no
  one employed that had at least one eligible open posting with places on the first match day, the share
  covered at the end;
- plan reach (计划触达): on every match day, households with no one employed that the day's proposals reached,
  against what the day allowed (those with an eligible pair, at most k × places);
- proposals per worker: over the workers available at the start in the region (zeros included), mean, max and
  Gini; proposals per place: proposals over the places open at the start.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from api.simulation_run import HIRED, PolicyRun

__all__ = ["LABELS", "PolicyFigures", "Retraining", "gini", "policy_figures"]

LABELS = {"plan": "计划 plan", "greedy": "逐岗排序 greedy", "keyword": "关键词 keyword"}


@dataclass(frozen=True, slots=True)
class Retraining:
    """One retraining of a run: its day, labels, and the new ones (the run's and the history's)."""

    week: int
    n_train: int
    positives: int
    run_labels: int
    run_positives: int
    history_new: int


@dataclass(frozen=True, slots=True)
class PolicyFigures:
    """One policy's figures after the run; see the module docstring."""

    policy: str
    proposals: int
    hires: int
    lasting: int
    households: int
    covered_start: int
    covered_end: int
    allowed: int
    covered_allowed: int
    reach: float | None
    workers: int
    per_worker_mean: float
    per_worker_max: int
    per_worker_gini: float
    places: int
    per_place: float
    max_open: int
    outcomes: dict[str, int]
    retrainings: tuple[Retraining, ...]
    retraining_failures: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gini(values: list[int]) -> float:
    """The Gini coefficient of non-negative counts: 0 when everyone has the same, near 1 when one has all."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = len(x), float(x.sum())
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * x).sum() / (n * total) - (n + 1) / n)


def policy_figures(
    run: PolicyRun, households: set[int], reachable: set[int], workers: list[int], places: int
) -> PolicyFigures:
    """The figures of a finished ``run``; ``households``: the labour households of the region; ``reachable``:
    those with no one employed that had an eligible pair at the start; ``workers``: those available at the start
    in the region; ``places``: open at the start."""
    records = run.records
    hires = [r for r in records if r.outcome == HIRED]
    labour = households
    start = run.base_employed & labour
    end = start | ({run.household[w] for w in run.at_work} & labour)
    per_worker = Counter(r.worker_id for r in records)
    counts = [per_worker.get(w, 0) for w in workers]
    days = [d for d in run.days if d.to_cover]
    allowed = sum(min(d.to_cover, d.slots) for d in days)
    return PolicyFigures(
        policy=run.policy, proposals=len(records), hires=len(hires), lasting=sum(r.lasting for r in hires),
        households=len(labour), covered_start=len(start), covered_end=len(end), allowed=len(start | reachable),
        covered_allowed=len(end & (start | reachable)),
        reach=sum(min(d.covered, d.slots) for d in days) / allowed if allowed else None, workers=len(workers),
        per_worker_mean=float(np.mean(counts)) if counts else 0.0, per_worker_max=max(counts, default=0),
        per_worker_gini=gini(counts), places=places, per_place=len(records) / places if places else 0.0,
        max_open=run.max_open, outcomes=dict(Counter(r.outcome or "进行中" for r in records).most_common()),
        retrainings=tuple(Retraining(int((f.as_of - run.world.start).days // 7), f.n_train, f.positives, f.run_labels,
                                     f.run_positives, f.history_new) for f in run.retrainings),
        retraining_failures=tuple(run.retraining_failures),
    )  # fmt: skip
