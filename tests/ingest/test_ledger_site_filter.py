"""A ledger imported for a broker: only the rows of the sites they serve go in (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.ledger import LedgerImport
from ingest.problem import CODES
from models.crypto import PersonalDataCipher
from models.household import Household
from models.site import SettlementSite
from models.taxonomy import default_taxonomy
from models.worker import Worker
from tests.ingest.builders import make_id

IDS = [make_id(seq=101), make_id(birth="19870304", seq=202), make_id(birth="19700101", seq=405), make_id(seq=607)]


def _ledger(tmp_path: Path) -> Path:
    lines = [
        "户号,与户主关系,姓名,身份证号,安置点",
        f"H1,户主,刘海,{IDS[0]},幸福家园安置点",
        f",妻子,马凤,{IDS[1]},",
        f"H2,户主,王建国,{IDS[2]},阳光新村安置区",
        f"H3,户主,赵强,{IDS[3]},没有登记过的安置点",
    ]
    path = tmp_path / "两个安置点.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _sites(session: Session) -> dict[str, int]:
    for name in ("五台县幸福家园安置点", "阳光新村安置区"):
        session.add(SettlementSite(name=name, county_adcode="140922"))
    session.flush()
    return {s.name: s.id for s in session.scalars(select(SettlementSite))}


def _workers(session: Session) -> list[tuple[str, str]]:
    stmt = (
        select(Worker.name, SettlementSite.name)
        .join(Household, Worker.household_id == Household.id)
        .join(SettlementSite, Household.site_id == SettlementSite.id)
    )
    return sorted((name, site) for name, site in session.execute(stmt))


def test_rows_of_other_sites_become_problems_and_are_not_imported(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    sites = _sites(session)
    run = LedgerImport(
        session, cipher, default_taxonomy(), actor="broker", allowed_site_ids={sites["五台县幸福家园安置点"]}
    )
    report = run.import_file(_ledger(tmp_path))
    session.commit()
    # the short name in the ledger stands for the broker's site; the member below the head is of it too
    assert _workers(session) == [("刘海", "五台县幸福家园安置点"), ("马凤", "五台县幸福家园安置点")]
    assert report.counts["created"] == 2 and report.counts["not_served"] == 2
    refused = [(p.row, p.value, p.code, p.reason) for p in report.problems]
    reason = CODES["site_not_served"][0]
    assert refused == [
        (4, "阳光新村安置区", "site_not_served", reason),
        (5, "没有登记过的安置点", "site_not_served", reason),
    ]
    assert "不属于您负责的安置点" in reason
    # a broker's import never creates a site
    assert set(session.scalars(select(SettlementSite.name))) == set(sites)
    # not rejected rows to correct and import again: they are another site's
    assert report.rejected_rows == [] and report.counts["rejected"] == 0


def test_without_a_restriction_every_site_is_imported(
    session: Session, cipher: PersonalDataCipher, tmp_path: Path
) -> None:
    _sites(session)
    report = LedgerImport(session, cipher, default_taxonomy(), actor="admin").import_file(_ledger(tmp_path))
    session.commit()
    assert report.counts["created"] == 4 and "not_served" not in report.counts
    assert [name for name, _ in _workers(session)] == ["刘海", "王建国", "赵强", "马凤"]
