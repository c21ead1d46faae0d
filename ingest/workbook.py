"""Reading a ledger file (台账) into plain rows of cells, one ``Sheet`` per worksheet.

Excel files (``.xlsx``, ``.xlsm``, old ``.xls``, WPS files saved as either) go through python-calamine;
CSV (and tab-separated ``.txt``/``.tsv``) exported from Excel is read here, in UTF-8 or GB18030 (which
covers GBK). Nothing is interpreted: ``ingest.header`` finds the table, the importer reads the values.
A file that cannot be read at all raises ``InvalidInput`` with a message that names the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from ingest.problem import CODES
from models.errors import InvalidInput

__all__ = ["Cell", "MergedRange", "Sheet", "read_workbook"]

Cell: TypeAlias = str | int | float | bool | dt.date | dt.datetime | None
"""One cell as read: numbers stay as the file stores them (an ID typed as a number is a float whose last
digits are gone, and the importer must be able to tell); blank or whitespace-only text is ``None``."""

MergedRange: TypeAlias = tuple[int, int, int, int]
"""0-based, inclusive: ``(first_row, first_col, last_row, last_col)``."""

_TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel's "encrypt with password" wraps the xlsx in an OLE file holding this stream; calamine then only
# says it cannot read the file, so we look for the stream name ourselves to tell staff what to do.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_DELIMITERS = (",", "\t", ";")
_SNIFF_LINES = 50

_UNREADABLE = CODES["file_unreadable"][0]
_ENCRYPTED = (
    "文件设置了打开密码，无法读取，未导入。请在 Excel 或 WPS 中打开，取消“用密码进行加密”"
    "（清空密码）后另存为 .xlsx，再重新导入。"
)
_MISSING = "找不到文件，未导入。请检查文件是否已完整上传，或路径是否正确。"
_BAD_TEXT = "文件内容不是可识别的表格文本，未导入。请用 Excel 或 WPS 打开后另存为 .xlsx（或“CSV UTF-8”），再重新导入。"


@dataclass(eq=False)
class Sheet:
    """One worksheet: ``rows`` (rectangular for Excel files, padded for CSV) and its merged ranges.

    ``merged`` holds 0-based inclusive ``(first_row, first_col, last_row, last_col)``; a merged range
    keeps its value in the top-left cell only, the others read ``None``.
    """

    name: str
    hidden: bool
    rows: list[list[Cell]]
    merged: list[MergedRange] = field(default_factory=list)
    _origin: dict[tuple[int, int], tuple[int, int]] | None = field(default=None, init=False, repr=False, compare=False)

    def merged_origin(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Every cell covered by a merged range, except its top-left, -> that top-left ``(row, col)``.

        Ranges are clipped to the rows read: a title merged over whole columns must not cost millions of
        entries.
        """
        if self._origin is None:
            height = len(self.rows)
            width = max((len(r) for r in self.rows), default=0)
            origin: dict[tuple[int, int], tuple[int, int]] = {}
            for r0, c0, r1, c1 in self.merged:
                top_left = (r0, c0)
                for r in range(r0, min(r1, height - 1) + 1):
                    for c in range(c0, min(c1, width - 1) + 1):
                        origin[(r, c)] = top_left
                origin.pop(top_left, None)
            self._origin = origin
        return self._origin


