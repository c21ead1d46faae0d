"""Queries of sites, households and workers. Bulk operations take and return plain dicts and ids,
so an import of 100,000 rows is a few hundred statements, not 100,000 ORM flushes."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Table,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from models.batch import ImportBatch, ImportProblem
from models.history import WorkerChange
from models.household import Household
from models.site import SettlementSite
from models.training import TrainingRecord
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = [
    "CERTIFICATE_COLUMNS",
    "SKILL_COLUMNS",
    "TRAINING_COLUMNS",
    "LedgerRepository",
    "copy_rows",
    "copy_tuples",
    "export_rows",
]

_CHUNK = 1000
# the columns of the detail rows given to ``LedgerRepository.replace_details``, in order
SKILL_COLUMNS = ("worker_id", "kind", "occupation_code", "name", "source_text")
CERTIFICATE_COLUMNS = ("worker_id", "canonical_name", "source_text", "expires_on")
TRAINING_COLUMNS = ("worker_id", "trade", "occupation_code", "attended_on", "certified", "source_text")


def copy_rows(raw: Any, table: Table, rows: list[dict[str, Any]], ids: Sequence[int] | None = None) -> None:
    """``COPY table FROM STDIN (FORMAT BINARY)`` through psycopg's connection ``raw``, inside the current
    transaction. Columns the rows leave out get their Python-side defaults; ``ids``, when given, are the
    rows' primary keys in order (so no row has to be copied to add its id)."""
    first = rows[0]
    given = [c.name for c in table.columns if c.name in first and not (ids is not None and c.name == "id")]
    values = operator.itemgetter(*given)
    # itemgetter of one key gives the value itself, of several a tuple
    tuples: Iterable[tuple[Any, ...]] = ((values(row),) for row in rows) if len(given) == 1 else map(values, rows)
    if ids is None:
        copy_tuples(raw, table, given, tuples)
    else:
        copy_tuples(raw, table, ["id", *given], ((i, *t) for i, t in zip(ids, tuples, strict=True)))


