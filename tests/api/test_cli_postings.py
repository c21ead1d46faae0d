"""The ``anye`` commands of openings as staff use them: import a postings sheet, paste ads, parse an ad,
open, pause and close postings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def _sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "岗位名称", "招聘人数", "薪资待遇", "截止日期"])
    ws.append(["忻州市恒达电子有限公司", "普工", 20, "4000-5500", "2099-12-31"])
    ws.append(["", "保安员", 2, "3000", "2099-12-31"])
    wb.save(path)
    return path


def test_import_a_sheet_then_manage_the_postings(env: None, tmp_path: Path) -> None:
    report, rejects = tmp_path / "r.json", tmp_path / "rejects.xlsx"
    args = ["ingest", "postings", str(_sheet(tmp_path / "岗位.xlsx")), "--report", str(report), "--rejects"]
    result = runner.invoke(app, [*args, str(rejects)])
    assert result.exit_code == 0, result.output
    assert "岗位导入结果" in result.output
    totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
    assert (totals["created"], totals["opened"], totals["rejected"]) == (1, 1, 1)
    assert "招聘中" in runner.invoke(app, ["postings", "list"]).output
    assert "暂停" in runner.invoke(app, ["postings", "pause", "1"]).output
    assert "已关闭" in runner.invoke(app, ["postings", "close", "1"]).output
    refused = runner.invoke(app, ["postings", "open", "1"])
    assert refused.exit_code == 2 and "不能改为" in refused.output
    missing = runner.invoke(app, ["postings", "open", "99"])
    assert missing.exit_code == 2 and "找不到" in missing.output


def test_pasted_ads_become_drafts_with_evidence(env: None, tmp_path: Path) -> None:
    ads = tmp_path / "ads.jsonl"
    lines = [
        {"id": "a1", "employer": "岢岚县红芸豆种植专业合作社", "text": "招采摘工10名，日结150元，55岁以下，管午饭。"},
        {"id": "a2", "employer": "某劳务公司"},
    ]
    ads.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    result = runner.invoke(app, ["ingest", "ads", str(ads)])
    assert result.exit_code == 0, result.output
    assert "新建草稿 1 个" in result.output and "无法读取的行 1 行" in result.output
    assert "草稿" in runner.invoke(app, ["postings", "list", "--status", "draft"]).output


def test_parse_posting_reads_text_and_jsonl() -> None:
    one = runner.invoke(app, ["parse-posting", "招聘保洁员3名，月薪2200元，55岁以下"])
    assert one.exit_code == 0
    parsed = json.loads(one.output)
    assert (parsed["headcount"], parsed["salary_min"], parsed["age_max"]) == (3, 2200, 55)
    lines = '{"id": "x1", "text": "日结200元"}\nnot json\n'
    many = runner.invoke(app, ["parse-posting", "--jsonl", "-"], input=lines)
    out = [json.loads(line) for line in many.output.splitlines()]
    assert out[0]["id"] == "x1" and out[0]["salary_period"] == "day"
    assert "error" in out[1]
