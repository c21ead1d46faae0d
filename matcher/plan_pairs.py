"""Every eligible (worker, posting) pair of many postings at once, with what scoring them needs.

A match-day plan (``matcher.allocation``) weighs every pair a broker could propose, not a shortlist: for each
posting, the hard rules over the workers taking part (``matcher.screen.screen_candidates``, the loop a candidate
search runs), then in one compiled pass the text similarity, 大典 level and distance of every eligible worker
(``matcher.sweep.shortlist`` asked for all of them). Pairs are handed out in batches of about ``batch`` pairs,
so the caller featurises and scores a batch (``matcher.sweep.pair_columns``, the scorer) and keeps only a few
numbers a pair: the full feature rows of a city's ten million pairs would not fit in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher.eligibility import Rule
from matcher.policy import Flags, RuleContext
from matcher.screen import place_distances, screen_candidates
from matcher.statics import PostingStatics, WorkerStatics
from matcher.sweep import shortlist

__all__ = ["PairBatch", "ScoredPairs", "eligible_batches"]

Rows = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float32]
Query = Callable[[int], tuple[npt.NDArray[np.integer[Any]], Floats]]


class PairBatch(NamedTuple):
    """Eligible pairs (worker row ``wi[k]``, posting row ``pi[k]``) with their text similarity, 大典 level and km
    (nan: no coordinates), as ``pair_columns`` takes them."""

    wi: Rows
    pi: Rows
    text: Floats
    levels: npt.NDArray[np.int8]
    km: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Eligible pairs and their scores: ``probability`` is the ranking model's probability of a hire that lasts 3
    months (the fallback score when no model is trained: ``model`` False); ``priority`` whether the worker's
    household has labour and no one employed; ``text`` the text similarity (what the keyword baseline ranks by).
    Pairs of one posting are adjacent, postings in the order asked."""

    wi: npt.NDArray[np.int32]
    pi: npt.NDArray[np.int32]
    probability: Floats
    text: Floats
    priority: npt.NDArray[np.bool_]
    model: bool

    def __len__(self) -> int:
        return len(self.wi)

    def where(self, keep: Flags) -> ScoredPairs:
        """The pairs flagged in ``keep``."""
        return ScoredPairs(self.wi[keep], self.pi[keep], self.probability[keep], self.text[keep],
                           self.priority[keep], self.model)  # fmt: skip

    @staticmethod
    def joined(parts: Sequence[ScoredPairs], model: bool) -> ScoredPairs:
        """The pairs of ``parts`` one after another."""
        if not parts:
            empty = np.empty(0, np.int32)
            return ScoredPairs(empty, empty.copy(), np.empty(0, np.float32), np.empty(0, np.float32),
                               np.empty(0, np.bool_), model)  # fmt: skip
        return ScoredPairs(
            np.concatenate([p.wi for p in parts]), np.concatenate([p.pi for p in parts]),
            np.concatenate([p.probability for p in parts]), np.concatenate([p.text for p in parts]),
            np.concatenate([p.priority for p in parts]), model,
        )  # fmt: skip


def eligible_batches(
    statics: WorkerStatics,
    live: Flags,
    posting: PostingStatics,
    rows: Rows,
    ctx: RuleContext,
    rules: Sequence[Rule],
    matrix: sparse.csr_matrix,
    query: Query,
    codes: npt.NDArray[np.int32],
    batch: int,
) -> Iterator[PairBatch]:
    """The eligible pairs of posting rows ``rows`` with the workers flagged in ``live`` (worker rows), in
    batches of at least ``batch`` pairs (but the last); ``matrix`` is the worker text index's, ``query(p)`` the
    posting's query of it, ``codes`` the ``OccupationCodes.table``."""
    parts: list[PairBatch] = []
    size = 0
    occupation = posting.postings.occupation
    for p in np.asarray(rows, dtype=np.intp).tolist():
        km = place_distances(statics, posting.postings, p)
        cands, at = screen_candidates(statics, live, posting, p, ctx, rules, km)
        if len(at) == 0:
            continue
        text_rows = statics.candidate_text(cands, matrix)
        wi, text, levels, near = shortlist(text_rows, cands, at, query(p), codes, int(occupation[p]), km, len(at))
        parts.append(PairBatch(wi, np.full(len(wi), p, np.intp), text, levels, near))
        size += len(wi)
        if size >= batch:
            yield _joined(parts)
            parts, size = [], 0
    if parts:
        yield _joined(parts)


def _joined(parts: list[PairBatch]) -> PairBatch:
    return PairBatch(*(np.concatenate(column) for column in zip(*parts, strict=True)))
