"""Retraining the ranking model during a simulation, in memory, on the history and the run's own outcomes.

What ``matcher.service.train_model`` does over the database (features of each pair as ``matcher.training``
builds them, the history-derived columns as of each pair's day by ``matcher.history.as_of_columns``, labels by
``matcher.outcome.label_of``: known or left out), done on arrays so that three policies can each add their own
simulated outcomes without writing them anywhere. The history's features are built once; a retraining adds
the run's proposals whose 3-month label is known on its day, and the history's labels that became known since
the start (a hire of the last three months before the start that has now lasted 90 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.frame import NO_DATE, PostingFrame, WorkerFrame
from matcher.history import Hires, as_of_columns, load_hires
from matcher.index import TextIndex
from matcher.load import Vocabularies, day, ledger_employed_households, load_postings, load_workers
from matcher.outcome import Outcomes, label_of
from matcher.policy import Policy, RuleContext
from matcher.ranker import HireModel
from matcher.search import ModelScorer
from matcher.service import MIN_OUTCOMES, MIN_POSITIVES, Analyzer
from matcher.training import build_training_set
from models.errors import InvalidInput
from models.match import Match
from models.vocab import MatchStage

__all__ = ["Fitted", "Outcome", "Trainer"]

Ints = npt.NDArray[np.int64]
# worker, posting, day of the proposal, then label_of's arguments: stage, stage day, proposal day, hired, separated
_Row = tuple[int, int, int, str, dt.date, dt.date, dt.date | None, dt.date | None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A simulated proposal as the training sees it; days are the matcher's day numbers. ``closed``: the day
    it ended without a hire (None while open or when hired); ``separated``: the drawn end of a hire."""

    worker_id: int
    posting_id: int
    proposed: int
    closed: int | None
    hired: int | None
    separated: int | None


@dataclass(frozen=True, slots=True)
class Fitted:
    """A model trained on day ``as_of`` and what it learned from: ``run_labels`` / ``run_positives`` are the
    run's own proposals whose label was known; ``history_new``: history labels that became known since the
    start."""

    scorer: ModelScorer
    as_of: dt.date
    n_train: int
    positives: int
    run_labels: int
    run_positives: int
    history_new: int


