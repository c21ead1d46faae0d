"""Builders of test ledgers: valid ID numbers computed here, independently of the code under test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id(region: str = "140922", birth: str = "19850612", seq: int = 123) -> str:
    """A valid 18-digit ID; ``seq`` odd -> male, even -> female."""
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def break_check_digit(ident: str) -> str:
    last = ident[-1]
    return ident[:-1] + ("0" if last != "0" else "1")


HEADER = [
    "序号",
    "户编号",
    "与户主关系",
    "姓名",
    "性别",
    "身份证号码",
    "联系电话",
    "文化程度",
    "劳动能力",
    "就业状态",
    "月收入（元）",
    "技能特长",
    "持证情况",
    "微信号",
]


def person(n: int, hh: str, relation: str, name: str, ident: str, over: dict[str, Any] | None = None) -> list[Any]:
    sex = "男" if int(ident[16]) % 2 else "女"
    row = {
        "序号": n,
        "户编号": hh,
        "与户主关系": relation,
        "姓名": name,
        "性别": sex,
        "身份证号码": ident,
        "联系电话": f"1380000{n:04d}",
        "文化程度": "初中",
        "劳动能力": "普通劳动力",
        "就业状态": "县内务工",
        "月收入（元）": 3000,
        "技能特长": "电焊、开车",
        "持证情况": "叉车证",
        "微信号": f"wx{n}",
    }
    row.update(over or {})
    return [row[h] for h in HEADER]


def messy_workbook(
    path: Path,
    people: list[list[Any]],
    *,
    as_of: str = "2024年3月",
    second_sheet: list[list[Any]] | None = None,
    merge_households: bool = True,
) -> Path:
    """A ledger as sites keep it: merged title, fill-in line, a group header row over the names,
    household numbers merged down, a totals row and notes below, a 汇总 sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "一组"
    _fill(ws, people, as_of, merge_households)
    if second_sheet is not None:
        _fill(wb.create_sheet("二组"), second_sheet, as_of, merge_households)
    summary = wb.create_sheet("汇总")
    summary.append(["安置点", "户数", "人数"])
    summary.append(["幸福家园安置点", 2, 5])
    wb.save(path)
    return path


def _fill(ws: Any, people: list[list[Any]], as_of: str, merge_households: bool) -> None:
    width = len(HEADER)
    ws.append(["五台县幸福家园安置点易地扶贫搬迁劳动力就业情况台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([f"填报单位：东冶镇（盖章）  填报人：张三  填报日期：{as_of}"])
    ws.append(["基本信息"] + [None] * 8 + ["就业情况", None, "技能与证书", None, None])
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=9)
    ws.append(HEADER)
    first = ws.max_row + 1
    for row in people:
        ws.append(row)
    if merge_households:
        col = HEADER.index("户编号") + 1
        start = first
        for r in range(first + 1, ws.max_row + 2):
            this = ws.cell(r, col).value if r <= ws.max_row else object()
            prev = ws.cell(start, col).value
            if this != prev:
                if r - 1 > start:
                    for rr in range(start + 1, r):
                        ws.cell(rr, col).value = None
                    ws.merge_cells(start_row=start, start_column=col, end_row=r - 1, end_column=col)
                start = r
    ws.append(["合计", None, None, f"{len(people)}人"])
    ws.append(["填表说明：1. 身份证号请填写18位。"])
