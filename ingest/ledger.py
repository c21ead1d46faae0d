"""Import worker ledgers (搬迁劳动力台账): one file at a time, each in its own transaction.

``LedgerImport`` is one run over one or more files. It remembers the persons it has seen, so the
same person in two sheets or files is one worker (a repeat with other values is a problem). Each file
runs in a SAVEPOINT: if anything fails, the database is as before that file, and a re-run finishes
the job because importing what is already there changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ingest.fields import LEDGER_FIELDS
from ingest.header import Table, describe_mapping, locate_table
from ingest.ledger_row import CellProblem, PersonRecord, RowParser
from ingest.ledger_writer import LedgerWriter, Pending
from ingest.problem import CODES, Problem
from ingest.workbook import Cell, Sheet, read_workbook
from models.base import utcnow
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput
from models.repository import LedgerRepository
from models.taxonomy import Taxonomy
from models.text import cell_text

__all__ = ["FileReport", "LedgerImport", "RejectedRow"]

Progress = Callable[[int, int], None]
_FLUSH_EVERY = 2000
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


@dataclass(slots=True)
class RejectedRow:
    """A row that was not imported, as it was, with the reason (for the rejects workbook)."""

    file: str
    sheet: str
    row: int
    header: list[str]
    values: list[Cell]
    reason: str


@dataclass(slots=True)
class FileReport:
    file: str
    batch_id: int | None = None
    sha256: str = ""
    as_of: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class _Seen:
    where: str
    fingerprint: dict[str, Any]


class LedgerImport:
    def __init__(
        self,
        session: Session,
        cipher: PersonalDataCipher,
        taxonomy: Taxonomy,
        *,
        actor: str | None = None,
        default_site: str | None = None,
        as_of: dt.date | None = None,
        progress: Progress | None = None,
    ) -> None:
        self._session = session
        self._cipher = cipher
        self._taxonomy = taxonomy
        self._actor = actor
        self._default_site = default_site
        self._as_of = as_of
        self._progress = progress
        self._seen: dict[str, _Seen] = {}

    def import_file(self, path: Path) -> FileReport:
        """Import one workbook; the whole file or nothing of it (the caller commits)."""
        report = FileReport(file=path.name, sha256=_sha256(path))
        try:
            sheets = read_workbook(path)
        except InvalidInput as exc:
            report.error = exc.detail
            report.problems.append(Problem("", 0, None, path.name, "file_unreadable", exc.detail))
            report.counts = {"rows": 0, "rejected": 0}
            return report
        seen_here: dict[str, _Seen] = {}
        with self._session.begin_nested():
            LedgerRepository(self._session).prepare_bulk_session()
            self._import_sheets(path, sheets, report, seen_here)
        self._seen.update(seen_here)
        return report

    def _import_sheets(self, path: Path, sheets: list[Sheet], report: FileReport, seen_here: dict[str, _Seen]) -> None:
        tables = [(sheet, locate_table(sheet)) for sheet in sheets]
        as_of = self._as_of or next((t.as_of for _, t in tables if t and t.as_of), None) or dt.date.today()
        report.as_of = as_of
        batch = _Batch(self, path, report, as_of, seen_here)
        total = sum(t.end_row - t.first_data_row for _, t in tables if t)
        done = 0
        for sheet, table in tables:
            if table is None:
                batch.skip_sheet(sheet)
                continue
            done = batch.read_table(sheet, table, done, total)
        batch.finish()


class _Batch:
    """The state of importing one file."""

    def __init__(
        self, run: LedgerImport, path: Path, report: FileReport, as_of: dt.date, seen_here: dict[str, _Seen]
    ) -> None:
        self.run = run
        self.path = path
        self.report = report
        self.as_of = as_of
        self.seen_here = seen_here
        self.parser = RowParser(run._taxonomy, as_of)
        self.writer = LedgerWriter(run._session, run._cipher, as_of, run._actor)
        self.batch = self.writer.repo.add_batch(
            kind="ledger", file_name=path.name, file_sha256=report.sha256, actor=run._actor, as_of=as_of
        )
        report.batch_id = self.batch.id
        self.pending: list[Pending] = []
        self.rows = 0
        self.rejected = 0
        self.duplicates = 0

    def skip_sheet(self, sheet: Sheet) -> None:
        id_like = sum(1 for row in sheet.rows for v in row if isinstance(v, str) and _ID_LIKE.match(v.strip()))
        entry: dict[str, Any] = {"sheet": sheet.name, "hidden": sheet.hidden, "imported": False}
        if id_like >= 3:
            entry["reason"] = CODES["sheet_no_header"][0]
            self._problem(sheet.name, 1, None, None, "sheet_no_header", CODES["sheet_no_header"][0])
        else:
            entry["reason"] = "无人员表格（如汇总表、下拉选项表），已跳过。"
        self.report.sheets.append(entry)

    def read_table(self, sheet: Sheet, table: Table, done: int, total: int) -> int:
        self.report.sheets.append(
            {
                "sheet": sheet.name,
                "hidden": sheet.hidden,
                "imported": True,
                "header_rows": [r + 1 for r in table.header_rows],
                "data_rows": [table.first_data_row + 1, table.end_row],
                "columns": describe_mapping(table),
            }
        )
        fields = table.field_columns()
        others = {c.index: c.header for c in table.columns if c.field is None}
        header = [c.header for c in table.columns]
        origin = sheet.merged_origin()
        household: _HouseholdCursor = _HouseholdCursor()
        for r in range(table.first_data_row, table.end_row):
            row = sheet.rows[r] if r < len(sheet.rows) else []
            values = [_cell(sheet, row, r, c, origin) for c in range(len(header))]
            cells = {f: values[i] for f, i in fields.items() if i < len(values) and f != "seq"}
            if not any(cell_text(v) for v in cells.values()):
                continue
            self.rows += 1
            extra = {others[i]: values[i] for i in others if i < len(values)}
            self._row(sheet.name, table, r + 1, cells, extra, header, values, household)
            done += 1
            if len(self.pending) >= _FLUSH_EVERY:
                self._flush()
                if self.run._progress:
                    self.run._progress(done, total)
        return done

    def _row(
        self,
        sheet: str,
        table: Table,
        excel_row: int,
        cells: dict[str, Cell],
        extra: dict[str, Cell],
        header: list[str],
        values: list[Cell],
        household: _HouseholdCursor,
    ) -> None:
        record, problems = self.run_parser(cells, extra)
        where = f"{self.path.name} / {sheet} / 第{excel_row}行"
        columns = {c.field: c.header for c in table.columns if c.field}
        if record is not None:
            # a site cell left blank (or merged) below the household's first row means "same as above"
            above = household.current[0] if household.current and not record.household.get("household_number") else None
            site = record.household.get("site") or above or table.site_hint or self.run._default_site
            if not site:
                problems.append(CellProblem("site", None, "site_unknown", CODES["site_unknown"][0]))
                record = None
            else:
                record.household["site"] = site
                record.household["county_hint"] = table.county_hint
        for p in problems:
            self._problem(sheet, excel_row, columns.get(p.field or "", None), p.value, p.code, p.reason)
        if record is None:
            self.rejected += 1
            reason = "；".join(p.reason for p in problems if CODES[p.code][1])
            self.report.rejected_rows.append(RejectedRow(self.path.name, sheet, excel_row, header, values, reason))
            return
        key = household.key_for(record)
        if key is None:
            key = household.new_auto(record)
            self._problem(
                sheet,
                excel_row,
                columns.get("household_number"),
                None,
                "household_unknown",
                CODES["household_unknown"][0],
            )
        digest = self.run._cipher.digest(record.id.number)
        if self._is_repeat(digest, record, where, sheet, excel_row):
            return
        self.pending.append(Pending(record, digest, key))

    def run_parser(
        self, cells: dict[str, Cell], extra: dict[str, Cell]
    ) -> tuple[PersonRecord | None, list[CellProblem]]:
        return self.parser.parse(cells, extra)

    def _is_repeat(self, digest: str, record: PersonRecord, where: str, sheet: str, row: int) -> bool:
        fingerprint = _fingerprint(record)
        first = self.seen_here.get(digest) or self.run._seen.get(digest)
        if first is None:
            self.seen_here[digest] = _Seen(where, fingerprint)
            return False
        self.duplicates += 1
        differ = [
            _label(k) for k in first.fingerprint.keys() & fingerprint.keys() if first.fingerprint[k] != fingerprint[k]
        ]
        if not differ:
            code, detail = "duplicate_row", f"与 {first.where} 重复"
        else:
            code, detail = "duplicate_conflict", f"与 {first.where} 的{'、'.join(sorted(differ))}不一致"
        self._problem(sheet, row, None, None, code, f"{detail}：{CODES[code][0]}")
        return True

    def _problem(self, sheet: str, row: int, column: str | None, value: str | None, code: str, reason: str) -> None:
        self.report.problems.append(Problem(sheet, row, column, value, code, reason))

    def _flush(self) -> None:
        if self.pending:
            self.writer.write(self.pending, self.batch.id)
            self.pending = []

    def finish(self) -> None:
        self._flush()
        counts = dict(self.writer.counts)
        counts.update(
            rows=self.rows, rejected=self.rejected, duplicates=self.duplicates, problems=len(self.report.problems)
        )
        self.report.counts = counts
        self.batch.counts = counts
        self.batch.column_report = self.report.sheets
        self.batch.finished_at = utcnow()
        self.writer.repo.insert_problems(
            [
                {
                    "batch_id": self.batch.id,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "code": p.code,
                    "reason": p.reason,
                    "rejected": p.rejected,
                }
                for p in self.report.problems
            ]
        )
        self.run._session.flush()


class _HouseholdCursor:
    """Which household a row belongs to: its 户编号, or (blank below a merged/first cell) the one above."""

    def __init__(self) -> None:
        self.current: tuple[str, str] | None = None

    def key_for(self, record: PersonRecord) -> tuple[str, str] | None:
        site = str(record.household["site"])
        number = record.household.get("household_number")
        if number:
            self.current = (site, str(number))
        elif record.attrs.get("relation_to_head") == "户主" or self.current is None:
            if record.attrs.get("relation_to_head") != "户主":
                return None
            self.current = (site, "auto-" + record.id.number[-6:] + record.id.number[6:10])
        elif self.current[0] != site:
            return None
        return self.current

    def new_auto(self, record: PersonRecord) -> tuple[str, str]:
        self.current = (str(record.household["site"]), "auto-" + record.id.number[-6:] + record.id.number[6:10])
        return self.current


def _fingerprint(record: PersonRecord) -> dict[str, Any]:
    """What two rows of one person are compared on; only fields both rows have count."""
    out: dict[str, Any] = {k: v for k, v in record.attrs.items() if k != "phone"}
    out["name"] = record.name
    if "phone" in record.attrs:
        out["phone"] = tuple(record.phones)
    for k in ("household_number", "site"):
        if record.household.get(k):
            out[k] = record.household[k]
    return out


def _label(key: str) -> str:
    names = {
        "relation_to_head": "relation",
        "wish_place_range": "wish_place",
        "wish_min_wage": "wish_wage",
        "wish_job_text": "wish_job",
    }
    return LEDGER_FIELDS.get(names.get(key, key), key)


def _cell(sheet: Sheet, row: list[Cell], r: int, c: int, origin: dict[tuple[int, int], tuple[int, int]]) -> Cell:
    value = row[c] if c < len(row) else None
    if value is None and (r, c) in origin:
        r0, c0 = origin[(r, c)]
        src = sheet.rows[r0]
        return src[c0] if c0 < len(src) else None
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
