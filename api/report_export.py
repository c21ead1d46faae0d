"""Reports as Excel workbooks (.xlsx), the way offices exchange them: each table on its own sheet with a title
row, a row giving the area and the period, the Chinese column headers, then the values; and a last sheet
指标说明 with every definition (numerator, denominator, as of which day, the policy text it comes from)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.figures_terms import Cell, Column, Report, Table

__all__ = ["DEFINITIONS_SHEET", "HEADER_ROW", "report_bytes", "report_workbook", "write_report"]

DEFINITIONS_SHEET = "指标说明"
HEADER_ROW = 3  # title, area and period, then the headers; values from row 4
_FORMATS = {"rate": "0.0%", "money": "#,##0", "int": "0", "date": "yyyy-mm-dd"}


def _value(column: Column, value: Cell) -> object:
    if column.kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "表"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _table(ws: Worksheet, report: Report, table: Table) -> None:
    width = max(len(table.columns), 1)
    ws.cell(1, 1, f"{report.area}{table.title}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    period = f"统计范围：{report.area}    统计期：{report.start.isoformat()} 至 {report.end.isoformat()}"
    ws.cell(2, 1, f"{period}    导出日期：{dt.date.today().isoformat()}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    for j, column in enumerate(table.columns, start=1):
        cell = ws.cell(HEADER_ROW, j, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(30, 2 * len(column.header) + 2))
    for i, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for j, column in enumerate(table.columns, start=1):
            cell = ws.cell(i, j, _value(column, row.get(column.key)))
            if column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)


def _definitions(ws: Worksheet, report: Report) -> None:
    ws.cell(1, 1, f"{report.title} · 指标说明").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.cell(2, 1, "所有数字均可由台账、培训和证书记录、撮合与上岗离职记录重新算出；口径在各报表中一致。")
    for j, (header, width) in enumerate((("指标", 16), ("分子", 50), ("分母", 40), ("时点", 24), ("依据", 60)), 1):
        ws.cell(HEADER_ROW, j, header).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, d in enumerate(report.definitions, start=HEADER_ROW + 1):
        for j, value in enumerate((d.name, d.numerator, d.denominator, d.as_of, d.source), 1):
            ws.cell(i, j, value).alignment = Alignment(wrap_text=True, vertical="top")


def report_workbook(report: Report) -> Workbook:
    workbook = Workbook()
    taken: set[str] = set()
    first = True
    for table in report.tables:
        ws = workbook.active if first else workbook.create_sheet()
        assert ws is not None
        ws.title = _sheet_name(table.title.split("（")[0], taken)
        _table(ws, report, table)
        first = False
    _definitions(workbook.create_sheet(DEFINITIONS_SHEET), report)
    return workbook


def write_report(report: Report, path: Path) -> None:
    report_workbook(report).save(path)


def report_bytes(report: Report) -> bytes:
    buffer = BytesIO()
    report_workbook(report).save(buffer)
    return buffer.getvalue()
