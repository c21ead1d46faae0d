"""From recorded outcomes to a training set, and the model fitted on it.

Pairs are featurised exactly as a search featurises them (``matcher.features.pair_features``, text similarity
from the same index), so what the model learns is what it is later asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher.context import context_features
from matcher.features import pair_features
from matcher.frame import PostingFrame, Vocabulary, WorkerFrame
from matcher.index import TextIndex
from matcher.outcome import Outcomes
from matcher.policy import RuleContext
from matcher.ranker import HireModel

__all__ = ["TrainingSet", "build_training_set", "pair_rows", "pair_text_similarity"]


@dataclass(frozen=True, slots=True)
class TrainingSet:
    X: npt.NDArray[np.float32]
    y: npt.NDArray[np.int8]
    wi: npt.NDArray[np.intp]
    pi: npt.NDArray[np.intp]
    day: npt.NDArray[np.int32]  # the day of each proposal

    def __len__(self) -> int:
        return len(self.y)

    def where(self, mask: npt.NDArray[np.bool_]) -> TrainingSet:
        return TrainingSet(self.X[mask], self.y[mask], self.wi[mask], self.pi[mask], self.day[mask])

    def fit(self, **params: object) -> HireModel:
        return HireModel(**params).fit(self.X, self.y)  # type: ignore[arg-type]


def pair_rows(
    workers: WorkerFrame, postings: PostingFrame, outcomes: Outcomes
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Frame rows of each outcome's worker and posting, and which outcomes have both in the frames."""
    w_row = {int(k): i for i, k in enumerate(workers.worker_id.tolist())}
    p_row = {int(k): i for i, k in enumerate(postings.posting_id.tolist())}
    wi = np.asarray([w_row.get(int(k), -1) for k in outcomes.worker_id.tolist()], dtype=np.intp)
    pi = np.asarray([p_row.get(int(k), -1) for k in outcomes.posting_id.tolist()], dtype=np.intp)
    found = (wi >= 0) & (pi >= 0)
    return wi, pi, found


def pair_text_similarity(
    index: TextIndex, posting_vectors: sparse.csr_matrix, wi: npt.NDArray[np.intp], pi: npt.NDArray[np.intp]
) -> npt.NDArray[np.float32]:
    """Cosine similarity of each pair: worker row ``wi[k]`` of ``index`` and posting vector ``pi[k]``."""
    if len(wi) == 0:
        return np.zeros(0, dtype=np.float32)
    products = index.matrix[wi].multiply(posting_vectors[pi])
    return np.asarray(products.sum(axis=1), dtype=np.float32).ravel()


def build_training_set(
    workers: WorkerFrame,
    postings: PostingFrame,
    outcomes: Outcomes,
    *,
    index: TextIndex,
    ctx: RuleContext,
    occupations: Vocabulary,
) -> TrainingSet:
    """Features (``matcher.context.MODEL_FEATURE_NAMES``) and labels of the outcomes whose worker and posting
    are in the frames.

    ``index`` must hold the workers' texts in frame order (``TextIndex.build(workers.worker_id, workers.text)``).
    """
    wi, pi, found = pair_rows(workers, postings, outcomes)
    wi, pi = wi[found], pi[found]
    vectors = index.vectorize(postings.text)
    text = pair_text_similarity(index, vectors, wi, pi)
    days = outcomes.proposed_day[found]
    X = np.hstack(
        [
            pair_features(workers, wi, postings, pi, text, ctx, occupations),
            context_features(workers, wi, postings, pi, ctx, days),
        ]
    )
    return TrainingSet(X, outcomes.label[found], wi, pi, days)
