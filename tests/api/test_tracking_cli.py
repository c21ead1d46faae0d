"""``anye ingest placements``: a workbook of past jobs imported once, however often it is run, with the report
and the rejects workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from models.crypto import PersonalDataCipher
from models.db import build_engine, build_session_factory, session_scope
from tests.api.world import build_world

runner = CliRunner()
SECRET = "cli-test-secret-" + "k" * 32


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", SECRET)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = build_engine(database_url)
    with session_scope(build_session_factory(engine)) as session:
        world = build_world(session, PersonalDataCipher(SECRET))
    engine.dispose()
    return world.people["ma_jun"].id_number


def test_a_workbook_of_past_jobs_imports_once(env: str, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["身份证号", "工作单位", "岗位", "开始时间", "结束时间", "月收入", "离职原因"])
    ws.append([env, "忻州市恒达电子有限公司", "普工", "2024-03-01", "2024-08-31", "3500", "合同到期"])
    ws.append(["140902199001011234", "忻州市恒达电子有限公司", "普工", "2024-03-01", None, "3500", None])
    path = tmp_path / "往期就业.xlsx"
    wb.save(path)
    report, rejects = tmp_path / "r.json", tmp_path / "rejects.xlsx"
    first = runner.invoke(app, ["ingest", "placements", str(path), "--report", str(report), "--rejects", str(rejects)])
    assert first.exit_code == 0, first.output
    assert "往期就业记录导入结果" in first.output
    totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
    assert (totals["created"], totals["rejected"]) == (1, 1)
    assert rejects.exists()
    runner.invoke(app, ["ingest", "placements", str(path), "--report", str(report)])
    again = json.loads(report.read_text(encoding="utf-8"))["totals"]
    assert (again["created"], again["unchanged"]) == (0, 1)
