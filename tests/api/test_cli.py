"""The ``anye`` command line as a clerk uses it: upgrade, import with report and rejects, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli import app
from tests.ingest.builders import break_check_digit, make_id, messy_workbook, person

runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return {}


def test_import_twice_with_report_and_rejects_then_export(env: dict[str, str], tmp_path: Path) -> None:
    good, bad = make_id(seq=11), break_check_digit(make_id(seq=22))
    ledger = messy_workbook(
        tmp_path / "台账.xlsx", [person(1, "H1", "户主", "王一", good), person(2, "H1", "配偶", "李二", bad)]
    )
    report, rejects = tmp_path / "report.json", tmp_path / "rejects.xlsx"
    result = runner.invoke(app, ["ingest", "ledger", str(ledger), "--report", str(report), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "台账导入结果" in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["totals"]["created"] == 1 and data["totals"]["rejected"] == 1
    problem = data["files"][0]["problems"][0]
    assert problem["code"] == "id_bad_checksum" and problem["row"] == 6 and bad not in json.dumps(data)
    assert load_workbook(rejects).worksheets[0].cell(2, 4).value == 6
    again = runner.invoke(app, ["ingest", "ledger", str(ledger), "--report", str(report)])
    assert again.exit_code == 0
    assert json.loads(report.read_text(encoding="utf-8"))["totals"]["unchanged"] == 1
    out = tmp_path / "export.xlsx"
    result = runner.invoke(app, ["export", "ledger", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).worksheets[0].cell(4, 6).value == "王一"
    refused = runner.invoke(app, ["export", "ledger", str(out), "--full-ids", "--reason", "x"])
    assert refused.exit_code == 2 and "只有管理员" in refused.output


def test_a_broken_file_is_reported_and_the_others_still_import(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    ledger = messy_workbook(tmp_path / "好文件.xlsx", [person(1, "H1", "户主", "王一", make_id(seq=11))])
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["ingest", "ledger", str(broken), str(ledger), "--report", str(report)])
    assert result.exit_code == 1
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert files[0]["error"] and "坏文件" in files[0]["error"]
    assert files[1]["counts"]["created"] == 1
