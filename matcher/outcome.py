"""Recorded outcomes of proposals, as arrays the ranking model learns from.

The label of a proposal: 1 when it led to a hire that lasted ``RETAINED_DAYS`` (3 months), 0 when it was
declined, when the hire ended sooner, or when nothing came of it within ``STALE_DAYS``; a proposal whose
outcome is not yet known on the day asked about is left out. Everything is judged as of that day, so a model
trained "as of" a past day never sees what happened after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.load import day
from models.match import RETAINED_DAYS, Match
from models.vocab import MatchStage

__all__ = ["STALE_DAYS", "Outcomes", "label_of", "load_outcomes"]

STALE_DAYS = 60


@dataclass(frozen=True, slots=True)
class Outcomes:
    match_id: npt.NDArray[np.int64]
    worker_id: npt.NDArray[np.int64]
    posting_id: npt.NDArray[np.int64]
    proposed_day: npt.NDArray[np.int32]
    label: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.match_id)

    def where(self, mask: npt.NDArray[np.bool_]) -> Outcomes:
        return Outcomes(
            self.match_id[mask], self.worker_id[mask], self.posting_id[mask], self.proposed_day[mask], self.label[mask]
        )


def label_of(
    stage: str,
    stage_on: dt.date,
    proposed_on: dt.date,
    hired_on: dt.date | None,
    separated_on: dt.date | None,
    *,
    as_of: dt.date,
) -> int | None:
    """1, 0 or None (not known yet) for one proposal, judged on ``as_of``."""
    if hired_on is not None and hired_on <= as_of:
        if separated_on is not None and separated_on <= as_of:
            return int((separated_on - hired_on).days >= RETAINED_DAYS)
        return 1 if (as_of - hired_on).days >= RETAINED_DAYS else None
    if stage == MatchStage.DECLINED and stage_on <= as_of:
        return 0
    return 0 if (as_of - proposed_on).days >= STALE_DAYS else None


def load_outcomes(session: Session, *, start: dt.date, end: dt.date, as_of: dt.date) -> Outcomes:
    """Proposals made in [``start``, ``end``) whose outcome is known on ``as_of``."""
    rows = session.execute(
        select(
            Match.id,
            Match.worker_id,
            Match.posting_id,
            Match.proposed_at,
            Match.stage,
            Match.stage_at,
            Match.hired_on,
            Match.separated_on,
        )
        .where(Match.proposed_at >= _start_of(start), Match.proposed_at < _start_of(end))
        .order_by(Match.proposed_at, Match.id)
    ).all()
    kept: list[tuple[int, int, int, int, int]] = []
    for match_id, worker_id, posting_id, proposed_at, stage, stage_at, hired_on, separated_on in rows:
        proposed_on = proposed_at.date()
        label = label_of(stage, stage_at.date(), proposed_on, hired_on, separated_on, as_of=as_of)
        if label is not None:
            kept.append((match_id, worker_id, posting_id, day(proposed_on), label))
    columns: list[tuple[int, ...]] = list(zip(*kept, strict=True)) if kept else [(), (), (), (), ()]
    return Outcomes(
        np.asarray(columns[0], dtype=np.int64),
        np.asarray(columns[1], dtype=np.int64),
        np.asarray(columns[2], dtype=np.int64),
        np.asarray(columns[3], dtype=np.int32),
        np.asarray(columns[4], dtype=np.int8),
    )


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
