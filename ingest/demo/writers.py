"""Writing planned ledgers as .xlsx (openpyxl, write-only), .xls (xlwt) or CSV, byte-for-byte reproducibly.

.xlsx files get fixed document properties and fixed ZIP entry times, so the same seed gives the same bytes.
CSV files are what Excel exports: one sheet, every row as wide as the table, CRLF line ends, merged cells
as blanks, in GBK, GB18030 (with or without its BOM) or UTF-8 with a BOM.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing as mp
import os
import zipfile
from pathlib import Path
from typing import Any

import xlwt
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from ingest.demo.grid import Grid, list_values, sheet_grid
from ingest.demo.ledgers import LedgerFile
from ingest.demo.render import Cell

__all__ = ["write_ledger", "write_ledgers"]

_GB18030_BOM = "\ufeff".encode("gb18030")


def write_ledgers(files: list[LedgerFile], out_dir: Path, *, parallel: bool) -> None:
    """Write every file; with ``parallel`` (given two CPUs and ``fork``), about half the rows in a child.

    Forking shares the planned rows without pickling them; each file is written whole by one process,
    so the bytes do not depend on who wrote them.
    """
    if not parallel or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        _write_all(files, out_dir)
        return
    loads = [0, 0]
    shares: tuple[list[LedgerFile], list[LedgerFile]] = ([], [])
    for file in sorted(files, key=_rows, reverse=True):  # biggest first, each to the lighter share
        lighter = 0 if loads[0] <= loads[1] else 1
        shares[lighter].append(file)
        loads[lighter] += _rows(file)
    child = mp.get_context("fork").Process(target=_write_all, args=(shares[1], out_dir), name="ledger-writer")
    child.start()
    try:
        _write_all(shares[0], out_dir)
    finally:
        child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"写台账文件的子进程失败（退出码 {child.exitcode}），原因见上方的错误输出。")


def _rows(file: LedgerFile) -> int:
    return sum(len(s.rows) for s in file.data_sheets)


def _write_all(files: list[LedgerFile], out_dir: Path) -> None:
    for file in files:
        write_ledger(file, out_dir)


def write_ledger(file: LedgerFile, out_dir: Path) -> None:
    """Write ``file`` under ``out_dir``."""
    path = out_dir / file.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if file.fmt == "xlsx":
        _write_xlsx(file, path)
    elif file.fmt == "xls":
        _write_xls(file, path)
    else:
        _write_csv(file, path)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZIP archive whose entries all carry the same time, ``stamp`` (openpyxl would stamp the current time)."""

    stamp = dt.datetime(2026, 11, 1, 9, 0, 0)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        self.writestr(arcname or str(filename), Path(filename).read_bytes())


def _write_xlsx(file: LedgerFile, path: Path) -> None:
    book = Workbook(write_only=True)
    book.properties.creator = "安业演示数据"
    stamp = dt.datetime.combine(file.as_of, dt.time(9))  # the fill date, not the day of writing
    book.properties.created = book.properties.modified = stamp
    list_sheet = next((s.name for s in file.sheets if s.kind == "list"), None)
    for sheet in file.sheets:
        grid = sheet_grid(file, sheet)
        ws = book.create_sheet(sheet.name)
        if grid.hidden:
            ws.sheet_state = "hidden"
        if list_sheet and sheet.kind == "data":
            _education_dropdown(ws, file, grid, list_sheet)
        for row in grid.rows:
            ws.append(row)
        # Straight into the set: MultiCellRange.add scans every range already there (quadratic).
        ws.merged_cells.ranges.update(
            CellRange(min_col=c1, min_row=r1, max_col=c2, max_row=r2) for r1, c1, r2, c2 in grid.merges
        )
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.stamp = stamp
        ExcelWriter(book, archive).save()


def _education_dropdown(ws: Any, file: LedgerFile, grid: Grid, list_sheet: str) -> None:
    """A dropdown on the 文化程度 column fed from the hidden list sheet, as offices set them up."""
    column = file.layout.index("education")
    if column is None:
        return
    letter = get_column_letter(column + 1)
    values = len(list_values()["文化程度"])
    validation = DataValidation(type="list", formula1=f"'{list_sheet}'!$A$2:$A${values + 1}", allow_blank=True)
    first = file.layout.header_rows + 1
    validation.add(f"{letter}{first}:{letter}{max(first, len(grid.rows))}")
    ws.data_validations.append(validation)


def _write_xls(file: LedgerFile, path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    plain = xlwt.XFStyle()
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for sheet in file.sheets:
        grid = sheet_grid(file, sheet)
        ws = book.add_sheet(sheet.name)
        if grid.hidden:
            ws.visibility = 1
        corners = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in grid.merges}
        for (r1, c1), (r2, c2) in corners.items():
            value = grid.rows[r1 - 1][c1 - 1]
            ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, "" if value is None else value, _style(value, plain, dated))
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and (r, c) not in corners:
                    ws.write(r - 1, c - 1, value, _style(value, plain, dated))
    book.save(str(path))


def _style(value: Cell, plain: xlwt.XFStyle, dated: xlwt.XFStyle) -> xlwt.XFStyle:
    return dated if isinstance(value, dt.date) else plain


def _write_csv(file: LedgerFile, path: Path) -> None:
    (sheet,) = file.data_sheets
    grid = sheet_grid(file, sheet)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in grid.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    encoding = file.encoding or "gbk"
    if encoding == "gb18030-bom":
        data = _GB18030_BOM + text.getvalue().encode("gb18030")
    else:
        data = text.getvalue().encode(encoding)
    path.write_bytes(data)
