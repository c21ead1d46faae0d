"""The demo city's earlier yearly ledgers: dated, the same people in each, fewer of them at work further back,
and imported oldest first they leave a change log instead of duplicates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.demo import generate_city
from ingest.demo.load import backdate_ledger, ledger_sets
from ingest.demo.population import build_city
from ingest.demo.snapshots import past_cities
from ingest.demo.work import PAID_STATUSES
from ingest.ledger import LedgerImport
from ingest.sites import load_sites
from models.batch import ImportBatch
from models.crypto import PersonalDataCipher
from models.history import WorkerChange
from models.taxonomy import default_taxonomy
from models.worker import Worker

SEED = 20261128
DATES = [dt.date(2024, 11, 1), dt.date(2025, 11, 1)]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("snapshots") / "small"
    generate_city(out, scale="small", seed=SEED)
    return out


def test_the_key_lists_the_snapshots_oldest_first_and_their_files_are_there(city: Path) -> None:
    key: dict[str, Any] = json.loads((city / "answer_key.json").read_text(encoding="utf-8"))
    assert [s["as_of"] for s in key["snapshots"]] == [d.isoformat() for d in DATES]
    sets = ledger_sets(city)
    assert [as_of for as_of, _ in sets] == [*DATES, None]
    for entry, (_, paths) in zip(key["snapshots"], sets, strict=False):
        assert sorted(entry["files"]) == sorted(str(p.relative_to(city)) for p in paths)
        assert all(f"{entry['as_of'][:4]}年11月" in p.name for p in paths)  # every file is dated
    people = [s["people"] for s in key["snapshots"]]
    assert people[0] <= people[1] <= key["counts"]["people"]  # babies join; no one leaves


def test_fewer_worked_further_back_and_earned_less() -> None:
    city = build_city("small", SEED)
    pasts = [past for _, past in past_cities(city, 2)]
    now = {p.id_number: p for h in city.households for p in h.members}
    employed = [_share_employed(c) for c in (*pasts, city)]
    assert employed[0] < employed[1] < employed[2]
    older = {p.id_number: p for h in pasts[1].households for p in h.members}
    both = [(older[i], p) for i, p in now.items() if i in older and {older[i].status, p.status} <= PAID_STATUSES]
    assert len(both) > 300
    assert sum(o.income or 0 for o, _ in both) < sum(p.income or 0 for _, p in both)
    assert all(o.status == p.status and o.employer == p.employer for o, p in both)  # the same job, paid less
    assert all((p.name, p.born) == (now[i].name, now[i].born) for i, p in older.items())
    for past in pasts:
        children = [p for h in past.households for p in h.members if p.age < 16]
        assert children and all(p.labour == "无劳动力" and not p.phones and p.income is None for p in children)


LABOUR = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")


def _share_employed(city: Any) -> float:
    labour = [p for h in city.households for p in h.members if p.labour in LABOUR]
    return sum(p.status in PAID_STATUSES for p in labour) / len(labour)


def test_imported_oldest_first_each_person_is_one_worker_with_dated_changes(
    session: Session, cipher: PersonalDataCipher, city: Path
) -> None:
    key: dict[str, Any] = json.loads((city / "answer_key.json").read_text(encoding="utf-8"))
    load_sites(session, city / "sites.csv")
    created: list[int] = []
    for as_of, paths in ledger_sets(city):
        run = LedgerImport(session, cipher, default_taxonomy(), actor="demo")
        reports = [run.import_file(path) for path in paths]
        created.append(sum(r.counts["created"] for r in reports))
        if as_of is not None:
            assert {r.as_of for r in reports} == {as_of}
            assert [p for r in reports for p in r.problems] == []  # snapshots are clean
            assert backdate_ledger(session, as_of) == created[-1]
    snapshot_people = [s["people"] for s in key["snapshots"]]
    assert created[:2] == [snapshot_people[0], snapshot_people[1] - snapshot_people[0]]
    workers = session.scalar(select(func.count()).select_from(Worker))
    assert workers == snapshot_people[1] + created[2]
    dated = select(ImportBatch.as_of, WorkerChange.field).join(ImportBatch, ImportBatch.id == WorkerChange.batch_id)
    changes = {(on, field) for on, field in session.execute(dated)}
    for field in ("employment_status", "monthly_income"):
        assert (DATES[1], field) in changes
    assert all(field != "name" for _, field in changes)  # the same names throughout
    first = select(func.min(Worker.created_at)).where(Worker.last_batch_id.is_not(None))
    assert session.scalar(first).date() == DATES[0]  # type: ignore[union-attr]
