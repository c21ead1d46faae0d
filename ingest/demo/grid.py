"""A planned sheet as the grid a spreadsheet shows: rows of cells and merged ranges, 1-based like Excel.

The same grid goes to every writer, so row numbers in the answer key are the rows of every format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ingest.demo.layouts import HOUSEHOLD_FIELDS, Layout
from ingest.demo.ledgers import LedgerFile, Sheet
from ingest.demo.render import Cell

__all__ = ["Grid", "Merge", "sheet_grid"]

Merge = tuple[int, int, int, int]
"""(first row, first column, last row, last column), 1-based and inclusive."""

_NOTES = (
    "填表说明：1. 就业状态填写：未就业、乡镇内务工、县内务工、省内县外务工、省外务工、公益性岗位、帮扶车间、"
    "自主创业、灵活就业、在校生、无就业意愿。",
    "2. 身份证号码列请设置为文本格式，以免后几位变成0；同一户人员连续填写，户编号与系统一致。",
    "3. 劳动能力填写：普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力、无劳动力。",
)
_LISTS = {
    "文化程度": ("文盲或半文盲", "小学", "初中", "高中", "中专", "技校", "大专", "本科"),
    "劳动能力": ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"),
    "就业状态": ("未就业", "乡镇内务工", "县内务工", "省内县外务工", "省外务工", "公益性岗位", "帮扶车间",
                 "自主创业", "灵活就业", "在校生", "无就业意愿"),
}  # fmt: skip
_WITH_LABOUR = frozenset({"普通劳动力", "技能劳动力", "弱劳动力或半劳动力"})
_NOT_WORKING = frozenset({None, "未就业", "在校生", "无就业意愿"})


@dataclass(slots=True)
class Grid:
    """A sheet's rows (each as wide as the sheet) and merged ranges; ``hidden`` for the dropdown sheet."""

    rows: list[list[Cell]]
    merges: list[Merge]
    hidden: bool = False


def list_values() -> dict[str, tuple[str, ...]]:
    """The dropdown lists of the hidden sheet, by header."""
    return _LISTS


def sheet_grid(file: LedgerFile, sheet: Sheet) -> Grid:
    """The grid of any sheet of ``file``."""
    if sheet.kind == "summary":
        return _summary(file)
    if sheet.kind == "list":
        width = max(len(v) for v in _LISTS.values()) + 1
        columns = [[header, *values, *[None] * (width - 1 - len(values))] for header, values in _LISTS.items()]
        return Grid([list(row) for row in zip(*columns, strict=True)], [], hidden=True)
    return _data(file, sheet)


def _data(file: LedgerFile, sheet: Sheet) -> Grid:
    layout = file.layout
    width = len(layout.columns)
    grid = Grid([], [])
    if layout.title:
        _banner(grid, file.title, width)
    if layout.fill_line:
        _banner(grid, file.fill_line, width)
    if layout.two_row_header:
        _group_row(grid, layout)
    grid.rows.append([c.header for c in layout.columns])
    grid.rows.extend(_data_rows(grid, sheet, layout))
    if layout.total_row:
        people = len(sheet.rows)
        households = len({r.household.number for r in sheet.rows})
        grid.rows.append(["合计", f"共{households}户{people}人", *[None] * (width - 2)])
    if layout.notes:
        for note in _NOTES:
            _banner(grid, note, width)
    return grid


def _banner(grid: Grid, text: str, width: int) -> None:
    """A line of text merged across the table's width."""
    grid.rows.append([text, *[None] * (width - 1)])
    row = len(grid.rows)
    grid.merges.append((row, 1, row, width))


def _group_row(grid: Grid, layout: Layout) -> None:
    cells: list[Cell] = []
    row = len(grid.rows) + 1
    start = 0
    for i, column in enumerate(layout.columns):
        if i == 0 or column.group != layout.columns[i - 1].group:
            start = i
            cells.append(column.group)
        else:
            cells.append(None)
        last = i + 1 == len(layout.columns) or layout.columns[i + 1].group != column.group
        if last and i > start:
            grid.merges.append((row, start + 1, row, i + 1))
    grid.rows.append(cells)


def _data_rows(grid: Grid, sheet: Sheet, layout: Layout) -> Iterator[list[Cell]]:
    """Data rows numbered in 序号; household cells merged, on the first row only, or on every row."""
    household_columns = [i for i, c in enumerate(layout.columns) if c.field in HOUSEHOLD_FIELDS]
    seq = layout.index("seq")
    first = len(grid.rows) + 1
    for n, data in enumerate(sheet.rows):
        cells = list(data.cells)
        if seq is not None:
            cells[seq] = n + 1
        if not data.block_start and layout.household_cells != "repeat":
            for c in household_columns:
                cells[c] = None
        elif layout.household_cells == "merge" and data.block_len > 1:
            grid.merges.extend((first + n, c + 1, first + n + data.block_len - 1, c + 1) for c in household_columns)
        yield cells


def _summary(file: LedgerFile) -> Grid:
    """The 汇总 sheet: per data sheet the households, people, workers with labour and those employed."""
    header: list[Cell] = ["片区", "户数", "人数", "劳动力人数", "已就业人数"]
    grid = Grid([], [])
    _banner(grid, f"{file.site.name}搬迁劳动力就业情况汇总表", len(header))
    grid.rows.append(header)
    totals = [0, 0, 0, 0]
    for sheet in file.data_sheets:
        people = [r.person for r in sheet.rows]
        counts = [
            len({r.household.number for r in sheet.rows}),
            len(people),
            sum(p.labour in _WITH_LABOUR for p in people),
            sum(p.status not in _NOT_WORKING for p in people),
        ]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        grid.rows.append([sheet.name, *counts])
    grid.rows.append(["合计", *totals])
    return grid
