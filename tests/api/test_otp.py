"""One-time codes as a worker meets them: the code works once, expires, and five wrong tries spend it."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

import pytest
from sqlalchemy.orm import Session

from api.accounts import create_account
from api.otp import LoggingCodeSender, OneTimeCodes, sign_in_with_code
from models.cache import Cache, MemoryCache, RedisCache
from models.crypto import PersonalDataCipher
from models.errors import Misconfigured, NotAllowed
from models.household import Household
from models.site import SettlementSite
from models.vocab import Role
from models.worker import Worker

PHONE = "13812345678"


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))

    @property
    def last(self) -> str:
        return self.sent[-1][1]


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Cache:
    if request.param == "memory":
        return MemoryCache()
    client = request.getfixturevalue("redis_client")
    return RedisCache(client, prefix=f"anye-test-{uuid.uuid4().hex}:")


def test_a_code_works_once(cache: Cache, cipher: PersonalDataCipher) -> None:
    sender = FakeSender()
    codes = OneTimeCodes(cache, cipher, sender)
    codes.issue("138-1234-5678")
    assert sender.sent[0][0] == PHONE and len(sender.last) == 6 and sender.last.isdigit()
    assert codes.verify(PHONE, sender.last) == PHONE
    with pytest.raises(NotAllowed, match="验证码已失效"):
        codes.verify(PHONE, sender.last)


def test_an_expired_code_is_refused(cache: Cache, cipher: PersonalDataCipher) -> None:
    sender = FakeSender()
    codes = OneTimeCodes(cache, cipher, sender, ttl_seconds=1)
    codes.issue(PHONE)
    time.sleep(1.2)
    with pytest.raises(NotAllowed, match="验证码已失效"):
        codes.verify(PHONE, sender.last)


def test_five_wrong_tries_spend_the_code(cache: Cache, cipher: PersonalDataCipher) -> None:
    sender = FakeSender()
    codes = OneTimeCodes(cache, cipher, sender)
    codes.issue(PHONE)
    wrong = f"{(int(sender.last) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(NotAllowed, match="验证码不正确"):
            codes.verify(PHONE, wrong)
    with pytest.raises(NotAllowed, match="输错次数过多"):
        codes.verify(PHONE, sender.last)
    with pytest.raises(NotAllowed, match="验证码已失效"):
        codes.verify(PHONE, sender.last)


def test_a_new_code_replaces_the_old_one(cache: Cache, cipher: PersonalDataCipher) -> None:
    sender = FakeSender()
    codes = OneTimeCodes(cache, cipher, sender)
    codes.issue(PHONE)
    codes.issue(PHONE)
    first, second = sender.sent[0][1], sender.last
    if first != second:
        with pytest.raises(NotAllowed, match="验证码不正确"):
            codes.verify(PHONE, first)
    assert codes.verify(PHONE, second) == PHONE


def test_neither_phone_nor_code_is_kept_in_redis(request: pytest.FixtureRequest, cipher: PersonalDataCipher) -> None:
    client = request.getfixturevalue("redis_client")
    prefix = f"anye-test-{uuid.uuid4().hex}:"
    sender = FakeSender()
    OneTimeCodes(RedisCache(client, prefix=prefix), cipher, sender).issue(PHONE)
    dump = b" ".join(k + b"=" + (client.get(k) or b"") for k in client.keys(prefix + "*"))
    assert dump and PHONE.encode() not in dump and sender.last.encode() not in dump


def test_a_worker_signs_in_with_a_code(session: Session, cipher: PersonalDataCipher) -> None:
    site = SettlementSite(name="幸福小区")
    session.add(site)
    session.flush()
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
    account = create_account(session, cipher, username="wangfang", role=Role.WORKER, phone=PHONE, worker_id=worker.id)
    sender = FakeSender()
    codes = OneTimeCodes(MemoryCache(), cipher, sender)
    codes.issue(PHONE)
    assert sign_in_with_code(session, codes, PHONE, sender.last).id == account.id
    codes.issue("13900000000")
    with pytest.raises(NotAllowed, match="没有可用的账号"):
        sign_in_with_code(session, codes, "13900000000", sender.last)


def test_the_logging_sender_writes_the_code_with_a_masked_phone(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="anye.otp"):
        LoggingCodeSender("development").send(PHONE, "123456")
    assert "123456" in caplog.text and "138****5678" in caplog.text and PHONE not in caplog.text


def test_the_logging_sender_refuses_production() -> None:
    with pytest.raises(Misconfigured, match="生产环境"):
        LoggingCodeSender("production")
