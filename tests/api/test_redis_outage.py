"""The service keeps answering when its Redis stops: signed-in users stay signed in, reads are computed
instead of cached, and ``/health`` says the cache is unavailable. A private ``redis-server`` is started and
stopped for real (the machine's shared Redis is left alone)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from api.accounts import create_account
from api.app import create_app
from api.settings import Settings
from models.db import build_engine, build_session_factory, session_scope
from models.migrate import upgrade
from models.site import SettlementSite
from models.vocab import Role
from tests.conftest import unavailable

PASSWORD = "安置点-Outage-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def private_redis() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server", FileNotFoundError("redis-server"))
    port = _free_port()
    args = [str(binary), "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    client.close()
    yield server, url
    server.kill()
    server.wait()


def test_requests_succeed_after_redis_stops_and_health_says_so(
    private_redis: tuple[subprocess.Popen[bytes], str], database_url: str
) -> None:
    server, url = private_redis
    settings = Settings(database_url=database_url, redis_url=url, secret_key="outage-" + "o" * 40)
    engine = build_engine(database_url)
    upgrade(engine)
    with session_scope(build_session_factory(engine)) as session:
        site = SettlementSite(name="幸福小区", county_adcode="140902")
        session.add(site)
        session.flush()
        create_account(session, settings.cipher, username="broker", role=Role.BROKER, password=PASSWORD,
                       site_ids=[site.id])  # fmt: skip
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        signed = client.post("/auth/token", data={"username": "broker", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        assert client.get("/health").json()["status"] == "ok"
        server.kill()
        server.wait()
        health = client.get("/health").json()
        me = client.get("/auth/me", headers=headers)
        again = client.post("/auth/token", data={"username": "broker", "password": PASSWORD})
    assert health["status"] == "degraded" and health["cache"] == {"backend": "redis", "state": "unavailable"}
    assert me.status_code == 200 and me.json()["username"] == "broker"
    assert again.status_code == 200  # signing in works too (without rate-limit counting while Redis is away)
