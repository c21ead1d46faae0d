"""Candidate search and recommendations: who should be called for this opening, which jobs suit this person.

One query is a few compiled passes over everyone (``matcher.jit``): for a posting, the hard rules over every
worker looking for work (``matcher.screen``), then in one pass the text similarity of the eligible (the posting's
query, made when the index was built), their 大典 levels and the shortlist by a cheap prior
(``matcher.sweep.shortlist``); for a worker, the rules over every open posting (``screen_postings``) and the
same steps. Then the shortlist's features (``pair_columns``), the ranking model (or the transparent fallback
score), household priority, and explanations for the top few only (``matcher.explain``). Changes (a new
posting, a worker who found work) go in with ``upsert_*``/``remove_*`` and show in the next query; ``compact``
drops the dead rows now and then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher.context import context_features
from matcher.eligibility import RULES, Rule, evaluate
from matcher.explain import Names, explain_texts
from matcher.features import (
    DEFAULT_PRIORITY_WEIGHT,
    FEATURE_NAMES,
    RETENTION_PRIOR,
    WeightedScore,
    occupation_codes,
    occupation_levels,
)
from matcher.frame import PostingFrame, WorkerFrame, concat, take
from matcher.geo import haversine_km
from matcher.index import TextIndex
from matcher.plan_pairs import ScoredPairs, eligible_batches
from matcher.policy import Flags, Policy, RuleContext, pair_distance_km
from matcher.screen import place_distances, screen_candidates, screen_postings
from matcher.statics import PostingStatics, WorkerStatics
from matcher.sweep import (
    best_positions,
    pair_columns,
    pair_levels,
    prioritised_top,
    row_scores,
    shortlist,
    top_positions,
)
from models.errors import NotFound

__all__ = ["FallbackScorer", "Matcher", "ModelScorer", "Proposal", "Scorer"]

Index = npt.NDArray[np.intp]
_NOT_NEAR = ("posting_open", "worker_available")
_PRIORITY = FEATURE_NAMES.index("household_no_one_employed")


class Proposal(NamedTuple):
    """One proposed pair as callers see it: the other side's Anye id, the ranking score, the model's
    probability of a hire that lasts 3 months (None under the fallback score), eligibility, reasons in
    Chinese, and the rules a near-miss failed. A named tuple: fifty of them are made per search, and a frozen
    dataclass costs several times a tuple to make."""

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
        self._posting_statics_: PostingStatics | None = None
        self._posting_queries: sparse.csr_matrix | None = None  # posting rows as queries of the worker index

    # -- building and changes ----------------------------------------------------------------------
    def load(self, workers: WorkerFrame, postings: PostingFrame) -> None:
        self.workers, self.postings = workers, postings
        self.worker_text.build(workers.worker_id, workers.text)
        self.posting_text.build(postings.posting_id, postings.text)
        self._posting_queries = self.posting_text.queries_of(self.worker_text)

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

    # -- queries -----------------------------------------------------------------------------------------
    def candidates(self, posting_id: int, *, today: int, top: int = 50, near_misses: int = 0) -> list[Proposal]:
        """The best eligible workers for a posting, with reasons; ``near_misses`` adds that many of the best
        who fail exactly one rule (for brokers)."""
        workers, postings = self._frames()
        p = self.posting_text.row_of(posting_id)
        if p is None:
            raise NotFound(f"找不到编号为 {posting_id} 的在招岗位。")
        ctx = RuleContext(today, self.policy, self.names.certificates)
        statics, posting = self._statics(workers, ctx), self._posting_statics(postings, ctx)
        km = place_distances(statics, postings, p)
        cands, at = screen_candidates(statics, self.worker_text.live, posting, p, ctx, self.rules, km)
        out: list[Proposal] = []
        if len(at) and top > 0:
            text_rows = statics.candidate_text(cands, self.worker_text.matrix)
            codes, occupation = occupation_codes(self.names.occupations).table, int(postings.occupation[p])
            k = max(self.shortlist, 4 * top)
            wi, text, levels, near = shortlist(text_rows, cands, at, self._query(p), codes, occupation, km, k)
            out = self._ranked(wi, np.full(len(wi), p), text, levels, near, top, ctx, "workers")
        if near_misses:
            rows = np.flatnonzero(self.worker_text.live)
            everyone = self.worker_text.scores_at(self.posting_text.query_of(p, self.worker_text), rows)
            at = np.searchsorted(rows, cands.rows[at])
            out += self._near_misses(rows, np.full(len(rows), p), everyone, at, near_misses, ctx, "workers")
        return out

    def recommend(self, worker_id: int, *, today: int, top: int = 10, near_misses: int = 0) -> list[Proposal]:
        """The best open postings for a worker, with reasons."""
        workers, postings = self._frames()
        w = self.worker_text.row_of(worker_id)
        if w is None:
            raise NotFound(f"找不到编号为 {worker_id} 的劳动力。")
        ctx = RuleContext(today, self.policy, self.names.certificates)
        statics, posting = self._statics(workers, ctx), self._posting_statics(postings, ctx)
        rows = np.flatnonzero(self.posting_text.live)
        km = haversine_km(workers.longitude[w], workers.latitude[w], postings.longitude[rows], postings.latitude[rows])
        keep = screen_postings(statics, w, rows, posting, ctx, self.rules, km)
        query = self.worker_text.query_of(w, self.posting_text)
        out: list[Proposal] = []
        if len(keep) and top > 0:
            pi = rows[keep]
            wi = np.full(len(pi), w)
            text = row_scores(self.posting_text.matrix, pi, query)
            codes = occupation_codes(self.names.occupations).table
            levels = pair_levels(wi, pi, statics.arrays, codes, postings.occupation)
            chosen = best_positions(text + levels / 4, max(self.shortlist, 4 * top))
            out = self._ranked(wi[chosen], pi[chosen], text[chosen], levels[chosen], km[keep[chosen]], top, ctx,
                               "postings")  # fmt: skip
        if near_misses:
            text = row_scores(self.posting_text.matrix, rows, query)
            out += self._near_misses(np.full(len(rows), w), rows, text, keep, near_misses, ctx, "postings")
        return out

    def score_pairs(
        self, rows: Index, *, today: int, workers: Flags | None = None, batch: int = 1 << 18
    ) -> ScoredPairs:
        """Every eligible pair of posting rows ``rows`` with the workers flagged in ``workers`` (by worker row;
        default everyone), scored as ``candidates`` scores its shortlist, in batches of about ``batch`` pairs
        (``matcher.plan_pairs``): what a match-day plan weighs. No explanations."""
        frame, postings = self._frames()
        ctx = RuleContext(today, self.policy, self.names.certificates)
        statics, posting = self._statics(frame, ctx), self._posting_statics(postings, ctx)
        live = self.worker_text.live if workers is None else self.worker_text.live & workers
        codes = occupation_codes(self.names.occupations).table
        found = eligible_batches(statics, live, posting, rows, ctx, self.rules, self.worker_text.matrix, self._query,
                                 codes, batch)  # fmt: skip
        parts, model = [], not isinstance(self.scorer, FallbackScorer)
        for b in found:
            features = pair_columns(b.wi, b.pi, b.text, b.levels, b.km, statics.arrays, posting.arrays, today,
                                    ctx.policy.commute_km, posting.age_limits, RETENTION_PRIOR)  # fmt: skip
            model_input = features
            if self.scorer.wants_context:
                model_input = np.hstack([features, context_features(frame, b.wi, postings, b.pi, ctx)])
            probability = self.scorer.probability(model_input)
            model = probability is not None
            score = np.asarray(probability if probability is not None else self.scorer.score(model_input), np.float32)
            priority = features[:, _PRIORITY] != 0
            parts.append(ScoredPairs(b.wi.astype(np.int32), b.pi.astype(np.int32), score, b.text, priority, model))
        return ScoredPairs.joined(parts, model)

    def pair_reasons(
        self, wi: Index, pi: Index, text: npt.NDArray[np.float32], scores: npt.NDArray[np.float32], *, today: int
    ) -> list[list[str]]:
        """The Chinese reasons of pairs (worker row ``wi[k]``, posting row ``pi[k]``) given their text similarity
        and scores (from ``score_pairs``), as ``candidates`` words them."""
        frame, postings = self._frames()
        ctx = RuleContext(today, self.policy, self.names.certificates)
        statics, posting = self._statics(frame, ctx), self._posting_statics(postings, ctx)
        codes = occupation_codes(self.names.occupations).table
        levels = pair_levels(wi, pi, statics.arrays, codes, postings.occupation)
        km = pair_distance_km(frame, wi, postings, pi)
        features = pair_columns(wi, pi, text, levels, km, statics.arrays, posting.arrays, today, ctx.policy.commute_km,
                                posting.age_limits, RETENTION_PRIOR)  # fmt: skip
        return explain_texts(frame, wi, postings, pi, features, self.names, ctx, scores=scores,
                             priority_weight=self.priority_weight, km=km)  # fmt: skip

    def _frames(self) -> tuple[WorkerFrame, PostingFrame]:
        if self.workers is None or self.postings is None:
            raise NotFound("匹配索引尚未建立。")
        return self.workers, self.postings

    def _statics(self, workers: WorkerFrame, ctx: RuleContext) -> WorkerStatics:
        """The per-worker values the rules need, kept while the frame, the day and the policy stay the same."""
        if self._worker_statics is None or not self._worker_statics.fits(workers, ctx.today, ctx.policy):
            self._worker_statics = WorkerStatics(workers, ctx.today, ctx.policy)
        return self._worker_statics

    def _posting_statics(self, postings: PostingFrame, ctx: RuleContext) -> PostingStatics:
        """The per-posting rule parameters, kept while the frame, the day and the policy stay the same."""
        if self._posting_statics_ is None or not self._posting_statics_.fits(postings, ctx.today, ctx.policy):
            self._posting_statics_ = PostingStatics(postings, ctx.today, ctx.policy)
        return self._posting_statics_

    def _query(self, p: int) -> tuple[Index, npt.NDArray[np.float32]]:
        """Posting row ``p`` as a query of the worker index: from the queries made when the index was built, or
        made now for a posting added since."""
        queries = self._posting_queries
        if queries is None or p >= queries.shape[0]:
            query = self.posting_text.query_of(p, self.worker_text)
            return query.indices, query.data
        start, end = queries.indptr[p], queries.indptr[p + 1]
        return queries.indices[start:end], queries.data[start:end]

    def _ranked(
        self,
        wi: Index,
        pi: Index,
        text: npt.NDArray[np.float32],
        levels: npt.NDArray[np.int8],
        km: npt.NDArray[np.float64],
        top: int,
        ctx: RuleContext,
        side: str,
    ) -> list[Proposal]:
        """The ``top`` best of shortlisted eligible pairs (``wi[k]``, ``pi[k]``), by the scorer and household
        priority, explained; ``text``, ``levels`` and ``km`` of the same pairs."""
        workers, postings = self._frames()
        statics, posting = self._statics(workers, ctx), self._posting_statics(postings, ctx)
        features = pair_columns(wi, pi, text, levels, km, statics.arrays, posting.arrays, ctx.today,
                                ctx.policy.commute_km, posting.age_limits, RETENTION_PRIOR)  # fmt: skip
        model_input = features
        if self.scorer.wants_context:
            model_input = np.hstack([features, context_features(workers, wi, postings, pi, ctx)])
        probability = self.scorer.probability(model_input)  # a model's score is its probability: one pass
        base = probability if probability is not None else self.scorer.score(model_input)
        if not 0.0 <= self.priority_weight <= 1.0:
            raise ValueError("household priority weight must be between 0 and 1")
        priority = features[:, _PRIORITY] != 0  # household_priority of the pairs
        final, best = prioritised_top(np.asarray(base, dtype=np.float32), priority, self.priority_weight, top)
        chances = None if probability is None else probability[best]
        picked = (wi[best], pi[best], features[best], base[best], final[best], chances, km[best])
        return self._proposals(*picked, ctx, side)

    def _proposals(
        self,
        wi: Index,
        pi: Index,
        features: npt.NDArray[np.float32],
        base: npt.NDArray[np.float32],
        final: npt.NDArray[np.float32],
        probability: npt.NDArray[np.float32] | None,
        km: npt.NDArray[np.float64],
        ctx: RuleContext,
        side: str,
    ) -> list[Proposal]:
        workers, postings = self._frames()
        texts = explain_texts(workers, wi, postings, pi, features, self.names, ctx, scores=base,
                              priority_weight=self.priority_weight, km=km)  # fmt: skip
        ids = workers.worker_id[wi] if side == "workers" else postings.posting_id[pi]
        chances = [None] * len(ids) if probability is None else rounded(probability)
        return [
            Proposal(i, s, c, True, t, [])
            for i, s, c, t in zip(ids.tolist(), rounded(final), chances, texts, strict=True)
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


def rounded(values: npt.NDArray[np.float32]) -> list[float]:
    """``[round(float(v), 4) for v in values]``, without a decimal conversion per value: a float32 times 10**4
    is exact in float64 (24 + 14 bits of mantissa), so numpy's ``rint(v * 10**4) / 10**4`` rounds the exact
    value, half to even, and the division gives the float nearest the rounded decimal, as ``round`` does."""
    if values.dtype != np.float32:
        raise TypeError("rounded() is exact for float32 values only")
    return list(np.round(values.astype(np.float64), 4).tolist())


def _top(values: npt.NDArray[np.floating[Any]], k: int) -> Index:
    """Positions of the ``k`` largest values, largest first (ties by position, so results are stable)."""
    return top_positions(np.asarray(values, dtype=np.float64), k)
