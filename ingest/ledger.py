"""Import worker ledgers (搬迁劳动力台账): one file at a time, each in its own transaction.

``LedgerImport`` is one run over one or more files. It remembers the persons it has seen, so the
same person in two sheets or files is one worker (a repeat with other values is a problem). Each file
runs in a SAVEPOINT: if anything fails, the database is as before that file, and a re-run finishes
the job because importing what is already there changes nothing.

Reading (``ingest.ledger_read``) and writing (``ingest.ledger_writer``) are separate halves; for a
large file the reading half runs in a child process, so both cores work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ingest.fields import LEDGER_FIELDS
from ingest.ledger_read import ReadOptions, RejectedRow, RowRead, SheetSeen, Start, read_in_child, read_ledger
from ingest.ledger_row import ATTRIBUTE_OF_FIELD, PersonRecord
from ingest.ledger_writer import ATTRIBUTES, LedgerWriter, Pending
from ingest.place import SiteResolver
from ingest.problem import CODES, Problem
from models.base import utcnow
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput
from models.repository import LedgerRepository
from models.taxonomy import Taxonomy

__all__ = ["FileReport", "LedgerImport", "RejectedRow", "file_sha256"]

Progress = Callable[[int, int], None]
_FLUSH_EVERY = 2000
# Files larger than this are read in a child process (see ingest.ledger_read.read_in_child).
PARALLEL_FROM_BYTES = 1_000_000
_SWITCH_INTERVAL = 0.001  # seconds (see _quick_handovers)


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
    """The first row of a person in this run: where it was, and what repeats are compared on."""

    file: str
    sheet: str
    row: int
    fingerprint: tuple[Any, ...]

    @property
    def where(self) -> str:
        return f"{self.file} / {self.sheet} / 第{self.row}行"


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
        parallel_from_bytes: int = PARALLEL_FROM_BYTES,
        allowed_site_ids: Collection[int] | None = None,
    ) -> None:
        """``allowed_site_ids``: import only rows of these (known) sites, e.g. the sites a broker serves; each
        row of another site becomes a ``site_not_served`` problem. ``None``: every site, new ones created."""
        self._session = session
        self._cipher = cipher
        self._actor = actor
        self._options = ReadOptions(taxonomy, cipher, as_of, default_site)
        self._progress = progress
        self._parallel_from = parallel_from_bytes
        self._seen: dict[str, _Seen] = {}
        self._allowed = frozenset(allowed_site_ids) if allowed_site_ids is not None else None

    def import_file(self, path: Path) -> FileReport:
        """Import one workbook; the whole file or nothing of it (the caller commits)."""
        report = FileReport(file=path.name, sha256=file_sha256(path))
        reader = read_in_child if path.stat().st_size >= self._parallel_from else read_ledger
        events = reader(path, self._options)
        try:
            try:
                start = next(events)  # the workbook is opened here: only this step means "unreadable"
            except InvalidInput as exc:
                report.error = exc.detail
                report.problems.append(Problem("", 0, None, path.name, "file_unreadable", exc.detail))
                report.counts = {"rows": 0, "rejected": 0}
                return report
            assert isinstance(start, Start)
            report.as_of = start.as_of
            seen_here: dict[str, _Seen] = {}
            with self._session.begin_nested(), LedgerRepository(self._session).bulk_session():
                _FileImport(self, path, report, start, seen_here).run(events)
        finally:
            events.close()  # stops a child reader at once if writing failed
        self._seen.update(seen_here)
        return report


class _FileImport:
    """The writing half of importing one file: repeats, pending writes, counts, the batch record."""

    def __init__(
        self, run: LedgerImport, path: Path, report: FileReport, start: Start, seen_here: dict[str, _Seen]
    ) -> None:
        self.owner = run
        self.report = report
        self.start = start
        self.seen_here = seen_here
        self.writer = LedgerWriter(
            run._session, run._cipher, start.as_of, run._actor, expected_rows=start.total_rows, sync=self._wait
        )
        self.batch = self.writer.repo.add_batch(
            kind="ledger", file_name=path.name, file_sha256=report.sha256, actor=run._actor, as_of=start.as_of
        )
        report.batch_id = self.batch.id
        # sites looked up now, before a writer thread uses the session
        self.sites = _SiteFilter(self.writer.repo, run._allowed) if run._allowed is not None else None
        self.pending: list[Pending] = []
        self.rows = self.rejected = self.duplicates = self.not_served = 0
        self._pool: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def run(self, events: Iterator[Start | SheetSeen | RowRead]) -> None:
        """Consume the reader's events; each full batch of rows is planned here and written by one writer
        thread while this thread goes on with the next (the database works while Python does)."""
        with _quick_handovers(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-writer") as pool:
            self._pool = pool
            try:
                for event in events:
                    if isinstance(event, RowRead):
                        self._row(event)
                    elif isinstance(event, SheetSeen):
                        self.report.sheets.append(event.entry)
                        self.report.problems.extend(event.problems)
                self._flush()
                self._wait()
            except BaseException:
                self._wait(quiet=True)  # the session is not to be touched while the writer still uses it
                raise
        self._finish()

    def _wait(self, quiet: bool = False) -> None:
        """Wait for the batch being written; its error (if any) is raised here unless ``quiet``."""
        writing, self._writing = self._writing, None
        if writing is None:
            return
        try:
            writing.result()
        except BaseException:
            if not quiet:
                raise

    def _row(self, row: RowRead) -> None:
        self.rows += 1
        if row.record is not None and self.sites is not None and not self.sites.serves(row.record):
            self._not_served(row, row.record)
            return
        self.report.problems.extend(row.problems)
        if row.record is None:
            assert row.rejected is not None
            self.rejected += 1
            self.report.rejected_rows.append(row.rejected)
        elif not self._is_repeat(row):
            self.pending.append(Pending(row.record, row.digest, row.household_key))
            if len(self.pending) >= _FLUSH_EVERY:
                self._flush()

    def _not_served(self, row: RowRead, record: PersonRecord) -> None:
        """A row of a site the importer does not serve: one problem, nothing of the row imported (its cell
        problems are not reported either: it is not this importer's row)."""
        self.not_served += 1
        site = str(record.household["site"])
        self.report.problems.append(
            Problem(row.sheet, row.row, None, site, "site_not_served", CODES["site_not_served"][0])
        )

    def _is_repeat(self, row: RowRead) -> bool:
        assert row.record is not None
        fingerprint = _fingerprint(row.record)
        first = self.seen_here.get(row.digest) or self.owner._seen.get(row.digest)
        if first is None:
            self.seen_here[row.digest] = _Seen(self.report.file, row.sheet, row.row, fingerprint)
            return False
        self.duplicates += 1
        differ = [
            _label(key)
            for key, a, b in zip(_FINGERPRINT_KEYS, first.fingerprint, fingerprint, strict=True)
            if a is not _ABSENT and b is not _ABSENT and a != b
        ]
        if not differ:
            code, detail = "duplicate_row", f"与 {first.where} 重复"
        else:
            code, detail = "duplicate_conflict", f"与 {first.where} 的{'、'.join(sorted(differ))}不一致"
        self.report.problems.append(Problem(row.sheet, row.row, None, None, code, f"{detail}：{CODES[code][0]}"))
        return True

    def _flush(self) -> None:
        if not self.pending:
            return
        # planning (encrypting included) runs while the last batch is written; it waits only if it needs the
        # database (LedgerWriter's sync)
        self.writer.plan(self.pending, self.batch.id)
        self._wait()  # one batch in flight at a time: writes stay in order and memory stays bounded
        assert self._pool is not None
        self._writing = self._pool.submit(self.writer.write, self.pending, self.batch.id)
        self.pending = []
        if self.owner._progress:
            self.owner._progress(self.rows, self.start.total_rows)

    def _finish(self) -> None:
        counts = dict(self.writer.counts)
        counts.update(
            rows=self.rows, rejected=self.rejected, duplicates=self.duplicates, problems=len(self.report.problems)
        )
        if self.sites is not None:
            counts["not_served"] = self.not_served
        self.report.counts = counts
        self.batch.counts = counts
        self.batch.column_report = self.report.sheets
        self.batch.finished_at = utcnow()
        self.writer.repo.insert_problems([{"batch_id": self.batch.id, **p.as_dict()} for p in self.report.problems])
        self.owner._session.flush()


class _SiteFilter:
    """Whether a row's site (as the ledger writes it) is one of ``allowed``; an unknown site is not."""

    def __init__(self, repo: LedgerRepository, allowed: frozenset[int]) -> None:
        self._resolver = SiteResolver(repo, preload=True)
        self._allowed = allowed
        self._answers: dict[tuple[str, str | None], bool] = {}

    def serves(self, record: PersonRecord) -> bool:
        household = record.household
        key = (str(household["site"]), household.get("county_hint"))
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._resolver.find(*key) in self._allowed
        return answer


_ABSENT = object()  # a field the row has no column for (never differs)
_FINGERPRINT_KEYS = (*ATTRIBUTES, "name", "phone", "household_number", "site")
_ABSENTS = (_ABSENT,) * len(ATTRIBUTES)


def _fingerprint(record: PersonRecord) -> tuple[Any, ...]:
    """What two rows of one person are compared on (in the order of ``_FINGERPRINT_KEYS``); only fields
    both rows have count. A tuple, not a dict: one is kept for every person of a run."""
    attrs, household = record.attrs, record.household
    return (
        *map(attrs.get, ATTRIBUTES, _ABSENTS),
        record.name,
        tuple(record.phones) if "phone" in attrs else _ABSENT,
        household.get("household_number") or _ABSENT,
        household.get("site") or _ABSENT,
    )


_FIELD_OF_ATTRIBUTE = {attribute: name for name, attribute in ATTRIBUTE_OF_FIELD.items()}


def _label(key: str) -> str:
    return LEDGER_FIELDS.get(_FIELD_OF_ATTRIBUTE.get(key, key), key)


@contextmanager
def _quick_handovers() -> Iterator[None]:
    """A shorter thread switch interval while a file is written. The writer thread waits for PostgreSQL
    many times per batch, and each time needs the GIL back from the thread that plans the next batch:
    with Python's default of 5 ms, those hand-overs rather than the database set the pace."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, _SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
