"""The matching engine over the database, on the small demo city with its outcome history, on SQLite and
PostgreSQL: candidates for an opening, evaluation against the keyword baseline, training a model and
ranking with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ingest.demo import generate_city
from ingest.demo.history import generate_history
from matcher.load import day
from matcher.search import FallbackScorer, ModelScorer
from matcher.service import build_matcher, evaluate_model, refresh, train_model
from matcher.tokenizer import Tokenizer
from models.crypto import PersonalDataCipher
from models.errors import NotFound
from models.posting import Posting
from models.taxonomy import default_taxonomy
from models.worker import Worker
from tests.ingest.test_demo_history import SEED, TODAY, load_small_city


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def city(engine: Engine, cipher: PersonalDataCipher, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    folder = tmp_path_factory.mktemp("matcher_city")
    generate_city(folder, scale="small", seed=SEED)
    with engine.connect() as conn:
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            load_small_city(session, cipher, folder)
            generate_history(session, seed=SEED, today=TODAY)
            session.flush()
            yield session
        finally:
            session.close()
            outer.rollback()


def _open_postings(session: Session) -> list[int]:
    return list(session.scalars(select(Posting.id).where(Posting.status == "open").order_by(Posting.id)))


def test_candidates_for_every_open_posting_are_eligible_and_explained(city: Session, tokenizer: Tokenizer) -> None:
    matcher = build_matcher(city, tokenizer.tokens, default_taxonomy(), today=TODAY)
    assert isinstance(matcher.scorer, FallbackScorer)  # no model trained yet
    found_any = False
    for posting_id in _open_postings(city):
        for c in matcher.candidates(posting_id, today=day(TODAY), top=10):
            found_any = True
            assert c.eligible and c.reasons and 0.0 <= c.score <= 1.0
    assert found_any


def test_the_model_beats_the_keyword_baseline_on_every_metric(city: Session, tokenizer: Tokenizer) -> None:
    result = evaluate_model(city, tokenizer.tokens, today=TODAY)
    assert result.n_test > 0 and result.positives_test > 0
    model, bm25 = result.rows["model"], result.rows["bm25"]
    assert set(model) == {"auc", "ndcg@10", "recall@10"}
    for metric, value in model.items():
        assert value > bm25[metric], (metric, value, bm25[metric])


def test_a_trained_model_ranks_with_probabilities(city: Session, tokenizer: Tokenizer, tmp_path: Path) -> None:
    folder, meta = train_model(city, tokenizer.tokens, today=TODAY, models_dir=tmp_path)
    assert folder.name == meta.version and meta.n_positive > 0 and meta.trained_to == TODAY.isoformat()
    matcher = build_matcher(city, tokenizer.tokens, default_taxonomy(), today=TODAY, models_dir=tmp_path)
    assert isinstance(matcher.scorer, ModelScorer) and matcher.scorer.version == meta.version
    proposals = [c for p in _open_postings(city) for c in matcher.candidates(p, today=day(TODAY), top=5)]
    assert proposals and all(c.probability is not None and 0.0 <= c.probability <= 1.0 for c in proposals)


def test_a_worker_who_found_work_and_a_new_opening_show_at_once(city: Session, tokenizer: Tokenizer) -> None:
    matcher = build_matcher(city, tokenizer.tokens, default_taxonomy(), today=TODAY)
    posting_id = next(p for p in _open_postings(city) if matcher.candidates(p, today=day(TODAY), top=1))
    (first,) = matcher.candidates(posting_id, today=day(TODAY), top=1)
    worker = city.get(Worker, first.id)
    assert worker is not None
    worker.employment_status = "county"  # 县内务工: found work
    posting = city.get(Posting, posting_id)
    assert posting is not None
    posting.status = "paused"
    city.flush()
    refresh(matcher, city, today=TODAY, worker_ids=[first.id], posting_ids=[posting_id])
    with pytest.raises(NotFound):
        matcher.candidates(posting_id, today=day(TODAY), top=1)
    posting.status = "open"
    city.flush()
    refresh(matcher, city, today=TODAY, posting_ids=[posting_id])
    assert first.id not in {c.id for c in matcher.candidates(posting_id, today=day(TODAY), top=50)}


def test_a_worker_who_withdrew_consent_is_proposed_nowhere(city: Session, tokenizer: Tokenizer) -> None:
    import datetime as dt

    matcher = build_matcher(city, tokenizer.tokens, default_taxonomy(), today=TODAY)
    posting_id = next(p for p in _open_postings(city) if matcher.candidates(p, today=day(TODAY), top=1))
    (first,) = matcher.candidates(posting_id, today=day(TODAY), top=1)
    assert matcher.recommend(first.id, today=day(TODAY), top=3)
    worker = city.get(Worker, first.id)
    assert worker is not None
    worker.consent_withdrawn_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    city.flush()
    refresh(matcher, city, today=TODAY, worker_ids=[first.id])
    assert first.id not in {c.id for c in matcher.candidates(posting_id, today=day(TODAY), top=50)}
    worker.consent_withdrawn_at = None
    city.flush()
    refresh(matcher, city, today=TODAY, worker_ids=[first.id])
    assert first.id in {c.id for c in matcher.candidates(posting_id, today=day(TODAY), top=50)}
