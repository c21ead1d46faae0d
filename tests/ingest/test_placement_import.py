"""Past jobs from a workbook (``anye ingest placements``), on SQLite and PostgreSQL: each row a history match
with its events, bad rows reported with sheet, row, column, masked value and a Chinese reason, the same file
twice imported once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.demo.idnumber import make_id
from ingest.placement_import import PlacementImport, parse_separation_reason
from matcher.outcome import label_of
from models.batch import ImportProblem
from models.crypto import PersonalDataCipher
from models.match import Match, MatchEvent
from models.posting import Posting
from models.taxonomy import default_taxonomy
from models.worker import Worker
from tests.api.world import build_world

TODAY = dt.date(2026, 11, 28)
HEADER = ["序号", "姓名", "身份证号码", "用工单位", "工种", "入职时间", "离职时间", "月工资（元）", "离职原因", "备注"]


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "往期务工"
    ws.append(["幸福小区往期务工情况登记表"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_past_jobs_become_history_matches_and_bad_rows_are_reported(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    world = build_world(session, cipher, today=TODAY)
    wang, sun = world.people["wang_jianguo"], world.people["sun_lei"]
    stranger = make_id("140902", dt.date(1980, 5, 5), 77)
    bad_check = wang.id_number[:-1] + ("0" if wang.id_number[-1] != "0" else "1")
    path = _workbook(tmp_path / "past.xlsx", [
        [1, "王建国", wang.id_number, "忻州明达建筑有限公司", "钢筋工", "2023-03-01", "2023年11月15日", 4500,
         "工资太低了", "经人介绍"],
        [2, "孙磊", sun.id_number, "山西晋兴物流有限公司", "装卸工", "2024.01.10", None, "5千", None, None],
        [3, "王建国", bad_check, "忻州明达建筑有限公司", "钢筋工", "2022-03-01", "2022-09-01", 4000, "季节结束", None],
        [4, "外人", stranger, "忻州明达建筑有限公司", "小工", "2022-03-01", None, 3000, None, None],
        [5, "孙磊", sun.id_number, "山西晋兴物流有限公司", "装卸工", "2023-05-01", "2023-04-01", 4000, "离家远", None],
    ])  # fmt: skip
    importer = PlacementImport(session, cipher, default_taxonomy(), actor="importer", today=TODAY)
    report = importer.import_file(path)
    assert report.counts["created"] == 2 and report.counts["rejected"] == 3 and report.counts["rows"] == 5

    matches = {m.worker_id: m for m in session.scalars(select(Match).where(Match.source == "history"))}
    past, current = matches[wang.id], matches[sun.id]
    assert (past.stage, past.hired_on, past.separated_on) == ("separated", dt.date(2023, 3, 1), dt.date(2023, 11, 15))
    assert (past.separation_reason, past.wage) == ("工资低", Decimal(4500))
    assert (current.stage, current.separated_on, current.wage) == ("hired", None, Decimal(5000))
    events = session.scalars(select(MatchEvent).where(MatchEvent.match_id == past.id).order_by(MatchEvent.at)).all()
    assert [e.stage for e in events] == ["hired", "separated"]
    assert events[0].detail["extra"] == {"备注": "经人介绍"} and events[1].detail["reason_text"] == "工资太低了"
    # the ranking model reads the outcome from the match's dates: a hire that ended within 3 months or not
    assert label_of(past.stage, TODAY, past.hired_on, past.hired_on, past.separated_on, as_of=TODAY) == 1
    posting = session.get(Posting, past.posting_id)
    assert posting is not None and (posting.status, posting.title) == ("closed", "钢筋工")
    worker = session.get(Worker, wang.id)
    assert worker is not None and worker.employment_status == "county"  # the ledger's, not changed

    problems = session.scalars(select(ImportProblem).where(ImportProblem.batch_id == report.batch_id)).all()
    found = {(p.row, p.column, p.code, p.rejected) for p in problems}
    assert (5, "身份证号码", "id_bad_checksum", True) in found
    assert (6, "身份证号码", "person_unknown", True) in found
    assert (7, "离职时间", "dates_reversed", True) in found
    assert (3, "离职原因", "value_assumed", False) in found
    assert all(p.sheet == "往期务工" and p.reason for p in problems)
    assert {p.value for p in problems if p.code in ("id_bad_checksum", "person_unknown")} == {
        bad_check[:4] + "*" * 10 + bad_check[-4:], stranger[:4] + "*" * 10 + stranger[-4:]}  # fmt: skip
    assert not any(wang.id_number in str(p.value) or stranger in str(p.value) for p in problems)
    assert [r.row for r in report.rejected_rows] == [5, 6, 7]

    again = PlacementImport(session, cipher, default_taxonomy(), actor="importer", today=TODAY).import_file(path)
    assert (again.counts["created"], again.counts["unchanged"]) == (0, 2)
    assert len(session.scalars(select(Match).where(Match.source == "history")).all()) == 2


def test_reasons_for_leaving_are_read_into_the_vocabulary() -> None:
    assert parse_separation_reason("合同到期").value == "合同到期"
    assert parse_separation_reason(None).value is None
    assumed = parse_separation_reason("家里老人需要照顾")
    assert (assumed.value, assumed.code) == ("照顾家庭", "value_assumed")
    assert parse_separation_reason("说不清").value == "其他"
