"""An index of nothing (a city with no open posting yet) builds, answers nothing, and takes its first row."""

from __future__ import annotations

import numpy as np

from matcher.index import TextIndex


def test_an_empty_index_builds_scores_nothing_and_takes_a_first_row() -> None:
    index = TextIndex(str.split)
    index.build(np.array([], dtype=np.int64), [])
    assert index.matrix.shape[0] == 0 and len(index) == 0
    query = index.vectorize(["电焊 叉车"])
    assert index.scores(query).shape == (0,)
    row = index.upsert(7, "电焊 叉车")
    assert row == 0 and index.row_of(7) == 0
    assert index.scores(index.vectorize(["电焊"]))[0] > 0
