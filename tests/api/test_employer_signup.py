"""Employer self-registration (用人单位自助注册) and its review over HTTP, as employers and site staff meet them:
the phone code, one unit of work for employer and account, 待审核 until staff decide (no posting of it opens,
so workers never see one), refusals named by field, decisions audited, a refused employer asking again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.settings import Settings
from models.db import build_engine
from models.employer import CHANGED_SINCE_SEEN, LOCKED_AFTER_REVIEW
from models.migrate import upgrade
from tests.api.openings_world import staff
from tests.api.signup_world import FakeSender, credit_code, signup_client
from tests.api.world import World, sign_in, world_app

PHONE = "13912340001"
PASSWORD = "Qiye-注册-2026"


@pytest.fixture
def built(database_url: str) -> tuple[Settings, World]:
    return world_app(database_url)


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def client(built: tuple[Settings, World], tmp_path: Path, sender: FakeSender) -> Iterator[TestClient]:
    with signup_client(built[0], tmp_path, sender) as test_client:
        yield test_client


def _form(**changes: Any) -> dict[str, Any]:
    body = {"name": "忻州晋丰食品有限公司", "kind": "enterprise", "credit_code": credit_code(1),
            "address": "忻州市忻府区开发区晋丰路 8 号", "contact_name": "郭经理", "phone": PHONE,
            "username": "jinfeng", "password": PASSWORD}  # fmt: skip
    return {**body, **changes}


def _code(client: TestClient, sender: FakeSender, phone: str = PHONE) -> str:
    sent = client.post("/employers/register/code", json={"phone": phone})
    assert sent.status_code == 202, sent.text
    assert sent.json()["phone"] == phone[:3] + "****" + phone[-4:]
    return sender.codes[phone]


def _register(client: TestClient, sender: FakeSender, **changes: Any) -> dict[str, Any]:
    body = _form(**changes)
    answer = client.post("/employers/register", json={**body, "code": _code(client, sender, body["phone"])})
    assert answer.status_code == 201, answer.text
    registered: dict[str, Any] = answer.json()
    return registered


def _draft(client: TestClient, headers: dict[str, str], title: str = "货车司机") -> dict[str, Any]:
    body = {"title": title, "headcount": 2, "pay_min": 4500, "pay_max": 6000, "pay_period": "month",
            "work_address": "忻州市忻府区长征街", "certificates_required": ["C1驾照"]}  # fmt: skip
    answer = client.post("/postings", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    draft: dict[str, Any] = answer.json()
    return draft


def _review(client: TestClient, employer_id: int, decision: str, reason: str | None = None,
            username: str = "broker_a") -> Any:  # fmt: skip
    body = {"decision": decision, "reason": reason}
    return client.post(f"/employers/{employer_id}/review", json=body, headers=sign_in(client, username))


def test_a_registered_employer_waits_for_review_and_reaches_workers_only_after_approval(
    client: TestClient, sender: FakeSender
) -> None:
    registered = _register(client, sender)
    employer = registered["employer"]
    assert registered["username"] == "jinfeng" and employer["review_status"] == "pending"
    assert employer["review_label"] == "待审核" and employer["contact_phone"] == PHONE
    assert employer["county_adcode"] == "140902"  # read from the address
    own = sign_in(client, "jinfeng", PASSWORD)  # signs in at once
    assert client.get(f"/employers/{employer['id']}", headers=own).json()["name"] == "忻州晋丰食品有限公司"
    fixed = client.patch(f"/employers/{employer['id']}", json={"contact_name": "郭军"}, headers=own)
    assert fixed.status_code == 200 and fixed.json()["contact_name"] == "郭军"  # corrects its details
    draft = _draft(client, own)  # drafts a posting
    refused = client.post(f"/postings/{draft['id']}/status", json={"action": "open"}, headers=own)
    assert refused.status_code == 403 and "审核通过后才能发布岗位" in refused.json()["detail"]
    by_staff = client.post(f"/postings/{draft['id']}/status", json={"action": "open"}, headers=staff(client))
    assert by_staff.status_code == 403  # not even staff publish for it before it is approved
    worker = sign_in(client, "worker")  # zhang_wei, who wishes to drive and holds a C1 licence
    assert client.get(f"/postings/{draft['id']}", headers=worker).status_code == 404
    mine = client.get("/workers/me/recommendations", headers=worker).json()["items"]
    assert draft["id"] not in [r["posting_id"] for r in mine]

    approved = _review(client, employer["id"], "approve")
    assert approved.status_code == 200 and approved.json()["review_status"] == "approved"
    assert approved.json()["reviewed_by"] == "broker_a"
    opened = client.post(f"/postings/{draft['id']}/status", json={"action": "open"}, headers=own)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert client.get(f"/postings/{draft['id']}", headers=worker).status_code == 200
    mine = client.get("/workers/me/recommendations", headers=worker).json()["items"]
    assert draft["id"] in [r["posting_id"] for r in mine]


def test_a_refusal_needs_a_reason_is_audited_and_the_employer_corrects_and_asks_again(
    client: TestClient, sender: FakeSender
) -> None:
    employer_id = _register(client, sender)["employer"]["id"]
    without = _review(client, employer_id, "reject", "  ")
    assert without.status_code == 422 and "请填写不通过的原因" in without.json()["detail"]
    reason = "营业执照上的地址与填写的不一致，请核对"
    rejected = _review(client, employer_id, "reject", reason)
    assert rejected.status_code == 200 and rejected.json()["review_status"] == "rejected"
    assert _review(client, employer_id, "approve").status_code == 409  # decided already
    own = sign_in(client, "jinfeng", PASSWORD)
    seen = client.get(f"/employers/{employer_id}", headers=own).json()
    assert seen["review_label"] == "不通过" and seen["review_reason"] == reason
    draft = _draft(client, own)
    refused = client.post(f"/postings/{draft['id']}/status", json={"action": "open"}, headers=own)
    assert refused.status_code == 403 and "审核未通过" in refused.json()["detail"]
    assert client.post(f"/employers/{employer_id}/resubmit", headers=staff(client)).status_code == 403
    assert client.post(f"/employers/{employer_id}/review", json={"decision": "approve"}, headers=own).status_code == 403
    again = client.post(f"/employers/{employer_id}/resubmit", headers=own)
    assert again.status_code == 200 and again.json()["review_status"] == "pending"
    assert again.json()["review_reason"] == reason  # the last decision stays on record for the reviewer
    assert client.post(f"/employers/{employer_id}/resubmit", headers=own).status_code == 409
    assert _review(client, employer_id, "approve", username="city_admin").json()["review_status"] == "approved"
    audit = client.get("/audit", headers=staff(client)).json()["items"]
    trail = [(a["action"], a["actor"], a["reason"]) for a in audit if a["subject"] == f"employer:{employer_id}"]
    assert sorted(trail, key=str) == sorted(
        [("employer_register", "jinfeng", None), ("employer_review", "broker_a", reason),
         ("employer_resubmit", "jinfeng", None), ("employer_review", "city_admin", None)], key=str
    )  # fmt: skip


def test_once_approved_an_employer_asks_staff_to_change_its_name_credit_code_or_kind(
    client: TestClient, sender: FakeSender
) -> None:
    employer_id = _register(client, sender)["employer"]["id"]
    own = sign_in(client, "jinfeng", PASSWORD)
    renamed = client.patch(f"/employers/{employer_id}", json={"name": "忻州晋丰食品股份有限公司"}, headers=own)
    assert renamed.status_code == 200  # pending: it may still correct what it typed
    assert _review(client, employer_id, "approve").status_code == 200
    for change in ({"name": "忻州市人民医院"}, {"credit_code": credit_code(13)}, {"kind": "workshop"}):
        refused = client.patch(f"/employers/{employer_id}", json=change, headers=own)
        assert refused.status_code == 403 and refused.json()["detail"] == LOCKED_AFTER_REVIEW, change
    unchanged = client.patch(f"/employers/{employer_id}", json={"name": "忻州晋丰食品股份有限公司",
                                                                "contact_name": "郭军"}, headers=own)  # fmt: skip
    assert unchanged.status_code == 200 and unchanged.json()["contact_name"] == "郭军"  # the rest it keeps up itself
    group = {"name": "忻州晋丰食品集团有限公司"}
    by_staff = client.patch(f"/employers/{employer_id}", json=group, headers=staff(client))
    assert by_staff.status_code == 200 and by_staff.json()["name"] == "忻州晋丰食品集团有限公司"
    assert client.get(f"/employers/{employer_id}", headers=own).json()["review_status"] == "approved"


def test_a_review_is_refused_when_the_unit_changed_its_name_after_the_reviewer_saw_it(
    client: TestClient, sender: FakeSender
) -> None:
    employer_id = _register(client, sender)["employer"]["id"]
    queue = client.get("/employers/reviews", headers=staff(client)).json()["items"]
    seen = next(e["identity"] for e in queue if e["id"] == employer_id)
    own = sign_in(client, "jinfeng", PASSWORD)
    renamed = client.patch(f"/employers/{employer_id}", json={"name": "忻州市人民医院"}, headers=own)
    assert renamed.status_code == 200  # still pending: it may
    body = {"decision": "approve", "seen": seen}
    stale = client.post(f"/employers/{employer_id}/review", json=body, headers=staff(client))
    assert stale.status_code == 409 and stale.json()["detail"] == CHANGED_SINCE_SEEN
    assert client.get(f"/employers/{employer_id}", headers=own).json()["review_status"] == "pending"
    contact = client.patch(f"/employers/{employer_id}", json={"contact_name": "郭军"}, headers=own)
    assert contact.status_code == 200  # a change outside the name, credit code and kind does not matter
    queue = client.get("/employers/reviews", headers=staff(client)).json()["items"]
    fresh = next(e["identity"] for e in queue if e["id"] == employer_id)
    assert fresh != seen
    approved = client.post(f"/employers/{employer_id}/review", json={**body, "seen": fresh}, headers=staff(client))
    assert approved.status_code == 200 and approved.json()["name"] == "忻州市人民医院"


def test_duplicates_a_weak_password_and_a_wrong_code_are_named_by_field_and_keep_the_code(
    client: TestClient, sender: FakeSender, built: tuple[Settings, World]
) -> None:
    admin = staff(client)
    taken = client.post("/employers", json={"name": "忻州老字号醋业有限公司", "credit_code": credit_code(7)},
                        headers=admin)  # fmt: skip
    assert taken.status_code == 201
    code = _code(client, sender)
    duplicate = client.post("/employers/register", json={**_form(credit_code=credit_code(7), username="employer"),
                                                         "code": code})  # fmt: skip
    assert duplicate.status_code == 409
    detail = duplicate.json()["detail"]
    assert "credit_code: 该统一社会信用代码已登记，请联系安置点工作人员" in detail
    assert "username: 登录名“employer”已被使用" in detail
    same_name = client.post("/employers/register", json={**_form(name="忻州明达建筑有限公司", credit_code=None,
                                                                 kind="workshop"), "code": code})  # fmt: skip
    assert same_name.status_code == 409 and "name: 同名单位已登记" in same_name.json()["detail"]
    weak = client.post("/employers/register", json={**_form(password="1234567890"), "code": code})
    assert weak.status_code == 422 and "password: 密码不能全是数字" in weak.json()["detail"]
    both = client.post("/employers/register", json={**_form(credit_code=credit_code(7), password="short"),
                                                    "code": code})  # fmt: skip
    assert both.status_code == 422 and {"credit_code", "password"} <= set(re.findall(r"(\w+): ", both.json()["detail"]))
    wrong = client.post("/employers/register", json={**_form(), "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and "code: 验证码不正确" in wrong.json()["detail"]
    done = client.post("/employers/register", json={**_form(), "code": code})  # refusals did not spend the code
    assert done.status_code == 201, done.text
    again = client.post("/employers/register", json={**_form(credit_code=credit_code(2), name="另一家",
                                                             username="other"), "code": code})  # fmt: skip
    assert again.status_code == 422 and "验证码已失效" in again.json()["detail"]  # used once


def test_an_enterprise_needs_a_credit_code_with_a_right_check_character_and_a_workshop_may_go_without(
    client: TestClient, sender: FakeSender
) -> None:
    code = _code(client, sender)
    missing = client.post("/employers/register", json={**_form(credit_code=None), "code": code})
    assert missing.status_code == 422 and "credit_code: 企业须填写统一社会信用代码" in missing.json()["detail"]
    wrong = credit_code(3)[:-1] + ("0" if credit_code(3)[-1] != "0" else "1")
    checksum = client.post("/employers/register", json={**_form(credit_code=wrong), "code": code})
    assert checksum.status_code == 422 and "credit_code" in checksum.json()["detail"]
    workshop = client.post("/employers/register", json={**_form(kind="workshop", credit_code=None,
                                                                name="幸福小区帮扶车间"), "code": code})  # fmt: skip
    assert workshop.status_code == 201 and workshop.json()["employer"]["credit_code"] is None


def test_codes_for_registering_are_limited_like_those_for_signing_in(client: TestClient, sender: FakeSender) -> None:
    _code(client, sender)
    again = client.post("/employers/register/code", json={"phone": PHONE})
    assert again.status_code == 429 and "60 秒后再试" in again.json()["detail"]
    bad = client.post("/employers/register/code", json={"phone": "12345"})
    assert bad.status_code == 422 and "11 位手机号码" in bad.json()["detail"]


def test_the_review_list_puts_pending_first_with_the_accounts_and_is_for_staff_only(
    client: TestClient, sender: FakeSender, built: tuple[Settings, World]
) -> None:
    first = _register(client, sender)["employer"]["id"]
    second = _register(client, sender, phone="13912340002", name="忻州华康家政服务有限公司",
                       credit_code=credit_code(4), username="huakang")["employer"]["id"]  # fmt: skip
    _review(client, first, "approve")
    listed = client.get("/employers/reviews", headers=sign_in(client, "broker_b")).json()
    ids = [e["id"] for e in listed["items"]]
    assert ids[0] == second and first in ids and built[1].employer_id in ids and listed["total"] == 3
    assert listed["items"][0]["usernames"] == ["huakang"]
    pending = client.get("/employers/reviews", params={"status": "pending"}, headers=staff(client)).json()
    assert [e["id"] for e in pending["items"]] == [second]
    assert client.get("/employers/reviews").status_code == 401
    for username in ("employer", "worker"):
        assert client.get("/employers/reviews", headers=sign_in(client, username)).status_code == 403
    own = sign_in(client, "jinfeng", PASSWORD)
    assert client.get("/employers/reviews", headers=own).status_code == 403


def test_employers_registered_by_staff_are_approved(client: TestClient, built: tuple[Settings, World]) -> None:
    admin = staff(client)
    assert client.get(f"/employers/{built[1].employer_id}", headers=admin).json()["review_status"] == "approved"
    by_staff = client.post("/employers", json={"name": "忻州顺达物流有限公司"}, headers=admin)
    assert by_staff.json()["review_status"] == "approved"


def test_employers_registered_before_the_migration_are_approved(database_url: str) -> None:
    engine = build_engine(database_url)
    try:
        upgrade(engine, "0009")  # the database as it stood before review existed
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO employer (name, kind) VALUES ('忻州老厂', 'enterprise')"))
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT review_status FROM employer")).scalar_one() == "approved"
    finally:
        engine.dispose()
