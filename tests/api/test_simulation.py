"""``anye simulate`` as the people reading its table rely on it: the three policies start from the same state and
meet the same draws for the same proposal, the plan keeps every worker within m open proposals, a posting never
has more people at work than places, a hired worker is not proposed again while at work, the figures add up
(by hand on a tiny case), retraining counts only the labels known on its day, and the command prints the table.

Tiny worlds are frames built directly (``tests.matcher.frames``) with people and jobs of the behaviour model;
the command runs on the small demo city in SQLite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import app as cli
from api.figures_demo import build_demo_database
from api.simulation_course import Course, Opening, draw_course
from api.simulation_report import gini, policy_figures
from api.simulation_run import FULL, HIRED, POLICIES, TAKEN, DayPlan, PolicyRun, Record, RunOptions
from api.simulation_train import Outcome, Trainer
from api.simulation_world import World
from ingest.demo.history_model import Job, Person, Tenure
from matcher.allocation import Limits
from matcher.explain import Names
from matcher.load import day
from matcher.tokenizer import Tokenizer
from models.db import build_engine, build_session_factory
from models.posting import Posting
from models.worker import Worker
from tests.matcher.frames import TODAY, XINFU, XINFU_COUNTY, P, Vocabs, W, postings, workers

runner = CliRunner()
TEXT = "普工 操作工 包装"


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def _person(worker_id: int) -> Person:
    """A keen 36-year-old: wishes 2,000 a month, offered 4,000-5,000 nearby, reachable by phone."""
    return Person(worker_id=worker_id, county=str(XINFU_COUNTY), longitude=XINFU[0], latitude=XINFU[1],
                  birth_date=dt.date(1990, 1, 1), female=False, labour="full", health=None, wish_wage=2000.0,
                  reach_km=45.0, wish_codes=frozenset(), skill_codes=frozenset(), certificates=frozenset(), care=False,
                  idle_household=True, monitored=False, reachable=True)  # fmt: skip


def _job(employer_id: int) -> Job:
    return Job(employer_id=employer_id, occupation_code=None, age_min=None, age_max=None, required=frozenset(),
               preferred=frozenset(), job_kind="full_time", welfare_term_months=None, longitude=XINFU[0],
               latitude=XINFU[1], county=str(XINFU_COUNTY), quality=0.5)  # fmt: skip


def _world(tokenizer: Tokenizer, n_workers: int, places: list[int], employed: tuple[int, ...] = ()) -> World:
    """``n_workers`` keen workers (ids 1..n, one household each; ``employed``: workers whose household has someone
    at work) and one posting per entry of ``places`` (ids 1..), everyone eligible for everything."""
    vocabs = Vocabs()
    ws = [W(household_employed=i + 1 in employed, text=TEXT) for i in range(n_workers)]
    ps = [P(places_left=n, pay_min=4000.0, pay_max=5000.0, text=TEXT) for n in places]
    frame_w, frame_p = workers(vocabs, *ws), postings(vocabs, *ps)
    people = {w: _person(w) for w in frame_w.worker_id.tolist()}
    openings = {p: Opening(_job(200 + p), (4000.0, 5000.0)) for p in frame_p.posting_id.tolist()}
    names = Names(vocabs.certificates, vocabs.occupations)
    return World(TODAY, tokenizer.tokens, names, frame_w, frame_p, people, openings, None, None)


def _run(world: World, policy: str, per_place: int, per_worker: int, weeks: int = 12) -> PolicyRun:
    run = PolicyRun(world, policy, RunOptions(weeks=weeks, seed=7, limits=Limits(per_place, per_worker)))
    run.run()
    return run


def _open_on(records: list[Record], worker: int, t: int) -> int:
    """Proposals of ``worker`` open on match day ``t`` once its proposals are made."""
    return sum(r.worker_id == worker and r.day <= t and (r.closed is None or r.closed > t) for r in records)


# --- the same start, the same draws ---------------------------------------------------------------------------


def test_the_policies_start_from_the_same_state_and_meet_the_same_draws_for_the_same_proposal(
    tokenizer: Tokenizer,
) -> None:
    world = _world(tokenizer, 6, [2, 2])
    before = world.workers.available.copy(), world.postings.places_left.copy()
    runs = {policy: _run(world, policy, per_place=3, per_worker=1) for policy in POLICIES}
    assert np.array_equal(world.workers.available, before[0]) and np.array_equal(world.postings.places_left, before[1])
    again = _run(world, "plan", per_place=3, per_worker=1)
    assert [(r.worker_id, r.posting_id, r.day, r.outcome) for r in again.records] == [
        (r.worker_id, r.posting_id, r.day, r.outcome) for r in runs["plan"].records
    ]
    courses = {p: {(r.worker_id, r.posting_id, r.day): r.course for r in run.records} for p, run in runs.items()}
    shared = courses["plan"].keys() & courses["greedy"].keys()
    assert shared  # both proposed some of the same pairs on the same day
    assert all(courses["plan"][k] == courses["greedy"][k] for k in shared)
    on, person, opening = TODAY, world.people[1], world.openings[1]
    assert draw_course(7, person, opening, on, 1) == draw_course(7, person, opening, on, 1)


# --- the limits -----------------------------------------------------------------------------------------------


def test_under_the_plan_no_worker_ever_has_more_than_m_open_proposals(tokenizer: Tokenizer) -> None:
    world = _world(tokenizer, 6, [3, 3, 3])
    plan, greedy = _run(world, "plan", 3, 1), _run(world, "greedy", 3, 1)
    match_days = range(0, 7 * 12, 7)

    def most_open(run: PolicyRun) -> int:
        return max(_open_on(run.records, w, t) for w in range(1, 7) for t in match_days)

    assert most_open(plan) == plan.max_open == 1
    assert most_open(greedy) == greedy.max_open == 3  # greedy ignores the limit: one proposal per posting


def test_a_posting_never_has_more_people_at_work_than_places(tokenizer: Tokenizer) -> None:
    world = _world(tokenizer, 8, [1])
    run = _run(world, "greedy", per_place=8, per_worker=8)
    hires = [r for r in run.records if r.outcome == HIRED]
    assert hires and any(r.outcome == FULL for r in run.records)  # offers were turned away for want of a place
    for t in range(0, 7 * 13, 7):
        working = [r for r in hires if r.closed is not None and r.closed <= t and (r.ends is None or r.ends > t)]
        assert len(working) <= 1, t


def test_a_hired_worker_is_not_proposed_again_while_at_work(tokenizer: Tokenizer) -> None:
    world = _world(tokenizer, 4, [1, 1, 1, 1, 1, 1])
    run = _run(world, "greedy", per_place=4, per_worker=4)
    hires = [r for r in run.records if r.outcome == HIRED]
    assert hires
    for hire in hires:
        assert hire.closed is not None
        until = hire.ends if hire.ends is not None else 10**6
        later = [r for r in run.records if r.worker_id == hire.worker_id and hire.closed <= r.day < until]
        assert later == []
        others = [r for r in run.records if r.worker_id == hire.worker_id and r is not hire and r.day < hire.closed]
        assert all(r.closed is not None and r.closed <= hire.closed for r in others)


# --- the figures ----------------------------------------------------------------------------------------------


def _course(*, offered: bool, stay: int | None = None, reason: str | None = None) -> Course:
    return Course(offered, 7, reason, 4500, 1.0, offered, 3, Tenure(stay, "工资低" if stay else None))


def test_the_figures_add_up_on_a_hand_checked_case(tokenizer: Tokenizer) -> None:
    """Workers 1-4 (households 101-104; 104 has someone at work). Worker 1 is hired for good at posting 1 and
    so leaves posting 2; worker 2 is hired at posting 1 for 30 days only, and turns posting 2 down."""
    run = PolicyRun(_world(tokenizer, 4, [2, 2], employed=(4,)), "plan", RunOptions(weeks=1))
    stays = Record(1, 1, 101, 0, 0, 0.5, _course(offered=True), 7, HIRED, hired=10, ends=None)
    leaves = Record(2, 1, 102, 0, 0, 0.4, _course(offered=True, stay=30), 7, HIRED, hired=10, ends=40)
    declined = Record(2, 2, 102, 0, 0, 0.3, _course(offered=False, reason="工资低"), 3, "工资低")
    taken = Record(1, 2, 101, 0, 0, 0.3, _course(offered=False), 7, TAKEN)
    run.records = [stays, leaves, declined, taken]
    run.at_work = {1: stays}
    run.days = [DayPlan(0, 4, to_cover=3, covered=2, slots=12)]
    f = policy_figures(run, {101, 102, 103, 104}, reachable={101, 102, 103}, workers=[1, 2, 3, 4], places=4)
    assert (f.proposals, f.hires, f.lasting) == (4, 2, 1)
    assert (f.households, f.covered_start, f.covered_end) == (4, 1, 2)
    assert (f.allowed, f.covered_allowed) == (4, 2)
    assert f.reach == pytest.approx(2 / 3)
    assert (f.per_worker_mean, f.per_worker_max, f.per_place) == (1.0, 2, 1.0)
    assert f.per_worker_gini == pytest.approx(0.5)  # counts 0, 0, 2, 2: 2·(3·2 + 4·2)/(4·4) - 5/4
    assert f.outcomes == {HIRED: 2, "工资低": 1, TAKEN: 1}
    assert gini([5, 5, 5]) == 0.0 and gini([0, 0, 0, 9]) == pytest.approx(0.75)


# --- on the small demo city -----------------------------------------------------------------------------------

START = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The small demo city with its history up to ``START``, in SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('simulate') / 'city.sqlite3'}"
    build_demo_database(url, today=START, seed=20261128, scale="small")
    return url


def test_a_retraining_learns_from_the_run_labels_known_on_its_day_only(city: str, tokenizer: Tokenizer) -> None:
    engine = build_engine(city)
    with build_session_factory(engine)() as session:
        trainer = Trainer(session, tokenizer.tokens, start=START)
        worker, posting = _some_pair(session)
    engine.dispose()
    s = day(START)
    declined = Outcome(worker, posting, s, s + 3, None, None)  # known: 0
    working = Outcome(worker, posting, s + 7, None, s + 20, None)  # hired 8 days before: not known yet
    left = Outcome(worker, posting, s, None, s + 5, s + 15)  # left after 10 days: known, 0
    fitted = trainer.fit(START + dt.timedelta(days=28), [declined, working, left])
    assert (fitted.run_labels, fitted.run_positives) == (2, 0)
    start = trainer.fit(START)
    assert fitted.n_train == start.n_train + 2 + fitted.history_new


def _some_pair(session: Session) -> tuple[int, int]:
    worker = session.scalars(select(Worker.id).order_by(Worker.id).limit(1)).one()
    posting = session.scalars(select(Posting.id).where(Posting.status == "open").order_by(Posting.id).limit(1)).one()
    return worker, posting


def test_the_command_prints_the_table_of_the_three_policies(city: str, tmp_path: Path) -> None:
    args = ["simulate", "--database", city, "--weeks", "1", "--retrain-every", "0", "--start", START.isoformat()]
    shown = runner.invoke(cli, args)
    assert shown.exit_code == 0, shown.output
    for text in (
        "计划 plan",
        "逐岗排序 greedy",
        "关键词 keyword",
        "3个月在岗 plan/greedy",
        "最多进行中",
        "事后最优参考",
        "真实概率参考",
    ):
        assert text in shown.output
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["policy"] for p in data["policies"]] == ["plan", "greedy", "keyword"]
    plan = data["policies"][0]
    assert plan["proposals"] > 0 and plan["max_open"] <= 2 and data["verdicts"]["open"] is True
    for p in data["policies"]:
        assert sum(p["outcomes"].values()) == p["proposals"] and p["outcomes"].get(HIRED, 0) == p["hires"]
        assert p["lasting"] <= p["hires"] and p["covered_end"] >= p["covered_start"]
        assert p["lasting"] <= data["hindsight_reference"]
    truth = data["true_chance_reference"]
    assert 0 <= truth["plan"] <= data["hindsight_reference"] and 0 <= truth["greedy"] <= data["hindsight_reference"]
    assert dataclasses.asdict(RunOptions(weeks=1, retrain_every=0)) == data["options"]
