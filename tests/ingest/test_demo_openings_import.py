"""The demo city's openings, imported: the employer register, the postings sheet with its planted mistakes,
and the free-text ads. The generator's answer key is written independently of the importer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.demo import generate_city
from ingest.posting_import import EmployerImport, PostingImport
from ingest.posting_service import PostingService
from ingest.sites import load_sites
from models.employer import Employer
from models.posting import Posting, PublicWelfareJob
from models.taxonomy import default_taxonomy

# What each planted mistake of the postings sheet must come out as in the import report.
EXPECTED_CODE = {
    "credit_code_bad_checksum": "credit_code_bad_checksum",
    "title_missing": "title_from_occupation",  # the 职业（工种） column still names the job
    "duplicate_row": "posting_repeated",
    "reposted": "posting_repeated",
}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("city")
    generate_city(out, scale="small")
    return out, json.loads((out / "answer_key.json").read_text(encoding="utf-8"))["openings"]


def test_the_report_names_exactly_the_planted_mistakes(session: Session, city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = city
    load_sites(session, folder / "sites.csv")
    taxonomy = default_taxonomy()
    employers = EmployerImport(session, taxonomy).import_file(folder / "employers.csv")
    assert employers.counts["created"] == key["counts"]["employers"] and not employers.problems
    report = PostingImport(session, taxonomy, today=dt.date(2026, 11, 28)).import_file(folder / "postings.xlsx")
    found = {(p.row, p.code) for p in report.problems}
    wanted = {(m["row"], EXPECTED_CODE[m["code"]]) for m in key["mistakes"] if m["code"] in EXPECTED_CODE}
    assert found == wanted
    repeats = sum(1 for m in key["mistakes"] if m["code"] in ("duplicate_row", "reposted"))
    assert report.counts["created"] == key["counts"]["sheet_rows"] - repeats == key["counts"]["sheet_postings"]
    assert report.counts["rejected"] == 0
    # no employer was registered twice: the sheet names only employers of the register
    assert session.scalar(select(func.count()).select_from(Employer)) == key["counts"]["employers"]
    public = session.scalar(select(func.count()).select_from(PublicWelfareJob))
    assert public == key["counts"]["public_welfare"]


def test_a_salary_written_as_text_is_read(session: Session, city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = city
    load_sites(session, folder / "sites.csv")
    taxonomy = default_taxonomy()
    EmployerImport(session, taxonomy).import_file(folder / "employers.csv")
    PostingImport(session, taxonomy, today=dt.date(2026, 11, 28)).import_file(folder / "postings.xlsx")
    for mistake in (m for m in key["mistakes"] if m["code"] == "pay_as_text"):
        posting = session.scalars(select(Posting).where(Posting.description.contains(mistake["id"]))).one()
        assert (posting.pay_min, posting.pay_max) == (mistake["correct"]["pay_min"], mistake["correct"]["pay_max"])


def test_every_ad_becomes_a_draft_that_keeps_its_text(session: Session, city: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = city
    taxonomy = default_taxonomy()
    EmployerImport(session, taxonomy).import_file(folder / "employers.csv")
    service = PostingService(session, taxonomy)
    lines = [json.loads(line) for line in (folder / "ads.jsonl").read_text(encoding="utf-8").splitlines()]
    for ad in lines:
        employer = service.find_employer(ad["employer"], None)
        assert employer is not None, ad["employer"]
        drafts = service.drafts_from_ad(employer.id, ad["text"])
        assert drafts and all(d.source_text == ad["text"] and d.status == "draft" for d in drafts)
