"""The demo city's ledgers, imported: the report names exactly the errors the generator planted.

The generator (``ingest.demo``) writes an answer key independently of the importer; this is the
importer's test against messy layouts at scale. The small city runs on SQLite and PostgreSQL; the
full Xinzhou-sized city (84,505 people) runs on PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.demo import generate_city
from ingest.ledger import FileReport, LedgerImport
from ingest.sites import load_sites
from models.crypto import PersonalDataCipher
from models.household import Household
from models.site import SettlementSite
from models.taxonomy import default_taxonomy
from models.worker import Worker


def _import_city(session: Session, cipher: PersonalDataCipher, city: Path) -> list[tuple[Path, FileReport]]:
    load_sites(session, city / "sites.csv")
    run = LedgerImport(session, cipher, default_taxonomy(), actor="demo")
    out = []
    for path in sorted(p for p in (city / "ledgers").rglob("*") if p.is_file()):
        out.append((path.relative_to(city), run.import_file(path)))
        session.commit()
    return out


def _found(reports: list[tuple[Path, FileReport]]) -> set[tuple[str, str, int, str]]:
    return {(str(rel), p.sheet, p.row, p.code) for rel, r in reports for p in r.problems}


def _expected(key: dict[str, Any]) -> set[tuple[str, str, int, str]]:
    return {(p["file"], p["sheet"], p["row"], p["code"]) for p in key["problems"]}


def _check_city(session: Session, cipher: PersonalDataCipher, city: Path) -> None:
    key = json.loads((city / "answer_key.json").read_text(encoding="utf-8"))
    reports = _import_city(session, cipher, city)
    assert all(r.error is None for _, r in reports)
    found, expected = _found(reports), _expected(key)
    assert found - expected == set(), "reported but not planted"
    assert expected - found == set(), "planted but not reported"
    assert sum(r.counts["rejected"] for _, r in reports) == key["rejected_rows"]
    assert session.scalar(select(func.count()).select_from(Worker)) == key["people"]
    assert session.scalar(select(func.count()).select_from(SettlementSite)) == key["counts"]["sites"]
    households = session.scalar(select(func.count()).select_from(Household))
    assert households is not None and households <= key["counts"]["households"]
    columns = {(str(rel), p.sheet, p.row): p.column for rel, r in reports for p in r.problems}
    for planted in key["problems"]:
        if planted["column"]:
            assert columns[(planted["file"], planted["sheet"], planted["row"])] == planted["column"]


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small_city")
    generate_city(out, scale="small")
    return out


def test_small_city_reports_exactly_the_planted_errors(
    session: Session, cipher: PersonalDataCipher, small_city: Path
) -> None:
    _check_city(session, cipher, small_city)


def test_importing_the_city_again_changes_nothing(
    session: Session, cipher: PersonalDataCipher, small_city: Path
) -> None:
    _import_city(session, cipher, small_city)
    again = _import_city(session, cipher, small_city)
    assert sum(r.counts["created"] + r.counts["updated"] for _, r in again) == 0


@pytest.mark.slow
def test_full_city_reports_exactly_the_planted_errors(
    pg_session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    generate_city(tmp_path, scale="full")
    _check_city(pg_session, cipher, tmp_path)
