"""Signing in over HTTP as brokers and workers meet it: password, one-time code, who am I, signing out."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from api.accounts import SIGN_IN_FAILED, create_account
from api.app import create_app
from api.deps import get_code_sender, get_tokens
from api.otp import CodeSender
from api.settings import Settings
from api.signin import CODE_SENT
from api.tokens import TokenStore
from models.cache import MemoryCache, RedisCache
from models.db import build_engine, build_session_factory, session_scope
from models.household import Household
from models.migrate import upgrade
from models.site import SettlementSite
from models.vocab import Role
from models.worker import Worker
from tests.conftest import REDIS_URL

PASSWORD = "安置点-Xinzhou-2026"
PHONE = "13812345678"


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))


@pytest.fixture
def settings(database_url: str) -> Settings:
    engine = build_engine(database_url)
    upgrade(engine)
    settings = Settings(database_url=database_url, redis_url=None, secret_key="auth-test-" + "s" * 40)
    with session_scope(build_session_factory(engine)) as session:
        site = SettlementSite(name="幸福小区", county_adcode="140902")
        session.add(site)
        session.flush()
        create_account(
            session, settings.cipher, username="broker", role=Role.BROKER, password=PASSWORD, site_ids=[site.id]
        )
        household = Household(site_id=site.id, number="H1")
        session.add(household)
        session.flush()
        worker = Worker(
            household_id=household.id,
            name="王芳",
            id_number_hash="h" * 64,
            id_number_enc=b"x",
            id_number_mask="1409**********1234",
            sex="female",
            birth_date=dt.date(1990, 1, 1),
        )
        session.add(worker)
        session.flush()
        create_account(
            session, settings.cipher, username="wangfang", role=Role.WORKER, phone=PHONE, worker_id=worker.id
        )
    engine.dispose()
    return settings


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def client(settings: Settings, sender: FakeSender) -> Iterator[TestClient]:
    app = create_app(settings)

    def fake_sender() -> CodeSender:
        return sender

    app.dependency_overrides[get_code_sender] = fake_sender
    with TestClient(app) as test_client:
        yield test_client


def _sign_in(client: TestClient, username: str = "broker", password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 12 * 3600
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_a_broker_signs_in_and_sees_their_account(client: TestClient) -> None:
    me = client.get("/auth/me", headers=_sign_in(client))
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "broker" and body["role"] == "broker" and len(body["scope"]["site_ids"]) == 1


def test_wrong_password_and_unknown_user_get_the_same_401(client: TestClient) -> None:
    wrong = client.post("/auth/token", data={"username": "broker", "password": PASSWORD + "x"})
    unknown = client.post("/auth/token", data={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "NotAuthenticated", "detail": SIGN_IN_FAILED}


def test_the_sixth_failure_in_a_window_is_refused_with_the_waiting_time(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/auth/token", data={"username": "broker", "password": "wrong"}).status_code == 401
    refused = client.post("/auth/token", data={"username": "broker", "password": PASSWORD})
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.json()["detail"] and "分钟后再试" in refused.json()["detail"]


def test_a_worker_signs_in_with_a_code(client: TestClient, sender: FakeSender) -> None:
    asked = client.post("/auth/code", json={"phone": "138-1234-5678"})
    stranger = client.post("/auth/code", json={"phone": "13900000000"})
    assert asked.status_code == stranger.status_code == 202
    assert asked.json() == stranger.json() == {"detail": CODE_SENT}
    assert [phone for phone, _ in sender.sent] == [PHONE]  # no SMS to a phone without an account
    code = sender.sent[0][1]
    wrong = client.post("/auth/code/verify", json={"phone": PHONE, "code": f"{(int(code) + 1) % 10**6:06d}"})
    assert wrong.status_code == 401
    verified = client.post("/auth/code/verify", json={"phone": PHONE, "code": code})
    assert verified.status_code == 200
    token = verified.json()["access_token"]
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "wangfang" and me["role"] == "worker" and me["phone"] == "138****5678"


def test_logout_makes_the_token_useless(client: TestClient) -> None:
    headers = _sign_in(client)
    assert client.post("/auth/logout", headers=headers).status_code == 204
    again = client.get("/auth/me", headers=headers)
    assert again.status_code == 401 and again.json()["detail"] == "请先登录。"


def test_a_request_without_a_token_gets_401_in_the_house_format(client: TestClient) -> None:
    for response in (
        client.get("/auth/me"),
        client.get("/auth/me", headers={"Authorization": "Bearer not-a-token"}),
        client.post("/auth/logout"),
    ):
        assert response.status_code == 401
        assert response.json() == {"error": "NotAuthenticated", "detail": "请先登录。"}


def test_the_token_is_not_kept_in_plain_text_in_the_cache(client: TestClient) -> None:
    cache = MemoryCache()
    store = TokenStore(cache, client.app.state.settings.cipher)  # type: ignore[attr-defined]
    client.app.dependency_overrides[get_tokens] = lambda: store  # type: ignore[attr-defined]
    headers = _sign_in(client)
    token = headers["Authorization"].removeprefix("Bearer ")
    dump = b" ".join(k.encode() + b"=" + v for k, (v, _) in cache._data.items())
    assert dump and token.encode() not in dump and b"account_id" in dump
    assert client.get("/auth/me", headers=headers).status_code == 200


def test_tokens_on_the_real_redis_are_hashed_and_revocable(settings: Settings, redis_client: redis.Redis) -> None:
    prefix = f"anye-test-{uuid.uuid4().hex}:"
    own = redis.Redis.from_url(REDIS_URL)
    store = TokenStore(RedisCache(own, prefix=prefix), settings.cipher)
    app = create_app(settings)
    app.dependency_overrides[get_tokens] = lambda: store
    with TestClient(app) as client:
        headers = _sign_in(client)
        token = headers["Authorization"].removeprefix("Bearer ").encode()
        keys = redis_client.keys(prefix + "*")
        assert keys and all(token not in k and token not in (redis_client.get(k) or b"") for k in keys)
        assert redis_client.ttl(keys[0]) > 11 * 3600
        client.post("/auth/logout", headers=headers)
        assert client.get("/auth/me", headers=headers).status_code == 401
        assert not redis_client.keys(prefix + "*")
    own.close()


def test_production_starts_without_an_sms_gateway_and_says_codes_are_unavailable(settings: Settings) -> None:
    production = settings.model_copy(update={"env": "production"})
    with TestClient(create_app(production)) as client:
        answer = client.post("/auth/code", json={"phone": "13812345678"})
    assert answer.status_code == 500
    assert answer.json()["error"] == "Misconfigured" and "验证码服务尚未配置" in answer.json()["detail"]
