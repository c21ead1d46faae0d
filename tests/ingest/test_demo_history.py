"""The demo city's outcome history: reproducible, consistent step by step, and carrying the hidden effects a
ranking model is meant to learn (pay against the wish, the employer's quality).

The small demo city is loaded once per database into a module-wide rolled-back transaction, with its history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ingest.demo import generate_city
from ingest.demo.draw import Draw
from ingest.demo.history import HistorySummary, generate_history
from ingest.demo.history_model import SEPARATION_REASONS, draw_latents, wished_wage
from ingest.ledger import LedgerImport
from ingest.posting_import import EmployerImport, PostingImport
from ingest.sites import load_sites
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput
from models.match import Match, MatchEvent, retained
from models.pipeline import EventKind, check_transition, event_kind
from models.posting import Posting
from models.taxonomy import default_taxonomy
from models.vocab import MatchStage
from models.worker import Worker

SEED = 20261128
TODAY = dt.date(2026, 11, 28)

Loaded = tuple[Session, HistorySummary]


def load_small_city(session: Session, cipher: PersonalDataCipher, folder: Path) -> None:
    """Sites, ledgers, employers and the postings sheet of the small demo city, as ``anye demo load`` does."""
    load_sites(session, folder / "sites.csv")
    taxonomy = default_taxonomy()
    ledger = LedgerImport(session, cipher, taxonomy, actor="demo")
    for path in sorted(p for p in (folder / "ledgers").rglob("*") if p.is_file()):
        ledger.import_file(path)
    EmployerImport(session, taxonomy).import_file(folder / "employers.csv")
    PostingImport(session, taxonomy, today=TODAY).import_file(folder / "postings.xlsx")
    session.flush()


@pytest.fixture(scope="module")
def loaded(engine: Engine, cipher: PersonalDataCipher, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    folder = tmp_path_factory.mktemp("history_city")
    generate_city(folder, scale="small", seed=SEED)
    with engine.connect() as conn:
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            load_small_city(session, cipher, folder)
            yield session, generate_history(session, seed=SEED, today=TODAY)
        finally:
            session.close()
            outer.rollback()


def _first_rows(session: Session) -> list[tuple[Any, ...]]:
    query = (
        select(Match.worker_id, Posting.title, Posting.deadline, Match.stage, Match.hired_on, Match.wage)
        .join(Posting, Posting.id == Match.posting_id)
        .order_by(Match.id)
        .limit(50)
    )
    return [tuple(row) for row in session.execute(query)]


def _hires(session: Session) -> list[Any]:
    query = (
        select(Match, Worker, Posting.employer_id)
        .join(Worker, Worker.id == Match.worker_id)
        .join(Posting, Posting.id == Match.posting_id)
        .where(Match.hired_on.is_not(None))
    )
    return list(session.execute(query))


def _rate(outcomes: list[bool]) -> float:
    return sum(outcomes) / len(outcomes)


def test_the_same_seed_gives_the_same_history(loaded: Loaded) -> None:
    session, summary = loaded
    first = _first_rows(session)
    with session.begin_nested() as again:
        session.execute(delete(MatchEvent))
        session.execute(delete(Match))
        session.execute(delete(Posting).where(Posting.deadline < TODAY))
        assert generate_history(session, seed=SEED, today=TODAY) == summary
        assert _first_rows(session) == first
        again.rollback()


def test_a_database_with_history_is_left_alone(loaded: Loaded) -> None:
    session, summary = loaded
    before = session.scalar(select(func.count()).select_from(Match))
    assert generate_history(session, seed=SEED + 1, today=TODAY).already_present
    assert session.scalar(select(func.count()).select_from(Match)) == before == summary.proposals


def test_the_summary_counts_what_was_written(loaded: Loaded) -> None:
    session, summary = loaded
    assert summary.past_postings > 50 and summary.proposals > 20 * summary.past_postings
    assert 0 < summary.retained_3_months < summary.hires < summary.contacted < summary.proposals
    hires = session.scalar(select(func.count()).where(Match.hired_on.is_not(None)))
    assert hires == summary.hires
    assert set(summary.separations) <= set(SEPARATION_REASONS)
    assert summary.first_day is not None and summary.last_day is not None
    assert TODAY - dt.timedelta(days=3 * 366) <= summary.first_day < summary.last_day < TODAY


def test_history_needs_the_city_loaded(session: Session) -> None:
    with pytest.raises(InvalidInput, match="请先导入演示城市"):
        generate_history(session, seed=SEED, today=TODAY)


def test_only_seasonal_work_ends_with_its_season(loaded: Loaded) -> None:
    session, summary = loaded
    query = (
        select(Posting.job_kind)
        .join(Match, Match.posting_id == Posting.id)
        .where(Match.separation_reason == "季节结束")
    )
    kinds = list(session.scalars(query))
    assert len(kinds) == summary.separations["季节结束"] > 0 and set(kinds) == {"seasonal"}


def test_past_postings_are_closed_and_never_over_their_headcount(loaded: Loaded) -> None:
    session, summary = loaded
    past = session.scalars(select(Posting).where(Posting.id.in_(select(Match.posting_id)))).all()
    assert len(past) == summary.past_postings
    hired: dict[int, int] = defaultdict(int)
    for posting_id in session.scalars(select(Match.posting_id).where(Match.hired_on.is_not(None))):
        hired[posting_id] += 1
    for posting in past:
        assert posting.status in ("closed", "filled") and posting.source == "import"
        assert posting.deadline is not None and posting.deadline < TODAY
        assert posting.headcount is not None and hired[posting.id] == posting.filled_count <= posting.headcount
        assert (posting.status == "filled") == (posting.filled_count == posting.headcount)


def test_every_match_moves_forward_in_time(loaded: Loaded) -> None:
    session, _ = loaded
    events: dict[int, list[MatchEvent]] = defaultdict(list)
    for event in session.scalars(select(MatchEvent).order_by(MatchEvent.id)):
        events[event.match_id].append(event)
    for match in session.scalars(select(Match)):
        steps = events[match.id]
        assert steps[0].stage == "proposed" and steps[0].at == match.proposed_at
        assert all(a.at < b.at for a, b in zip(steps, steps[1:], strict=False))
        assert (steps[-1].stage, steps[-1].at) == (match.stage, match.stage_at)
        assert (match.stage == "declined") == (match.declined_reason is not None)
        if match.hired_on is not None:
            assert match.hired_on >= match.proposed_at.date() and match.wage is not None
            assert any(e.stage == "offered" for e in steps)
        if match.separated_on is not None:
            assert match.hired_on is not None and match.separated_on > match.hired_on
            assert match.separation_reason in SEPARATION_REASONS and match.stage == "separated"


def test_follow_ups_record_whether_the_worker_is_still_there(loaded: Loaded) -> None:
    session, _ = loaded
    events = session.execute(select(MatchEvent.stage, MatchEvent.detail).where(MatchEvent.stage != "declined"))
    follow_ups = [(stage, detail) for stage, detail in events if detail and "month" in detail]
    assert {detail["month"] for _, detail in follow_ups} == {1, 3, 6, 12}
    gone = [stage for stage, detail in follow_ups if not detail["still_employed"]]
    assert gone and set(gone) == {"separated"}


def test_no_worker_holds_two_jobs_at_once(loaded: Loaded) -> None:
    session, _ = loaded
    spells: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    query = select(Match.worker_id, Match.hired_on, Match.separated_on).where(Match.hired_on.is_not(None))
    for worker_id, hired_on, separated_on in session.execute(query):
        assert hired_on is not None
        spells[worker_id].append((hired_on, separated_on or dt.date.max))
    assert any(len(s) > 1 for s in spells.values())  # people do change jobs
    for jobs in spells.values():
        jobs.sort()
        assert all(end <= start for (_, end), (start, _) in zip(jobs, jobs[1:], strict=False))


def test_pay_at_or_above_the_wish_keeps_people_longer(loaded: Loaded) -> None:
    session, _ = loaded
    met: list[bool] = []
    short: list[bool] = []
    for match, worker, _ in _hires(session):
        kept = retained(match.hired_on, match.separated_on, TODAY)
        if kept is None:
            continue
        age = (TODAY - worker.birth_date).days // 365
        wish = wished_wage(worker.wish_min_wage, worker.monthly_income, worker.labour_capacity or "", age)
        (met if match.wage >= wish else short).append(kept)
    assert len(met) > 30 and len(short) > 30
    assert _rate(met) > _rate(short) + 0.1


def test_hires_at_better_employers_last_longer(loaded: Loaded) -> None:
    session, _ = loaded
    employer_ids = list(session.scalars(select(Posting.employer_id).distinct()))
    quality = draw_latents(Draw(f"{SEED}:history"), employer_ids, [])  # the stream's first draws
    top = sorted(quality.values())[2 * len(quality) // 3]
    best: list[bool] = []
    rest: list[bool] = []
    for match, _, employer_id in _hires(session):
        kept = retained(match.hired_on, match.separated_on, TODAY)
        if kept is not None:
            (best if quality[employer_id] >= top else rest).append(kept)
    assert len(best) > 30 and len(rest) > 30
    assert _rate(best) > _rate(rest) + 0.1


def test_the_history_runs_through_the_placement_pipeline(loaded: Loaded) -> None:
    """Every step of every past match is one the pipeline allows (``models.pipeline.TRANSITIONS``), and the
    follow-ups are read as checkpoints of a hire, as the follow-up lists read them."""
    session, _ = loaded
    events: dict[int, list[MatchEvent]] = defaultdict(list)
    for event in session.scalars(select(MatchEvent).order_by(MatchEvent.id)):
        events[event.match_id].append(event)
    moves = 0
    for match_id, history in events.items():
        steps = [e for e in history if event_kind(e) is EventKind.STEP]
        for before, after in zip(steps, steps[1:], strict=False):
            check_transition(before.stage, MatchStage.of(after.stage))  # raises Conflict on an illegal step
            moves += 1
        checkpoints = [e for e in history if event_kind(e) is EventKind.CHECKPOINT]
        hired = next((e for e in steps if e.stage == "hired"), None)
        assert not checkpoints or (hired is not None and all(c.at >= hired.at for c in checkpoints)), match_id
    assert moves > 1000