def copy_tuples(raw: Any, table: Table, names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """``copy_rows`` for rows that are tuples of the columns ``names``."""
    defaults = [
        (c.name, default)
        for c in table.columns
        if c.name not in names and c.name != "id" and (default := _python_default(c)) is not _NONE
    ]
    columns = [*names, *(name for name, _ in defaults)]
    fill = tuple(default for _, default in defaults)
    types = [_pg_type(table.columns[n]) for n in columns]
    column_list = ", ".join(f'"{n}"' for n in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({column_list}) FROM STDIN (FORMAT BINARY)') as copy:
        copy.set_types(types)
        write = copy.write_row
        if fill:
            for row in rows:
                write((*row, *fill))
        else:
            for row in rows:
                write(row)


def _pg_type(column: Column[Any]) -> str:
    """The PostgreSQL type name psycopg needs to send a column's values in binary."""
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, Integer):
        return "int8" if isinstance(kind, BigInteger) else "int4"
    if isinstance(kind, DateTime):
        return "timestamptz" if kind.timezone else "timestamp"
    for sa_type, name in ((Boolean, "bool"), (Date, "date"), (LargeBinary, "bytea"), (Float, "float8")):
        if isinstance(kind, sa_type):
            return name
    return "text"


_NONE = object()


def _python_default(column: Column[Any]) -> Any:
    default = column.default
    if default is None or not getattr(default, "is_scalar", False) and not getattr(default, "is_callable", False):
        return _NONE
    if default.is_callable:
        return default.arg(None)  # type: ignore[attr-defined]
    return default.arg  # type: ignore[attr-defined]


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class LedgerRepository:
    """Everything the ledger import and export read and write."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _core_insert(self, table: Any, rows: list[dict[str, Any]], ids: Sequence[int] | None = None) -> None:
        """Insert many rows: COPY on PostgreSQL (about ten times faster than executemany there),
        a Core executemany elsewhere. Columns a row leaves out get their Python-side defaults; ``ids``,
        when given, are the rows' primary keys."""
        if not rows:
            return
        conn = self.session.connection()
        if conn.dialect.name != "postgresql":
            if ids is not None:
                rows = [{**r, "id": i} for r, i in zip(rows, ids, strict=True)]
            conn.execute(insert(table.__table__), rows)
            return
        copy_rows(conn.connection.driver_connection, table.__table__, rows, ids)

    def _insert_tuples(self, table: Any, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """``_core_insert`` for rows that are tuples of the columns ``names``."""
        if not rows:
            return
        conn = self.session.connection()
        if conn.dialect.name != "postgresql":
            conn.execute(insert(table.__table__), [dict(zip(names, row, strict=True)) for row in rows])
            return
        copy_tuples(conn.connection.driver_connection, table.__table__, names, rows)

    def next_ids(self, table: Any, n: int) -> list[int] | None:
        """On PostgreSQL, ``n`` ids taken from the table's sequence (so COPY needs no look-up after)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return None
        name = table.__table__.name
        # one array, not n rows: the ids of a whole batch in one small result
        stmt = text(f"SELECT array(SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, :n))")
        return [int(i) for i in self.session.scalar(stmt, {"n": n}) or []]

    @contextmanager
    def bulk_session(self) -> Iterator[None]:
        """For a large import on PostgreSQL: no server-side prepared statements while it runs.

        psycopg prepares a statement after a few executions, and a plan made while the table was still
        empty (a sequential scan) would then serve every look-up of a growing table: quadratic time.
        (``plan_cache_mode = force_custom_plan`` would do the same but also re-plans every foreign-key
        check, which costs more than it saves.)"""
        conn = self.session.connection()
        if conn.dialect.name != "postgresql":
            yield
            return
        raw: Any = conn.connection.driver_connection
        before = raw.prepare_threshold
        raw.prepare_threshold = None
        try:
            yield
        finally:
            raw.prepare_threshold = before

    # sites -------------------------------------------------------------------------------------
    def sites(self) -> list[SettlementSite]:
        return list(self.session.scalars(select(SettlementSite).order_by(SettlementSite.id)))

    def add_site(self, **values: Any) -> SettlementSite:
        site = SettlementSite(**values)
        self.session.add(site)
        self.session.flush()
        return site

    # households --------------------------------------------------------------------------------
    def households_of_sites(self, site_ids: Iterable[int]) -> dict[tuple[int, str], dict[str, Any]]:
        """The households of these sites as plain dicts of their columns, by (site id, number)."""
        ids = list(site_ids)
        if not ids:
            return {}
        stmt = select(*Household.__table__.columns).where(Household.site_id.in_(ids))
        return {(h["site_id"], h["number"]): dict(h) for h in self.session.execute(stmt).mappings()}

    def insert_households(self, rows: list[dict[str, Any]], ids: Sequence[int] | None = None) -> list[int]:
        """Insert households; returns their ids in the order of ``rows`` (``ids`` if given, taken from
        ``next_ids`` before)."""
        if not rows:
            return []
        if ids is not None:
            self._core_insert(Household, rows, ids)
            return list(ids)
        # Plain executemany (batched into multi-row VALUES) and then one look-up: RETURNING in parameter
        # order makes SQLAlchemy send one statement per row on PostgreSQL.
        given = self.next_ids(Household, len(rows))
        if given is not None:
            self._core_insert(Household, rows, given)
            return given
        self._core_insert(Household, rows)
        found: dict[tuple[int, str], int] = {}
        by_site: dict[int, list[str]] = {}
        for r in rows:
            by_site.setdefault(r["site_id"], []).append(r["number"])
        for site_id, numbers in by_site.items():
            for chunk in _chunks(numbers):
                stmt = select(Household.id, Household.number).where(
                    Household.site_id == site_id, Household.number.in_(chunk)
                )
                found.update(((site_id, number), hh_id) for hh_id, number in self.session.execute(stmt))
        return [found[(r["site_id"], r["number"])] for r in rows]

    def update_rows(self, table: type[Household] | type[Worker], rows: list[dict[str, Any]]) -> None:
        """Bulk UPDATE by primary key; each dict holds ``id`` and the changed columns."""
        by_keys: dict[frozenset[str], list[dict[str, Any]]] = {}
        for row in rows:
            by_keys.setdefault(frozenset(row), []).append(row)
        for group in by_keys.values():
            for chunk in _chunks(group):
                self.session.execute(update(table), list(chunk))

    # workers -----------------------------------------------------------------------------------
    def workers_by_hash(self, hashes: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Current column values of the workers with these ID-number hashes, as dicts."""
        found: dict[str, dict[str, Any]] = {}
        columns = Worker.__table__.columns
        for chunk in _chunks(list(hashes)):
            stmt = select(*columns).where(Worker.id_number_hash.in_(chunk))
            for row in self.session.execute(stmt).mappings():
                found[row["id_number_hash"]] = dict(row)
        return found

    def insert_workers(self, rows: list[dict[str, Any]], ids: Sequence[int] | None = None) -> list[int]:
        """Insert workers; returns their ids in the order of ``rows`` (``ids`` if given, taken from
        ``next_ids`` before; else from the sequence, or looked up by ID-number hash)."""
        if not rows:
            return []
        given = list(ids) if ids is not None else self.next_ids(Worker, len(rows))
        if given is not None:
            self._core_insert(Worker, rows, given)
            return given
        found_ids: list[int] = []
        for chunk in _chunks(rows):
            self._core_insert(Worker, list(chunk))
            hashes = [r["id_number_hash"] for r in chunk]
            stmt = select(Worker.id_number_hash, Worker.id).where(Worker.id_number_hash.in_(hashes))
            found = {h: i for h, i in self.session.execute(stmt)}
            found_ids.extend(found[h] for h in hashes)
        return found_ids

    def details_of(self, worker_ids: Sequence[int]) -> dict[int, list[tuple[Any, ...]]]:
        """Per worker: its skills, wishes, certificates and training as comparable tuples whose first
        item is the kind (skill, wish, certificate, training)."""
        out: dict[int, list[tuple[Any, ...]]] = {}
        for chunk in _chunks(list(worker_ids)):
            skills = select(WorkerSkill.worker_id, WorkerSkill.kind, WorkerSkill.source_text)
            for worker_id, kind, text_ in self.session.execute(skills.where(WorkerSkill.worker_id.in_(chunk))):
                out.setdefault(worker_id, []).append((kind, text_))
            certs = select(WorkerCertificate.worker_id, WorkerCertificate.source_text)
            for worker_id, text_ in self.session.execute(certs.where(WorkerCertificate.worker_id.in_(chunk))):
                out.setdefault(worker_id, []).append(("certificate", text_))
            training = select(
                TrainingRecord.worker_id, TrainingRecord.trade, TrainingRecord.attended_on, TrainingRecord.certified
            )
            for worker_id, *rest in self.session.execute(training.where(TrainingRecord.worker_id.in_(chunk))):
                out.setdefault(worker_id, []).append(("training", *rest))
        return out

    def replace_details(
        self,
        clear: dict[str, list[int]],
        skills: list[tuple[Any, ...]],
        certificates: list[tuple[Any, ...]],
        training: list[tuple[Any, ...]],
    ) -> None:
        """Delete, per kind (skill, wish, certificate, training), the details of the workers listed for
        it; then insert the given rows: tuples of ``SKILL_COLUMNS``, ``CERTIFICATE_COLUMNS`` and
        ``TRAINING_COLUMNS``."""
        for kind, ids in clear.items():
            for chunk in _chunks(ids):
                if kind in ("skill", "wish"):
                    stmt = delete(WorkerSkill).where(WorkerSkill.worker_id.in_(chunk), WorkerSkill.kind == kind)
                elif kind == "certificate":
                    stmt = delete(WorkerCertificate).where(WorkerCertificate.worker_id.in_(chunk))
                else:
                    stmt = delete(TrainingRecord).where(TrainingRecord.worker_id.in_(chunk))
                self.session.execute(stmt)
        for table, names, rows in (
            (WorkerSkill, SKILL_COLUMNS, skills),
            (WorkerCertificate, CERTIFICATE_COLUMNS, certificates),
            (TrainingRecord, TRAINING_COLUMNS, training),
        ):
            for chunk in _chunks(rows, 5000):
                self._insert_tuples(table, names, list(chunk))

    def insert_changes(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows, 5000):
            self._core_insert(WorkerChange, list(chunk))

    def has_workers(self) -> bool:
        return self.session.scalar(select(Worker.id).limit(1)) is not None

    def count_workers(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Worker)) or 0)

    # batches -----------------------------------------------------------------------------------
    def add_batch(self, **values: Any) -> ImportBatch:
        batch = ImportBatch(**values)
        self.session.add(batch)
        self.session.flush()
        return batch

    def insert_problems(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows, 5000):
            self._core_insert(ImportProblem, list(chunk))

    def worker_ids_of_batch(self, batch_id: int) -> list[int]:
        """The workers this batch created or changed (an unchanged row keeps its earlier batch)."""
        return list(self.session.scalars(select(Worker.id).where(Worker.last_batch_id == batch_id)))


