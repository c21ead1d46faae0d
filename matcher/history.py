"""Past hires as arrays, and the history-derived features of a pair as of the day it was proposed.

Features that come from outcomes (the worker's placements kept 3+ months, years worked, whether someone of the
household is at work, the employer's past retention) must be computed as of the proposal's own day when
training: counted as of a later day they would include the very outcome being learned (a placement that
lasted is then both the label and a feature). ``as_of_columns`` recomputes them per pair with sorted event
arrays and binary search, so it stays vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.features import COLUMN, RETENTION_PRIOR
from matcher.frame import NO_DATE, NO_LABOUR_CODES, PostingFrame, WorkerFrame
from matcher.load import MIN_HIRES_FOR_RETENTION, day
from models.match import RETAINED_DAYS, Match
from models.posting import Posting
from models.worker import Worker

__all__ = ["Hires", "as_of_columns", "load_hires"]

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Hires:
    worker_id: Ints
    household_id: Ints
    employer_id: Ints
    hired_day: Ints
    separated_day: Ints  # NO_DATE while still at work


def load_hires(session: Session) -> Hires:
    rows = session.execute(
        select(Match.worker_id, Worker.household_id, Posting.employer_id, Match.hired_on, Match.separated_on)
        .join(Worker, Worker.id == Match.worker_id)
        .join(Posting, Posting.id == Match.posting_id)
        .where(Match.hired_on.is_not(None))
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return Hires(
        np.asarray(columns[0], dtype=np.int64),
        np.asarray(columns[1], dtype=np.int64),
        np.asarray(columns[2], dtype=np.int64),
        np.asarray([day(d) for d in columns[3]], dtype=np.int64),
        np.asarray([day(d) for d in columns[4]], dtype=np.int64),
    )


class _Events:
    """Events (owner, day, value) sorted, answering "sum of values of owner before day d" by binary search."""

    _SHIFT = np.int64(1 << 32)

    def __init__(self, owner: Ints, when: Ints, value: npt.NDArray[np.float64]) -> None:
        keys = owner * self._SHIFT + when
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.cumulative = np.concatenate([[0.0], np.cumsum(value[order])])

    def before(self, owner: Ints, when: Ints) -> npt.NDArray[np.float64]:
        """Per query: the sum of values of ``owner`` on days strictly before ``when``."""
        hi = np.searchsorted(self.keys, owner * self._SHIFT + when, side="left")
        lo = np.searchsorted(self.keys, owner * self._SHIFT, side="left")
        out: npt.NDArray[np.float64] = self.cumulative[hi] - self.cumulative[lo]
        return out


def as_of_columns(
    X: npt.NDArray[np.float32],
    workers: WorkerFrame,
    wi: npt.NDArray[np.intp],
    postings: PostingFrame,
    pi: npt.NDArray[np.intp],
    when: npt.NDArray[np.int32],
    hires: Hires,
    ledger_employed: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float32]:
    """``X`` with its history-derived columns recomputed from what happened strictly before each pair's day.

    ``ledger_employed``: per worker row, whether the ledger shows someone of the household at work (a state the
    history does not change)."""
    out = X.copy()
    d = when.astype(np.int64)
    worker, household = workers.worker_id[wi], workers.household_id[wi]
    lasted = (np.minimum(hires.separated_day, NO_DATE) - hires.hired_day) >= RETAINED_DAYS
    confirmed = hires.hired_day + RETAINED_DAYS  # the day a kept placement counts as kept
    kept = _Events(hires.worker_id, confirmed, lasted.astype(np.float64))
    out[:, COLUMN["worker_placements"]] = np.clip(kept.before(worker, d), 0, 10)
    out[:, COLUMN["experience_years"]] = np.clip(_days_worked(hires, worker, d) / 365.25, 0, 30)
    started = _Events(hires.household_id, hires.hired_day, np.ones(len(lasted)))
    ended = _Events(hires.household_id, hires.separated_day, np.ones(len(lasted)))
    at_work = started.before(household, d) - ended.before(household, d) > 0
    has_labour = ~np.isin(workers.labour[wi], NO_LABOUR_CODES)
    out[:, COLUMN["household_no_one_employed"]] = has_labour & ~(ledger_employed[wi] | at_work)
    out[:, COLUMN["employer_retention"]] = _employer_retention(hires, postings.employer_id[pi], d, lasted)
    return out


def _days_worked(hires: Hires, worker: Ints, d: Ints) -> npt.NDArray[np.float64]:
    """Days at work before ``d`` over all hires (a job still held counts up to ``d``):
    sum over hires started before d of min(end, d) - start."""
    ended = hires.separated_day < NO_DATE
    started_sum = _Events(hires.worker_id, hires.hired_day, hires.hired_day.astype(np.float64))
    started_count = _Events(hires.worker_id, hires.hired_day, np.ones(len(ended)))
    end_days = hires.separated_day[ended].astype(np.float64)
    ended_sum = _Events(hires.worker_id[ended], hires.separated_day[ended], end_days)
    ended_count = _Events(hires.worker_id[ended], hires.separated_day[ended], np.ones(int(ended.sum())))
    still_open = started_count.before(worker, d) - ended_count.before(worker, d)
    out: npt.NDArray[np.float64] = ended_sum.before(worker, d) + still_open * d - started_sum.before(worker, d)
    return out


def _employer_retention(
    hires: Hires, employer: Ints, d: Ints, lasted: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float32]:
    """Share of the employer's hires kept 3 months among those whose outcome was known before ``d``."""
    known_day = np.where(lasted, hires.hired_day + RETAINED_DAYS, hires.separated_day)
    known = _Events(hires.employer_id, known_day, np.ones(len(lasted)))
    good = _Events(hires.employer_id, known_day, lasted.astype(np.float64))
    n, k = known.before(employer, d), good.before(employer, d)
    share = np.divide(k, n, out=np.full(len(d), RETENTION_PRIOR), where=n >= MIN_HIRES_FOR_RETENTION)
    out: npt.NDArray[np.float32] = share.astype(np.float32)
    return out
