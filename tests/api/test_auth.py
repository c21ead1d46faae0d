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


def test_a_signed_in_worker_stays_signed_in_when_redis_goes_away(settings: Settings, redis_client: redis.Redis) -> None:
    prefix = f"anye-test-{uuid.uuid4().hex}:"
    own = redis.Redis.from_url(REDIS_URL)
    app = create_app(settings)
    with TestClient(app) as client:
        store = TokenStore(RedisCache(own, prefix=prefix), settings.cipher)
        app.dependency_overrides[get_tokens] = lambda: store
        headers = _sign_in(client)
        gone = TokenStore(RedisCache(redis.Redis.from_url("redis://127.0.0.1:1/0"), prefix=prefix), settings.cipher)
        app.dependency_overrides[get_tokens] = lambda: gone
        assert client.get("/auth/me", headers=headers).status_code == 200  # from the database
        client.post("/auth/logout", headers=headers)
        app.dependency_overrides[get_tokens] = lambda: store  # Redis back, still holding the old copy ...
        store.cache.delete(*[k.decode().removeprefix(prefix) for k in redis_client.keys(prefix + "*")])
        assert client.get("/auth/me", headers=headers).status_code == 401  # ... signed out in the database
    own.close()


def test_the_database_keeps_only_a_hash_of_the_token(client: TestClient, settings: Settings) -> None:
    headers = _sign_in(client)
    token = headers["Authorization"].removeprefix("Bearer ")
    engine = build_engine(settings.db_url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.exec_driver_sql("SELECT digest, account_id FROM sign_in_token")]
    engine.dispose()
    assert len(rows) == 1 and token not in rows[0][0] and len(rows[0][0]) == 64


def test_codes_are_sent_at_most_once_a_minute_to_a_phone_with_or_without_an_account(
    client: TestClient, sender: FakeSender
) -> None:
    for phone in (PHONE, "13900000000"):
        assert client.post("/auth/code", json={"phone": phone}).status_code == 202
        again = client.post("/auth/code", json={"phone": phone})
        assert again.status_code == 429 and "60 秒后再试" in again.json()["detail"]
    assert len(sender.sent) == 1


def test_behind_a_trusted_proxy_failures_count_for_the_forwarded_address(settings: Settings) -> None:
    behind = settings.model_copy(update={"trusted_proxies": ["testclient"]})
    with TestClient(create_app(behind)) as client:
        for i in range(20):
            wrong = {"username": f"nobody{i}", "password": "x"}
            assert (
                client.post("/auth/token", data=wrong, headers={"X-Forwarded-For": "9.9.9.9, 1.2.3.4"}).status_code
                == 401
            )
        refused = client.post("/auth/token", data={"username": "broker", "password": PASSWORD},
                              headers={"X-Forwarded-For": "1.2.3.4"})  # fmt: skip
        other = client.post("/auth/token", data={"username": "broker", "password": PASSWORD},
                            headers={"X-Forwarded-For": "5.6.7.8"})  # fmt: skip
    assert refused.status_code == 429 and other.status_code == 200


def test_a_client_cannot_dodge_the_limit_by_writing_its_own_forwarded_for(client: TestClient) -> None:
    for i in range(20):  # no trusted proxy: the header is ignored, the connection's address counts
        spoofed = {"X-Forwarded-For": f"10.0.0.{i}"}
        client.post("/auth/token", data={"username": f"nobody{i}", "password": "x"}, headers=spoofed)
    assert client.post("/auth/token", data={"username": "broker", "password": PASSWORD}).status_code == 429


def test_a_broker_issues_a_one_time_sign_in_link_for_a_worker_of_their_site(
    client: TestClient, settings: Settings
) -> None:
    engine = build_engine(settings.db_url)
    with session_scope(build_session_factory(engine)) as session:
        site = session.query(SettlementSite).one()
        household = Household(site_id=site.id, number="H2")
        session.add(household)
        session.flush()
        worker = Worker(household_id=household.id, name="李强", id_number_hash="k" * 64, id_number_enc=b"x",
                        id_number_mask="1409**********5678", sex="male", birth_date=dt.date(1985, 5, 5))  # fmt: skip
        session.add(worker)
        session.flush()
        worker_id = worker.id
    headers = _sign_in(client)
    issued = client.post("/auth/link", json={"worker_id": worker_id}, headers=headers)
    assert issued.status_code == 201, issued.text
    path = issued.json()["path"]
    assert path.startswith("/signin/link#") and issued.json()["expires_in"] == 72 * 3600
    token = path.split("#", 1)[1]
    signed = client.post("/auth/link/verify", json={"token": token})
    assert signed.status_code == 200
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {signed.json()['access_token']}"}).json()
    assert me["role"] == "worker" and me["scope"]["worker_id"] == worker_id and me["display_name"] == "李强"
    again = client.post("/auth/link/verify", json={"token": token})
    assert again.status_code == 401 and "已失效或已使用" in again.json()["detail"]
    with engine.connect() as conn:
        audit = [tuple(r) for r in conn.exec_driver_sql("SELECT actor, action, subject FROM audit_event")]
    engine.dispose()
    assert audit == [("broker", "issue_signin_link", f"worker:{worker_id}")]


def test_a_broker_gets_no_link_for_a_worker_of_another_site(client: TestClient, settings: Settings) -> None:
    engine = build_engine(settings.db_url)
    with session_scope(build_session_factory(engine)) as session:
        other = SettlementSite(name="别的小区", county_adcode="140902")
        session.add(other)
        session.flush()
        household = Household(site_id=other.id, number="X1")
        session.add(household)
        session.flush()
        worker = Worker(household_id=household.id, name="赵六", id_number_hash="z" * 64, id_number_enc=b"x",
                        id_number_mask="1409**********0000", sex="male", birth_date=dt.date(1980, 1, 1))  # fmt: skip
        session.add(worker)
        session.flush()
        worker_id = worker.id
    engine.dispose()
    refused = client.post("/auth/link", json={"worker_id": worker_id}, headers=_sign_in(client))
    assert refused.status_code == 404
    worker_token = client.post("/auth/link", json={"worker_id": worker_id})
    assert worker_token.status_code == 401
