"""Queries of sites, households and workers. Bulk operations take and return plain dicts and ids,
so an import of 100,000 rows is a few hundred statements, not 100,000 ORM flushes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models.batch import ImportBatch, ImportProblem
from models.history import WorkerChange
from models.household import Household
from models.site import SettlementSite
from models.training import TrainingRecord
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = ["LedgerRepository", "export_rows"]

_CHUNK = 1000


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class LedgerRepository:
    """Everything the ledger import and export read and write."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # sites -------------------------------------------------------------------------------------
    def sites(self) -> list[SettlementSite]:
        return list(self.session.scalars(select(SettlementSite).order_by(SettlementSite.id)))

    def add_site(self, **values: Any) -> SettlementSite:
        site = SettlementSite(**values)
        self.session.add(site)
        self.session.flush()
        return site

    # households --------------------------------------------------------------------------------
    def households_of_sites(self, site_ids: Iterable[int]) -> dict[tuple[int, str], Household]:
        ids = list(site_ids)
        if not ids:
            return {}
        rows = self.session.scalars(select(Household).where(Household.site_id.in_(ids)))
        return {(h.site_id, h.number): h for h in rows}

    def insert_households(self, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        result = self.session.execute(insert(Household).returning(Household.id, sort_by_parameter_order=True), rows)
        return [r[0] for r in result]

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

    def insert_workers(self, rows: list[dict[str, Any]]) -> list[int]:
        ids: list[int] = []
        for chunk in _chunks(rows):
            result = self.session.execute(
                insert(Worker).returning(Worker.id, sort_by_parameter_order=True), list(chunk)
            )
            ids.extend(r[0] for r in result)
        return ids

    def skills_of(self, worker_ids: Sequence[int]) -> dict[int, list[tuple[Any, ...]]]:
        """Per worker: its skill, certificate and training rows as comparable tuples."""
        out: dict[int, list[tuple[Any, ...]]] = {}
        for chunk in _chunks(list(worker_ids)):
            for s in self.session.execute(
                select(WorkerSkill.worker_id, WorkerSkill.kind, WorkerSkill.source_text).where(
                    WorkerSkill.worker_id.in_(chunk)
                )
            ):
                out.setdefault(s[0], []).append(("skill", s[1], s[2]))
            for c in self.session.execute(
                select(WorkerCertificate.worker_id, WorkerCertificate.source_text).where(
                    WorkerCertificate.worker_id.in_(chunk)
                )
            ):
                out.setdefault(c[0], []).append(("certificate", c[1]))
            for t in self.session.execute(
                select(TrainingRecord.worker_id, TrainingRecord.source_text).where(TrainingRecord.worker_id.in_(chunk))
            ):
                out.setdefault(t[0], []).append(("training", t[1]))
        return out

    def replace_details(
        self,
        worker_ids: Sequence[int],
        skills: list[dict[str, Any]],
        certificates: list[dict[str, Any]],
        training: list[dict[str, Any]],
    ) -> None:
        """Delete the skills, certificates and training of ``worker_ids``, then insert the given rows."""
        for chunk in _chunks(list(worker_ids)):
            for table in (WorkerSkill, WorkerCertificate, TrainingRecord):
                self.session.execute(delete(table).where(table.worker_id.in_(chunk)))
        for table, rows in ((WorkerSkill, skills), (WorkerCertificate, certificates), (TrainingRecord, training)):
            for chunk in _chunks(rows, 5000):
                self.session.execute(insert(table), list(chunk))

    def insert_changes(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows, 5000):
            self.session.execute(insert(WorkerChange), list(chunk))

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
            self.session.execute(insert(ImportProblem), list(chunk))


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
