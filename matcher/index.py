"""Sparse text indexes over workers and postings that take changes without a rebuild.

Rows are TF-IDF weights over hashed tokens (scikit-learn's ``HashingVectorizer``: a fixed feature space, so
a new text never needs a new vocabulary), L2-normalised, so a query is one sparse matrix-vector product. The
IDF weights are fixed when the index is built; a term first seen afterwards gets the highest weight of an
unseen term until the next build. A changed row is marked dead and its new version appended; appended rows are
stacked onto the matrix in batches, so an update shows in the next query (well within a second) and a full
rebuild is only a matter of compacting now and then. The unweighted counts are kept too: a posting's row is the
query of the worker index (``query_of``, or ``queries_of`` for all rows at once) without segmenting its text
again, and ``scores_at`` scores only the rows a search still considers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

__all__ = ["N_FEATURES", "TextIndex", "row_entries"]

Index = npt.NDArray[np.integer[Any]]

N_FEATURES = 2**20


class TextIndex:
    """One sparse row per key (a worker id or a posting id); see the module docstring."""

    def __init__(self, analyzer: Callable[[str], Sequence[str]], *, n_features: int = N_FEATURES) -> None:
        self._hasher = HashingVectorizer(
            analyzer=analyzer, n_features=n_features, alternate_sign=False, norm=None, dtype=np.float32
        )
        self.idf = np.ones(n_features, dtype=np.float32)
        self.keys = np.empty(0, dtype=np.int64)
        self.live = np.empty(0, dtype=np.bool_)
        self._matrix = sparse.csr_matrix((0, n_features), dtype=np.float32)
        self._counts = sparse.csr_matrix((0, n_features), dtype=np.float32)  # hashed term counts, unweighted
        self._pending: list[tuple[sparse.csr_matrix, sparse.csr_matrix]] = []  # (weighted, counts) rows
        self._row_of: dict[int, int] = {}

    def build(self, keys: npt.NDArray[np.int64], texts: Sequence[str]) -> None:
        """Index ``texts`` under ``keys`` from scratch, with IDF weights from these texts (none: an empty index)."""
        counts = self._counts_of(texts)
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
        n = max(counts.shape[0], 1)
        self.idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self._matrix = self._weigh(counts)
        self._counts = counts
        self._pending = []
        self.keys = np.asarray(keys, dtype=np.int64).copy()
        self.live = np.ones(len(self.keys), dtype=np.bool_)
        self._row_of = {int(k): i for i, k in enumerate(self.keys)}

    def vectorize(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Query or document rows weighted like the index's own."""
        return self._weigh(self._counts_of(texts))

    def _counts_of(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if len(texts) == 0:  # scikit-learn's hasher cannot hash nothing
            return sparse.csr_matrix((0, self._hasher.n_features), dtype=np.float32)
        return self._hasher.transform(texts).tocsr()

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        weighted = counts.copy()
        weighted.data = (1 + np.log(weighted.data)) * self.idf[weighted.indices]  # sublinear tf
        if weighted.shape[0] == 0:
            return weighted.astype(np.float32)
        return normalize(weighted, norm="l2", copy=False).astype(np.float32)

    def upsert(self, key: int, text: str) -> int:
        """Index ``text`` under ``key``, replacing an earlier version; returns the new row."""
        self.remove(key)
        row = len(self.keys)
        counts = self._hasher.transform([text]).tocsr()
        self._pending.append((self._weigh(counts), counts))
        self.keys = np.append(self.keys, np.int64(key))
        self.live = np.append(self.live, True)
        self._row_of[int(key)] = row
        return row

    def remove(self, key: int) -> None:
        row = self._row_of.pop(int(key), None)
        if row is not None:
            self.live[row] = False

    def row_of(self, key: int) -> int | None:
        return self._row_of.get(int(key))

    @property
    def matrix(self) -> sparse.csr_matrix:
        self._stack()
        return self._matrix

    def _stack(self) -> None:
        if self._pending:
            self._matrix = sparse.vstack([self._matrix, *(w for w, _ in self._pending)], format="csr")
            self._counts = sparse.vstack([self._counts, *(c for _, c in self._pending)], format="csr")
            self._pending = []

    def scores(self, query: sparse.csr_matrix) -> npt.NDArray[np.float32]:
        """Cosine similarity of every row with the one-row ``query`` (dead rows score 0)."""
        out = np.asarray((self.matrix @ query.T).toarray()).ravel().astype(np.float32, copy=False)
        out[~self.live] = 0.0
        return out

    def query_of(self, row: int, other: TextIndex) -> sparse.csr_matrix:
        """Row ``row`` of this index as a query of ``other`` (weighted by ``other``'s IDF): the same as
        ``other.vectorize([text])`` of the row's text, without segmenting and hashing it again."""
        self._stack()
        start, end = self._counts.indptr[row], self._counts.indptr[row + 1]
        indices = self._counts.indices[start:end]
        data = (1 + np.log(self._counts.data[start:end])) * other.idf[indices]  # as ``_weigh``
        query = sparse.csr_matrix((data, indices, np.array([0, end - start])), shape=(1, self._counts.shape[1]))
        inplace_csr_row_normalize_l2(query)
        return query

    def queries_of(self, other: TextIndex) -> sparse.csr_matrix:
        """Every row of this index as a query of ``other``: row i is ``query_of(i, other)``, all at once."""
        self._stack()
        counts = self._counts
        data = (1 + np.log(counts.data)) * other.idf[counts.indices]  # as ``_weigh``
        queries = sparse.csr_matrix((data, counts.indices.copy(), counts.indptr.copy()), shape=counts.shape)
        inplace_csr_row_normalize_l2(queries)
        return queries

    def scores_at(self, query: sparse.csr_matrix, rows: Index) -> npt.NDArray[np.float32]:
        """``scores(query)[rows]`` for live ``rows``, computed on those rows only.

        The query's terms are renumbered 0..k-1 (k+1 for every other term, weight 0), so the product is a
        small dense one; each row is summed in the same order and precision as the full sparse product.
        """
        matrix = self.matrix
        owner, at = row_entries(matrix.indptr, rows)
        terms = matrix.indices[at]
        k = len(query.indices)
        slot = np.searchsorted(query.indices, terms).clip(max=max(k - 1, 0))
        known = k > 0 and query.indices[slot] == terms
        slot = np.where(known, slot, k)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(rows)))])
        selected = sparse.csr_matrix((matrix.data[at], slot, indptr), shape=(len(rows), k + 1))
        weights = np.zeros(k + 1, dtype=np.float32)
        weights[:k] = query.data
        return np.asarray(selected @ weights, dtype=np.float32)

    def __len__(self) -> int:
        return int(self.live.sum())


def row_entries(indptr: npt.NDArray[np.integer[Any]], rows: Index) -> tuple[Index, Index]:
    """The entries of CSR rows ``rows``: for each, its position in ``rows`` and in the matrix's arrays
    (``matrix[rows]`` without scipy's copying of the whole selection)."""
    rows = np.asarray(rows, dtype=np.intp)
    starts = indptr[rows].astype(np.intp)
    counts = indptr[rows + 1].astype(np.intp) - starts
    owner = np.repeat(np.arange(len(rows)), counts)
    shift = starts - (np.cumsum(counts) - counts)
    return owner, np.arange(len(owner)) + np.repeat(shift, counts)
