"""Postings from spreadsheets, on SQLite and PostgreSQL: header spellings, cell normalisation, problems
that keep the rest of the row, rejected rows, repeats recognised, complete postings opened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.ledger_report import write_rejects
from ingest.posting_cell import parse_age_range, parse_meals_housing, parse_pay, parse_public_welfare_category
from ingest.posting_import import PostingImport
from models.batch import ImportProblem
from models.employer import Employer
from models.posting import Posting
from models.posting_repository import PostingRepository
from models.taxonomy import default_taxonomy

TODAY = dt.date(2026, 11, 28)
HEADER = [
    "序号", "单位名称", "统一社会信用代码", "岗位名称", "招聘人数", "薪资待遇", "年龄要求", "学历要求",
    "证书要求", "食宿", "工作地点", "用工形式", "公益性岗位类别", "资金来源", "截止日期", "岗位描述", "对接人微信",
]  # fmt: skip


def _row(**kw: Any) -> list[Any]:
    base: dict[str, Any] = {
        "序号": 1,
        "单位名称": "忻州市恒达电子有限公司",
        "统一社会信用代码": "91350100M000100Y43",
        "岗位名称": "普工",
        "招聘人数": "20人",
        "薪资待遇": "4000-5500元/月",
        "年龄要求": "18-45周岁",
        "学历要求": "初中及以上",
        "证书要求": "",
        "食宿": "包吃住",
        "工作地点": "忻府区经济开发区",
        "用工形式": "全职",
        "公益性岗位类别": "",
        "资金来源": "",
        "截止日期": "2026-12-31",
        "岗位描述": "电子元件组装，两班倒。",
        "对接人微信": "hengda2026",
    }
    base.update(kw)
    return [base[h] for h in HEADER]


def _workbook(path: Path, rows: list[list[Any]], *, title: str | None = "2026年12月岗位需求汇总表") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    ws.append(["合计", None, None, None, 999])
    wb.save(path)
    return path


def _import(session: Session, path: Path) -> Any:
    return PostingImport(session, default_taxonomy(), actor="tester", today=TODAY).import_file(path)


def _postings(session: Session) -> list[Posting]:
    return list(session.scalars(select(Posting).order_by(Posting.id)))


def test_a_clean_sheet_becomes_open_postings_with_normalised_values(session: Session, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "岗位.xlsx", [_row(), _row(序号=2, 岗位名称="叉车司机", 招聘人数=2, 证书要求="叉车证")])
    report = _import(session, path)
    assert report.counts["created"] == 2 and report.counts["opened"] == 2 and report.counts["rejected"] == 0
    first, forklift = _postings(session)
    assert (first.headcount, first.pay_min, first.pay_max, first.pay_period) == (20, 4000, 5500, "month")
    assert (first.age_min, first.age_max, first.education_min) == (18, 45, "junior")
    assert (first.meals, first.housing, first.job_kind, first.status) == (True, True, "full_time", "open")
    assert first.deadline == dt.date(2026, 12, 31) and first.work_adcode == "140902"
    assert first.description is not None and "对接人微信：hengda2026" in first.description  # nothing lost
    assert forklift.certificates_required == ["叉车司机"]
    assert session.scalars(select(Employer)).one().credit_code == "91350100M000100Y43"


def test_a_bad_credit_code_is_a_problem_and_the_posting_still_goes_in(session: Session, tmp_path: Path) -> None:
    report = _import(session, _workbook(tmp_path / "a.xlsx", [_row(统一社会信用代码="91350100M000100Y44")]))
    assert [p.code for p in report.problems] == ["credit_code_bad_checksum"]
    assert report.problems[0].row == 3 and report.problems[0].column == "统一社会信用代码"
    assert report.counts["created"] == 1
    assert session.scalars(select(Employer)).one().credit_code is None


def test_rows_without_employer_or_title_are_rejected_and_written_for_correction(
    session: Session, tmp_path: Path
) -> None:
    rows = [_row(), _row(序号=2, 单位名称=""), _row(序号=3, 岗位名称="", 岗位描述="")]
    report = _import(session, _workbook(tmp_path / "b.xlsx", rows))
    assert report.counts["rejected"] == 2 and report.counts["created"] == 1
    assert {p.code for p in report.problems} == {"employer_missing", "title_missing"}
    assert write_rejects([report], tmp_path / "rejects.xlsx") == 2


def test_a_salary_written_as_text_and_unreadable_cells_keep_the_row(session: Session, tmp_path: Path) -> None:
    rows = [_row(薪资待遇="三千到四千", 年龄要求="年轻力壮", 截止日期="下个月")]
    report = _import(session, _workbook(tmp_path / "c.xlsx", rows))
    codes = sorted(p.code for p in report.problems)
    assert codes == ["age_invalid", "date_invalid", "pay_invalid"]
    posting = _postings(session)[0]
    assert posting.pay_min is None and posting.status == "draft"  # no pay: stays a draft for staff
    assert report.counts["drafts"] == 1


def test_a_refused_range_drops_only_that_value(session: Session, tmp_path: Path) -> None:
    report = _import(session, _workbook(tmp_path / "d.xlsx", [_row(年龄要求="14-20岁")]))
    assert [p.code for p in report.problems] == ["value_refused"]
    assert report.problems[0].column == "年龄要求"
    posting = _postings(session)[0]
    assert (posting.age_min, posting.age_max, posting.headcount) == (None, None, 20)


def test_the_same_file_twice_and_a_small_repost_do_not_duplicate(session: Session, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "e.xlsx", [_row()])
    _import(session, path)
    again = _import(session, path)
    assert again.counts["updated"] == 1 and again.counts["created"] == 0
    repost = _import(session, _workbook(tmp_path / "f.xlsx", [_row(岗位名称="普工（急招）", 薪资待遇="4200-5500")]))
    assert repost.counts["updated"] == 1
    (posting,) = _postings(session)
    assert posting.pay_min == Decimal(4200)
    assert any(p.code == "posting_repeated" for p in repost.problems)


def test_public_welfare_posts_carry_their_terms(session: Session, tmp_path: Path) -> None:
    row = _row(
        单位名称="五台县东冶镇人民政府",
        统一社会信用代码="",
        岗位名称="保洁员",
        招聘人数=6,
        薪资待遇=1000,
        公益性岗位类别="保洁",
        资金来源="光伏收益",
        食宿="",
    )
    _import(session, _workbook(tmp_path / "g.xlsx", [row]))
    employer = session.scalars(select(Employer)).one()
    assert employer.kind == "public_body"
    posting = session.scalars(select(Posting)).one()
    session.expire_all()
    loaded = PostingRepository(session).posting(posting.id)
    assert loaded.public_welfare is not None
    assert (loaded.public_welfare.category, loaded.public_welfare.photovoltaic_funded) == ("cleaning", True)
    assert loaded.unsure is not None and "pay_period" in loaded.unsure  # a bare 1000: monthly, to confirm


def test_problems_are_stored_with_the_batch(session: Session, tmp_path: Path) -> None:
    report = _import(session, _workbook(tmp_path / "h.xlsx", [_row(统一社会信用代码="123")]))
    stored = session.scalars(select(ImportProblem).where(ImportProblem.batch_id == report.batch_id)).all()
    assert [p.code for p in stored] == ["credit_code_bad_format"]


def test_a_csv_without_title_row_and_other_spellings(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "岗位.csv"
    lines = [
        "用人单位,岗位,人数,工资,年龄,包吃,包住,用工类型",
        "岢岚县红芸豆种植专业合作社,采摘工,若干,150元/天,55岁以下,是,否,季节性",
    ]
    path.write_text("\n".join(lines), encoding="gb18030")
    report = _import(session, path)
    assert report.counts["created"] == 1 and report.counts["drafts"] == 1  # 若干: a person states the number
    posting = _postings(session)[0]
    assert (posting.pay_min, posting.pay_period, posting.age_max) == (150, "day", 55)
    assert (posting.meals, posting.housing, posting.job_kind) == (True, False, "seasonal")
    assert session.scalars(select(Employer)).one().kind == "cooperative"


def test_an_unreadable_file_is_reported_not_raised(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    report = _import(session, path)
    assert report.error and report.problems[0].code == "file_unreadable"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("3000-4000", (3000, 4000, None)),
        ("4-6千", (4000, 6000, None)),
        ("3k-5k", (3000, 5000, None)),
        ("6000一9000元/月", (6000, 9000, "month")),
        ("1.5万", (15000, 15000, None)),
        ("150元/天", (150, 150, "day")),
        ("时薪18元", (18, 18, "hour")),
        ("0.5元/件", (Decimal("0.5"), Decimal("0.5"), "piece")),
        ("8000以上", (8000, None, None)),
        ("年薪6万", (60000, 60000, "year")),
        ("三千五", (3500, 3500, None)),
    ],
)
def test_pay_cells(cell: str, expected: tuple[Any, Any, Any]) -> None:
    assert parse_pay(cell).value == expected


def test_other_cells() -> None:
    assert parse_age_range("男50女45").value == (None, 50)
    assert parse_age_range("45岁以下").value == (None, 45)
    assert parse_meals_housing("包住不包吃").value == (False, True)
    assert parse_meals_housing("食宿自理").value == (False, False)
    assert parse_public_welfare_category("乡村快递收发").value == "parcels"
    assert parse_pay("面议").value is None and parse_pay("面议").code is None
