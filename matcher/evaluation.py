"""How well a ranking finds the proposals that lasted: AUC, NDCG@10 and recall@10, and the keyword baseline.

Metrics are computed per posting over the candidates actually proposed for it (the only ones whose outcome
is known): NDCG@10 and recall@10 average over postings with at least one lasting hire. The keyword baseline
is BM25 (``rank_bm25.BM25Okapi``) over the same tokens the engine uses. Ties are broken the same way for every
method (by a fixed random order), so no method gains from the order the rows came in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi
from sklearn.metrics import roc_auc_score

__all__ = ["bm25_scores", "ranking_metrics"]


def ranking_metrics(
    scores: npt.ArrayLike, labels: npt.ArrayLike, groups: npt.ArrayLike, *, k: int = 10, seed: int = 0
) -> dict[str, float]:
    """``auc``, ``ndcg@k`` and ``recall@k`` of ``scores`` for binary ``labels``, ranked within ``groups``."""
    s, y, g = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=np.int8), np.asarray(groups)
    tiebreak = np.random.default_rng(seed).random(len(s))
    auc = float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else float("nan")
    ndcgs, recalls = [], []
    for group in np.unique(g):
        rows = np.flatnonzero(g == group)
        if y[rows].sum() == 0:
            continue
        order = rows[np.lexsort((tiebreak[rows], -s[rows]))]
        gains = y[order][:k]
        discounts = 1 / np.log2(np.arange(2, len(gains) + 2))
        ideal = np.sort(y[rows])[::-1][:k]
        ndcgs.append(float((gains * discounts).sum() / (ideal * discounts[: len(ideal)]).sum()))
        recalls.append(float(gains.sum() / y[rows].sum()))
    return {
        "auc": auc,
        f"ndcg@{k}": float(np.mean(ndcgs)) if ndcgs else float("nan"),
        f"recall@{k}": float(np.mean(recalls)) if recalls else float("nan"),
    }


def bm25_scores(
    analyzer: Callable[[str], Sequence[str]],
    worker_texts: Sequence[str],
    posting_texts: Sequence[str],
    wi: npt.NDArray[np.intp],
    pi: npt.NDArray[np.intp],
) -> npt.NDArray[np.float64]:
    """BM25 of each pair: posting ``pi[k]``'s text as the query, worker ``wi[k]``'s text as the document,
    with IDF over all ``worker_texts``."""
    corpus = [list(analyzer(t)) or ["∅"] for t in worker_texts]  # BM25Okapi cannot take an empty document
    bm25 = BM25Okapi(corpus)
    out = np.zeros(len(wi), dtype=np.float64)
    for p in np.unique(pi):
        rows = np.flatnonzero(pi == p)
        query = list(analyzer(posting_texts[int(p)]))
        if query:
            out[rows] = bm25.get_batch_scores(query, wi[rows].tolist())
    return out
