"""Importing worker ledgers end to end, on SQLite and PostgreSQL: what a site clerk would notice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import ingest.ledger as ledger_module
from ingest.ledger import FileReport, LedgerImport
from ingest.ledger_report import write_rejects
from models.batch import ImportProblem
from models.crypto import PersonalDataCipher
from models.history import WorkerChange
from models.household import Household
from models.site import SettlementSite
from models.taxonomy import default_taxonomy
from models.worker import Worker, WorkerCertificate, WorkerSkill
from tests.ingest.builders import break_check_digit, make_id, messy_workbook, person

IDS = [
    make_id(seq=101),
    make_id(birth="19870304", seq=202),
    make_id(birth="20100101", seq=303),
    make_id(birth="19700101", seq=405),
    make_id(birth="19720202", seq=506),
]


def _people() -> list[list[object]]:
    return [
        person(1, "WT001", "户主", "王建国", IDS[0]),
        person(2, "WT001", "配偶", "李秀英", IDS[1], {"就业状态": "未就业", "月收入（元）": None}),
        person(
            3,
            "WT001",
            "之子",
            "王小明",
            IDS[2],
            {"就业状态": "在校生", "劳动能力": "无劳动力", "技能特长": None, "持证情况": None, "月收入（元）": None},
        ),
        person(4, "WT002", "户主", "张桂兰", IDS[3], {"持证情况": "C1驾照、养老护理员证"}),
        person(5, "WT002", "之子", "赵强", IDS[4]),
    ]


def _import(
    session: Session, cipher: PersonalDataCipher, *paths: Path, as_of: dt.date | None = None, site: str | None = None
) -> list[FileReport]:
    run = LedgerImport(session, cipher, default_taxonomy(), actor="tester", as_of=as_of, default_site=site)
    reports = [run.import_file(p) for p in paths]
    session.commit()
    return reports


def test_messy_workbook_imports_people_households_and_details(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    path = messy_workbook(tmp_path / "幸福家园.xlsx", _people())
    (report,) = _import(session, cipher, path)
    assert report.counts["created"] == 5 and report.counts["rejected"] == 0
    assert report.as_of == dt.date(2024, 3, 1)
    assert [p.code for p in report.problems] == []
    site = session.scalars(select(SettlementSite)).one()
    assert "幸福家园" in site.name and site.county_adcode == "140922"
    households = {h.number: h.id for h in session.scalars(select(Household))}
    assert set(households) == {"WT001", "WT002"}
    members = session.execute(select(Worker.name, Worker.household_id)).all()
    # household numbers merged down the rows: the son belongs to the same household as the head
    assert dict(members)["王小明"] == households["WT001"]
    assert dict(members)["赵强"] == households["WT002"]
    wang = session.scalars(select(Worker).where(Worker.name == "王建国")).one()
    assert wang.sex == "male" and wang.birth_date == dt.date(1985, 6, 12)
    assert wang.employment_status == "county" and wang.monthly_income == 3000
    assert wang.extra == {"微信号": "wx1"}  # a column Anye has no field for is kept, not dropped
    assert wang.phone_mask == "138****0001"
    certs = set(session.scalars(select(WorkerCertificate.canonical_name).join(Worker).where(Worker.name == "张桂兰")))
    assert certs == {"机动车驾驶证C1", "养老护理员"}
    skills = session.scalars(select(WorkerSkill).where(WorkerSkill.worker_id == wang.id)).all()
    assert {s.source_text for s in skills} == {"电焊", "开车"}
    assert all(s.occupation_code for s in skills)
    mapped = {c["header"]: c["field"] for c in report.sheets[0]["columns"]}
    assert mapped["身份证号码"] == "id_number" and mapped["微信号"] is None
    assert any(s["sheet"] == "汇总" and not s["imported"] for s in report.sheets)


def test_bad_cells_are_reported_and_good_fields_kept(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    rows = _people()
    rows[1][5] = break_check_digit(IDS[1])  # 身份证号码: the person cannot be identified
    rows[3][6] = "1380000"  # 联系电话: too short; her other fields still count
    rows[4][7] = "不详x"  # 文化程度 outside the vocabulary
    path = messy_workbook(tmp_path / "ledger.xlsx", rows)
    (report,) = _import(session, cipher, path)
    assert report.counts["created"] == 4 and report.counts["rejected"] == 1
    by_code = {p.code: p for p in report.problems}
    assert set(by_code) == {"id_bad_checksum", "phone_invalid", "value_unknown"}
    bad_id = by_code["id_bad_checksum"]
    assert (bad_id.sheet, bad_id.row, bad_id.column) == ("一组", 6, "身份证号码")
    assert "校验位" in bad_id.reason and bad_id.value is not None and "*" in bad_id.value
    zhang = session.scalars(select(Worker).where(Worker.name == "张桂兰")).one()
    assert zhang.phone_enc is None and zhang.employment_status == "county"
    zhao = session.scalars(select(Worker).where(Worker.name == "赵强")).one()
    assert zhao.education is None and zhao.extra is not None and zhao.extra["文化程度"] == "不详x"
    stored = session.scalars(select(ImportProblem.code).order_by(ImportProblem.row)).all()
    assert stored == ["id_bad_checksum", "phone_invalid", "value_unknown"]
    rejects = tmp_path / "rejects.xlsx"
    assert write_rejects([report], rejects) == 1
    ws = load_workbook(rejects).worksheets[0]
    assert ws.cell(1, 1).value == "未导入原因" and ws.cell(2, 4).value == 6
    assert "校验位" in ws.cell(2, 1).value
    assert ws.cell(2, 5 + 5).value == break_check_digit(IDS[1])  # the row as it was, to fix and re-import


def test_same_file_twice_changes_nothing(session: Session, cipher: PersonalDataCipher, tmp_path: Path) -> None:
    path = messy_workbook(tmp_path / "ledger.xlsx", _people())
    _import(session, cipher, path)
    before = session.execute(select(Worker.id, Worker.updated_at, Worker.last_batch_id)).all()
    (again,) = _import(session, cipher, path)
    assert again.counts["created"] == 0 and again.counts["updated"] == 0 and again.counts["unchanged"] == 5
    assert session.execute(select(Worker.id, Worker.updated_at, Worker.last_batch_id)).all() == before
    assert session.scalar(select(func.count()).select_from(WorkerChange)) == 0
    assert session.scalar(select(func.count()).select_from(Household)) == 2


def test_newer_ledger_updates_and_records_changes_older_never_overwrites(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    march = messy_workbook(tmp_path / "march.xlsx", _people(), as_of="2024年3月")
    _import(session, cipher, march)
    rows = _people()
    rows[1][9] = "公益性岗位"  # the wife found a public-welfare post
    rows[1][6] = "13912345678"
    rows[0][12] = "叉车证、焊工证"
    june = messy_workbook(tmp_path / "june.xlsx", rows, as_of="2024年6月")
    (report,) = _import(session, cipher, june)
    assert report.counts["updated"] == 2 and report.counts["unchanged"] == 3
    li = session.scalars(select(Worker).where(Worker.name == "李秀英")).one()
    assert li.employment_status == "public_welfare" and li.phone_mask == "139****5678"
    changes = {c.field: c for c in session.scalars(select(WorkerChange).where(WorkerChange.worker_id == li.id))}
    assert changes["employment_status"].old_value == "unemployed"
    assert changes["employment_status"].new_value == "public_welfare"
    phone = changes["phone"]
    assert phone.encrypted and "13912345678" not in (phone.new_value or "")
    assert cipher.decrypt_text(phone.new_value or "") == "13912345678"
    assert changes["employment_status"].batch_id == report.batch_id and changes["phone"].actor == "tester"
    # An older ledger imported late must not undo June's news.
    (late,) = _import(session, cipher, march)
    assert late.counts["stale"] == 5 and late.counts["updated"] == 0
    session.refresh(li)
    assert li.employment_status == "public_welfare"


def test_same_person_in_two_sheets_is_one_worker(session: Session, cipher: PersonalDataCipher, tmp_path: Path) -> None:
    people = _people()
    again = [person(1, "WT001", "户主", "王建国", IDS[0]), person(2, "WT001", "配偶", "李秀花", IDS[1])]
    again[1][6] = people[1][6]
    path = messy_workbook(tmp_path / "two.xlsx", people, second_sheet=again)
    (report,) = _import(session, cipher, path)
    assert report.counts["created"] == 5
    codes = {(p.sheet, p.row): p.code for p in report.problems}
    assert codes == {("二组", 5): "duplicate_row", ("二组", 6): "duplicate_conflict"}
    conflict = next(p for p in report.problems if p.code == "duplicate_conflict")
    assert "姓名" in conflict.reason and "一组" in conflict.reason
    assert session.scalar(select(Worker.name).where(Worker.name.like("李秀%"))) == "李秀英"


def test_a_crash_mid_file_leaves_the_database_as_before_and_a_rerun_finishes(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = messy_workbook(tmp_path / "a.xlsx", _people()[:2])
    second = messy_workbook(tmp_path / "b.xlsx", _people()[2:])
    _import(session, cipher, first)
    monkeypatch.setattr(ledger_module, "_FLUSH_EVERY", 1)
    calls = {"n": 0}
    original = ledger_module.LedgerWriter.write

    def crash_on_second_flush(self: object, pending: list[object], batch_id: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the file
        original(self, pending, batch_id)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger_module.LedgerWriter, "write", crash_on_second_flush)
    run = LedgerImport(session, cipher, default_taxonomy())
    with pytest.raises(KeyboardInterrupt):
        run.import_file(second)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Worker)) == 2
    monkeypatch.setattr(ledger_module.LedgerWriter, "write", original)
    reports = _import(session, cipher, first, second)
    assert [r.counts["created"] for r in reports] == [0, 3]
    assert session.scalar(select(func.count()).select_from(Worker)) == 5


def test_no_plain_id_number_or_phone_is_stored(session: Session, cipher: PersonalDataCipher, tmp_path: Path) -> None:
    rows = _people()
    rows[0][5] = break_check_digit(IDS[0])
    _import(session, cipher, messy_workbook(tmp_path / "l.xlsx", rows))
    tables = ["worker", "import_problem", "worker_change", "household", "import_batch"]
    dump = " ".join(
        str(row)
        for t in tables
        for row in session.execute(text(f"SELECT * FROM {t}")).all()  # noqa: S608
    )
    for ident in IDS + [break_check_digit(IDS[0])]:
        assert ident not in dump
    assert "13800000002" not in dump


def test_gbk_csv_with_blank_below_households(session: Session, cipher: PersonalDataCipher, tmp_path: Path) -> None:
    lines = [
        "幸福家园安置点劳动力台账",
        "户号,与户主关系,姓名,身份证号,手机号码,安置点,务工状态",
        f"H9,户主,刘海,{IDS[3]},13800001111,幸福家园安置点,县内务工",
        f",妻子,马凤,{IDS[1].lower()},,幸福家园安置点,未就业",
        "合计,,2人,,,,",
    ]
    path = tmp_path / "台账.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    (report,) = _import(session, cipher, path, site=None)
    assert report.counts["created"] == 2, report.problems
    hh = session.execute(select(Worker.name, Household.number).join(Household)).all()
    assert sorted(hh) == [("刘海", "H9"), ("马凤", "H9")]


def test_site_left_blank_below_the_head_is_the_heads_site(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    lines = [
        "户号,与户主关系,姓名,身份证号,安置点",
        f"H1,户主,刘海,{IDS[3]},幸福家园安置点",
        f",妻子,马凤,{IDS[1]},",
        f"H2,户主,王建国,{IDS[0]},阳光新村安置区",
    ]
    path = tmp_path / "no_title.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    (report,) = _import(session, cipher, path)
    assert report.problems == [] and report.counts["created"] == 3
    stmt = (
        select(Worker.name, SettlementSite.name)
        .join(Household, Worker.household_id == Household.id)
        .join(SettlementSite, Household.site_id == SettlementSite.id)
    )
    rows = session.execute(stmt).all()
    assert sorted(rows) == [("刘海", "幸福家园安置点"), ("王建国", "阳光新村安置区"), ("马凤", "幸福家园安置点")]


def test_a_large_file_read_in_a_child_process_gives_the_same_result(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    rows = _people()
    rows[1][5] = break_check_digit(IDS[1])
    path = messy_workbook(tmp_path / "big.xlsx", rows)
    in_process = LedgerImport(session, cipher, default_taxonomy()).import_file(path)
    session.rollback()
    in_child = LedgerImport(session, cipher, default_taxonomy(), parallel_from_bytes=0).import_file(path)
    assert in_child.counts == in_process.counts and in_child.counts["created"] == 4
    assert in_child.problems == in_process.problems and in_child.sheets == in_process.sheets
    assert in_child.rejected_rows == in_process.rejected_rows
    assert session.scalar(select(func.count()).select_from(Worker)) == 4


def test_an_unreadable_file_read_in_a_child_process_is_reported(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook at all")
    report = LedgerImport(session, cipher, default_taxonomy(), parallel_from_bytes=0).import_file(path)
    assert report.error is not None and "broken.xlsx" in report.error
    assert [p.code for p in report.problems] == ["file_unreadable"]


def _csv(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_people_below_a_subtotal_or_the_totals_row_are_imported(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "subtotals.csv",
        [
            "幸福家园安置点台账",
            "户编号,与户主关系,姓名,身份证号",
            f"H1,户主,刘海,{IDS[3]}",
            "小计,,1人,",
            f"H2,户主,王建国,{IDS[0]}",
            "合计,,2人,",
            f"H3,户主,李秀英,{IDS[1]}",
            "填表说明：身份证号请填写18位。,,,",
        ],
    )
    (report,) = _import(session, cipher, path)
    assert report.counts["created"] == 3 and report.problems == []


def test_members_of_a_rejected_head_do_not_join_the_household_above(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "heads.csv",
        [
            "户编号,与户主关系,姓名,身份证号,安置点",
            f"H1,户主,刘海,{IDS[3]},幸福家园安置点",
            f"H2,户主,王建国,{break_check_digit(IDS[0])},幸福家园安置点",
            f",配偶,李秀英,{IDS[1]},幸福家园安置点",
        ],
    )
    (report,) = _import(session, cipher, path)
    assert {p.code for p in report.problems} == {"id_bad_checksum", "household_unknown"}
    households = dict(session.execute(select(Worker.name, Worker.household_id)).all())
    assert households["李秀英"] != households["刘海"]


def test_a_ledger_without_detail_columns_or_with_a_bad_phone_keeps_what_is_stored(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    _import(session, cipher, messy_workbook(tmp_path / "full.xlsx", _people(), as_of="2024年3月"))
    later = _csv(
        tmp_path,
        "status_only.csv",
        [
            "幸福家园安置点台账（填报日期：2024年6月）",
            "姓名,身份证号,联系电话,就业状态",
            f"王建国,{IDS[0]},1381234,省外务工",
        ],
    )
    (report,) = _import(session, cipher, later)
    assert report.counts["updated"] == 1 and [p.code for p in report.problems] == ["phone_invalid"]
    wang = session.scalars(select(Worker).where(Worker.name == "王建国")).one()
    assert wang.employment_status == "out_of_province" and wang.phone_mask == "138****0001"
    kept = set(session.scalars(select(WorkerSkill.source_text).where(WorkerSkill.worker_id == wang.id)))
    assert kept == {"电焊", "开车"}
    assert (
        session.scalar(
            select(func.count()).select_from(WorkerCertificate).where(WorkerCertificate.worker_id == wang.id)
        )
        == 1
    )
    (again,) = _import(session, cipher, later)
    assert again.counts["unchanged"] == 1 and again.counts["updated"] == 0


def test_personal_numbers_in_unknown_columns_are_encrypted_and_long_text_is_kept(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    employer = "某某" * 100  # longer than any fixed-width column
    path = _csv(
        tmp_path,
        "extra.csv",
        [
            "姓名,身份证号,户主身份证号,紧急联系人电话,务工单位,安置点",
            f"王建国,{IDS[0]},{IDS[3]},13911112222,{employer},幸福家园安置点",
        ],
    )
    (report,) = _import(session, cipher, path)
    assert report.counts["created"] == 1
    wang = session.scalars(select(Worker).where(Worker.name == "王建国")).one()
    assert wang.employer_name == employer
    assert wang.extra is not None and IDS[3] not in str(wang.extra) and "13911112222" not in str(wang.extra)
    assert {cipher.decrypt_text(v.removeprefix("enc:")) for v in wang.extra.values()} == {IDS[3], "13911112222"}
    (again,) = _import(session, cipher, path)
    assert again.counts["unchanged"] == 1


def test_a_status_sheet_without_households_keeps_each_workers_household(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    _import(session, cipher, messy_workbook(tmp_path / "full.xlsx", _people(), as_of="2024年3月"))
    households_before = session.scalar(select(func.count()).select_from(Household))
    before = dict(session.execute(select(Worker.name, Worker.household_id)).all())
    later = _csv(
        tmp_path, "status.csv", ["幸福家园安置点（2024年6月）", "姓名,身份证号,就业状态", f"王建国,{IDS[0]},省外务工"]
    )
    (report,) = _import(session, cipher, later)
    assert report.counts["updated"] == 1 and report.problems == []
    assert dict(session.execute(select(Worker.name, Worker.household_id)).all()) == before
    assert session.scalar(select(func.count()).select_from(Household)) == households_before


def test_a_corrected_rejects_workbook_imports_back(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    rows = _people()
    rows[1][5] = break_check_digit(IDS[1])
    (report,) = _import(session, cipher, messy_workbook(tmp_path / "ledger.xlsx", rows))
    rejects = tmp_path / "rejects.xlsx"
    write_rejects([report], rejects)
    wb = load_workbook(rejects)
    ws = wb.worksheets[0]
    id_column = 1 + [c.value for c in ws[1]].index("身份证号码")
    ws.cell(2, id_column).value = IDS[1]  # the clerk corrects the number
    wb.save(rejects)
    (again,) = _import(session, cipher, rejects, site="幸福家园安置点")
    assert again.counts["created"] == 1 and again.problems == []
    li = session.scalars(select(Worker).where(Worker.name == "李秀英")).one()
    assert li.extra == {"微信号": "wx2"}


def test_a_ledger_dated_only_in_its_file_name_takes_that_date(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "同心社区台账（2025年9月）.csv", ["姓名,身份证号,安置点", f"王建国,{IDS[0]},同心社区"])
    (report,) = _import(session, cipher, path)
    assert report.as_of == dt.date(2025, 9, 1)
    assert session.scalar(select(Worker.as_of)) == dt.date(2025, 9, 1)


def _household_ledger(path: Path, as_of: str, category: str) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([f"五台县幸福家园安置点劳动力台账（填报日期：{as_of}）"])
    ws.append(["序号", "户编号", "与户主关系", "姓名", "身份证号码", "户类型", "劳动能力"])
    ws.append([1, "WT009", "户主", "赵大山", IDS[0], category, "普通劳动力"])
    wb.save(path)
    return path


def test_an_older_ledger_never_overwrites_a_household(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    june = _household_ledger(tmp_path / "june.xlsx", "2024年6月", "监测户")
    march = _household_ledger(tmp_path / "march.xlsx", "2024年3月", "脱贫户")
    _import(session, cipher, june)
    household = session.scalars(select(Household).where(Household.number == "WT009")).one()
    assert (household.category, household.as_of) == ("monitored", dt.date(2024, 6, 1))
    _import(session, cipher, march)  # imported late: March must not undo June
    session.refresh(household)
    assert household.category == "monitored"
    september = _household_ledger(tmp_path / "september.xlsx", "2024年9月", "脱贫户")
    _import(session, cipher, september)
    session.refresh(household)
    assert (household.category, household.as_of) == ("lifted", dt.date(2024, 9, 1))
