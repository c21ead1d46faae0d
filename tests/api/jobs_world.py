"""Helpers of the job tests: the world of ``tests.api.world`` with its own ``var/``, small ledgers to upload,
and waiting for a job as a person refreshing the page would."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from api.settings import Settings
from models.batch import ImportBatch
from models.db import build_engine, build_session_factory
from models.worker import Worker
from tests.api.world import World, world_app
from tests.ingest.builders import make_id, messy_workbook, person

__all__ = ["NEWCOMERS", "count", "jobs_app", "ledger_csv", "messy_ledger", "upload", "wait_for"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# people of a ledger who are not in the world: (household, relation, name, ID number, site as written)
NEWCOMERS = [
    ("N1", "户主", "高建军", make_id(seq=611), "幸福小区"),
    ("N1", "妻子", "韩梅", make_id(birth="19880808", seq=622), "幸福小区"),
    ("N2", "户主", "郭涛", make_id(birth="19790101", seq=633), "阳光社区"),
]


def jobs_app(database_url: str, tmp_path: Path, *, redis_url: str | None = None) -> tuple[Settings, World]:
    settings, world = world_app(database_url, redis_url=redis_url)
    return settings.model_copy(update={"var_dir": tmp_path / "var"}), world


def ledger_csv(rows: list[tuple[str, str, str, str, str]] = NEWCOMERS) -> bytes:
    """A CSV ledger with a site column; a remark unique to this call keeps its content (and so its import
    job) apart from every other test's."""
    marker = uuid.uuid4().hex
    lines = ["户号,与户主关系,姓名,身份证号,安置点,备注"]
    lines += [f"{hh},{relation},{name},{ident},{site},{marker}" for hh, relation, name, ident, site in rows]
    return "\n".join(lines).encode("utf-8")


def messy_ledger(tmp_path: Path) -> bytes:
    """The ledger of ``tests.ingest.builders`` (merged title, group header, totals, a 汇总 sheet) with one bad
    ID number, made unique by a line in its 汇总 sheet."""
    bad = make_id(birth="19870304", seq=202)
    people = [
        person(1, "WT001", "户主", "王建业", make_id(seq=101)),
        person(2, "WT001", "配偶", "李秀兰", bad[:-1] + ("0" if bad[-1] != "0" else "1")),
        person(3, "WT002", "户主", "张桂芝", make_id(birth="19700101", seq=405)),
    ]
    path = messy_workbook(tmp_path / f"ledger-{uuid.uuid4().hex[:8]}.xlsx", people)
    workbook = load_workbook(path)
    workbook["汇总"].append(["批次", uuid.uuid4().hex])
    workbook.save(path)
    return path.read_bytes()


def upload(
    client: TestClient, headers: dict[str, str], content: bytes, name: str = "幸福小区台账.csv"
) -> httpx.Response:
    kind = XLSX if name.endswith(".xlsx") else "text/csv"
    return client.post("/imports/ledger", headers=headers, files={"file": (name, content, kind)})


def wait_for(client: TestClient, headers: dict[str, str], job_id: str, *, limit: float = 120.0) -> dict[str, Any]:
    """The job once it finished or failed (the limit only keeps a broken run from hanging)."""
    deadline = time.monotonic() + limit
    while True:
        response = client.get(f"/jobs/{job_id}", headers=headers)
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["status"] in ("finished", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def count(settings: Settings, model: type[Worker] | type[ImportBatch]) -> int:
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()
