"""The matching engine's use cases over the database: build the matcher, train the model, evaluate it.

Entry points (the CLI, the API) call these; below them everything works on frames and arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.artifact import ModelMeta, latest_artifact, load_artifact, save_artifact
from matcher.context import MODEL_FEATURE_NAMES
from matcher.evaluation import bm25_scores, ranking_metrics
from matcher.explain import Names
from matcher.features import FEATURE_NAMES, WeightedScore
from matcher.history import as_of_columns, load_hires
from matcher.index import TextIndex
from matcher.load import Vocabularies, day, ledger_employed_households, load_postings, load_workers
from matcher.outcome import load_outcomes
from matcher.policy import Policy, RuleContext
from matcher.search import FallbackScorer, Matcher, ModelScorer, Scorer
from matcher.training import TrainingSet, build_training_set
from models.errors import InvalidInput
from models.match import Match
from models.taxonomy import Taxonomy

__all__ = ["MIN_OUTCOMES", "Evaluation", "build_matcher", "evaluate_model", "refresh", "train_model"]

# Below this many known outcomes (or positives) the transparent weighted score ranks instead of a model.
MIN_OUTCOMES = 200
MIN_POSITIVES = 20

Analyzer = Callable[[str], Sequence[str]]


def _names(vocab: Vocabularies, taxonomy: Taxonomy) -> Names:
    titles = {o.code: o.name for o in taxonomy.occupations()}
    return Names(vocab.certificates, vocab.occupations, titles)


def build_matcher(
    session: Session,
    analyzer: Analyzer,
    taxonomy: Taxonomy,
    *,
    today: dt.date,
    models_dir: Path | None = None,
    policy: Policy | None = None,
) -> Matcher:
    """Available workers and open postings indexed, ranked by the newest model under ``models_dir`` (or the
    weighted score when there is none)."""
    vocab = Vocabularies()
    workers = load_workers(session, vocab, today=today)
    postings = load_postings(session, vocab, today=today)
    scorer: Scorer = FallbackScorer()
    folder = latest_artifact(models_dir) if models_dir else None
    if folder is not None:
        model, meta = load_artifact(folder, feature_names=list(MODEL_FEATURE_NAMES))
        scorer = ModelScorer(model, meta.version)
    matcher = Matcher(analyzer, _names(vocab, taxonomy), scorer=scorer, policy=policy)
    matcher.load(workers, postings)
    return matcher


def refresh(
    matcher: Matcher,
    session: Session,
    *,
    today: dt.date,
    worker_ids: Sequence[int] = (),
    posting_ids: Sequence[int] = (),
) -> None:
    """Bring changed workers and postings into ``matcher`` without a rebuild: each is reloaded, and one that
    no longer qualifies (no labour capacity; a posting no longer open) is removed."""
    vocab = Vocabularies(matcher.names.certificates, matcher.names.occupations)
    if worker_ids:
        rows = load_workers(session, vocab, today=today, ids=worker_ids)
        for gone in set(worker_ids) - set(rows.worker_id.tolist()):
            matcher.remove_worker(gone)
        if len(rows):
            matcher.upsert_workers(rows)
    if posting_ids:
        rows_p = load_postings(session, vocab, today=today, ids=posting_ids)
        for gone in set(posting_ids) - set(rows_p.posting_id.tolist()):
            matcher.remove_posting(gone)
        if len(rows_p):
            matcher.upsert_postings(rows_p)


@dataclass(frozen=True, slots=True)
class _Data:
    train: TrainingSet
    test: TrainingSet
    worker_texts: list[str]
    posting_texts: list[str]


def _training_data(
    session: Session, analyzer: Analyzer, *, split: dt.date, end: dt.date, policy: Policy | None
) -> _Data:
    """Train on proposals before ``split`` (outcomes known by then); test on those from ``split`` to ``end``
    (outcomes known by ``end``). Frames are as of ``split``; the features that come from outcomes are as of
    each proposal's own day (``matcher.history``), so no pair sees its own outcome."""
    vocab = Vocabularies()
    workers = load_workers(session, vocab, today=split)
    postings = load_postings(session, vocab, today=split, statuses=None)
    index = TextIndex(analyzer)
    index.build(workers.worker_id, workers.text)
    ctx = RuleContext(day(split), policy or Policy(), vocab.certificates)
    first = session.scalar(select(func.min(Match.proposed_at)))
    start = first.date() if first else split
    hires = load_hires(session)
    employed = np.isin(workers.household_id, list(ledger_employed_households(session)))
    sets = []
    for lo, hi, as_of in ((start, split, split), (split, end, end)):
        outcomes = load_outcomes(session, start=lo, end=hi, as_of=as_of)
        found = build_training_set(workers, postings, outcomes, index=index, ctx=ctx, occupations=vocab.occupations)
        X = as_of_columns(found.X, workers, found.wi, postings, found.pi, found.day, hires, employed)
        sets.append(TrainingSet(X, found.y, found.wi, found.pi, found.day))
    return _Data(sets[0], sets[1], workers.text, postings.text)