def read_workbook(path: Path) -> list[Sheet]:
    """Every worksheet of an Excel file in workbook order (hidden ones flagged), or a CSV as one sheet.

    The content decides, not the name: xls bytes named ``.xlsx`` are read as xls, an xlsx named ``.csv``
    as xlsx. Chart sheets and macro sheets are left out.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_OLE_MAGIC))
    except FileNotFoundError as exc:
        raise InvalidInput(f"“{path.name}”：{_MISSING}") from exc
    except OSError as exc:
        raise _unreadable(path) from exc
    if path.suffix.lower() in _TEXT_SUFFIXES and not head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return [_read_text(path)]
    return _read_excel(path)


def _unreadable(path: Path, message: str = _UNREADABLE) -> InvalidInput:
    return InvalidInput(f"“{path.name}”：{message}")


def _read_excel(path: Path) -> list[Sheet]:
    workbook = _open(path)
    sheets: list[Sheet] = []
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                source = workbook.get_sheet_by_name(meta.name)
                rows = _rows(source)
                merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in source.merged_cell_ranges or []]
            except CalamineError as exc:
                raise _unreadable(path, f"工作表“{meta.name}”已损坏，{_UNREADABLE}") from exc
            hidden = meta.visible != SheetVisibleEnum.Visible
            sheets.append(Sheet(meta.name, hidden, rows, merged))
    return sheets


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(path)
    except PasswordError as exc:
        raise _unreadable(path, _ENCRYPTED) from exc
    except (CalamineError, OSError, ValueError) as first:
        failure: Exception = first
    # from_path trusts the extension; from_filelike looks at the bytes, which rescues xls content
    # saved under an .xlsx name (and the reverse), as some office systems and WPS do.
    try:
        with path.open("rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    except PasswordError as exc:
        raise _unreadable(path, _ENCRYPTED) from exc
    except (CalamineError, OSError, ValueError):
        pass
    if _looks_encrypted(path):
        raise _unreadable(path, _ENCRYPTED) from failure
    raise _unreadable(path) from failure


def _looks_encrypted(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return data.startswith(_OLE_MAGIC) and _ENCRYPTED_STREAM in data


def _rows(source: CalamineSheet) -> list[list[Cell]]:
    start, end = source.start, source.end
    if start is None or end is None:
        return []
    # One str object per distinct text instead of one per cell: a 100,000-row ledger repeats 男, 初中,
    # 县内务工 millions of times, and this halves the peak memory of reading it.
    seen: dict[str, str] = {}
    keep = seen.setdefault
    rows: list[list[Cell]] = []
    pad: list[Cell] = []
    # Typed loosely: the per-cell test below is what turns calamine's values into Cells, at full speed.
    raw_rows: Iterator[list[Any]] = source.iter_rows()
    for raw in raw_rows:
        row: list[Cell] = [
            (keep(v, v) if v.strip() else None) if type(v) is str else (v if type(v) not in _ODD_TYPES else _odd(v))
            for v in raw
        ]
        if not rows and start[1] and len(raw) == end[1] - start[1] + 1:
            # iter_rows leaves out the empty columns left of the data; put them back so that column
            # indexes match the sheet (and the merged ranges).
            pad = [None] * start[1]
        if pad:
            row[0:0] = pad
        rows.append(row)
    if start[0] and len(rows) == end[0] - start[0] + 1:
        width = len(rows[0]) if rows else 0
        rows[0:0] = [[None] * width for _ in range(start[0])]
    return rows


_ODD_TYPES = frozenset({dt.time, dt.timedelta})


def _odd(value: object) -> Cell:
    # A time of day or a duration has no place in a ledger cell type; keep what Excel shows.
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    return str(value)


def _read_text(path: Path) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path) from exc
    text = _decode(data)
    if text is None or "\x00" in text:
        raise _unreadable(path, _BAD_TEXT)
    delimiter = _sniff_delimiter(text)
    seen: dict[str, str] = {}
    keep = seen.setdefault  # one str per distinct text, as for Excel files
    try:
        rows: list[list[Cell]] = [
            [keep(v, v) if v.strip() else None for v in record]
            for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise _unreadable(path, _BAD_TEXT) from exc
    while rows and not any(v is not None for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return Sheet(path.stem, False, rows)


def _decode(data: bytes) -> str | None:
    """Text of a CSV export: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK's superset)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[tuple[bytes, str], ...] = ((data[len(codecs.BOM_UTF8) :], "utf-8"),)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ((data, "utf-16"),)
    else:
        candidates = ((data, "utf-8"), (data, "gb18030"))
    for body, encoding in candidates:
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (> 1) of fields."""
    sample = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(r)]
        except csv.Error:
            continue
        widths = [n for n in counts if n > 1]
        if not widths:
            continue
        common = max(set(widths), key=lambda n: (widths.count(n), n))
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best
