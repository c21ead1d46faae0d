"""The reading half of a ledger import: workbook -> tables -> parsed, site- and household-keyed rows.

It needs no database, so a large file is read in a child process while the parent writes what came
before (``read_in_child``); a small one is read in-process (``read_ledger`` directly). Both give the
same events in the same order:

- ``Start(as_of, total_rows)`` once, when the tables are found;
- ``SheetSeen(entry, problems)`` per sheet, with the sheet's part of the import report;
- ``RowRead`` per data row: its problems and either the person to write or the row as rejected.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import operator
import pickle
import queue
import re
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ingest.header import Table, describe_mapping, is_marker_row, locate_table
from ingest.ledger_row import CellProblem, PersonRecord, RowParser
from ingest.problem import CODES, Problem
from ingest.workbook import Cell, Sheet, read_workbook
from models.crypto import PersonalDataCipher
from models.taxonomy import Taxonomy
from models.text import cell_text

__all__ = ["ReadOptions", "RejectedRow", "RowRead", "SheetSeen", "Start", "read_in_child", "read_ledger"]

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_NAME_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
# Columns Anye adds to a rejects workbook (ingest.ledger_report); not data when it comes back corrected.
REJECTS_BOOKKEEPING = frozenset({"未导入原因", "来源文件", "来源工作表", "原行号"})
_BATCH = 500  # events per message from the child process
_AHEAD = 32  # messages the child may send before this process has taken them


@dataclass(slots=True)
class RejectedRow:
    """A row that was not imported, as it was, with the reason (for the rejects workbook)."""

    file: str
    sheet: str
    row: int
    header: list[str]
    values: list[Cell]
    reason: str

    def __reduce__(self) -> tuple[type[RejectedRow], tuple[Any, ...]]:
        # plain positional pickling (the slots dataclass default calls fields() per object)
        return (
            RejectedRow,
            (
                self.file,
                self.sheet,
                self.row,
                self.header,
                self.values,
                self.reason,
            ),
        )


@dataclass(frozen=True, slots=True)
class ReadOptions:
    taxonomy: Taxonomy
    cipher: PersonalDataCipher
    as_of: dt.date | None = None
    default_site: str | None = None


@dataclass(slots=True)
class Start:
    as_of: dt.date
    total_rows: int


@dataclass(slots=True)
class SheetSeen:
    entry: dict[str, Any]
    problems: list[Problem]


@dataclass(slots=True)
class RowRead:
    """One data row. ``record`` (with ``digest`` and ``household_key``) when it is to be written,
    ``rejected`` when not."""

    sheet: str
    row: int
    problems: list[Problem]
    record: PersonRecord | None
    digest: str
    household_key: tuple[str, str]
    rejected: RejectedRow | None

    def __reduce__(self) -> tuple[type[RowRead], tuple[Any, ...]]:
        # plain positional pickling (the slots dataclass default calls fields() per object)
        return (
            RowRead,
            (
                self.sheet,
                self.row,
                self.problems,
                self.record,
                self.digest,
                self.household_key,
                self.rejected,
            ),
        )


Event = Start | SheetSeen | RowRead


def read_ledger(path: Path, options: ReadOptions) -> Generator[Event, None, None]:
    """The events of one file; raises ``InvalidInput`` (before any event) if it cannot be read."""
    sheets = read_workbook(path)
    tables = [(sheet, locate_table(sheet)) for sheet in sheets]
    as_of = (
        options.as_of
        or next((t.as_of for _, t in tables if t and t.as_of), None)
        or _date_in_name(path.name)
        or dt.date.today()
    )
    yield Start(as_of, sum(t.end_row - t.first_data_row for _, t in tables if t))
    parser = RowParser(options.taxonomy, as_of)
    for sheet, table in tables:
        if table is None:
            yield _skipped(sheet)
        else:
            yield _seen(sheet, table)
            yield from _rows(path.name, sheet, table, parser, options)


def _date_in_name(name: str) -> dt.date | None:
    """``台账（2026年11月）.xlsx`` -> 2026-11-01: offices often date the file, not the sheet."""
    m = _NAME_DATE.search(name)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def _skipped(sheet: Sheet) -> SheetSeen:
    id_like = sum(1 for row in sheet.rows for v in row if isinstance(v, str) and _ID_LIKE.match(v.strip()))
    entry: dict[str, Any] = {"sheet": sheet.name, "hidden": sheet.hidden, "imported": False}
    if id_like < 3:
        entry["reason"] = "无人员表格（如汇总表、下拉选项表），已跳过。"
        return SheetSeen(entry, [])
    reason = CODES["sheet_no_header"][0]
    entry["reason"] = reason
    return SheetSeen(entry, [Problem(sheet.name, 1, None, None, "sheet_no_header", reason)])


def _seen(sheet: Sheet, table: Table) -> SheetSeen:
    entry = {
        "sheet": sheet.name,
        "hidden": sheet.hidden,
        "imported": True,
        "header_rows": [r + 1 for r in table.header_rows],
        "data_rows": [table.first_data_row + 1, table.end_row],
        "columns": describe_mapping(table),
    }
    return SheetSeen(entry, [])


def _rows(file: str, sheet: Sheet, table: Table, parser: RowParser, options: ReadOptions) -> Iterator[RowRead]:
    header = [c.header for c in table.columns]
    width = len(header)
    fields = {f: i for f, i in table.field_columns().items() if f != "seq" and i < width}
    # a column without a header is still kept, named by its letter, so two of them never collide
    others = {
        c.index: c.header or f"（{_letter(c.index)}列）"
        for c in table.columns
        if c.field is None and c.header not in REJECTS_BOOKKEEPING and c.index < width
    }
    columns: dict[str, str] = {c.field: c.header for c in table.columns if c.field}
    origin = sheet.merged_origin()
    merged_rows = {r for r, _ in origin}
    cursor = _HouseholdCursor()
    padding: list[Cell] = [None] * width
    names, pick = list(fields), _picker(list(fields.values()))
    id_col, name_col = fields.get("id_number"), fields.get("name")
    for r in range(table.first_data_row, len(sheet.rows)):
        row = sheet.rows[r]
        if r >= table.end_row and not _late_person(row, id_col, name_col):
            # Below the first 合计/小计/填表说明 row only rows that name a person count: villages' subtotals
            # between blocks, and people added under the totals, are common; notes and signatures are not.
            continue
        if r in merged_rows:
            values = [_cell(sheet, row, r, c, origin) for c in range(width)]
        else:
            values = row[:width] + padding[: width - len(row)] if len(row) < width else row[:width]
        cells = dict(zip(names, pick(values), strict=True))
        if not any(v is not None and cell_text(v) for v in cells.values()):
            continue
        extra = {others[i]: values[i] for i in others} if others else {}
        yield _row(file, sheet.name, table, r + 1, cells, extra, header, values, columns, parser, options, cursor)


def _picker(indexes: list[int]) -> Callable[[list[Cell]], tuple[Cell, ...]]:
    """The values at ``indexes`` of a row, as a tuple (``itemgetter`` of one index gives the value bare)."""
    if len(indexes) > 1:
        return operator.itemgetter(*indexes)
    return lambda values: tuple(values[i] for i in indexes)


def _row(
    file: str,
    sheet: str,
    table: Table,
    excel_row: int,
    cells: dict[str, Cell],
    extra: dict[str, Cell],
    header: list[str],
    values: list[Cell],
    columns: dict[str, str],
    parser: RowParser,
    options: ReadOptions,
    cursor: _HouseholdCursor,
) -> RowRead:
    record, cell_problems = parser.parse(cells, extra)
    if record is not None:
        # a site cell left blank (or merged) below the household's first row means "same as above"
        above = cursor.current[0] if cursor.current and not record.household.get("household_number") else None
        site = record.household.get("site") or above or table.site_hint or options.default_site
        if site:
            record.household["site"] = site
            record.household["county_hint"] = table.county_hint
        else:
            cell_problems.append(CellProblem("site", None, "site_unknown", CODES["site_unknown"][0]))
            record = None
    problems = [
        Problem(sheet, excel_row, columns.get(p.field or "", None), p.value, p.code, p.reason) for p in cell_problems
    ]
    if record is None:
        cursor.lose(cells)
        reason = "；".join(p.reason for p in problems if CODES[p.code][1])
        rejected = RejectedRow(file, sheet, excel_row, header, values, reason)
        return RowRead(sheet, excel_row, problems, None, "", ("", ""), rejected)
    digest = options.cipher.digest(record.id.number)
    if "household_number" not in columns and "relation" not in columns:
        # A list of people without households (e.g. a monthly status sheet): a known worker keeps the
        # household on file, a new one gets a household of their own (see LedgerWriter).
        return RowRead(sheet, excel_row, problems, record, digest, (str(record.household["site"]), ""), None)
    key = cursor.key_for(record, digest)
    if key is None:
        key = cursor.new_auto(record, digest)
        reason = CODES["household_unknown"][0]
        column = columns.get("household_number")
        problems.append(Problem(sheet, excel_row, column, None, "household_unknown", reason))
    return RowRead(sheet, excel_row, problems, record, digest, key, None)


class _HouseholdCursor:
    """Which household a row belongs to: its 户编号, or (blank below a merged/first cell) the one above.

    A household the ledger gives no number gets ``auto-`` and a prefix of its head's keyed ID hash
    (never digits of the ID number itself). A member is never put in the household above when the row
    that opened a new household was rejected, or when the 户主姓名 column names another head."""

    def __init__(self) -> None:
        self.current: tuple[str, str] | None = None
        self.head: str | None = None

    def key_for(self, record: PersonRecord, digest: str) -> tuple[str, str] | None:
        site = str(record.household["site"])
        number = record.household.get("household_number")
        head = record.household.get("head_name")
        if number:
            self.current, self.head = (site, str(number)), head
        elif record.attrs.get("relation_to_head") == "户主":
            self.current, self.head = (site, "auto-" + digest[:12]), head or record.name
        elif self.current is None or self.current[0] != site or (head and self.head and head != self.head):
            return None
        return self.current

    def new_auto(self, record: PersonRecord, digest: str) -> tuple[str, str]:
        self.current = (str(record.household["site"]), "auto-" + digest[:12])
        self.head = record.household.get("head_name")
        return self.current

    def lose(self, cells: dict[str, Cell]) -> None:
        """A rejected row that opened a household: its members must not join the household above."""
        opens = cell_text(cells.get("household_number")) or cell_text(cells.get("relation")) in ("户主", "本人")
        if opens:
            self.current = self.head = None


def _late_person(row: list[Cell], id_col: int | None, name_col: int | None) -> bool:
    if is_marker_row(row):
        return False
    return all(c is not None and c < len(row) and cell_text(row[c]) for c in (id_col, name_col))


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(sheet: Sheet, row: list[Cell], r: int, c: int, origin: dict[tuple[int, int], tuple[int, int]]) -> Cell:
    value = row[c] if c < len(row) else None
    if value is None and (r, c) in origin:
        r0, c0 = origin[(r, c)]
        src = sheet.rows[r0]
        return src[c0] if c0 < len(src) else None
    return value


# -- the child process ----------------------------------------------------------------------------------


def read_in_child(path: Path, options: ReadOptions) -> Generator[Event, None, None]:
    """``read_ledger`` run in a forked child process, its events sent back in batches.

    Reading and parsing (about half the work of a large import) then runs on the second core while
    this process writes to the database. A thread here takes the batches off the pipe as they come, so
    the child does not wait while this process writes (it runs up to ``_AHEAD`` batches ahead). An error
    in the child is raised here, as it was raised there.
    """
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, path, options), daemon=True)
    child.start()
    send.close()
    inbox = _Inbox(receive)
    inbox.start()
    try:
        while True:
            kind, payload = inbox.take()
            if kind == "events":
                yield from payload
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        inbox.stop()
        if child.is_alive():
            child.terminate()
        child.join()
        inbox.join()
        receive.close()


class _Inbox(threading.Thread):
    """Receives the child's messages as they come (and unpickles them while the consumer waits for the
    database)."""

    def __init__(self, receive: Connection) -> None:
        super().__init__(name="ledger-read-inbox", daemon=True)
        self._receive = receive
        self._queue: queue.Queue[tuple[str, Any] | BaseException] = queue.Queue(maxsize=_AHEAD)
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                item: tuple[str, Any] | BaseException = pickle.loads(self._receive.recv_bytes())
            except BaseException as exc:  # EOF once the child has ended (it says "done" or "error" first)
                item = exc
            while not self._stopped.is_set():
                try:
                    self._queue.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if isinstance(item, BaseException):
                return

    def take(self) -> tuple[str, Any]:
        item = self._queue.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        self._stopped.set()


def _child_main(send: Any, path: Path, options: ReadOptions) -> None:
    try:
        batch: list[Event] = []
        for event in read_ledger(path, options):
            batch.append(event)
            if len(batch) >= _BATCH:
                send.send(("events", batch))
                batch = []
        send.send(("events", batch))
        send.send(("done", None))
    except BaseException as exc:  # the parent decides; nothing may be lost silently here
        send.send(("error", exc))
    finally:
        send.close()
