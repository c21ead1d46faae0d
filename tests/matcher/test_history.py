"""History-derived features as of each proposal's day: a pair never sees its own outcome."""

from __future__ import annotations

import numpy as np

from matcher.features import COLUMN, FEATURE_NAMES, RETENTION_PRIOR
from matcher.frame import NO_DATE
from matcher.history import Hires, as_of_columns
from tests.matcher.frames import P, Vocabs, W, postings, workers


def _hires(*rows: tuple[int, int, int, int, int]) -> Hires:
    w, h, e, hired, sep = (np.asarray(c, dtype=np.int64) for c in zip(*rows, strict=True))
    return Hires(w, h, e, hired, sep)


def test_a_placement_counts_only_after_it_lasted_three_months() -> None:
    vocabs = Vocabs()
    w = workers(vocabs, W(household_employed=False))
    p = postings(vocabs, P())
    hires = _hires((1, 101, 1, 1000, int(NO_DATE)))  # worker 1 of household 101, hired on day 1000, still there
    X = np.zeros((3, len(FEATURE_NAMES)), dtype=np.float32)
    wi, pi = np.zeros(3, dtype=np.intp), np.zeros(3, dtype=np.intp)
    days = np.asarray([1000, 1089, 1091], dtype=np.int32)
    out = as_of_columns(X, w, wi, p, pi, days, hires, np.zeros(1, dtype=np.bool_))
    assert out[:, COLUMN["worker_placements"]].tolist() == [0, 0, 1]
    # on the day of the proposal that led to the hire, nobody of the household was at work yet
    assert out[0, COLUMN["household_no_one_employed"]] == 1
    assert out[1, COLUMN["household_no_one_employed"]] == 0
    assert np.isclose(out[2, COLUMN["experience_years"]], 91 / 365.25, atol=1e-4)


def test_employer_retention_uses_outcomes_known_before_the_day() -> None:
    vocabs = Vocabs()
    w = workers(vocabs, W())
    p = postings(vocabs, P())  # employer id 1
    hires = _hires(
        (7, 7, 1, 0, 30),  # left after 30 days: known bad on day 30
        (8, 8, 1, 0, int(NO_DATE)),  # kept: known good on day 90
        (9, 9, 1, 0, 200),  # kept 200 days: known good on day 90
        (10, 10, 1, 0, 10),  # left after 10 days: known bad on day 10
    )
    X = np.zeros((2, len(FEATURE_NAMES)), dtype=np.float32)
    days = np.asarray([50, 100], dtype=np.int32)
    out = as_of_columns(X, w, np.zeros(2, dtype=np.intp), p, np.zeros(2, dtype=np.intp), days, hires, np.zeros(1, bool))
    column = out[:, COLUMN["employer_retention"]]
    assert column[0] == RETENTION_PRIOR  # only 2 outcomes known on day 50: too few to say
    assert np.isclose(column[1], 0.5)  # 2 kept of 4 known on day 100