def export_rows(
    session: Session, site_name: str | None
) -> tuple[list[dict[str, Any]], dict[int, dict[str, list[Any]]]]:
    """Workers with household and site, ordered by site, household and id; and their details by worker id."""
    stmt = (
        select(Worker, Household, SettlementSite)
        .join(Household, Worker.household_id == Household.id)
        .join(SettlementSite, Household.site_id == SettlementSite.id)
        .order_by(SettlementSite.name, Household.number, Worker.id)
    )
    if site_name:
        stmt = stmt.where(SettlementSite.name == site_name)
    rows: list[dict[str, Any]] = [{"worker": w, "household": h, "site": s} for w, h, s in session.execute(stmt)]
    ids = [int(r["worker"].id) for r in rows]
    details: dict[int, dict[str, list[Any]]] = {
        i: {"skill": [], "wish": [], "certificate": [], "training": []} for i in ids
    }
    for chunk in _chunks(ids):
        for sk in session.scalars(select(WorkerSkill).where(WorkerSkill.worker_id.in_(chunk))):
            details[sk.worker_id][sk.kind].append(sk)
        for c in session.scalars(select(WorkerCertificate).where(WorkerCertificate.worker_id.in_(chunk))):
            details[c.worker_id]["certificate"].append(c)
        for t in session.scalars(select(TrainingRecord).where(TrainingRecord.worker_id.in_(chunk))):
            details[t.worker_id]["training"].append(t)
    return rows, details
