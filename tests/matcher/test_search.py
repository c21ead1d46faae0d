"""Candidate search and recommendations as a broker and a worker see them: eligible people only, ranked,
explained, household priority, near misses, and changes showing in the next query without a rebuild."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.context import MODEL_FEATURE_NAMES
from matcher.explain import Names
from matcher.frame import PostingFrame, WorkerFrame
from matcher.ranker import HireModel
from matcher.search import Matcher, ModelScorer, rounded
from matcher.tokenizer import Tokenizer
from models.errors import NotFound
from tests.matcher.frames import TODAY, P, Vocabs, W, born, day, postings, workers

NOW = day(TODAY)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def _matcher(tokenizer: Tokenizer, vocabs: Vocabs, w: WorkerFrame, p: PostingFrame, **kw: object) -> Matcher:
    matcher = Matcher(tokenizer.tokens, Names(vocabs.certificates, vocabs.occupations), **kw)  # type: ignore[arg-type]
    matcher.load(w, p)
    return matcher


def _city(vocabs: Vocabs) -> tuple[WorkerFrame, PostingFrame]:
    w = workers(
        vocabs,
        W(text="会开叉车 持叉车证", certificates={"叉车司机": None}, wishes=["6-30-05-01"]),  # 1: the fit
        W(text="做饭 保洁"),  # 2: no certificate
        W(text="叉车", certificates={"叉车司机": None}, birth=born(58)),  # 3: too old for the posting
        W(text="叉车 搬运", certificates={"叉车司机": None}, available=False),  # 4: has work
    )
    p = postings(
        vocabs,
        P(text="叉车司机 持叉车证 装卸", required=["叉车司机"], occupation="6-30-05-01", age_max=50, pay_min=4000),
        P(text="保洁员 小区保洁", demand=0, pay_min=2200),
    )
    return w, p


def test_only_eligible_people_are_proposed_best_first_with_reasons(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    matcher = _matcher(tokenizer, vocabs, *_city(vocabs))
    found = matcher.candidates(1, today=NOW, top=10)
    assert [c.id for c in found] == [1]
    assert found[0].eligible and found[0].probability is None  # no model yet: the weighted score
    assert any("叉车" in r for r in found[0].reasons)


def test_near_misses_name_the_one_rule_they_fail(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    matcher = _matcher(tokenizer, vocabs, *_city(vocabs))
    found = matcher.candidates(1, today=NOW, top=10, near_misses=5)
    misses = {c.id: c.failed for c in found if not c.eligible}
    assert set(misses) == {2, 3}  # worker 4 has work: not a near miss
    assert misses[3] == ["年龄不符：岗位要求50岁以下，本人58岁"]
    assert "缺少岗位要求的证书" in misses[2][0]


def test_household_priority_raises_people_from_households_without_work(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    w = workers(vocabs, W(text="保洁"), W(text="保洁", household_employed=False))
    p = postings(vocabs, P(text="保洁员", demand=0, pay_min=2200))
    matcher = _matcher(tokenizer, vocabs, w, p)
    first, second = matcher.candidates(1, today=NOW, top=2)
    assert (first.id, second.id) == (2, 1) and first.score > second.score
    assert "家中暂无就业人员（优先）" in first.reasons
    off = _matcher(tokenizer, vocabs, w, p, priority_weight=0.0).candidates(1, today=NOW, top=2)
    assert off[0].score == off[1].score


def test_changes_show_in_the_next_query_without_a_rebuild(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    w, p = _city(vocabs)
    matcher = _matcher(tokenizer, vocabs, w, p)
    newcomer = workers(vocabs, W(text="叉车 熟练", certificates={"叉车司机": None}))
    newcomer.worker_id[:] = 99
    matcher.upsert_workers(newcomer)
    assert {c.id for c in matcher.candidates(1, today=NOW, top=10)} == {1, 99}
    found_work = workers(vocabs, W(text="叉车", certificates={"叉车司机": None}, available=False))
    found_work.worker_id[:] = 1
    matcher.upsert_workers(found_work)  # worker 1 found work: no longer proposed
    assert {c.id for c in matcher.candidates(1, today=NOW, top=10)} == {99}
    matcher.remove_worker(99)
    assert matcher.candidates(1, today=NOW, top=10) == []
    opening = postings(vocabs, P(text="叉车工 急招", required=["叉车司机"], pay_min=5000))
    opening.posting_id[:] = 7
    matcher.upsert_postings(opening)
    assert 7 in {r.id for r in matcher.recommend(3, today=NOW, top=5)}  # 58 is fine for this one
    matcher.compact()
    assert 7 in {r.id for r in matcher.recommend(3, today=NOW, top=5)}
    assert len(matcher.worker_text) == len(matcher.workers or [])


def test_recommendations_for_a_worker(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    matcher = _matcher(tokenizer, vocabs, *_city(vocabs))
    found = matcher.recommend(2, today=NOW, top=5, near_misses=2)
    assert [r.id for r in found if r.eligible] == [2]
    assert [r.id for r in found if not r.eligible] == [1]


def test_unknown_ids_are_a_clear_not_found(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    matcher = _matcher(tokenizer, vocabs, *_city(vocabs))
    with pytest.raises(NotFound, match="岗位"):
        matcher.candidates(12345, today=NOW)
    with pytest.raises(NotFound, match="劳动力"):
        matcher.recommend(12345, today=NOW)


def test_a_trained_model_gives_probabilities(tokenizer: Tokenizer) -> None:
    vocabs = Vocabs()
    w, p = _city(vocabs)
    rng = np.random.default_rng(0)
    X = rng.random((200, len(MODEL_FEATURE_NAMES))).astype(np.float32)
    model = HireModel(max_iter=10).fit(X, (X[:, 1] > 0.5).astype(int))
    matcher = _matcher(tokenizer, vocabs, w, p, scorer=ModelScorer(model, "test-1"))
    (found,) = matcher.candidates(1, today=NOW, top=5)
    assert found.probability is not None and 0.0 <= found.probability <= 1.0


def test_scores_are_rounded_to_four_places_as_round_does() -> None:
    rng = np.random.default_rng(11)
    ties = [0.03125, 0.09375, 0.5, 0.00005, -0.03125, 1.0, 0.0]  # exact halves at the 4th place, and edges
    values = np.concatenate([rng.random(200_000), rng.random(20_000) * 50, ties]).astype(np.float32)
    assert rounded(values) == [round(float(v), 4) for v in values]
    with pytest.raises(TypeError):
        rounded(values.astype(np.float64))
