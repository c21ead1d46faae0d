"""The demo city as ``make run`` loads it, then the matching commands a broker runs: candidates for an
opening, recommendations for a person and for everyone, evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from models.db import build_engine, build_session_factory
from models.posting import Posting
from models.worker import Worker
from tests.privacy import database_dump, demo_secrets, find_secrets

runner = CliRunner()


@pytest.fixture
def demo(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["demo", "load", "--scale", "small"])
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "var" / "models").is_dir()  # the demo trained its model
    return database_url


def test_a_broker_finds_candidates_a_worker_gets_recommendations_and_evaluate_compares(demo: str) -> None:
    engine = build_engine(demo)
    with build_session_factory(engine)() as session:
        posting = session.scalars(select(Posting.id).where(Posting.status == "open").order_by(Posting.id)).first()
        worker_ids = set(session.scalars(select(Worker.id)))
    engine.dispose()
    assert posting is not None
    found = runner.invoke(app, ["candidates", "--posting", str(posting), "--top", "5", "--json"])
    assert found.exit_code == 0, found.output
    items = json.loads(found.output)
    assert items and all(i["id"] in worker_ids and i["eligible"] and i["reasons"] for i in items)
    assert all(i["probability"] is not None for i in items)  # ranked by the trained model
    everyone = runner.invoke(app, ["recommend", "--all", "--top", "3", "--jsonl"])
    lines = [json.loads(line) for line in everyone.output.splitlines()]
    assert lines and all(set(line) == {"worker_id", "recommendations"} for line in lines)
    one = runner.invoke(app, ["recommend", "--worker", str(lines[0]["worker_id"]), "--json"])
    assert one.exit_code == 0 and isinstance(json.loads(one.output), list)
    missing = runner.invoke(app, ["candidates", "--posting", "999999"])
    assert missing.exit_code == 2 and "找不到" in missing.output
    # (one test per database: loading the demo city is the slow part)
    result = runner.invoke(app, ["evaluate"])
    assert result.exit_code == 0, result.output
    assert "关键词基线 (BM25)" in result.output and "排序模型在每项指标上都优于关键词基线" in result.output
    # and the database, dumped as a whole, holds none of the demo city's ID numbers or phones in plain text
    dump = database_dump(demo)
    assert "id_number_hash" in dump and dump.count("1409") > 1000  # the people are there (masks, adcodes) ...
    assert find_secrets(dump, demo_secrets("small")) == []  # ... but not in plain text
