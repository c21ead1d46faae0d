"""What an import tells staff afterwards: a JSON report and a rejects workbook they can fix and re-import.

The rejects workbook holds each rejected row exactly as it was (one sheet per source sheet, its header
on top) with a 未导入原因 column first, so staff correct the cells and import the file again.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ingest.ledger import FileReport, RejectedRow

__all__ = ["report_json", "write_rejects", "write_report"]

_REASON = "未导入原因"


def report_json(reports: list[FileReport]) -> dict[str, Any]:
    files = []
    totals: dict[str, int] = {}
    for r in reports:
        for k, v in r.counts.items():
            totals[k] = totals.get(k, 0) + v
        files.append(
            {
                "file": r.file,
                "batch_id": r.batch_id,
                "sha256": r.sha256,
                "as_of": r.as_of.isoformat() if r.as_of else None,
                "error": r.error,
                "counts": r.counts,
                "sheets": r.sheets,
                "problems": [p.as_dict() for p in r.problems],
            }
        )
    return {"totals": totals, "files": files}


def write_report(reports: list[FileReport], path: Path) -> None:
    path.write_text(json.dumps(report_json(reports), ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def write_rejects(reports: list[FileReport], path: Path) -> int:
    """Write every rejected row of ``reports`` to ``path``; returns how many rows were written."""
    wb = Workbook()
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    sheets: dict[tuple[str, str], Any] = {}
    count = 0
    for report in reports:
        for row in report.rejected_rows:
            ws = sheets.get((row.file, row.sheet))
            if ws is None:
                ws = wb.create_sheet(_title(row, len(sheets)))
                ws.append([_REASON, "来源文件", "来源工作表", "原行号", *row.header])
                for cell in ws[1]:
                    cell.font = Font(bold=True)
                ws.column_dimensions["A"].width = 60
                sheets[(row.file, row.sheet)] = ws
            ws.append([row.reason, row.file, row.sheet, row.row, *(_plain(v) for v in row.values)])
            ws.cell(ws.max_row, 1).fill = PatternFill("solid", fgColor="FFF2CC")
            count += 1
    if not sheets:
        ws = wb.create_sheet("未导入的行")
        ws.append(["本次导入没有被拒绝的行。"])
    wb.save(path)
    return count


def _title(row: RejectedRow, n: int) -> str:
    # Excel sheet titles: at most 31 characters, none of []:*?/\
    base = "".join(ch for ch in f"{Path(row.file).stem}-{row.sheet}" if ch not in "[]:*?/\\")
    return f"{base[:27]}-{n + 1}" if len(base) > 27 else base or f"表{n + 1}"


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | int | float | bool) or value is None:
        return value
    return str(value)
