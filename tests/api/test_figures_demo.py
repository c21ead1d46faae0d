"""The small demo city as the notebook gets it (``build_demo_database``): its yearly ledgers give household
coverage a monthly series from the first snapshot on, and 增收率 a comparison with the year before; its
history places no one through the pipeline while the ledger shows them at work."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as cli
from api.figures_demo import build_demo_database
from models.db import build_engine, build_session_factory
from models.history import WorkerChange
from models.match import Match
from models.vocab import EmploymentStatus
from models.worker import Worker

END = dt.date(2026, 11, 28)
FIRST_SNAPSHOT = dt.date(2024, 11, 1)
SECRET = "figures-demo-test-" + "k" * 40
EMPLOYED = [s.value for s in EmploymentStatus if s.is_employed]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("figures_demo")
    url = f"sqlite:///{folder / 'city.sqlite3'}"
    build_demo_database(url, today=END, secret=SECRET)
    return {"ANYE_DATABASE_URL": url, "ANYE_SECRET_KEY": SECRET, "ANYE_VAR_DIR": str(folder / "var")}


def _report(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *args: str, end: dt.date = END) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["report", *args, "--end", end.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_coverage_has_a_point_each_month_from_the_first_snapshot(
    city: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _report(city, monkeypatch, "coverage", "--start", "2024-09-01")
    rows = [r for r in data["tables"][0]["rows"] if r["level"] == "合计"]
    known = [r for r in rows if r["rate"] is not None]
    assert [r["day"] for r in rows if r["rate"] is None] == ["2024-09-30", "2024-10-31"]  # before any ledger
    assert known[0]["day"] == "2024-11-30" and known[-1]["day"] == END.isoformat() and len(known) == 25
    assert all(r["households"] > 0 for r in known)
    assert known[0]["rate"] < known[-1]["rate"]  # more households have someone at work than two years ago


def test_income_growth_compares_with_the_ledger_of_the_year_before(
    city: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _report(city, monkeypatch, "rates")
    rows = data["tables"][0]["rows"]
    total = next(r for r in rows if r["level"] == "合计")
    assert total["compared"] == total["households"] > 0 and total["no_baseline"] == 0
    assert 0 < total["income_rose"] < total["compared"]
    assert all(r["income_growth_rate"] is not None for r in rows)
    # a year after the first snapshot, the ledger held the households a year before too
    earlier = _report(city, monkeypatch, "rates", end=FIRST_SNAPSHOT + dt.timedelta(days=365 + 30))
    assert next(r for r in earlier["tables"][0]["rows"] if r["level"] == "合计")["compared"] > 0
    # before that, it did not
    first = _report(city, monkeypatch, "rates", end=FIRST_SNAPSHOT + dt.timedelta(days=30))
    assert next(r for r in first["tables"][0]["rows"] if r["level"] == "合计")["compared"] == 0


def test_no_one_the_ledgers_show_at_work_all_along_is_placed_through_the_pipeline_meanwhile(
    city: dict[str, str],
) -> None:
    engine = build_engine(city["ANYE_DATABASE_URL"])
    with build_session_factory(engine)() as session:
        changed = select(WorkerChange.worker_id).where(WorkerChange.field == "employment_status")
        steady = select(Worker.id).where(Worker.employment_status.in_(EMPLOYED), Worker.id.not_in(changed))
        matches = session.execute(
            select(Match.proposed_at, Match.hired_on, Match.separated_on).where(Match.worker_id.in_(steady))
        ).all()
    engine.dispose()
    assert len(matches) > 100  # proposed before the first ledger
    first = dt.datetime.combine(FIRST_SNAPSHOT, dt.time(), tzinfo=dt.UTC)
    assert all(_aware(proposed) < first for proposed, _, _ in matches)
    placed = [(hired, left) for _, hired, left in matches if hired is not None]
    assert placed and all(left is not None and left <= FIRST_SNAPSHOT for _, left in placed)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