def train_model(
    session: Session, analyzer: Analyzer, *, today: dt.date, models_dir: Path, policy: Policy | None = None
) -> tuple[Path, ModelMeta]:
    """Fit the model on every outcome known today and save it as a new artifact; its metrics are those of
    the same model fitted on the earlier 80% of the history and tested on the rest."""
    split = _split_day(session, today, 0.8)
    data = _training_data(session, analyzer, split=split, end=today, policy=policy)
    _enough(data.train)
    held_out = data.train.fit()
    metrics = ranking_metrics(held_out.predict_proba(data.test.X)[:, 1], data.test.y, data.test.pi)
    everything = _training_data(session, analyzer, split=today, end=today, policy=policy).train
    model = everything.fit()
    first = session.scalar(select(func.min(Match.proposed_at)))
    return save_artifact(
        model,
        models_dir,
        feature_names=list(MODEL_FEATURE_NAMES),
        trained_from=first.date() if first else None,
        trained_to=today,
        n_train=len(everything),
        n_positive=int(everything.y.sum()),
        metrics={k: round(v, 4) for k, v in metrics.items()},
    )


@dataclass(frozen=True, slots=True)
class Evaluation:
    split: dt.date
    end: dt.date
    n_train: int
    n_test: int
    positives_test: int
    rows: dict[str, dict[str, float]]  # method -> metric -> value


def evaluate_model(
    session: Session, analyzer: Analyzer, *, today: dt.date, split: dt.date | None = None, policy: Policy | None = None
) -> Evaluation:
    """The model against the keyword baseline (BM25) and the weighted score on a time split of the history."""
    split = split or _split_day(session, today, 0.75)
    data = _training_data(session, analyzer, split=split, end=today, policy=policy)
    _enough(data.train)
    if len(data.test) == 0:
        raise InvalidInput("划分日期之后没有已知结果的推荐记录，无法评估。请选更早的划分日期。")
    model = data.train.fit()
    test = data.test
    rows = {
        "model": ranking_metrics(model.predict_proba(test.X)[:, 1], test.y, test.pi),
        "weighted": ranking_metrics(WeightedScore().score(test.X[:, : len(FEATURE_NAMES)]), test.y, test.pi),
        "bm25": ranking_metrics(
            bm25_scores(analyzer, data.worker_texts, data.posting_texts, test.wi, test.pi), test.y, test.pi
        ),
    }
    return Evaluation(split, today, len(data.train), len(test), int(test.y.sum()), rows)


def _enough(train: TrainingSet) -> None:
    if len(train) < MIN_OUTCOMES or int(train.y.sum()) < MIN_POSITIVES:
        raise InvalidInput(
            f"已知结果的推荐记录太少（{len(train)} 条，其中稳定就业 {int(train.y.sum())} 条），"
            f"至少需要 {MIN_OUTCOMES} 条和 {MIN_POSITIVES} 条；在此之前系统按加权评分排序。"
        )


def _split_day(session: Session, today: dt.date, share: float) -> dt.date:
    """The day before which ``share`` of the proposals were made."""
    days = [d.date() for d in session.scalars(select(Match.proposed_at).order_by(Match.proposed_at))]
    days = [d for d in days if d <= today]
    if not days:
        raise InvalidInput("还没有推荐记录，无法训练或评估。")
    return days[min(len(days) - 1, int(len(days) * share))]
