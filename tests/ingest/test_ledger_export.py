"""The ledger export: the county layout, masked by default, full IDs for administrators only, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.ledger import LedgerImport
from ingest.ledger_export import export_ledger
from models.audit import Actor, AuditEvent
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput, NotAllowed
from models.taxonomy import default_taxonomy
from models.worker import Worker
from tests.ingest.builders import make_id, messy_workbook, person

IDS = [make_id(seq=101), make_id(birth="19870304", seq=202), make_id(birth="19700101", seq=405)]


@pytest.fixture
def imported(session: Session, cipher: PersonalDataCipher, tmp_path: Path) -> Path:
    rows = [
        person(1, "WT001", "户主", "王建国", IDS[0]),
        person(2, "WT001", "配偶", "李秀英", IDS[1]),
        person(3, "WT002", "户主", "张桂兰", IDS[2], {"持证情况": "C1驾照"}),
    ]
    path = messy_workbook(tmp_path / "in.xlsx", rows)
    LedgerImport(session, cipher, default_taxonomy()).import_file(path)
    session.commit()
    return path


def _rows(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    header = values[2]
    return [dict(zip(header, row, strict=True)) for row in values[3:]]


def test_export_is_masked_by_default_and_recorded(
    session: Session, cipher: PersonalDataCipher, imported: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    n = export_ledger(session, cipher, out, actor=Actor("小王", "broker"))
    assert n == 3
    rows = _rows(out)
    wang = next(r for r in rows if r["姓名"] == "王建国")
    assert wang["身份证号"] == IDS[0][:4] + "**********" + IDS[0][-4:]
    assert wang["联系电话"] == "138****0001"
    assert wang["户编号"] == "WT001" and wang["性别"] == "男" and wang["文化程度"] == "初中"
    assert wang["就业状态"] == "县内务工" and wang["技能特长"] == "电焊、开车"
    worker_id = session.scalar(select(Worker.id).where(Worker.name == "王建国"))
    assert wang["安业编号"] == worker_id
    event = session.scalars(select(AuditEvent)).one()
    assert (event.actor, event.action, event.detail) == (
        "小王",
        "export_ledger",
        {"persons": 3, "full_ids": False, "file": "out.xlsx"},
    )
    assert all(ident not in str(rows) for ident in IDS)


def test_full_ids_only_for_an_administrator_with_a_reason(
    session: Session, cipher: PersonalDataCipher, imported: Path, tmp_path: Path
) -> None:
    out = tmp_path / "full.xlsx"
    with pytest.raises(NotAllowed, match="只有管理员"):
        export_ledger(session, cipher, out, actor=Actor("小王", "broker"), full_ids=True, reason="报送")
    with pytest.raises(InvalidInput, match="用途"):
        export_ledger(session, cipher, out, actor=Actor("李科长", "admin"), full_ids=True)
    assert not out.exists()
    export_ledger(session, cipher, out, actor=Actor("李科长", "admin"), full_ids=True, reason="月度报送")
    assert {r["身份证号"] for r in _rows(out)} == set(IDS)
    event = session.scalars(select(AuditEvent)).one()
    assert event.reason == "月度报送" and event.detail is not None and event.detail["full_ids"] is True


def test_a_full_export_imports_back_without_any_change(
    session: Session, cipher: PersonalDataCipher, imported: Path, tmp_path: Path
) -> None:
    out = tmp_path / "full.xlsx"
    export_ledger(session, cipher, out, actor=Actor("李科长", "admin"), full_ids=True, reason="核对")
    report = LedgerImport(session, cipher, default_taxonomy()).import_file(out)
    assert report.problems == []
    assert report.counts["unchanged"] == 3 and report.counts["updated"] == 0 and report.counts["created"] == 0
