"""The employer registration page (用人单位注册) and the staff review page (用人单位审核) without a browser: phone
first, refusals beside their fields with everything typed kept but the password and the code, the new employer
signed in and 待审核 on its home page, staff deciding, and the employer seeing the result and the reason."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from models.db import build_engine, build_session_factory, session_scope
from models.employer import CHANGED_SINCE_SEEN, Employer
from tests.api.openings_world import staff
from tests.api.signup_world import FakeSender, credit_code, signup_client
from tests.api.world import PASSWORD, World, world_app

PHONE = "13912340009"
NEW_PASSWORD = "Qiye-注册-2026"
PAGE_BUDGET = 60 * 1024


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


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    client.cookies.clear()
    token = _csrf(client.get("/web/login").text)
    answer = client.post("/web/login", data={"csrf_token": token, "username": username, "password": password},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    return token


def _typed(**changes: str) -> dict[str, str]:
    typed = {"phone": PHONE, "name": "忻州晋丰食品有限公司", "kind": "enterprise", "credit_code": credit_code(11),
             "county_adcode": "140902", "address": "忻府区开发区晋丰路 8 号", "contact_name": "郭经理",
             "username": "jinfeng"}  # fmt: skip
    return {**typed, **changes}


def _code_page(client: TestClient, sender: FakeSender, phone: str = PHONE) -> tuple[str, str]:
    """The page after asking for a code: its CSRF token and the code the phone got."""
    token = _csrf(client.get("/web/employer/register").text)
    sent = client.post("/web/employer/register/code", data={"csrf_token": token, "phone": phone})
    assert sent.status_code == 200 and "验证码已发送到 139****" in sent.text
    return token, sender.codes[phone]


def _register(client: TestClient, sender: FakeSender, **changes: str) -> None:
    typed = _typed(**changes)
    token, code = _code_page(client, sender, typed["phone"])
    done = client.post("/web/employer/register", data={"csrf_token": token, **typed, "code": code,
                                                       "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/web/employer?done=registered", done.text


def test_the_sign_in_page_leads_to_a_phone_first_registration(client: TestClient, sender: FakeSender) -> None:
    assert 'href="/web/employer/register">用人单位注册</a>' in client.get("/web/login").text
    page = client.get("/web/employer/register")
    assert page.status_code == 200 and 'name="phone"' in page.text and 'name="password"' not in page.text
    token = _csrf(page.text)
    bad = client.post("/web/employer/register/code", data={"csrf_token": token, "phone": "12345"})
    assert bad.status_code == 422 and 'id="e-phone"' in bad.text and 'value="12345"' in bad.text
    assert sender.codes == {}
    _, code = _code_page(client, sender)
    assert len(code) == 6
    form = client.post("/web/employer/register/code", data={"csrf_token": token, "phone": PHONE, "step": "details"})
    assert form.status_code == 429 and "60 秒后再试" in form.text and 'name="password2"' in form.text  # form kept


def test_a_refused_registration_says_why_beside_each_field_and_keeps_all_but_password_and_code(
    client: TestClient, sender: FakeSender, built: tuple[Settings, World]
) -> None:
    staff_headers = staff(client)
    client.post("/employers", json={"name": "忻州老字号醋业有限公司", "credit_code": credit_code(12)},
                headers=staff_headers)  # fmt: skip
    token, code = _code_page(client, sender)
    typed = _typed(credit_code=credit_code(12), username="employer")
    secrets = {"code": code, "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    refused = client.post("/web/employer/register", data={"csrf_token": token, **typed, **secrets,
                                                          "password2": NEW_PASSWORD + "x"})  # fmt: skip
    assert refused.status_code == 422
    assert 'id="e-password2"' in refused.text and "两次输入的密码不一致" in refused.text
    typed_back = {k: v for k, v in typed.items() if k != "kind" and k != "county_adcode"}
    assert all(f'value="{v}"' in refused.text for v in typed_back.values())
    assert '<option value="140902" selected>忻府区</option>' in refused.text
    assert NEW_PASSWORD not in refused.text and f'value="{code}"' not in refused.text
    duplicate = client.post("/web/employer/register", data={"csrf_token": token, **typed, **secrets})
    assert duplicate.status_code == 422
    errors = dict(re.findall(r'<p class="error" id="e-(\w+)">([^<]+)</p>', duplicate.text))
    assert errors["credit_code"].startswith("该统一社会信用代码已登记，请联系安置点工作人员")
    assert errors["username"] == "登录名“employer”已被使用，请换一个。" and set(errors) == {"credit_code", "username"}
    empty = client.post("/web/employer/register", data={"csrf_token": token, **_typed(name="", kind="")})
    names = set(re.findall(r'<p class="error" id="e-(\w+)">', empty.text))
    assert empty.status_code == 422 and {"name", "kind", "code", "password"} <= names
    assert 'value="郭经理"' in empty.text
    fixed = _typed(credit_code=credit_code(13))
    done = client.post("/web/employer/register", data={"csrf_token": token, **fixed, **secrets},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303  # the refusals above did not spend the code
    home = _text(client.get(done.headers["location"]).text)  # signed in at once
    assert "注册成功" in home and "单位审核：待审核" in home and "存为草稿" in home


def test_a_pending_employer_drafts_but_cannot_publish_until_staff_approve(
    client: TestClient, sender: FakeSender
) -> None:
    _register(client, sender)
    token = _csrf(client.get("/web/employer/postings/new").text)
    posting = {"title": "包装工", "headcount": "3", "pay_min": "3200", "pay_max": "4000", "pay_period": "month",
               "work_address": "忻府区开发区"}  # fmt: skip
    refused = client.post("/web/employer/postings/create", data={"csrf_token": token, **posting, "action": "publish"})
    assert refused.status_code == 422 and "审核通过后才能发布岗位" in refused.text and 'value="包装工"' in refused.text
    saved = client.post("/web/employer/postings/create", data={"csrf_token": token, **posting, "action": "draft"})
    assert saved.status_code == 200 and "草稿" in _text(saved.text)

    staff_token = _sign_in(client, "broker_a")
    listed = client.get("/web/staff/employers").text
    first = re.search(r'<article class="card" id="employer-(\d+)">\s*<h2>([^<]+)<', listed)
    assert first is not None and first.group(2).strip() == "忻州晋丰食品有限公司"  # pending first
    assert "登录名：jinfeng" in _text(listed) and "有 1 家待审核" in _text(listed)
    employer_id = first.group(1)
    seen = re.search(r'name="seen" value="([0-9a-f]{12})"', listed)
    assert seen is not None  # the check code of the name, credit code and kind the reviewer sees
    stale = client.post(f"/web/staff/employers/{employer_id}/review", data={"csrf_token": staff_token,
                        "action": "approve", "seen": "0" * 12})  # fmt: skip
    assert stale.status_code == 409 and CHANGED_SINCE_SEEN in stale.text  # the unit changed them meanwhile
    approved = client.post(f"/web/staff/employers/{employer_id}/review", data={"csrf_token": staff_token,
                           "action": "approve", "seen": seen.group(1)})  # fmt: skip
    assert approved.status_code == 200 and "已通过审核" in approved.text and "有 1 家待审核" not in _text(approved.text)

    token = _sign_in(client, "jinfeng", NEW_PASSWORD)
    home = client.get("/web/employer").text
    assert "通过审核，可以发布岗位" in _text(home)
    draft = re.search(r'href="/web/employer/postings/(\d+)">包装工', home)
    assert draft is not None
    opened = client.post(f"/web/employer/postings/{draft.group(1)}/status", data={"csrf_token": token,
                                                                                  "action": "open"})  # fmt: skip
    assert opened.status_code == 200 and "招聘中" in _text(opened.text)


def test_a_refusal_needs_its_reason_the_employer_reads_it_and_asks_again(
    client: TestClient, sender: FakeSender
) -> None:
    _register(client, sender)
    staff_token = _sign_in(client, "broker_a")
    employer_id = re.findall(r'id="employer-(\d+)"', client.get("/web/staff/employers?status=pending").text)[0]
    url = f"/web/staff/employers/{employer_id}/review"
    bare = client.post(url, data={"csrf_token": staff_token, "action": "reject", f"reason-{employer_id}": ""})
    assert bare.status_code == 422 and f'id="e-reason-{employer_id}"' in bare.text and "请填写不通过的原因" in bare.text
    assert "<details open>" in bare.text  # the refusal form stays open beside its message
    reason = "统一社会信用代码与营业执照不符，请核对"
    rejected = client.post(url, data={"csrf_token": staff_token, "action": "reject", f"reason-{employer_id}": reason})
    assert rejected.status_code == 200 and "已记录不通过及原因" in rejected.text
    twice = client.post(url, data={"csrf_token": staff_token, "action": "approve"})
    assert twice.status_code == 409 and "已审核（不通过）" in twice.text

    token = _sign_in(client, "jinfeng", NEW_PASSWORD)
    home = _text(client.get("/web/employer").text)
    assert "单位审核：不通过" in home and reason in home
    again = client.post("/web/employer/review", data={"csrf_token": token})
    assert again.status_code == 200 and "已重新提交审核" in again.text and "单位审核：待审核" in _text(again.text)

    _sign_in(client, "city_admin")
    listed = _text(client.get("/web/staff/employers").text)
    assert "已修改后重新提交" in listed and reason in listed


def test_a_refusal_on_a_later_page_of_the_review_list_is_said_beside_its_field_there(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    engine = build_engine(built[0].db_url)
    try:
        with session_scope(build_session_factory(engine)) as session:
            start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
            waiting = [Employer(name=f"忻州第{n}食品厂", kind="workshop", review_status="pending",
                                created_at=start, updated_at=start + dt.timedelta(hours=n))
                       for n in range(22)]  # fmt: skip
            session.add_all(waiting)
            session.flush()
            last = waiting[-1].id  # asked last: on page 2 of 20 a page
    finally:
        engine.dispose()
    token = _sign_in(client, "broker_a")
    second = client.get("/web/staff/employers?page=2").text
    assert f'id="employer-{last}"' in second
    long_reason = "营业执照照片看不清，" * 60  # more than 500 characters
    refused = client.post(f"/web/staff/employers/{last}/review", data={
        "csrf_token": token, "action": "reject", f"reason-{last}": long_reason, "status": "", "page": "2"})  # fmt: skip
    assert refused.status_code == 422
    assert f'id="e-reason-{last}"' in refused.text and "原因最多 500 个字" in refused.text
    assert long_reason in refused.text  # what was typed is still there to shorten


@pytest.mark.parametrize("username", ["employer", "worker"])
def test_only_staff_open_the_review_page(client: TestClient, username: str) -> None:
    _sign_in(client, username)
    refused = client.get("/web/staff/employers")
    assert refused.status_code == 403 and "<html" in refused.text


def test_the_new_pages_weigh_less_than_the_budget(client: TestClient, sender: FakeSender) -> None:
    assets = sum(len(client.get(f"/static/{name}").content) for name in ("anye.css", "anye.js"))
    _, _ = _code_page(client, sender)
    form = client.post("/web/employer/register/code", data={"csrf_token": _csrf(client.get("/web/login").text),
                                                            "phone": "13912340010"})  # fmt: skip
    assert len(form.content) + assets < PAGE_BUDGET and 'name="password2"' in form.text
    _sign_in(client, "broker_a")
    listed = client.get("/web/staff/employers")
    assert listed.status_code == 200 and len(listed.content) + assets < PAGE_BUDGET
