"""Every route in the OpenAPI schema refuses a request without a valid sign-in, except health and sign-in.

The walk reads the schema of the app as built, so a route added later is checked without touching this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

PUBLIC = {
    ("GET", "/health"),
    ("POST", "/auth/token"),
    ("POST", "/auth/code"),
    ("POST", "/auth/code/verify"),
    ("POST", "/auth/link/verify"),
    ("POST", "/employers/register/code"),
    ("POST", "/employers/register"),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("walk")
    settings = Settings(database_url=f"sqlite:///{folder / 'walk.sqlite3'}", secret_key="walk-" + "w" * 40,
                        var_dir=folder)  # fmt: skip
    from models.db import build_engine
    from models.migrate import upgrade

    engine = build_engine(settings.db_url)
    upgrade(engine)
    engine.dispose()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _operations(client: TestClient) -> list[tuple[str, str]]:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    return sorted((method.upper(), path) for path, ops in schema["paths"].items() for method in ops)


def test_the_schema_has_the_routes_of_every_resource(client: TestClient) -> None:
    paths = {path for _, path in _operations(client)}
    assert len(paths) >= 8 and {"/health", "/auth/token", "/auth/me"} <= paths


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_every_route_but_health_and_sign_in_refuses_a_request_without_a_valid_sign_in(
    client: TestClient, token: str | None
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    let_through = []
    for method, path in _operations(client):
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.request(method, url, headers=headers, json={})
        if (method, path) in PUBLIC:
            continue
        if response.status_code != 401 or response.json() != {"error": "NotAuthenticated", "detail": "请先登录。"}:
            let_through.append((method, path, response.status_code))
    assert let_through == []


def test_the_public_routes_answer_without_a_sign_in(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
    assert client.post("/auth/token", data={"username": "x", "password": "y"}).status_code == 401  # tried, refused


def test_every_operation_is_described_in_chinese(client: TestClient) -> None:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    undescribed = [
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if not re.search(r"[\u4e00-\u9fff]", op.get("summary", "")) or not op.get("tags")
    ]
    assert undescribed == []


def test_an_invalid_body_gets_422_naming_the_field(client: TestClient) -> None:
    answer = client.post("/auth/code", json={"telephone": "13812345678"})
    assert answer.status_code == 422
    body = answer.json()
    assert body == {"error": "InvalidInput", "detail": "请求内容有误，请检查以下字段：phone: 必填"}