class Trainer:
    """The history of one database, ready to train on as of any day from ``start`` on."""

    def __init__(self, session: Session, analyzer: Analyzer, *, start: dt.date, policy: Policy | None = None) -> None:
        vocab = Vocabularies()
        self.start = start
        self.workers = load_workers(session, vocab, today=start)
        self.postings = load_postings(session, vocab, today=start, statuses=None)
        self.index = TextIndex(analyzer)
        self.index.build(self.workers.worker_id, self.workers.text)
        self.vocab, self.policy = vocab, policy or Policy()
        self.hires = load_hires(session)
        self.employed = np.isin(self.workers.household_id, list(ledger_employed_households(session)))
        self._rows = _history_rows(session, start)
        everyone = [(w, p, d) for w, p, d, *_ in self._rows]
        self._X, self._keep = self._features(everyone, start, self.hires)
        self._known_at_start = self._history_labels(start) >= 0

    def fit(self, as_of: dt.date, run: Sequence[Outcome] = (), version: str = "") -> Fitted:
        """A model fitted on every label known on ``as_of``: the history's and the run's ``run``."""
        history = self._history_labels(as_of)
        known = history >= 0
        hires = _join(self.hires, self._run_hires(run, as_of))
        labels = [(o, _label(o, as_of)) for o in run]
        labelled = [(o, y) for o, y in labels if y is not None]
        X_run, keep = self._features([(o.worker_id, o.posting_id, o.proposed) for o, _ in labelled], as_of, hires)
        y_run = np.asarray([y for _, y in labelled], np.int8)[keep]
        X = np.vstack([self._X[known], X_run])
        y = np.concatenate([history[known], y_run]).astype(np.int8)
        if len(y) < MIN_OUTCOMES or int(y.sum()) < MIN_POSITIVES:
            raise InvalidInput(
                f"已知结果的推荐记录太少（{len(y)} 条，其中稳定就业 {int(y.sum())} 条），无法训练排序模型。"
            )
        model = _fit(X, y)
        return Fitted(ModelScorer(model, version or f"simulated-{as_of.isoformat()}"), as_of, len(y), int(y.sum()),
                      len(y_run), int(y_run.sum()), int((known & ~self._known_at_start).sum()))  # fmt: skip

    def _history_labels(self, as_of: dt.date) -> npt.NDArray[np.int8]:
        """The history's labels on ``as_of`` (-1: not known yet), for the pairs kept in the frames."""
        found = [label_of(*row[3:], as_of=as_of) for row in self._rows]
        out = np.asarray([-1 if y is None else y for y in found], np.int8)
        return out[self._keep]

    def _features(
        self, pairs: Sequence[tuple[int, int, int]], as_of: dt.date, hires: Hires
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """Feature rows of (worker id, posting id, proposal day) pairs whose worker and posting are in the frames,
        and which pairs those are."""
        columns = list(zip(*pairs, strict=True)) if pairs else [(), (), ()]
        outcomes = Outcomes(np.arange(len(pairs), dtype=np.int64), np.asarray(columns[0], np.int64),
                            np.asarray(columns[1], np.int64), np.asarray(columns[2], np.int32),
                            np.zeros(len(pairs), np.int8))  # fmt: skip
        ctx = RuleContext(day(as_of), self.policy, self.vocab.certificates)
        found = build_training_set(self.workers, self.postings, outcomes, index=self.index, ctx=ctx,
                                   occupations=self.vocab.occupations)  # fmt: skip
        X = as_of_columns(found.X, self.workers, found.wi, self.postings, found.pi, found.day, hires, self.employed)
        keep = np.isin(outcomes.match_id, _found_ids(self.workers, self.postings, outcomes))
        return X, keep

    def _run_hires(self, run: Sequence[Outcome], as_of: dt.date) -> Hires:
        """The run's hires started by ``as_of``, their ends known only when they fell by then."""
        today = day(as_of)
        hired = [o for o in run if o.hired is not None and o.hired <= today]
        household = dict(zip(self.workers.worker_id.tolist(), self.workers.household_id.tolist(), strict=True))
        employer = dict(zip(self.postings.posting_id.tolist(), self.postings.employer_id.tolist(), strict=True))
        ends = [o.separated if o.separated is not None and o.separated <= today else int(NO_DATE) for o in hired]
        return Hires(np.asarray([o.worker_id for o in hired], np.int64),
                     np.asarray([household.get(o.worker_id, -1) for o in hired], np.int64),
                     np.asarray([employer.get(o.posting_id, -1) for o in hired], np.int64),
                     np.asarray([o.hired for o in hired], np.int64), np.asarray(ends, np.int64))  # fmt: skip


def _fit(X: npt.NDArray[np.float32], y: npt.NDArray[np.int8]) -> HireModel:
    return HireModel().fit(X, y)


def _found_ids(workers: WorkerFrame, postings: PostingFrame, outcomes: Outcomes) -> Ints:
    """Ids of the outcomes whose worker and posting are in the frames (as ``build_training_set`` keeps them)."""
    found = np.isin(outcomes.worker_id, workers.worker_id) & np.isin(outcomes.posting_id, postings.posting_id)
    return outcomes.match_id[found]


def _label(o: Outcome, as_of: dt.date) -> int | None:
    """The 3-month label of a simulated proposal on ``as_of``, by the rule recorded outcomes follow."""
    today = day(as_of)
    closed = o.closed is not None and o.closed <= today
    stage = MatchStage.DECLINED if closed else MatchStage.PROPOSED
    hired = _date(o.hired) if o.hired is not None and o.hired <= today else None
    separated = _date(o.separated) if o.separated is not None and o.separated <= today else None
    stage_on = _date(o.closed if closed and o.closed is not None else o.proposed)
    return label_of(stage, stage_on, _date(o.proposed), hired, separated, as_of=as_of)


def _date(number: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=number)


def _join(a: Hires, b: Hires) -> Hires:
    return Hires(*(np.concatenate([x, y]) for x, y in zip(_columns(a), _columns(b), strict=True)))


def _columns(h: Hires) -> tuple[Ints, Ints, Ints, Ints, Ints]:
    return h.worker_id, h.household_id, h.employer_id, h.hired_day, h.separated_day


def _history_rows(
    session: Session, start: dt.date
) -> list[tuple[int, int, int, str, dt.date, dt.date, dt.date | None, dt.date | None]]:
    """Every recorded proposal made before ``start``: worker, posting, day, then ``label_of``'s arguments."""
    rows = session.execute(
        select(Match.worker_id, Match.posting_id, Match.proposed_at, Match.stage, Match.stage_at, Match.hired_on,
               Match.separated_on)
        .where(Match.proposed_at < dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
        .order_by(Match.proposed_at, Match.id)
    ).all()  # fmt: skip
    return [(w, p, day(at.date()), stage, stage_at.date(), at.date(), hired, separated)
            for w, p, at, stage, stage_at, hired, separated in rows]  # fmt: skip
