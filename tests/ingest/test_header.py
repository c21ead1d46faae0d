"""Finding the person table in ledgers laid out the many ways sites lay them out."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
import xlwt

from ingest.fields import LEDGER_FIELDS
from ingest.header import Table, describe_mapping, locate_table
from ingest.workbook import Cell, Sheet, read_workbook

ID1 = "140922198506121234"
ID2 = "140922198708150021"
TITLE = "五台县幸福家园安置点易地扶贫搬迁劳动力就业情况台账"
FILL_IN = "填报单位：东冶镇（盖章）  填报人：张三  联系电话：0350-1234567  填报日期：2024年3月"


def _sheet(rows: list[list[Cell]], merged: list[tuple[int, int, int, int]] | None = None, name: str = "一组") -> Sheet:
    width = max(len(r) for r in rows)
    return Sheet(name, False, [r + [None] * (width - len(r)) for r in rows], merged or [])


def _located(rows: list[list[Cell]], merged: list[tuple[int, int, int, int]] | None = None) -> Table:
    table = locate_table(_sheet(rows, merged))
    assert table is not None
    return table


def _fields(table: Table) -> dict[str, str | None]:
    return {c.header: c.field for c in table.columns if c.header}


# --- spellings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("户号", "household_number"),
        ("家庭编号", "household_number"),
        ("户码", "household_number"),
        ("公民身份号码", "id_number"),
        ("证件号码", "id_number"),
        ("身份证号码（18位）", "id_number"),
        ("手机号码", "phone"),
        ("联系电话\n(必填)", "phone"),
        ("联系方式", "phone"),
        ("出生年月", "birth_date"),
        ("安置小区", "site"),
        ("安置地点", "site"),
        ("原居住地", "origin"),
        ("迁出村", "origin_village"),
        ("迁出地（乡镇）", "origin_town"),
        ("学历", "education"),
        ("受教育程度", "education"),
        ("劳力状况", "labour_capacity"),
        ("劳动力类型", "labour_capacity"),
        ("身体状况", "health"),
        ("务工状态", "employment_status"),
        ("是否就业", "employment_status"),
        ("就业地点", "employment_place"),
        ("工作单位", "employer_name"),
        ("务工时间（月）", "months_worked"),
        ("务工月数", "months_worked"),
        ("月收入（元）", "monthly_income"),
        ("收入（元/月）", "monthly_income"),
        ("月均收入", "monthly_income"),
        ("是否有就业意愿", "wish_employment"),
        ("希望从事工种", "wish_job"),
        ("就业意向工种", "wish_job"),
        ("期望就业地区", "wish_place"),
        ("期望工资", "wish_wage"),
        ("期望月薪（元）", "wish_wage"),
        ("掌握技能", "skills"),
        ("特长", "skills"),
        ("职业资格证书", "certificates"),
        ("证书名称", "certificates"),
        ("培训需求", "training_wish"),
        ("培训工种", "training_trade"),
        ("是否取证", "training_certified"),
        ("未就业原因分析", "not_working_reason"),
        ("帮扶举措", "assistance"),
        ("备 注", "remarks"),
        ("脱贫属性", "household_category"),
        ("户属性", "household_category"),
        ("是否脱贫户", "is_lifted"),
        ("是否监测对象", "is_monitored"),
        ("户人口数", "household_size"),
        ("与户主关系（称谓）", "relation"),
        ("户主", "head_name"),
        ("*姓　名", "name"),
        ("编号", "seq"),
        ("家庭人口总数", "household_size"),  # not a listed spelling: a near match (91)
        ("联系电话号", "phone"),  # a near match too
    ],
)
def test_header_spellings_map_to_their_field(header: str, field: str) -> None:
    others = {"name": ["户主姓名", "身份证号"], "id_number": ["姓名", "性别"]}.get(field, ["姓名", "身份证号"])
    table = _located([[*others, header], ["王建国", ID1, "x"]])

    assert table.field_columns()[field] == 2


def test_every_field_has_spellings_and_no_spelling_means_two_fields() -> None:
    text = resources.files("ingest").joinpath("data/ledger_columns.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    owners: dict[str, set[str]] = {}
    for row in rows:
        owners.setdefault(row["synonym"], set()).add(row["field"])

    assert {row["field"] for row in rows} == set(LEDGER_FIELDS)
    assert {s: f for s, f in owners.items() if len(f) > 1} == {}


def test_every_field_label_is_understood() -> None:
    # The export writes these labels; importing an exported ledger must map every column back.
    header: list[Cell] = list(LEDGER_FIELDS.values())
    table = _located([header, ["x"] * len(header)])

    assert table.field_columns() == {f: i for i, f in enumerate(LEDGER_FIELDS)}


# --- ambiguities -----------------------------------------------------------------------------------


def test_head_of_household_name_is_not_the_worker_name() -> None:
    both = _located([["户主姓名", "姓名", "身份证号"], ["王建国", "李秀英", ID2]])
    head_only = _located([["户主姓名", "身份证号", "联系电话"], ["王建国", ID1, "13812345678"]])

    assert both.field_columns() == {"head_name": 0, "name": 1, "id_number": 2}
    assert "name" not in head_only.field_columns()


def test_head_of_household_id_and_phone_are_not_taken_for_the_worker() -> None:
    table = _located([["姓名", "户主身份证号", "户主联系电话", "身份证号"], ["李秀英", ID1, "13812345678", ID2]])

    assert table.field_columns() == {"name": 0, "id_number": 3}
    assert _fields(table)["户主联系电话"] is None


def test_birth_date_is_not_training_date() -> None:
    table = _located([["姓名", "身份证号", "出生日期", "培训时间"], ["王建国", ID1, "1985.06.12", "2023.5"]])

    assert table.field_columns()["birth_date"] == 2
    assert table.field_columns()["training_date"] == 3


def test_second_column_for_one_field_is_kept_unmapped() -> None:
    table = _located([["姓名", "身份证号", "联系电话", "手机号码"], ["王建国", ID1, "0350-1234567", "13812345678"]])

    assert table.field_columns()["phone"] == 2
    assert table.columns[3].header == "手机号码" and table.columns[3].field is None
    assert describe_mapping(table)[3]["label"] == "未识别（原值保留）"


# --- two-row headers -------------------------------------------------------------------------------


def _split_header() -> tuple[list[list[Cell]], list[tuple[int, int, int, int]]]:
    """Names on two rows: most merged down, groups merged across (迁出地 over 乡镇 | 村 ...)."""
    rows: list[list[Cell]] = [
        [TITLE] + [None] * 11,
        [
            "序号",
            "姓名",
            "身份证号",
            "出生日期",
            "迁出地",
            None,
            "就业情况",
            None,
            "已参加培训",
            None,
            None,
            "帮扶措施",
        ],
        [None, None, None, None, "乡镇", "村", "就业状态", "月收入", "工种", "时间", "是否取证", None],
        [
            1,
            "王建国",
            ID1,
            "1985-06-12",
            "东冶镇",
            "五级村",
            "县内务工",
            3000,
            "电焊",
            "2023.5",
            "是",
            "岗位推荐",
        ],
    ]
    merged = [
        (0, 0, 0, 11),
        (1, 0, 2, 0),
        (1, 1, 2, 1),
        (1, 2, 2, 2),
        (1, 3, 2, 3),
        (1, 4, 1, 5),
        (1, 6, 1, 7),
        (1, 8, 1, 10),
        (1, 11, 2, 11),
    ]
    return rows, merged


def test_names_split_over_two_rows_are_read_with_their_groups() -> None:
    table = _located(*_split_header())

    assert table.header_rows == (1, 2)
    assert table.first_data_row == 3
    assert _fields(table) == {
        "序号": "seq",
        "姓名": "name",
        "身份证号": "id_number",
        "出生日期": "birth_date",
        "迁出地/乡镇": "origin_town",
        "迁出地/村": "origin_village",
        "就业状态": "employment_status",
        "月收入": "monthly_income",
        "已参加培训/工种": "training_trade",
        "已参加培训/时间": "training_date",
        "已参加培训/是否取证": "training_certified",
        "帮扶措施": "assistance",
    }


def test_group_row_above_the_names_is_part_of_the_header() -> None:
    rows: list[list[Cell]] = [
        [TITLE] + [None] * 8,
        [FILL_IN] + [None] * 8,
        ["基本信息", None, None, None, "就业情况", None, "培训情况", None, "帮扶措施"],
        [
            "序号",
            "姓名",
            "身份证号码",
            "联系电话",
            "务工状态",
            "务工地点",
            "培训意愿",
            "技能特长",
            "帮扶举措",
        ],
        ["1", "王建国", ID1, "13812345678", "省外务工", "北京", "是", "电焊", "岗位推荐"],
    ]
    table = _located(rows, [(0, 0, 0, 8), (1, 0, 1, 8), (2, 0, 2, 3), (2, 4, 2, 5), (2, 6, 2, 7)])

    assert table.header_rows == (2, 3)
    assert table.first_data_row == 4
    assert table.title_lines == [TITLE, " ".join(FILL_IN.split())]
    # Unambiguous names are shown alone, as staff read them.
    assert [c.header for c in table.columns][:3] == ["序号", "姓名", "身份证号码"]
    assert table.field_columns()["employment_place"] == 5
    assert table.field_columns()["assistance"] == 8


def test_unmerged_group_label_carries_over_the_blank_cells_right_of_it() -> None:
    rows: list[list[Cell]] = [
        ["序号", "姓名", "身份证号", "迁出地", None, "求职意向", None, None, "备注"],
        [None, None, None, "乡(镇)", "村", "工种", "地点", "月薪", None],
        ["1", "王建国", ID1, "东冶镇", "五级村", "保安", "县内", "3000", None],
    ]
    table = _located(rows)

    assert table.header_rows == (0, 1)
    assert _fields(table) == {
        "序号": "seq",
        "姓名": "name",
        "身份证号": "id_number",
        "迁出地/乡(镇)": "origin_town",
        "迁出地/村": "origin_village",
        "求职意向/工种": "wish_job",
        "求职意向/地点": "wish_place",
        "求职意向/月薪": "wish_wage",
        "备注": "remarks",
    }


def test_title_and_fill_in_line_are_not_taken_for_a_group_row() -> None:
    rows: list[list[Cell]] = [
        [TITLE, None, None, None],
        ["填报单位", "东冶镇", "填报人", "张三"],
        ["姓名", "身份证号", "联系电话", "备注"],
        ["王建国", ID1, "13812345678", None],
    ]
    table = _located(rows, [(0, 0, 0, 3)])

    assert table.header_rows == (2,)
    assert [c.header for c in table.columns] == ["姓名", "身份证号", "联系电话", "备注"]


# --- where the data is -----------------------------------------------------------------------------


@pytest.mark.parametrize("numbers", [[1, 2, 3, 4], ["(1)", "(2)", "(3)", "(4)"], ["①", "②", "③", "④"]])
def test_row_of_column_numbers_under_the_header_is_skipped(numbers: list[Cell]) -> None:
    table = _located([["序号", "姓名", "身份证号", "联系电话"], numbers, [1, "王建国", ID1, "13812345678"]])

    assert table.first_data_row == 2


def test_row_of_units_under_the_header_is_part_of_the_header() -> None:
    table = _located(
        [["姓名", "身份证号", "月收入", "务工时间"], [None, None, "（元）", "(月)"], ["王建国", ID1, 3000, 6]]
    )

    assert (table.header_rows, table.first_data_row) == ((0, 1), 2)
    assert table.field_columns() == {"name": 0, "id_number": 1, "monthly_income": 2, "months_worked": 3}


def test_first_person_is_not_taken_for_column_numbers() -> None:
    table = _located([["序号", "户编号", "家庭人口数", "姓名", "身份证号"], [1, 2, 3, "王建国", ID1]])

    assert table.first_data_row == 1


@pytest.mark.parametrize(
    "stop", ["合计", "小 计", "总计：3人", "填表说明：1. 身份证号填写18位", "说明：", "审核人：李四"]
)
def test_table_ends_at_totals_or_notes(stop: str) -> None:
    rows: list[list[Cell]] = [
        ["序号", "姓名", "身份证号"],
        [1, "王建国", ID1],
        [None, None, None],
        [2, "李秀英", ID2],
        [None, stop, None],
        ["注：本表一式两份", None, None],
    ]

    assert _located(rows).end_row == 4


def test_table_without_totals_ends_after_the_last_filled_row() -> None:
    rows: list[list[Cell]] = [
        ["姓名", "身份证号"],
        ["王建国", ID1],
        [None, None],
        ["李秀英", ID2],
        [None, None],
    ]

    table = _located(rows)

    assert (table.first_data_row, table.end_row) == (1, 4)


def test_household_cells_merged_down_do_not_disturb_the_table() -> None:
    rows: list[list[Cell]] = [
        ["户编号", "与户主关系", "姓名", "身份证号"],
        ["WT001", "户主", "王建国", ID1],
        [None, "配偶", "李秀英", ID2],
        ["WT002", "户主", "赵三", "140922197001010012"],
    ]
    table = _located(rows, [(1, 0, 2, 0)])

    assert (table.header_rows, table.first_data_row, table.end_row) == ((0,), 1, 4)


def test_table_may_start_anywhere_in_the_first_rows() -> None:
    rows: list[list[Cell]] = [[None] * 5 for _ in range(12)]
    rows += [[None, "姓名", "身份证号", None, "文化程度"], [None, "王建国", ID1, None, "初中"]]

    table = _located(rows)

    assert table.header_rows == (12,)
    # columns[i].index == i: the importer reads row[i] for columns[i]; a blank header is "".
    assert [(c.index, c.header, c.field) for c in table.columns] == [
        (0, "", None),
        (1, "姓名", "name"),
        (2, "身份证号", "id_number"),
        (3, "", None),
        (4, "文化程度", "education"),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [["乡镇", "户数", "人数", "已就业人数", "联系电话"], ["东冶镇", 120, 356, 201, "0350-1"]],
            id="汇总",
        ),
        pytest.param(
            [["性别", "文化程度", "劳动能力", "就业状态"], ["男", "小学", "普通劳动力", "未就业"]],
            id="dropdowns",
        ),
        pytest.param([["填表说明"], ["1. 姓名、身份证号为必填项。"], ["2. 联系电话填写本人手机。"]], id="instructions"),
        pytest.param([[None]], id="empty"),
    ],
)
def test_sheet_without_a_person_table_has_none(rows: list[list[Cell]]) -> None:
    assert locate_table(_sheet(rows)) is None


# --- the title: date and place ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("titles", "as_of"),
    [
        ([TITLE, FILL_IN], dt.date(2024, 3, 1)),
        (["幸福家园安置点劳动力台账（2024年3月）"], dt.date(2024, 3, 1)),
        (["２０２４年３月１５日 劳动力台账"], dt.date(2024, 3, 15)),
        (["2023年度劳动力台账 2023年12月制", "填报日期：2024.01.05"], dt.date(2024, 1, 5)),
        (["劳动力台账", "统计截至2024-06-30"], dt.date(2024, 6, 30)),
        (["劳动力台账", "填报日期：    年  月  日"], None),
    ],
)
def test_as_of_comes_from_the_title_lines(titles: list[str], as_of: dt.date | None) -> None:
    rows: list[list[Cell]] = [[t, None] for t in titles]
    rows += [["姓名", "身份证号"], ["王建国", ID1]]

    assert _located(rows).as_of == as_of


def test_as_of_falls_back_to_a_month_in_the_sheet_name() -> None:
    table = locate_table(_sheet([["姓名", "身份证号"], ["王建国", ID1]], name="2024年5月"))

    assert table is not None and table.as_of == dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("title", "site", "county"),
    [
        (TITLE, "幸福家园安置点", "五台县"),
        ("忻州市五台县城南安置小区劳动力台账", "城南安置小区", "五台县"),
        ("山西省忻州市原平市阳光社区搬迁劳动力花名册", "阳光社区", "原平市"),
        ("东冶镇移民新村易地扶贫搬迁劳动力台账", "东冶镇移民新村", None),
        ("忻府区城区安置点劳动力台账", "城区安置点", "忻府区"),
        ("2024年 五台县 劳动力就业情况统计表", None, "五台县"),
    ],
)
def test_site_and_county_come_from_the_title(title: str, site: str | None, county: str | None) -> None:
    table = _located([[title, None], ["姓名", "身份证号"], ["王建国", ID1]])

    assert (table.site_hint, table.county_hint) == (site, county)


def test_describe_mapping_gives_letters_headers_and_labels() -> None:
    gap: list[Cell] = [None] * 24
    table = _located([["姓名", "身份证号", *gap, "微信号", "月收入（元）"], ["王建国", ID1, *gap, "wx1", 3000]])

    report = describe_mapping(table)

    assert report[0] == {"index": 0, "letter": "A", "header": "姓名", "field": "name", "label": "姓名"}
    assert report[2] == {
        "index": 26,
        "letter": "AA",
        "header": "微信号",
        "field": None,
        "label": "未识别（原值保留）",
    }
    assert report[3]["letter"] == "AB" and report[3]["label"] == "月收入（元）"


# --- whole files -----------------------------------------------------------------------------------


def test_site_workbook_from_excel(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "一组"
    ws.append([TITLE])
    ws.append([FILL_IN])
    ws.append(["基本信息", None, None, None, None, "迁出地", None, "已参加培训", None, None])
    ws.append(["序号", "户编号", "与户主关系", "姓名", "身份证号码", "乡镇", "村", "工种", "时间", "是否取证"])
    ws.append([1, "WT001", "户主", "王建国", ID1, "东冶镇", "五级村", "电焊", "2023.5", "是"])
    ws.append([2, None, "配偶", "李秀英", 140922198708150000, "东冶镇", "五级村", None, None, None])
    ws.append(["合计", None, None, "2人"])
    ws.append(["填表说明：1. 身份证号请填写18位。"])
    for cells in ("A1:J1", "A2:J2", "A3:E3", "F3:G3", "H3:J3", "B5:B6"):
        ws.merge_cells(cells)
    summary = wb.create_sheet("汇总")
    summary.append(["安置点", "户数", "人数"])
    summary.append(["幸福家园安置点", 1, 2])
    old = wb.create_sheet("2023年12月")
    old.append(["姓名", "身份证号"])
    old.append(["王建国", ID1])
    old.sheet_state = "hidden"
    path = tmp_path / "幸福家园.xlsx"
    wb.save(path)

    sheets = read_workbook(path)
    tables = {s.name: locate_table(s) for s in sheets}

    assert tables["汇总"] is None
    table = tables["一组"]
    assert table is not None
    assert (table.header_rows, table.first_data_row, table.end_row) == ((2, 3), 4, 6)
    assert (table.as_of, table.site_hint, table.county_hint) == (
        dt.date(2024, 3, 1),
        "幸福家园安置点",
        "五台县",
    )
    assert table.field_columns() == {
        "seq": 0,
        "household_number": 1,
        "relation": 2,
        "name": 3,
        "id_number": 4,
        "origin_town": 5,
        "origin_village": 6,
        "training_trade": 7,
        "training_date": 8,
        "training_certified": 9,
    }
    hidden = tables["2023年12月"]
    assert hidden is not None and hidden.as_of == dt.date(2023, 12, 1)


def test_old_xls_with_merged_header(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("一组")
    ws.write_merge(0, 0, 0, 5, "忻州市五台县城南安置小区劳动力台账（2024年3月）")
    for c, text in enumerate(["序号", "姓名", "公民身份号码"]):
        ws.write_merge(1, 2, c, c, text)
    ws.write_merge(1, 1, 3, 5, "迁出地")
    for c, text in enumerate(["县", "乡镇", "村"], start=3):
        ws.write(2, c, text)
    for c, value in enumerate([1, "王建国", ID1, "五台县", "东冶镇", "五级村"]):
        ws.write(3, c, value)
    path = tmp_path / "城南.xls"
    book.save(str(path))

    table = locate_table(read_workbook(path)[0])

    assert table is not None
    assert (table.header_rows, table.first_data_row, table.end_row) == ((1, 2), 3, 4)
    assert table.as_of == dt.date(2024, 3, 1)
    assert (table.site_hint, table.county_hint) == ("城南安置小区", "五台县")
    assert _fields(table) == {
        "序号": "seq",
        "姓名": "name",
        "公民身份号码": "id_number",
        "迁出地/县": None,
        "迁出地/乡镇": "origin_town",
        "迁出地/村": "origin_village",
    }


def test_gbk_csv_export(tmp_path: Path) -> None:
    path = tmp_path / "幸福家园.csv"
    text = f"{TITLE},,,\n序号,姓名,身份证号码,手机号码\n1,王建国,{ID1},13812345678\n合计,,,1人\n"
    path.write_bytes(text.encode("gbk"))

    table = locate_table(read_workbook(path)[0])

    assert table is not None
    assert (table.header_rows, table.first_data_row, table.end_row) == ((1,), 2, 3)
    assert table.field_columns() == {"seq": 0, "name": 1, "id_number": 2, "phone": 3}
