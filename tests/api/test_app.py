"""The app starts, serves its OpenAPI page and tells in /health what it runs on."""

from __future__ import annotations

import pytest
import redis
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import REDIS_URL


def _client(database_url: str, redis_url: str | None) -> TestClient:
    settings = Settings(database_url=database_url, redis_url=redis_url, secret_key="app-test-" + "s" * 40)
    return TestClient(create_app(settings))


def test_health_and_docs_on_the_embedded_mode(database_url: str) -> None:
    with _client(database_url, None) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["cache"] == {"backend": "memory", "state": "ok"}
        assert health["database"]["state"] == "ok"
        assert client.get("/docs").status_code == 200
        assert "/health" in client.get("/openapi.json").json()["paths"]


def test_health_with_the_real_redis(database_url: str, redis_client: redis.Redis) -> None:
    with _client(database_url, REDIS_URL) as client:
        assert client.get("/health").json()["cache"] == {"backend": "redis", "state": "ok"}


def test_health_says_degraded_when_redis_is_down(database_url: str) -> None:
    with _client(database_url, "redis://127.0.0.1:1/0") as client:
        health = client.get("/health").json()
    assert health["status"] == "degraded" and health["cache"]["state"] == "unavailable"


def test_production_refuses_to_start_without_a_secret(tmp_path: pytest.TempPathFactory) -> None:
    from models.errors import Misconfigured

    with pytest.raises(Misconfigured, match="ANYE_SECRET_KEY"):
        Settings(env="production", secret_key=None).secret()


def test_embedded_secret_is_generated_once_and_kept(tmp_path: pytest.TempPathFactory) -> None:
    settings = Settings(var_dir=tmp_path, secret_key=None)  # type: ignore[arg-type]
    first = settings.secret()
    assert len(first) >= 32 and Settings(var_dir=tmp_path, secret_key=None).secret() == first  # type: ignore[arg-type]
