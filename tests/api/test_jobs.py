"""Background jobs over HTTP in the embedded mode (no Redis: a thread of the app runs them), on SQLite and
PostgreSQL: a ledger upload imported once, a broker's import kept to their sites, a failed job's Chinese
error and its retry, batch recommendations, and who may see a job."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.app import create_app
from api.job_service import store_upload
from api.settings import Settings
from models.base import utcnow
from models.batch import ImportBatch
from models.db import build_engine, build_session_factory, session_scope
from models.errors import InvalidInput
from models.household import Household
from models.posting import Posting
from models.site import SettlementSite
from models.worker import Worker
from tests.api.jobs_world import count, jobs_app, ledger_csv, messy_ledger, upload, wait_for
from tests.api.world import World, sign_in


@pytest.fixture
def built(database_url: str, tmp_path: Path) -> tuple[Settings, World]:
    return jobs_app(database_url, tmp_path)


@pytest.fixture
def client(built: tuple[Settings, World]) -> Iterator[TestClient]:
    with TestClient(create_app(built[0])) as test_client:
        yield test_client


def _sites_of(settings: Settings, names: list[str]) -> dict[str, str]:
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            stmt = (
                select(Worker.name, SettlementSite.name)
                .join(Household, Worker.household_id == Household.id)
                .join(SettlementSite, Household.site_id == SettlementSite.id)
                .where(Worker.name.in_(names))
            )
            return {name: site for name, site in session.execute(stmt)}
    finally:
        engine.dispose()


def test_an_uploaded_ledger_is_imported_in_the_background_with_its_report_and_rejects(
    client: TestClient, built: tuple[Settings, World], tmp_path: Path
) -> None:
    settings, _ = built
    admin = sign_in(client, "city_admin")
    before = count(settings, Worker)
    sent = upload(client, admin, messy_ledger(tmp_path), name="幸福家园台账.xlsx")
    assert sent.status_code == 202, sent.text
    assert sent.json()["kind"] == "import_ledger" and sent.json()["kind_label"] == "导入台账"
    job = wait_for(client, admin, sent.json()["id"])
    assert (job["status"], job["status_label"], job["error"]) == ("finished", "已完成", None)
    result = job["result"]
    assert result["file"] == "幸福家园台账.xlsx" and result["as_of"] == "2024-03-01"
    assert result["counts"]["created"] == 2 and result["counts"]["rejected"] == 1 and result["problems"] == 1
    assert count(settings, Worker) == before + 2
    report = client.get(job["links"]["report"], headers=admin)
    assert report.status_code == 200
    problems = report.json()["files"][0]["problems"]
    assert [p["code"] for p in problems] == ["id_bad_checksum"] and "校验位" in problems[0]["reason"]
    rejects = client.get(job["links"]["rejects"], headers=admin)
    assert rejects.status_code == 200
    sheet = load_workbook(io.BytesIO(rejects.content)).worksheets[0]
    assert sheet.cell(1, 1).value == "未导入原因" and sheet.cell(2, 1).value == problems[0]["reason"]
    # the plain ledger is not kept once it is in
    assert list((settings.var_dir / "uploads").iterdir()) == []


def test_the_same_file_uploaded_twice_is_one_job_and_one_import(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    settings, _ = built
    admin = sign_in(client, "city_admin")
    content = ledger_csv()
    first = upload(client, admin, content).json()
    again = upload(client, admin, content).json()  # while the first is queued or running
    assert again["id"] == first["id"]
    done = wait_for(client, admin, first["id"])
    assert done["result"]["counts"]["created"] == 3
    later = upload(client, admin, content, name="改了名字的台账.csv")
    assert later.status_code == 202 and later.json()["id"] == first["id"] and later.json()["status"] == "finished"
    assert count(settings, ImportBatch) == 1 and later.json()["attempts"] == 1
    assert list((settings.var_dir / "uploads").iterdir()) == []


def test_a_brokers_upload_imports_only_the_sites_they_serve(client: TestClient, built: tuple[Settings, World]) -> None:
    settings, _ = built
    broker_a = sign_in(client, "broker_a")  # site 幸福小区 only
    content = ledger_csv()
    job = wait_for(client, broker_a, upload(client, broker_a, content).json()["id"])
    assert job["status"] == "finished"
    assert job["result"]["counts"]["created"] == 2 and job["result"]["counts"]["not_served"] == 1
    assert _sites_of(settings, ["高建军", "韩梅", "郭涛"]) == {"高建军": "幸福小区", "韩梅": "幸福小区"}
    problems = client.get(job["links"]["report"], headers=broker_a).json()["files"][0]["problems"]
    assert [(p["row"], p["value"], p["reason"][:10]) for p in problems] == [(4, "阳光社区", "不属于您负责的安置点")]
    # the broker of the other site uploading the same file is another job, and brings in that site's row
    broker_b = sign_in(client, "broker_b")
    other = upload(client, broker_b, content).json()
    assert other["id"] != job["id"]
    assert wait_for(client, broker_b, other["id"])["result"]["counts"]["created"] == 1
    assert _sites_of(settings, ["郭涛"]) == {"郭涛": "阳光社区"}


def test_a_job_is_seen_by_its_owner_and_administrators_only(client: TestClient) -> None:
    broker_a = sign_in(client, "broker_a")
    job_id = upload(client, broker_a, ledger_csv()).json()["id"]
    wait_for(client, broker_a, job_id)
    for username in ("broker_b", "employer", "worker"):
        headers = sign_in(client, username)
        refused = client.get(f"/jobs/{job_id}", headers=headers)
        assert refused.status_code == 404 and refused.json()["error"] == "NotFound", username
        assert client.post(f"/jobs/{job_id}/retry", headers=headers).status_code == 404
    broker_b = sign_in(client, "broker_b")
    assert client.get(f"/imports/{job_id}/rejects", headers=broker_b).status_code == 404
    for username in ("city_admin", "county_admin"):
        assert client.get(f"/jobs/{job_id}", headers=sign_in(client, username)).status_code == 200
    assert client.get("/jobs/import-no-such-job", headers=broker_a).status_code == 404


def test_only_staff_upload_and_only_ledger_files_are_taken(client: TestClient) -> None:
    assert upload(client, sign_in(client, "employer"), ledger_csv()).status_code == 403
    assert upload(client, sign_in(client, "worker"), ledger_csv()).status_code == 403
    broker = sign_in(client, "broker_a")
    wrong = upload(client, broker, b"%PDF-1.4", name="台账.pdf")
    assert wrong.status_code == 422 and "只能导入 Excel" in wrong.json()["detail"]
    empty = upload(client, broker, b"", name="台账.xlsx")
    assert empty.status_code == 422 and "文件是空的" in empty.json()["detail"]
    assert client.post("/model/retrain", headers=broker).status_code == 403


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    with pytest.raises(InvalidInput, match="文件太大（超过 1 MB）"):
        store_upload(io.BytesIO(b"x" * (1024 * 1024 + 1)), "台账.csv", folder, limit=1024 * 1024)
    assert list(folder.iterdir()) == []
    stored = store_upload(io.BytesIO(b"a,b\n1,2\n"), "..\\..\\台账.CSV", folder)
    assert stored.name == f"{stored.sha256}.csv" and (folder / stored.name).read_bytes() == b"a,b\n1,2\n"


def test_a_broken_workbook_fails_with_a_chinese_error_and_runs_again_on_retry(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    settings, _ = built
    admin = sign_in(client, "city_admin")
    sent = upload(client, admin, b"PK\x03\x04 not really a workbook", name="坏文件.xlsx")
    failed = wait_for(client, admin, sent.json()["id"])
    assert failed["status"] == "failed" and failed["status_label"] == "失败" and failed["attempts"] == 1
    assert "坏文件.xlsx" in failed["error"] and "另存为" in failed["error"]
    assert client.get(failed["links"]["report"], headers=admin).status_code == 200  # says what was wrong
    retried = client.post(f"/jobs/{failed['id']}/retry", headers=admin)
    assert retried.status_code == 202 and retried.json()["status"] in ("queued", "started")
    again = wait_for(client, admin, failed["id"])
    assert again["status"] == "failed" and again["attempts"] == 2 and again["error"] == failed["error"]
    # uploading the same (still broken) file again also runs it again, rather than answering "failed"
    assert upload(client, admin, b"PK\x03\x04 not really a workbook", name="坏文件.xlsx").json()["attempts"] >= 2
    assert count(settings, ImportBatch) == 0


def test_retraining_without_outcomes_fails_with_the_reason_and_a_finished_job_is_not_retried(
    client: TestClient,
) -> None:
    admin = sign_in(client, "city_admin")
    sent = client.post("/model/retrain", headers=admin)
    assert sent.status_code == 202 and sent.json()["kind_label"] == "重新训练排序模型"
    job = wait_for(client, admin, sent.json()["id"])
    assert job["status"] == "failed" and job["error"] == "还没有推荐记录，无法训练或评估。"
    done = wait_for(client, admin, upload(client, admin, ledger_csv()).json()["id"])
    refused = client.post(f"/jobs/{done['id']}/retry", headers=admin)
    assert refused.status_code == 409 and refused.json()["detail"] == "只有失败的任务可以重试；此任务已完成。"


def _open_posting(settings: Settings, world: World) -> None:
    engine = build_engine(settings.db_url)
    try:
        with session_scope(build_session_factory(engine)) as session:
            session.add(
                Posting(employer_id=world.employer_id, title="保洁员", occupation_name="保洁员", headcount=3,
                        description="负责小区公共区域保洁", status="open", source="form", opened_at=utcnow())
            )  # fmt: skip
    finally:
        engine.dispose()


def test_batch_recommendations_of_a_broker_cover_their_sites(client: TestClient, built: tuple[Settings, World]) -> None:
    settings, world = built
    _open_posting(settings, world)
    broker = sign_in(client, "broker_a")
    sent = client.post("/recommendations/batch", headers=broker, json={"top": 3})
    assert sent.status_code == 202
    job = wait_for(client, broker, sent.json()["id"])
    assert job["status"] == "finished", job["error"]
    download = client.get(job["links"]["recommendations"], headers=broker)
    assert download.status_code == 200
    lines = [json.loads(line) for line in download.text.splitlines()]
    assert job["result"]["lines"] == len(lines) > 0
    assert {line["worker_id"] for line in lines} <= world.ids(*world.in_sites("A1"))
    assert client.post("/recommendations/batch", headers=broker, json={"top": 0}).status_code == 422
    assert client.get(job["links"]["recommendations"], headers=sign_in(client, "broker_b")).status_code == 404
