"""The compiled steps of a search give what the plain features, levels, index and ordering give, to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.features import (
    AGE_MARGIN_CAP,
    COLUMN,
    FEATURE_NAMES,
    RETENTION_PRIOR,
    WeightedScore,
    household_priority,
    occupation_codes,
    occupation_levels,
    pair_features,
    unit_features,
    with_household_priority,
)
from matcher.index import TextIndex
from matcher.policy import pair_distance_km
from matcher.statics import PostingStatics, WorkerStatics
from matcher.sweep import (
    pair_columns,
    pair_levels,
    prioritised_top,
    row_scores,
    shortlist,
    top_positions,
)
from tests.matcher.frames import Vocabs, pairs, postings, random_specs, workers

WORDS = "电焊 开车 保洁 叉车 厨师 家政 电工 搬运 养殖 面点 缝纫 司机 护理".split()


@pytest.mark.parametrize("seed", range(4))
def test_features_of_random_pairs_are_the_plain_ones(seed: int) -> None:
    vocabs, rng = Vocabs(), np.random.default_rng(seed)
    ws, ps = random_specs(rng, 50, 30)
    w, p = workers(vocabs, *ws), postings(vocabs, *ps)
    ctx = vocabs.context(commute_km=31.7, working_age_male=(18, 59))
    wi, pi = pairs(len(w), len(p))
    text = rng.random(len(wi)).astype(np.float32)
    levels = occupation_levels(w, wi, p, pi, vocabs.occupations)
    statics, posting = WorkerStatics(w, ctx.today, ctx.policy), PostingStatics(p, ctx.today, ctx.policy)
    codes = occupation_codes(vocabs.occupations).table
    assert pair_levels(wi, pi, statics.arrays, codes, p.occupation).tolist() == levels.tolist()
    km = pair_distance_km(w, wi, p, pi)
    fast = pair_columns(
        wi, pi, text, levels, km, statics.arrays, posting.arrays, ctx.today, ctx.policy.commute_km,
        posting.age_limits, RETENTION_PRIOR,
    )  # fmt: skip
    plain = pair_features(w, wi, p, pi, text, ctx, vocabs.occupations, occupation_level=levels)
    for column, name in enumerate(FEATURE_NAMES):
        assert fast[:, column].tobytes() == plain[:, column].tobytes(), name


def _index(rng: np.random.Generator, n: int) -> TextIndex:
    index = TextIndex(str.split)
    texts = [" ".join(rng.choice(WORDS, int(rng.integers(0, 5)))) for _ in range(n)]
    index.build(np.arange(n, dtype=np.int64), texts)
    index.upsert(n + 7, "叉车 电焊 叉车")
    return index


def test_text_scores_and_queries_are_the_index_own() -> None:
    rng = np.random.default_rng(1)
    people, openings = _index(rng, 300), _index(rng, 40)
    queries = openings.queries_of(people)
    for row in range(len(openings.keys)):
        query = openings.query_of(row, people)
        assert (queries[row] != query).nnz == 0 and queries[row].data.tobytes() == query.data.tobytes()
        rows = np.flatnonzero(rng.random(len(people.keys)) < 0.5)
        assert row_scores(people.matrix, rows, query).tobytes() == people.scores_at(query, rows).tobytes()


def test_the_shortlist_is_the_best_by_the_prior_in_candidate_order_with_their_text_and_level() -> None:
    rng = np.random.default_rng(2)
    vocabs = Vocabs()
    ws, ps = random_specs(rng, 300, 10)
    w, p = workers(vocabs, *ws), postings(vocabs, *ps)
    people = _index(rng, len(w) - 1)  # its upserted row makes it as long as the frame
    ctx = vocabs.context()
    statics, codes = WorkerStatics(w, ctx.today, ctx.policy), occupation_codes(vocabs.occupations).table
    cands = statics.candidates(True)
    text_rows = statics.candidate_text(cands, people.matrix)
    at = np.flatnonzero(rng.random(len(cands.rows)) < 0.7)
    rows = cands.rows[at]
    for posting in range(len(p)):
        query = _index(rng, 1).query_of(0, people)
        text = people.scores_at(query, rows)
        levels = occupation_levels(w, rows, p, np.full(len(rows), posting), vocabs.occupations)
        prior = text + levels / 4
        for k in (1, 40, len(rows) + 5):
            best = np.sort(np.lexsort((np.arange(len(rows)), -prior))[:k])  # the best k, in candidate order
            occupation = int(p.occupation[posting])
            km = rng.random(len(statics.places)) * 100
            found = shortlist(text_rows, cands, at, (query.indices, query.data), codes, occupation, km, k)
            assert found[0].tolist() == rows[best].tolist()
            assert found[1].tobytes() == text[best].tobytes() and found[2].tolist() == levels[best].tolist()
            assert found[3].tolist() == km[statics.arrays.place[rows[best]]].tolist()
    people.upsert(3, "电焊 保洁")  # a changed index: the candidates' text rows follow
    assert statics.candidate_text(cands, people.matrix) is not text_rows


def test_the_largest_come_first_and_ties_by_position() -> None:
    rng = np.random.default_rng(3)
    for n in (0, 1, 5, 200):
        values = rng.integers(0, 4, n).astype(np.float64)  # many ties, also at the k-th
        for k in (0, 1, 3, 50, 250):
            expected = np.lexsort((np.arange(n), -values))[:k]
            assert top_positions(values, k).tolist() == expected.tolist()


def test_household_priority_and_the_best_of_it_are_the_plain_ones() -> None:
    rng = np.random.default_rng(5)
    vocabs = Vocabs()
    w = workers(vocabs, *random_specs(rng, 300, 0)[0])
    base = rng.random(len(w)).astype(np.float32)
    base[::7] = base[3]  # ties
    for weight in (0.0, 0.2, 0.35):
        final, best = prioritised_top(base, household_priority(w, np.arange(len(w))), weight, 40)
        plain = with_household_priority(base, w, np.arange(len(w)), weight)
        assert final.tobytes() == plain.tobytes()
        assert best.tolist() == np.lexsort((np.arange(len(w)), -plain))[:40].tolist()


def test_unit_features_are_the_documented_scale() -> None:
    rng = np.random.default_rng(4)
    x = (rng.random((500, len(FEATURE_NAMES))) * rng.choice([1, 3, 12, 400], (500, len(FEATURE_NAMES)))).astype(
        np.float32
    )
    u = np.clip(x, 0.0, 1.0)
    c = COLUMN
    u[:, c["occupation_level"]] = x[:, c["occupation_level"]] / 4
    u[:, c["preferred_certificates_held"]] = np.minimum(x[:, c["preferred_certificates_held"]], 2) / 2
    u[:, c["wage_ratio"]] = np.clip((x[:, c["wage_ratio"]] - 0.8) / 0.5, 0, 1)
    u[:, c["distance_km"]] = 1 - np.clip(x[:, c["distance_km"]] / 150, 0, 1)
    u[:, c["age_margin_years"]] = np.clip(x[:, c["age_margin_years"]] / AGE_MARGIN_CAP, 0, 1)
    u[:, c["experience_years"]] = np.clip(x[:, c["experience_years"]] / 10, 0, 1)
    u[:, c["worker_placements"]] = np.clip(x[:, c["worker_placements"]] / 3, 0, 1)
    assert unit_features(x).tobytes() == u.tobytes()
    weighted = WeightedScore()
    assert weighted.score(x).tobytes() == np.clip(u @ weighted.vector, 0, 1).astype(np.float32).tobytes()
    with pytest.raises(ValueError, match="columns"):
        unit_features(x[:, :3])
