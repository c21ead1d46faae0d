"""The job queue on the real Redis: jobs enqueued through the API, run by an ``anye worker --burst`` process,
their results read back over HTTP; a failed job's Chinese error and its retry; one import for one file.

Each test has a queue of its own (the app's ``get_queue`` swapped, the worker told ``--queue``), so tests
running side by side never take each other's jobs; production uses the one queue ``anye``. The jobs live in
a database of the test Redis next to ``REDIS_URL``'s: other tests flush that one (``redis_client``) whenever
their process starts, which would take a job away while a worker process is starting. Nothing is flushed
here; each test deletes the keys of its own queue and jobs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.changes import Changes
from api.cli import app as cli
from api.cli_worker import NO_REDIS
from api.queue import JobInfo, get_queue
from api.queue_redis import RedisJobQueue
from api.settings import Settings
from models.batch import ImportBatch
from models.cache import build_cache
from models.worker import Worker
from tests.api.jobs_world import NEWCOMERS, count, jobs_app, ledger_csv, upload, wait_for
from tests.api.world import World, sign_in
from tests.conftest import REDIS_URL, unavailable

ANYE = Path(sys.executable).parent / "anye"
QUEUE_REDIS_URL = urlsplit(REDIS_URL)._replace(path="/14").geturl()


class TrackedQueue(RedisJobQueue):
    """The app's queue, remembering the jobs it made (to delete their keys afterwards)."""

    def __init__(self, name: str) -> None:
        super().__init__(redis.Redis.from_url(QUEUE_REDIS_URL, socket_connect_timeout=2.0), name)
        self.name = name
        self.job_ids: set[str] = set()

    def enqueue(
        self, kind: str, payload: dict[str, Any], *, job_id: str | None = None, owner_account_id: int
    ) -> JobInfo:
        info = super().enqueue(kind, payload, job_id=job_id, owner_account_id=owner_account_id)
        self.job_ids.add(info.id)
        return info


@pytest.fixture
def queue() -> Iterator[TrackedQueue]:
    """A queue of this test's own; afterwards the keys of the queue and of its jobs are deleted."""
    connection = redis.Redis.from_url(QUEUE_REDIS_URL, socket_connect_timeout=2.0)
    try:
        connection.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    tracked = TrackedQueue(f"anye-test-{uuid.uuid4().hex[:12]}")
    yield tracked
    for needle in (tracked.name, *tracked.job_ids):
        for key in connection.scan_iter(match=f"rq:*{needle}*"):
            connection.delete(key)
    connection.srem("rq:queues", f"rq:queue:{tracked.name}")
    tracked.close()
    connection.close()


@pytest.fixture
def built(pg_database_url: str, tmp_path: Path) -> tuple[Settings, World]:
    return jobs_app(pg_database_url, tmp_path, redis_url=QUEUE_REDIS_URL)


@pytest.fixture
def client(built: tuple[Settings, World], queue: TrackedQueue) -> Iterator[TestClient]:
    app = create_app(built[0])
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as test_client:
        yield test_client


def run_worker(settings: Settings, queue: TrackedQueue) -> str:
    """``anye worker --burst`` as an operator starts it, configured through the environment only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANYE_")}
    assert settings.database_url and settings.secret_key
    env.update(
        ANYE_DATABASE_URL=settings.database_url,
        ANYE_REDIS_URL=QUEUE_REDIS_URL,
        ANYE_SECRET_KEY=settings.secret_key,
        ANYE_VAR_DIR=str(settings.var_dir),
    )
    done = subprocess.run(
        [str(ANYE), "worker", "--burst", "--queue", queue.name],
        env=env,
        cwd=settings.var_dir.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def test_jobs_run_by_a_worker_process_are_read_back_and_a_failed_one_is_retried(
    client: TestClient, built: tuple[Settings, World], queue: TrackedQueue
) -> None:
    settings, world = built
    admin = sign_in(client, "city_admin")
    content = ledger_csv()
    imported = upload(client, admin, content)
    assert imported.status_code == 202 and imported.json()["status"] == "queued"
    assert upload(client, admin, content).json()["id"] == imported.json()["id"]  # the same file: the same job
    retrain = client.post("/model/retrain", headers=admin).json()
    assert client.get(f"/jobs/{retrain['id']}", headers=admin).json()["status_label"] == "排队中"
    generation = Changes(build_cache(QUEUE_REDIS_URL)).generation()

    log = run_worker(settings, queue)

    job = wait_for(client, admin, imported.json()["id"])
    assert (job["status"], job["attempts"], job["error"]) == ("finished", 1, None)
    assert job["result"]["counts"]["created"] == 3 and job["result"]["file"] == "幸福小区台账.csv"
    assert job["started_at"] <= job["ended_at"] and job["enqueued_at"] <= job["started_at"]
    assert count(settings, Worker) == len(world.people) + 3 and count(settings, ImportBatch) == 1
    assert client.get(job["links"]["report"], headers=admin).json()["totals"]["created"] == 3
    # the worker told the API's cached results that workers changed
    assert Changes(build_cache(QUEUE_REDIS_URL)).generation() > generation
    failed = wait_for(client, admin, retrain["id"])
    assert failed["status"] == "failed" and failed["error"] == "还没有推荐记录，无法训练或评估。"
    # neither the people's ID numbers nor the job's arguments are in the worker's log
    assert f"Job OK ({job['id']})" in log and "幸福小区台账.csv" not in log
    assert not any(ident in log for _, _, _, ident, _ in NEWCOMERS)

    assert client.post(f"/jobs/{retrain['id']}/retry", headers=admin).json()["status"] == "queued"
    run_worker(settings, queue)
    again = wait_for(client, admin, retrain["id"])
    assert again["status"] == "failed" and again["attempts"] == 2 and again["error"] == failed["error"]
    # the same file once more, after it was imported: the finished job, no second import
    later = upload(client, admin, content).json()
    assert later["id"] == job["id"] and later["status"] == "finished" and count(settings, ImportBatch) == 1


def test_a_job_of_the_redis_queue_is_hidden_from_other_accounts(client: TestClient) -> None:
    broker_a = sign_in(client, "broker_a")
    job = upload(client, broker_a, ledger_csv()).json()
    assert client.get(f"/jobs/{job['id']}", headers=broker_a).json()["status"] == "queued"
    assert client.get(f"/jobs/{job['id']}", headers=sign_in(client, "broker_b")).status_code == 404
    assert client.get(f"/jobs/{job['id']}", headers=sign_in(client, "county_admin")).status_code == 200
    refused = client.post(f"/jobs/{job['id']}/retry", headers=broker_a)
    assert refused.status_code == 409 and "排队中" in refused.json()["detail"]


def test_the_worker_refuses_to_start_without_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANYE_REDIS_URL", "")
    result = CliRunner().invoke(cli, ["worker", "--burst"])
    assert result.exit_code == 2 and "未设置 ANYE_REDIS_URL" in result.output
    assert NO_REDIS.startswith("未设置 ANYE_REDIS_URL")
