"""Loading the demo city's ledgers: the earlier yearly snapshots oldest first, then the current ledgers.

Each set is one import run of its own (a run takes a person seen twice for a repeat, and the same person is
in every snapshot); a later set updates the people an earlier one created and records each change
(``worker_change``), effective on its ledger date. The importer stamps a new row with the day it runs, so
after each snapshot ``backdate_ledger`` dates the rows it created on its 填报日期, as if each year's ledger
had been imported that year (the figures count a person from the first day the ledger holds them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.batch import ImportBatch
from models.household import Household
from models.worker import Worker

__all__ = ["LedgerSet", "backdate_ledger", "ledger_sets"]

LedgerSet = tuple[dt.date | None, list[Path]]
"""(the snapshot's fill date, or None for the current ledgers; its files in reading order)."""


def ledger_sets(folder: Path) -> list[LedgerSet]:
    """The ledger files of the demo city in ``folder``: each snapshot (oldest first), then the current ones."""
    sets: list[LedgerSet] = []
    snapshots = folder / "snapshots"
    for month in sorted(p for p in snapshots.iterdir() if p.is_dir()) if snapshots.exists() else []:
        as_of = dt.date.fromisoformat(f"{month.name}-01")
        sets.append((as_of, _files(month / "ledgers")))
    sets.append((None, _files(folder / "ledgers")))
    return sets


def _files(ledgers: Path) -> list[Path]:
    return sorted(p for p in ledgers.rglob("*") if p.is_file())


def backdate_ledger(session: Session, as_of: dt.date) -> int:
    """Date the workers and households that imports of ledger date ``as_of`` created (stamped later) on
    ``as_of``; returns how many workers. The caller commits."""
    at = dt.datetime.combine(as_of, dt.time(1), tzinfo=dt.UTC)  # 09:00 Beijing
    batches = select(ImportBatch.id).where(ImportBatch.kind == "ledger", ImportBatch.as_of == as_of)
    workers = session.execute(
        update(Worker).where(Worker.last_batch_id.in_(batches), Worker.created_at > at).values(created_at=at)
    )
    households = select(Worker.household_id).where(Worker.last_batch_id.in_(batches))
    session.execute(
        update(Household).where(Household.id.in_(households), Household.created_at > at).values(created_at=at)
    )
    return int(getattr(workers, "rowcount", 0) or 0)
