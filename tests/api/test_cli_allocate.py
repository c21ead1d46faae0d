"""``anye allocate``: the match-day plan from the command line on the shared world (SQLite and PostgreSQL):
a preview prints its figures and writes masked call lists and the messages, committing writes the proposals,
shows each broker's people's phones in full (audited), and the employer's list holds only those who agreed.
On the small demo city (SQLite), every message of the plan fits one SMS."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.allocation_outputs import CALL_LIST_HEADERS, CALL_LIST_REASON, EMPLOYER_HEADERS
from api.allocation_sms import SMS_LIMIT
from api.app import create_app
from api.cli import app
from api.settings import Settings
from models.audit import AuditEvent
from models.db import build_engine, build_session_factory
from models.match import Match
from models.match_plan import MatchPlan
from models.worker import Worker
from tests.api.openings_world import app_client, new_employer, open_posting
from tests.api.world import COUNTY_B, SECRET_KEY, World, sign_in, world_app

runner = CliRunner()


@pytest.fixture
def world(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[World, Path]]:
    settings, built = world_app(database_url)
    with app_client(settings, tmp_path / "app") as client:
        admin = sign_in(client, "city_admin")
        open_posting(client, admin, built.employer_id, title="普工", headcount=2)
        foundry = new_employer(client, admin, "定襄县宏达铸造有限公司", county_adcode=COUNTY_B)
        open_posting(client, admin, foundry, title="电焊工", headcount=1, pay_min=5000, pay_max=6000)
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    yield built, tmp_path


def _count(url: str, model: type[Match] | type[AuditEvent] | type[MatchPlan]) -> int:
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def _rows(path: Path, headers: tuple[str, ...]) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
    assert tuple(c.value for c in sheet[3]) == headers
    return [dict(zip(headers, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=4)]


def test_a_preview_then_its_commit_write_the_call_lists_messages_and_employer_lists(
    world: tuple[World, Path], database_url: str
) -> None:
    people, tmp = world[0].people, world[1]
    preview = runner.invoke(app, ["allocate", "--region", "140900", "--out", str(tmp / "preview")])
    assert preview.exit_code == 0, preview.output
    assert "撮合日计划 1（预览）" in preview.output and "推荐条数" in preview.output
    assert "anye allocate --plan 1 --commit" in preview.output
    assert _count(database_url, Match) == 0
    zhang_list = _rows(tmp / "preview" / "外呼名单-broker_a-broker_a.xlsx", CALL_LIST_HEADERS)
    assert [(r["姓名"], r["电话"]) for r in zhang_list] == [("张伟", "138****0003")]  # a preview: masked
    nobody = _rows(tmp / "preview" / "外呼名单-无负责经纪人.xlsx", CALL_LIST_HEADERS)
    assert [r["姓名"] for r in nobody] == ["马军"]  # site A2 has no broker
    texts = [json.loads(line) for line in (tmp / "preview" / "短信.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(t["name"] for t in texts) == ["孙磊", "张伟", "马军"]
    assert all(len(t["text"]) <= SMS_LIMIT and "138" not in t["phone_mask"][4:] for t in texts)

    committed = runner.invoke(app, ["allocate", "--plan", "1", "--commit", "--out", str(tmp / "day")])
    assert committed.exit_code == 0, committed.output
    assert "本次写入撮合跟踪" in committed.output and _count(database_url, Match) == 3
    b_list = _rows(tmp / "day" / "外呼名单-broker_b-broker_b.xlsx", CALL_LIST_HEADERS)
    assert [(r["姓名"], r["电话"], r["推荐岗位"]) for r in b_list] == [("孙磊", people["sun_lei"].phones[0], "电焊工")]
    both = _rows(tmp / "day" / "外呼名单-broker_ab-broker_ab.xlsx", CALL_LIST_HEADERS)
    assert sorted(r["姓名"] for r in both) == ["孙磊", "张伟"]
    assert _count(database_url, AuditEvent) == 4  # a phone shown in full: once per person per list
    assert not list((tmp / "day").glob("推荐人选-*"))  # nobody agreed yet

    _agree(database_url, tmp)
    again = runner.invoke(app, ["allocate", "--plan", "1", "--commit", "--out", str(tmp / "later")])
    assert again.exit_code == 0 and _count(database_url, Match) == 3  # committing again proposes nobody twice
    (employer_file,) = (tmp / "later").glob("推荐人选-忻州明达建筑有限公司-*.xlsx")
    agreed = _rows(employer_file, EMPLOYER_HEADERS)
    assert [(r["姓名"], r["电话"], r["当前环节"]) for r in agreed] == [
        ("张伟", people["zhang_wei"].phones[0], "有意向")
    ]
    reasons = _reasons(database_url)
    assert reasons.count(CALL_LIST_REASON) == 8 and reasons.count("本人已同意向用人单位推荐") == 1


def _agree(url: str, tmp: Path) -> None:
    """zhang_wei says yes to the 普工 he was proposed for (ma_jun, proposed for it too, does not)."""
    zhang = world_people_id(url, "张伟")
    engine = build_engine(url)
    with build_session_factory(engine)() as session:
        posting_id = session.scalars(select(Match.posting_id).where(Match.worker_id == zhang)).one()
    engine.dispose()
    config = Settings(database_url=url, secret_key=SECRET_KEY, var_dir=tmp / "agree")
    with TestClient(create_app(config)) as client:
        answer = client.post(f"/postings/{posting_id}/interest", json={"interested": True},
                             headers=sign_in(client, "worker"))  # fmt: skip
        assert answer.status_code in (200, 201), answer.text


def world_people_id(url: str, name: str) -> int:
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            return int(session.scalars(select(Worker.id).where(Worker.name == name)).one())
    finally:
        engine.dispose()


def _reasons(url: str) -> list[str]:
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            return [r or "" for r in session.scalars(select(AuditEvent.reason))]
    finally:
        engine.dispose()


def test_the_command_says_what_it_needs(world: tuple[World, Path]) -> None:
    nothing = runner.invoke(app, ["allocate"])
    assert nothing.exit_code == 2 and "--region" in nothing.output
    unknown = runner.invoke(app, ["allocate", "--plan", "42"])
    assert unknown.exit_code == 2 and "找不到编号为 42 的撮合日计划" in unknown.output


def test_every_message_of_a_plan_of_the_demo_city_fits_one_sms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("ANYE_DATABASE_URL", url)
    monkeypatch.setenv("ANYE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["demo", "load", "--scale", "small"])
    assert loaded.exit_code == 0, loaded.output
    planned = runner.invoke(app, ["allocate", "--region", "140900", "--commit", "--out", str(tmp_path / "out")])
    assert planned.exit_code == 0, planned.output
    texts = [json.loads(line) for line in (tmp_path / "out" / "短信.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(texts) == _count(url, Match) - _history(url) > 50
    assert all(len(t["text"]) <= SMS_LIMIT and t["text"].startswith("【安业】") for t in texts)


def _history(url: str) -> int:
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).where(Match.source == "history")) or 0)
    finally:
        engine.dispose()


def test_without_the_personal_data_key_nothing_is_planned_or_committed(
    world: tuple[World, Path], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANYE_SECRET_KEY")
    refused = runner.invoke(app, ["allocate", "--region", "140900", "--commit", "--out", str(world[1] / "day")])
    assert refused.exit_code == 2 and "ANYE_SECRET_KEY" in refused.output
    assert _count(database_url, MatchPlan) == 0 and _count(database_url, Match) == 0
