"""How a demo ledger is laid out: which columns, spelled how, in what order, and what sits around the table.

Each workbook draws its own ``Layout``, the way no two township offices keep their ledgers alike (see
``shared/examples/ledger_layouts.md``): header spellings, column order and presence, one or two header rows,
title and 填报 lines, household cells merged / on the head's row only / repeated, 合计 and 填表说明 rows,
a 汇总 sheet, a hidden sheet of dropdown lists, and the forms of dates, yes/no and ID numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = [
    "DATE_STYLES",
    "GROUPS",
    "HOUSEHOLD_FIELDS",
    "SPELLINGS",
    "Column",
    "Layout",
    "choose_layout",
]

# Field (as in ingest.fields.LEDGER_FIELDS) -> the header spellings the demo writes, most common first.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "household_number": ("户编号", "户号", "家庭编号"),
    "head_name": ("户主姓名", "户主"),
    "relation": ("与户主关系", "与户主的关系", "家庭关系"),
    "name": ("姓名", "劳动力姓名"),
    "sex": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "birth_date": ("出生日期", "出生年月"),
    "age": ("年龄",),
    "phone": ("联系电话", "手机号码", "联系方式"),
    "site": ("安置点", "安置区", "安置小区", "安置点名称"),
    "origin": ("迁出地", "迁出地址"),
    "origin_town": ("迁出乡镇",),
    "origin_village": ("迁出村",),
    "household_size": ("家庭人口数", "家庭人口", "户人口数"),
    "household_category": ("户类型", "户属性", "户类别"),
    "is_lifted": ("是否脱贫户",),
    "is_monitored": ("是否监测户",),
    "education": ("文化程度", "学历"),
    "labour_capacity": ("劳动能力", "劳动力状况"),
    "health": ("健康状况", "身体状况"),
    "employment_status": ("就业状态", "务工状态"),
    "employment_place": ("务工地点", "就业地点"),
    "employer_name": ("务工单位", "就业单位", "工作单位"),
    "months_worked": ("务工时间（月）", "务工时长（月）", "务工月数"),
    "monthly_income": ("月收入（元）", "月收入", "月均收入"),
    "wish_employment": ("就业意愿", "是否有就业意愿"),
    "wish_job": ("意向工种", "意向岗位"),
    "wish_place": ("意向地点", "意向就业地点"),
    "wish_wage": ("期望月薪（元）", "期望月薪", "期望工资"),
    "skills": ("技能特长", "特长"),
    "certificates": ("持证情况", "证书名称", "所持证书"),
    "training_wish": ("培训意愿", "是否有培训意愿"),
    "training_trade": ("已参加培训工种", "培训工种"),
    "training_date": ("培训时间",),
    "training_certified": ("是否取证",),
    "not_working_reason": ("未就业原因",),
    "assistance": ("帮扶措施",),
    "remarks": ("备注",),
}

# The group row of two-row headers, over the fields in their usual order.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "基本信息",
        ("seq", "household_number", "head_name", "relation", "name", "sex", "id_number", "birth_date", "age",
         "phone", "site", "origin", "origin_town", "origin_village", "household_size", "household_category",
         "is_lifted", "is_monitored", "education", "labour_capacity", "health"),
    ),
    (
        "就业情况",
        ("employment_status", "employment_place", "employer_name", "months_worked", "monthly_income",
         "not_working_reason", "wish_employment", "wish_job", "wish_place", "wish_wage"),
    ),
    ("培训情况",
     ("skills", "certificates", "training_wish", "training_trade", "training_date", "training_certified")),
    ("帮扶情况", ("assistance", "remarks")),
)  # fmt: skip

HOUSEHOLD_FIELDS = frozenset(
    {"household_number", "head_name", "origin", "origin_town", "origin_village", "household_size",
     "household_category", "is_lifted", "is_monitored"}
)  # fmt: skip
"""Columns that describe the household: merged down its rows, or written on the head's row only.

