"""Import postings (岗位表) and employer registers (单位名录) from spreadsheets (xlsx, xls or CSV).

Like the ledger import, nothing is lost: a row without an employer or a title is rejected whole (and goes to
the rejects workbook), any other unreadable cell is left out of its row with a problem, cells of unknown
columns are kept in the description, and each file runs in its own SAVEPOINT. A posting seen before (the
same employer, nearly the same title and text) is updated, not posted twice. Complete postings open at once;
the others stay drafts for staff to complete.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.header import is_marker_row
from ingest.ledger import FileReport, file_sha256
from ingest.ledger_read import RejectedRow
from ingest.posting_form import EmployerForm, PostingForm, lenient_form, lenient_posting_form
from ingest.posting_row import RowValues, read_employer_row, read_row
from ingest.posting_service import PostingService
from ingest.posting_table import PostingTable, locate_posting_table
from ingest.problem import Problem
from ingest.workbook import Sheet, read_workbook
from models.base import utcnow
from models.batch import ImportBatch, ImportProblem
from models.employer import Employer
from models.errors import AnyeError, InvalidInput
from models.posting import Posting, missing_for_opening
from models.site import SettlementSite
from models.taxonomy import Taxonomy
from models.text import cell_text
from models.vocab import PostingSource, PostingStatus

__all__ = ["EmployerImport", "PostingImport", "TableImport"]

Where = tuple[str, int]


class TableImport:
    """One file of one row per record: the file's transaction, batch, sheets, rejected rows and problems.
    Subclasses read a row (``read``) and save it (``save``); past jobs (``ingest.placement_import``) too."""

    kind = ""
    key_field = ""
    columns_file = "posting_columns.csv"
    no_header = ""
    count_keys: tuple[str, ...] = ("rows", "created", "updated", "rejected")

    def __init__(self, session: Session, taxonomy: Taxonomy, *, actor: str | None = None) -> None:
        self.session = session
        self.service = PostingService(session, taxonomy)
        self.actor = actor

    def import_file(self, path: Path) -> FileReport:
        """Import one file; the whole file or nothing of it (the caller commits)."""
        report = FileReport(file=path.name, sha256=file_sha256(path))
        try:
            sheets = read_workbook(path)
        except InvalidInput as exc:
            report.error = exc.detail
            report.problems.append(Problem("", 0, None, path.name, "file_unreadable", exc.detail))
            report.counts = {"rows": 0, "rejected": 0}
            return report
        with self.session.begin_nested():
            batch = ImportBatch(kind=self.kind, file_name=path.name, file_sha256=report.sha256, actor=self.actor)
            self.session.add(batch)
            self.session.flush()
            report.batch_id = batch.id
            self.report, self.batch = report, batch
            self.counts = dict.fromkeys(self.count_keys, 0)
            for sheet in sheets:
                self._sheet(sheet)
            self._finish()
        return report

    def _sheet(self, sheet: Sheet) -> None:
        table = locate_posting_table(sheet, self.key_field, self.columns_file)
        entry: dict[str, Any] = {"sheet": sheet.name, "header_row": None, "columns": {}}
        self.report.sheets.append(entry)
        if table is None:
            if any(cell_text(v) for row in sheet.rows for v in row):
                self.report.problems.append(Problem(sheet.name, 1, None, None, "sheet_no_header", self.no_header))
            return
        entry["header_row"] = table.header_row + 1
        entry["columns"] = {table.labels[i]: field for field, i in table.columns.items()}
        for r in range(table.header_row + 1, len(sheet.rows)):
            cells = sheet.rows[r]
            if any(cell_text(v) for v in cells) and not is_marker_row(cells):
                self._row(sheet, table, r, cells)

    def _row(self, sheet: Sheet, table: PostingTable, r: int, cells: list[Any]) -> None:
        self.counts["rows"] += 1
        where = (sheet.name, r + 1)
        values = self.read(table, cells)
        problems = [Problem(*where, p.column, p.value, p.code, p.reason) for p in values.problems]
        if not values.rejected:
            try:
                with self.session.begin_nested():
                    self.save(values, problems, where)
            except AnyeError as exc:
                problems.append(Problem(*where, None, None, "posting_refused", exc.detail))
        self.report.problems.extend(problems)
        if any(p.rejected for p in problems):
            self.counts["rejected"] += 1
            reason = "；".join(p.reason for p in problems if p.rejected)
            header = [label or f"列{i + 1}" for i, label in enumerate(table.labels)]
            self.report.rejected_rows.append(RejectedRow(self.report.file, sheet.name, r + 1, header, cells, reason))

    def read(self, table: PostingTable, cells: list[Any]) -> RowValues:
        raise NotImplementedError

    def save(self, values: RowValues, problems: list[Problem], where: Where) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        problems = self.report.problems
        self.counts["problems"] = len(problems)
        self.report.counts = self.counts
        self.batch.counts = dict(self.counts)
        self.batch.column_report = self.report.sheets
        self.batch.finished_at = utcnow()
        self.session.add_all(ImportProblem(batch_id=self.batch.id, **p.as_dict()) for p in problems)
        self.session.flush()

    def employer_form(self, values: RowValues, problems: list[Problem], where: Where) -> EmployerForm:
        """The employer form of the row; a value the form refuses is left out with a problem (without a usable
        name the row is refused)."""
        form, refused = lenient_form(EmployerForm, values.employer)
        for field, reason in refused:
            problems.append(Problem(*where, values.label_of(field), None, "value_refused", reason))
        if form is None:
            raise InvalidInput(refused[-1].reason)
        return form


class PostingImport(TableImport):
    kind = "postings"
    key_field = "title"
    no_header = "此工作表中找不到岗位表头（单位名称、岗位名称、招聘人数等列），未导入。若此表有岗位信息，请检查表头。"
    count_keys = ("rows", "created", "updated", "opened", "drafts", "rejected")

    def __init__(
        self,
        session: Session,
        taxonomy: Taxonomy,
        *,
        actor: str | None = None,
        today: dt.date | None = None,
        open_complete: bool = True,
    ) -> None:
        super().__init__(session, taxonomy, actor=actor)
        self.today = today or dt.date.today()
        self.open_complete = open_complete
        self._sites: dict[str, int] | None = None

    def read(self, table: PostingTable, cells: list[Any]) -> RowValues:
        return read_row(table, cells)

    def save(self, values: RowValues, problems: list[Problem], where: Where) -> None:
        service = self.service
        employer, _ = service.employer_for(self.employer_form(values, problems, where))
        form = self._posting_form(values, problems, where)
        repeat = service.find_repeat(employer.id, form.title, form.description)
        if repeat is not None:
            posting = service.update_posting(repeat.id, form, batch_id=self.batch.id)
            problems.append(Problem(*where, None, None, "posting_repeated", _repeated(repeat)))
            self.counts["updated"] += 1
        else:
            posting = service.create_posting(
                employer.id, form, source=PostingSource.IMPORT, unsure=values.unsure, batch_id=self.batch.id
            )
            self.counts["created"] += 1
        self._maybe_open(posting)

    def _posting_form(self, values: RowValues, problems: list[Problem], where: Where) -> PostingForm:
        data = dict(values.posting)
        if values.site_name:
            data["site_id"] = self._site_id(values.site_name)
        form, refused = lenient_posting_form(data)
        for field, reason in refused:
            problems.append(Problem(*where, values.label_of(field), None, "value_refused", reason))
        return form

    def _site_id(self, name: str) -> int | None:
        if self._sites is None:
            rows = self.session.execute(select(SettlementSite.name, SettlementSite.id)).all()
            self._sites = {site_name: site_id for site_name, site_id in rows}
        return self._sites.get(name)

    def _maybe_open(self, posting: Posting) -> None:
        if posting.status != PostingStatus.DRAFT:
            return
        if self.open_complete and not missing_for_opening(posting):
            try:
                self.service.change_status(posting.id, PostingStatus.OPEN, today=self.today)
                self.counts["opened"] += 1
                return
            except AnyeError:
                pass  # e.g. a deadline already past: it stays a draft for staff to look at
        self.counts["drafts"] += 1


class EmployerImport(TableImport):
    """An employer register (单位名录): registers new employers and completes known ones."""

    kind = "employers"
    key_field = "employer_name"
    no_header = "此工作表中找不到单位名录表头（单位名称、统一社会信用代码等列），未导入。"

    def read(self, table: PostingTable, cells: list[Any]) -> RowValues:
        return read_employer_row(table, cells)

    def save(self, values: RowValues, problems: list[Problem], where: Where) -> None:
        form = self.employer_form(values, problems, where)
        employer, created = self.service.employer_for(form)
        if created:
            self.counts["created"] += 1
        elif _complete(employer, form):
            self.counts["updated"] += 1


def _complete(employer: Employer, form: EmployerForm) -> bool:
    """Fill what a registered employer lacks from the register; returns whether anything changed."""
    changed = False
    for name in ("address", "county_adcode", "longitude", "latitude", "contact_name", "contact_phone", "remarks"):
        value = getattr(form, name)
        if value is not None and getattr(employer, name) != value:
            setattr(employer, name, value)
            changed = True
    if form.kind.value != employer.kind and "kind" in form.model_fields_set:
        employer.kind = form.kind.value
        changed = True
    return changed


def _repeated(posting: Posting) -> str:
    return f"与已有岗位（编号 {posting.id}：{posting.title}）相同或仅有少量改动，已更新原岗位，没有重复建岗。"
