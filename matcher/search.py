"""Candidate search and recommendations: who should be called for this opening, which jobs suit this person.

One query is a handful of vector operations over everyone: the hard rules (for a posting, whole-column masks of
``matcher.screen``; for a worker, the rules applied progressively on the shrinking set of postings still
eligible), a sparse product for text similarity over the eligible rows only, a cheap prior to shortlist, then
features, the ranking model (or the transparent fallback score), household priority, and explanations for the
top few only. Changes (a new posting, a worker who found work) go in with ``upsert_*``/``remove_*`` and show
in the next query; ``compact`` drops the dead rows now and then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from matcher.context import context_features
from matcher.eligibility import RULES, Rule, evaluate
from matcher.explain import Names, explain
from matcher.features import (
    DEFAULT_PRIORITY_WEIGHT,
    FEATURE_NAMES,
    WeightedScore,
    occupation_levels,
    pair_features,
    with_household_priority,
)
from matcher.frame import PostingFrame, WorkerFrame, concat, take
from matcher.index import TextIndex
from matcher.policy import Policy, RuleContext
from matcher.screen import WorkerStatics, screen
from models.errors import NotFound

__all__ = ["FallbackScorer", "Matcher", "ModelScorer", "Proposal", "Scorer"]

Index = npt.NDArray[np.intp]
_NOT_NEAR = ("posting_open", "worker_available")


@dataclass(frozen=True, slots=True)
class Proposal:
    """One proposed pair as callers see it: the other side's Anye id, the ranking score, the model's
    probability of a hire that lasts 3 months (None under the fallback score), eligibility, reasons in
    Chinese, and the rules a near-miss failed."""

    id: int
    score: float
    probability: float | None
    eligible: bool
    reasons: list[str]
    failed: list[str]


class Scorer(Protocol):
    """Scores pairs from their features (``FEATURE_NAMES`` columns, followed by ``CONTEXT_NAMES`` columns when
    ``wants_context``)."""

    version: str
    wants_context: bool

    def probability(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32] | None: ...

    def score(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]: ...


class FallbackScorer:
    """The transparent weighted score (``matcher.features.WeightedScore``) before a model is trained."""

    def __init__(self, weighted: WeightedScore | None = None) -> None:
        self.weighted = weighted or WeightedScore()
        self.version = "weighted-1"
        self.wants_context = False

    def probability(self, features: npt.NDArray[np.float32]) -> None:
        return None

    def score(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return self.weighted.score(features[:, : len(FEATURE_NAMES)])


class ModelScorer:
    """A trained ``HireModel``: the score is its calibrated probability."""

    def __init__(self, model: object, version: str) -> None:
        self.model = model
        self.version = version
        self.wants_context = True  # trained on MODEL_FEATURE_NAMES (matcher.context)

    def probability(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        proba = self.model.predict_proba(features)  # type: ignore[attr-defined]
        return np.asarray(proba[:, 1], dtype=np.float32)

    def score(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return self.probability(features)


class Matcher:
    """Both sides indexed; see the module docstring. Not thread-safe for writes: one writer, many readers
    (the service swaps in a new matcher or serialises updates)."""

    def __init__(
        self,
        analyzer: Callable[[str], Sequence[str]],
        names: Names,
        *,
        scorer: Scorer | None = None,
        policy: Policy | None = None,
        priority_weight: float = DEFAULT_PRIORITY_WEIGHT,
        shortlist: int = 1000,
        rules: Sequence[Rule] = RULES,
    ) -> None:
        self.names = names
        self.scorer: Scorer = scorer or FallbackScorer()
        self.policy = policy or Policy()
        self.priority_weight = priority_weight
        self.shortlist = shortlist
        self.rules = tuple(rules)
        self.worker_text = TextIndex(analyzer)
        self.posting_text = TextIndex(analyzer)
        self.workers: WorkerFrame | None = None
        self.postings: PostingFrame | None = None
        self._worker_statics: WorkerStatics | None = None

    # -- building and changes ----------------------------------------------------------------------
    def load(self, workers: WorkerFrame, postings: PostingFrame) -> None:
        self.workers, self.postings = workers, postings
        self.worker_text.build(workers.worker_id, workers.text)
        self.posting_text.build(postings.posting_id, postings.text)

    def upsert_workers(self, rows: WorkerFrame) -> None:
        """New or changed workers (their old rows, if any, stop counting at once)."""
        assert self.workers is not None
        for key, text in zip(rows.worker_id.tolist(), rows.text, strict=True):
            self.worker_text.upsert(key, text)
        self.workers = concat(self.workers, rows)

    def upsert_postings(self, rows: PostingFrame) -> None:
        assert self.postings is not None
        for key, text in zip(rows.posting_id.tolist(), rows.text, strict=True):
            self.posting_text.upsert(key, text)
        self.postings = concat(self.postings, rows)

    def remove_worker(self, worker_id: int) -> None:
        self.worker_text.remove(worker_id)

    def remove_posting(self, posting_id: int) -> None:
        self.posting_text.remove(posting_id)

    def compact(self) -> None:
        """Drop dead rows from frames and indexes (a rebuild of what is alive)."""
        assert self.workers is not None and self.postings is not None
        workers = take(self.workers, np.flatnonzero(self.worker_text.live))
        postings = take(self.postings, np.flatnonzero(self.posting_text.live))
        self.load(workers, postings)

    # -- queries -----------------------------------------------------------------------------------
    def candidates(self, posting_id: int, *, today: int, top: int = 50, near_misses: int = 0) -> list[Proposal]:
        """The best eligible workers for a posting, with reasons; ``near_misses`` adds that many of the best
        who fail exactly one rule (for brokers)."""
        workers, postings = self._frames()
        p = self.posting_text.row_of(posting_id)
        if p is None:
            raise NotFound(f"找不到编号为 {posting_id} 的在招岗位。")
        ctx = RuleContext(today, self.policy, self.names.certificates)
        # one posting against everyone: whole-column masks, then text scores of the eligible only
        keep = screen(self._statics(workers, ctx), self.worker_text.live, postings, p, ctx, self.rules)
        query = self.posting_text.query_of(p, self.worker_text)
        text = self.worker_text.scores_at(query, keep)
        out = self._best(keep, np.full(len(keep), p), text, top, ctx, side="workers")
        if near_misses:
            rows = np.flatnonzero(self.worker_text.live)
            everyone = self.worker_text.scores_at(query, rows)
            at = np.searchsorted(rows, keep)
            out += self._near_misses(rows, np.full(len(rows), p), everyone, at, near_misses, ctx, "workers")
        return out

    def recommend(self, worker_id: int, *, today: int, top: int = 10, near_misses: int = 0) -> list[Proposal]:
        """The best open postings for a worker, with reasons."""
        self._frames()
        w = self.worker_text.row_of(worker_id)
        if w is None:
            raise NotFound(f"找不到编号为 {worker_id} 的劳动力。")
        ctx = RuleContext(today, self.policy, self.names.certificates)
        rows = np.flatnonzero(self.posting_text.live)
        wi = np.full(len(rows), w)
        keep = self._eligible(wi, rows, ctx)
        text = self.posting_text.scores_at(self.worker_text.query_of(w, self.posting_text), rows)
        out = self._best(wi[keep], rows[keep], text[keep], top, ctx, side="postings")
        if near_misses:
            out += self._near_misses(wi, rows, text, keep, near_misses, ctx, "postings")
        return out

    def _frames(self) -> tuple[WorkerFrame, PostingFrame]:
        if self.workers is None or self.postings is None:
            raise NotFound("匹配索引尚未建立。")
        return self.workers, self.postings

    def _statics(self, workers: WorkerFrame, ctx: RuleContext) -> WorkerStatics:
        """The per-worker values the rules need, kept while the frame, the day and the policy stay the same."""
        if self._worker_statics is None or not self._worker_statics.fits(workers, ctx.today, ctx.policy):
            self._worker_statics = WorkerStatics(workers, ctx.today, ctx.policy)
        return self._worker_statics

    def _best(
        self, wi: Index, pi: Index, text: npt.NDArray[np.float32], top: int, ctx: RuleContext, *, side: str
    ) -> list[Proposal]:
        """The ``top`` best of eligible pairs (``wi[k]``, ``pi[k]``) whose text similarity is ``text[k]``."""
        if len(wi) == 0 or top <= 0:
            return []
        workers, postings = self._frames()
        levels = occupation_levels(workers, wi, postings, pi, self.names.occupations)
        prior = text + levels / 4
        chosen = _top(prior, max(self.shortlist, 4 * top))
        wi, pi = wi[chosen], pi[chosen]
        occupations = self.names.occupations
        features = pair_features(
            workers, wi, postings, pi, text[chosen], ctx, occupations, occupation_level=levels[chosen]
        )
        model_input = features
        if self.scorer.wants_context:
            model_input = np.hstack([features, context_features(workers, wi, postings, pi, ctx)])
        base = self.scorer.score(model_input)
        probability = self.scorer.probability(model_input)
        final = with_household_priority(base, workers, wi, self.priority_weight)
        best = _top(final, top)
        out = self._proposals(wi[best], pi[best], features[best], base[best], final[best], ctx, side)
        if probability is not None:
            out = [_with_probability(x, float(probability[b])) for x, b in zip(out, best, strict=True)]
        return out

    def _eligible(self, wi: Index, pi: Index, ctx: RuleContext) -> Index:
        """Positions of eligible pairs; rules run on the shrinking set still eligible (the cheap ones first)."""
        workers, postings = self._frames()
        alive = np.arange(len(wi))
        for rule in self.rules:
            if len(alive) == 0:
                break
            alive = alive[rule.check(workers, wi[alive], postings, pi[alive], ctx)]
        return alive

    def _proposals(
        self,
        wi: Index,
        pi: Index,
        features: npt.NDArray[np.float32],
        base: npt.NDArray[np.float32],
        final: npt.NDArray[np.float32],
        ctx: RuleContext,
        side: str,
    ) -> list[Proposal]:
        workers, postings = self._frames()
        explanations = explain(
            workers, wi, postings, pi, features, self.names, ctx, scores=base, priority_weight=self.priority_weight
        )
        ids = workers.worker_id[wi] if side == "workers" else postings.posting_id[pi]
        return [
            Proposal(int(i), round(float(s), 4), None, True, e.texts, [])
            for i, s, e in zip(ids.tolist(), final.tolist(), explanations, strict=True)
        ]

    def _near_misses(
        self, wi: Index, pi: Index, text: npt.NDArray[np.float32], keep: Index, n: int, ctx: RuleContext, side: str
    ) -> list[Proposal]:
        """The best-fitting pairs (by the prior) that fail exactly one rule, with that rule's reason."""
        workers, postings = self._frames()
        failed = np.setdiff1d(np.arange(len(wi)), keep, assume_unique=True)
        # Someone not looking for work, or a posting not taking people, is no near miss.
        for rule in (r for r in self.rules if r.name in _NOT_NEAR):
            failed = failed[rule.check(workers, wi[failed], postings, pi[failed], ctx)]
        if len(failed) == 0:
            return []
        prior = text[failed] + occupation_levels(workers, wi[failed], postings, pi[failed], self.names.occupations) / 4
        pool = failed[_top(prior, 20 * n)]
        verdict = evaluate(workers, wi[pool], postings, pi[pool], ctx, self.rules)
        picks = verdict.near_misses(1)[:n]
        ids = workers.worker_id[wi[pool]] if side == "workers" else postings.posting_id[pi[pool]]
        return [
            Proposal(int(ids[k]), 0.0, None, False, [], [f.reason for f in verdict.failures(int(k))]) for k in picks
        ]


def _top(values: npt.NDArray[np.floating[Any]], k: int) -> Index:
    """Positions of the ``k`` largest values, largest first (ties by position, so results are stable)."""
    if len(values) <= k:
        return np.lexsort((np.arange(len(values)), -values)).astype(np.intp)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.lexsort((part, -values[part]))].astype(np.intp)


def _with_probability(proposal: Proposal, probability: float) -> Proposal:
    return Proposal(proposal.id, proposal.score, round(probability, 4), True, proposal.reasons, proposal.failed)