The site (安置点) column is not one of them: it is written on every row, the way offices fill it down."""

# Every ledger has these; the others are each left out by some offices (chance of being present).
_ALWAYS = {
    "household_number",
    "relation",
    "name",
    "id_number",
    "education",
    "labour_capacity",
    "employment_status",
}
_PRESENT = {
    "seq": 0.9, "head_name": 0.6, "sex": 0.8, "birth_date": 0.6, "age": 0.5, "phone": 0.9, "site": 0.4,
    "household_size": 0.6, "health": 0.8, "employment_place": 0.75, "employer_name": 0.75,
    "months_worked": 0.5, "monthly_income": 0.75, "not_working_reason": 0.7, "wish_employment": 0.6,
    "wish_job": 0.7, "wish_place": 0.6, "wish_wage": 0.5, "skills": 0.75, "certificates": 0.8,
    "training_wish": 0.7, "training_trade": 0.5, "assistance": 0.5, "remarks": 0.8,
}  # fmt: skip
DATE_STYLES = ("dot", "dash", "month", "yyyymm", "excel")
"""Birth and training dates: 1990.01.01, 1990-1-1, 1990年1月, 199001, an Excel date cell (in CSV 1990/1/1)."""
_YES_NO: tuple[tuple[str, str | None], ...] = (
    ("是", "否"),
    ("是", "否"),
    ("√", None),
    ("1", "0"),
    ("有", "无"),
)


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the ledger ``field`` it holds, its ``header`` as written, and its group's label."""

    field: str
    header: str
    group: str


@dataclass(frozen=True, slots=True)
class Layout:
    """One workbook's layout and writing habits.

    ``household_cells``: "merge" (merged down the household's rows), "first" (on the first row only, blank
    below) or "repeat" (on every row). ``id_variety``: the share of ID cells written in another accepted
    form (full-width digits, spaces, lower-case x, the 15-digit form). ``summary``: where a 汇总 sheet goes.
    """

    columns: tuple[Column, ...]
    title: bool
    fill_line: bool
    two_row_header: bool
    household_cells: str
    total_row: bool
    notes: bool
    summary: str | None
    list_sheet: bool
    date_style: str
    yes_no: tuple[str, str | None]
    id_variety: float
    origin_with_county: bool
    _positions: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_positions", {c.field: i for i, c in enumerate(self.columns)})

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def index(self, field: str) -> int | None:
        """The 0-based column of ``field``, or None when this layout lacks it."""
        return self._positions.get(field)

    @property
    def header_rows(self) -> int:
        """Rows above the first data row."""
        return int(self.title) + int(self.fill_line) + (2 if self.two_row_header else 1)


def choose_layout(rng: random.Random, fmt: str) -> Layout:
    """A layout for a workbook of format ``fmt`` ("xlsx", "xls" or "csv")."""
    sheets = fmt != "csv"
    title = rng.random() < 0.9
    return Layout(
        columns=_columns(rng, need_site=not title),
        title=title,
        fill_line=rng.random() < 0.7,
        two_row_header=rng.random() < 0.5,
        household_cells=_household_cells(rng, fmt),
        total_row=rng.random() < 0.6,
        notes=rng.random() < 0.5,
        summary=rng.choice(("first", "last")) if sheets and rng.random() < 0.4 else None,
        list_sheet=sheets and rng.random() < 0.25,
        date_style=rng.choice(DATE_STYLES),
        yes_no=rng.choice(_YES_NO),
        id_variety=rng.choice((0.0, 0.05, 0.1, 0.2)),
        origin_with_county=rng.random() < 0.3,
    )


def _household_cells(rng: random.Random, fmt: str) -> str:
    if fmt == "csv":
        return "first" if rng.random() < 0.85 else "repeat"
    roll = rng.random()
    return "merge" if roll < 0.8 else "first" if roll < 0.92 else "repeat"


def _columns(rng: random.Random, *, need_site: bool) -> tuple[Column, ...]:
    """The columns; ``need_site``: no title names the site, so a column must (or the rows have no site)."""
    present = set(_ALWAYS) | {f for f, p in _PRESENT.items() if rng.random() < p}
    if need_site:
        present.add("site")
    present |= _origin_fields(rng) | _category_fields(rng)
    if "training_trade" in present:
        present |= {f for f in ("training_date", "training_certified") if rng.random() < 0.7}
    columns: list[Column] = []
    for group, fields in GROUPS:
        order = [f for f in fields if f in present]
        for _ in range(len(order) // 3):  # a few neighbours trade places
            i = rng.randrange(1, len(order)) if len(order) > 1 else 0
            if i and order[i - 1] != "seq":
                order[i - 1], order[i] = order[i], order[i - 1]
        columns.extend(Column(f, rng.choice(SPELLINGS[f]), group) for f in order)
    return tuple(columns)


def _origin_fields(rng: random.Random) -> set[str]:
    roll = rng.random()
    return {"origin"} if roll < 0.55 else {"origin_town", "origin_village"} if roll < 0.75 else set()


def _category_fields(rng: random.Random) -> set[str]:
    roll = rng.random()
    return {"household_category"} if roll < 0.7 else {"is_lifted", "is_monitored"} if roll < 0.9 else set()
