"""The starting state of a simulation: the matcher's frames, the hidden behaviour model's people and jobs, and
the ranking model as of the first match day, read once from a demo city's database.

The behaviour model's people come from ``ingest.demo.history.load_people`` and its latent factors (employer
quality, worker reliability) from ``draw_latents`` on the history's own stream (``Draw(f"{seed}:history")``),
so they are the very factors that generated the database's history, provided ``seed`` and ``start`` are those
the history was generated with. Each policy then starts from a fresh copy (``World.matcher``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.simulation_course import Opening
from api.simulation_train import Trainer
from ingest.demo.draw import Draw
from ingest.demo.history import load_people
from ingest.demo.history_model import Person, draw_latents
from ingest.demo.history_plan import job_of, monthly_pay, piece_reference
from matcher.explain import Names
from matcher.frame import PostingFrame, WorkerFrame
from matcher.load import Vocabularies, load_postings, load_workers
from matcher.search import Matcher, Scorer
from models.errors import InvalidInput
from models.posting import Posting, PublicWelfareJob
from models.taxonomy import Taxonomy
from models.vocab import PostingStatus

__all__ = ["Analyzer", "World", "load_world"]

Analyzer = Callable[[str], Sequence[str]]
_DEFAULT_PAY = (2400.0, 3000.0)  # a posting open without a usable pay (never in the demo city)


@dataclass(slots=True)
class World:
    """See the module docstring. ``scorer``: the ranking model trained on the history as of ``start`` (None when
    the history is too small: the fallback score ranks); ``trainer``: for retraining during a run."""

    start: dt.date
    analyzer: Analyzer
    names: Names
    workers: WorkerFrame
    postings: PostingFrame
    people: dict[int, Person]
    openings: dict[int, Opening]
    scorer: Scorer | None
    trainer: Trainer | None

    def matcher(self, make: Callable[..., Matcher] = Matcher) -> Matcher:
        """A matcher (made by ``make``, called as ``Matcher`` is) over a fresh copy of the starting frames (a run
        changes its frames and vocabularies)."""
        names = copy.deepcopy(self.names)
        matcher = make(self.analyzer, names, scorer=self.scorer)
        matcher.load(copy.deepcopy(self.workers), copy.deepcopy(self.postings))
        return matcher


def load_world(
    session: Session, analyzer: Analyzer, taxonomy: Taxonomy, *, start: dt.date, seed: int, train: bool = True
) -> World:
    """The state of the demo city in ``session`` on ``start``; ``seed``: the one its history was generated with.
    ``train``: fit the starting model (and keep the history for retraining)."""
    vocab = Vocabularies()
    workers = load_workers(session, vocab, today=start)
    postings = load_postings(session, vocab, today=start)
    names = Names(vocab.certificates, vocab.occupations, {o.code: o.name for o in taxonomy.occupations()})
    rng = Draw(f"{seed}:history")
    employer_ids = list(session.scalars(select(Posting.employer_id).distinct()))
    pool = load_people(session, start)
    quality = draw_latents(rng, employer_ids, pool.people)
    people = {p.worker_id: p for p in pool.people}
    openings = _openings(session, quality)
    trainer = Trainer(session, analyzer, start=start) if train else None
    scorer: Scorer | None = None
    if trainer is not None:
        try:
            scorer = trainer.fit(start, version="simulated-start").scorer
        except InvalidInput:  # too little history: the fallback score ranks, as in the service
            scorer = None
    return World(start, analyzer, names, workers, postings, people, openings, scorer, trainer)


def _openings(session: Session, quality: dict[int, float]) -> dict[int, Opening]:
    """Each open posting as the behaviour model sees it (as ``ingest.demo.history_plan`` makes a past posting's
    job and monthly pay range)."""
    rows = session.execute(
        select(Posting, PublicWelfareJob)
        .outerjoin(PublicWelfareJob, PublicWelfareJob.posting_id == Posting.id)
        .where(Posting.status == PostingStatus.OPEN)
    ).all()
    piece = piece_reference(p for p, _ in rows)
    out = {}
    for posting, welfare in rows:
        term = (welfare.term_months or 12) if welfare else None
        job = job_of(posting, term, quality.get(posting.employer_id, 0.0))
        out[posting.id] = Opening(job, _monthly_range(posting, piece))
    return out


def _monthly_range(p: Posting, piece: dict[str | None, float]) -> tuple[float, float]:
    """Pay a month, low and high; an open top is 1.25 times the floor (as the history takes it)."""
    low = p.pay_min if p.pay_min is not None else p.pay_max
    if low is None or p.pay_period is None:
        return _DEFAULT_PAY
    high = float(p.pay_max) if p.pay_max is not None else float(low) * 1.25
    period, code = p.pay_period, p.occupation_code
    return monthly_pay(period, float(low), code, piece), monthly_pay(period, high, code, piece)
