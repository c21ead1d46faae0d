"""The web pages without a browser: sign-in by cookie, CSRF, who may open which page, forms that keep what was
typed, and the weight of a page on a weak rural connection. (The browser scenarios are in ``tests/browser``.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages import router as pages_router
from api.pages.posting_forms import evidence_segments
from api.pages.web import CSRF_COOKIE, SESSION_COOKIE
from api.settings import Settings
from tests.api.openings_world import open_anywhere, open_posting
from tests.api.world import PASSWORD, World, sign_in, world_app

PAGE_BUDGET = 60 * 1024  # bytes of a page with its stylesheet and script


@pytest.fixture
def built(database_url: str, tmp_path: Path) -> tuple[Settings, World]:
    settings, world = world_app(database_url)
    return settings.model_copy(update={"var_dir": tmp_path / "var"}), world


@pytest.fixture
def client(built: tuple[Settings, World]) -> Iterator[TestClient]:
    with TestClient(create_app(built[0])) as test_client:
        yield test_client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Signs in through the page; returns the page's CSRF token for later forms."""
    token = _csrf(client.get("/web/login").text)
    answer = client.post("/web/login", data={"csrf_token": token, "username": username, "password": password},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    return token


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _paths(router: APIRouter) -> Iterator[str]:
    """Every path of ``router`` and the routers it includes (FastAPI keeps an included router whole)."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            yield route.path
        elif isinstance(getattr(route, "original_router", None), APIRouter):
            yield from _paths(route.original_router)  # type: ignore[attr-defined]


def test_every_page_sends_a_visitor_who_is_not_signed_in_to_the_sign_in_page(client: TestClient) -> None:
    public = {"/web/login", "/web/login/phone", "/web/", "/", "/web/employer/register"}
    pages = [path for path in _paths(pages_router) if path.startswith("/web")]
    assert len(pages) >= 20
    let_through = []
    for path in pages:
        if path in public:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = client.get(url, follow_redirects=False)
        if answer.status_code == 405:  # a POST-only page: posting without a sign-in is refused too
            answer = client.post(url, data={}, follow_redirects=False)
            if answer.status_code == 403 and "页面已过期" in answer.text:
                continue
        if answer.status_code != 303 or not answer.headers["location"].startswith("/web/login"):
            let_through.append((path, answer.status_code))
    assert let_through == []


def test_signing_in_sets_an_http_only_same_site_cookie_and_goes_to_the_accounts_home(client: TestClient) -> None:
    token = _csrf(client.get("/web/login").text)
    answer = client.post("/web/login", data={"csrf_token": token, "username": "broker_a", "password": PASSWORD},
                         follow_redirects=False)  # fmt: skip
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # development: plain http on a laptop
    assert client.get("/web/", follow_redirects=False).headers["location"] == "/web/staff"
    assert "工作台" in client.get("/web/staff").text


def test_in_production_the_cookies_are_secure(built: tuple[Settings, World]) -> None:
    settings = built[0].model_copy(update={"env": "production"})
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        page = client.get("/web/login")
        assert "Secure" in page.headers["set-cookie"]
        answer = client.post("/web/login", data={"csrf_token": _csrf(page.text), "username": "employer",
                                                 "password": PASSWORD}, follow_redirects=False)  # fmt: skip
        assert "Secure" in answer.headers["set-cookie"]


def test_signing_out_ends_the_sign_in_everywhere(client: TestClient) -> None:
    token = _sign_in(client, "broker_a")
    kept = client.cookies.get(SESSION_COOKIE)
    assert kept and client.post("/web/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.cookies.get(SESSION_COOKIE) is None
    client.cookies.set(SESSION_COOKIE, kept)  # the old cookie, kept by someone: no longer signs anybody in
    assert client.get("/web/staff", follow_redirects=False).headers["location"].startswith("/web/login")


def test_a_wrong_address_under_web_is_a_page_in_chinese_and_elsewhere_stays_json(client: TestClient) -> None:
    _sign_in(client, "broker_a")
    missing = client.get("/web/no-such-page")
    assert missing.status_code == 404 and "没有这个页面" in missing.text and "<html" in missing.text
    bad = client.get("/web/staff/workers?page=abc")
    assert bad.status_code == 422 and "参数有误" in bad.text
    assert client.get("/no-such-thing").json() == {"detail": "Not Found"}
    assert client.get("/workers?page=abc").json()["error"] in ("InvalidInput", "NotAuthenticated")


def test_a_form_without_this_browsers_csrf_token_is_refused(client: TestClient) -> None:
    without = client.post("/web/login", data={"username": "broker_a", "password": PASSWORD}, follow_redirects=False)
    assert (
        without.status_code == 403
        and "页面已过期" in without.text
        and SESSION_COOKIE not in without.headers.get("set-cookie", "")
    )
    other = TestClient(client.app)
    foreign = _csrf(other.get("/web/login").text)  # a token made for another browser
    answer = client.post("/web/login", data={"csrf_token": foreign, "username": "broker_a", "password": PASSWORD},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 403
    assert client.cookies.get(CSRF_COOKIE) != other.cookies.get(CSRF_COOKIE)


def test_a_wrong_password_is_said_next_to_the_field_and_the_user_name_is_kept(client: TestClient) -> None:
    token = _csrf(client.get("/web/login").text)
    answer = client.post("/web/login", data={"csrf_token": token, "username": "broker_a", "password": "wrong"})
    assert answer.status_code == 401
    assert 'id="e-password"' in answer.text and "用户名或密码不正确" in answer.text
    assert 'name="username" type="text" value="broker_a"' in answer.text


def test_a_worker_correction_that_is_not_understood_keeps_every_typed_value(client: TestClient) -> None:
    token = _sign_in(client, "worker")
    typed = {"phone": "12345", "wish_employment": "是", "wish_job_text": "保洁、厨师", "wish_place_range": "县内",
             "wish_min_wage": "3500", "training_wish": "是"}  # fmt: skip
    answer = client.post("/web/me/profile", data={"csrf_token": token, **typed})
    assert answer.status_code == 422
    assert 'id="e-phone"' in answer.text and "11 位手机号" in answer.text
    assert 'value="12345"' in answer.text and 'value="保洁、厨师"' in answer.text and 'value="3500"' in answer.text
    profile = client.get("/web/me/profile").text  # nothing was saved
    assert 'value="13800000003 / 0350-1234567"' in profile and 'value="保洁、厨师"' not in profile


def test_a_worker_says_a_job_does_not_suit_them_with_a_reason_and_sees_it_among_applications(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    posting = open_posting(client, sign_in(client, "city_admin"), built[1].employer_id, title="驾驶员",
                           work_address="忻州市忻府区")  # fmt: skip
    token = _sign_in(client, "worker")
    jobs = _text(client.get("/web/me").text)
    assert "驾驶员" in jobs and "推荐理由" in jobs
    answer = client.post(f"/web/me/jobs/{posting['id']}/interest", data={"csrf_token": token, "choice": "no",
                                                                         "reason": "离家太远"})  # fmt: skip
    assert answer.status_code == 200 and "已记下这个岗位不合适" in answer.text
    assert "您说过这个岗位不合适" in answer.text
    mine = _text(client.get("/web/me/applications").text)
    assert "驾驶员" in mine and "进度： 不合适" in mine and "原因：离家太远" in mine


def test_a_worker_cannot_open_staff_pages_and_a_broker_sees_only_their_sites(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    world = built[1]
    _sign_in(client, "worker")
    refused = client.get("/web/staff")
    assert refused.status_code == 403 and "无权" in refused.text and "<html" in refused.text
    client.cookies.clear()
    _sign_in(client, "broker_a")
    assert client.get(f"/web/staff/workers/{world.people['zhang_wei'].id}").status_code == 200
    other_site = client.get(f"/web/staff/workers/{world.people['sun_lei'].id}")
    assert other_site.status_code == 404 and "孙磊" not in other_site.text
    listed = _text(client.get("/web/staff/workers").text)
    assert "张伟" in listed and "孙磊" not in listed and "13800000003" not in listed  # masked in lists
    assert client.get("/workers").json()["error"] == "NotAuthenticated"  # the JSON API wants its bearer token


def test_a_reveal_needs_a_reason_and_then_shows_the_full_id_number(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    person = built[1].people["zhang_wei"]
    token = _sign_in(client, "broker_a")
    url = f"/web/staff/workers/{person.id}/reveal"
    short = client.post(url, data={"csrf_token": token, "reason": "看"})
    assert short.status_code == 422 and person.id_number not in short.text and 'id="e-reason"' in short.text
    shown = client.post(url, data={"csrf_token": token, "reason": "联系本人核实就业情况"})
    assert shown.status_code == 200 and person.id_number in shown.text and "已记入审计日志" in shown.text


def test_an_employer_registered_with_a_wrong_credit_code_is_refused_beside_it_with_the_rest_kept(
    client: TestClient,
) -> None:
    token = _sign_in(client, "broker_a")
    typed = {"name": "忻州顺达物流有限公司", "kind": "enterprise", "credit_code": "91140900MA0K12345X",
             "address": "忻州市忻府区和平街1号", "contact_name": "李经理", "contact_phone": "0350-3030303"}  # fmt: skip
    refused = client.post("/web/staff/employers/new", data={"csrf_token": token, **typed})
    assert refused.status_code == 422 and 'id="e-credit_code"' in refused.text
    assert all(f'value="{v}"' in refused.text for k, v in typed.items() if k != "kind")
    typed["credit_code"] = ""
    done = client.post("/web/staff/employers/new", data={"csrf_token": token, **typed}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text  # the posting form, the new employer chosen
    assert re.search(r'<option value="\d+" selected>忻州顺达物流有限公司</option>', page)


def test_a_posting_form_with_a_mistake_says_where_keeps_everything_and_saves_nothing(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    token = _sign_in(client, "broker_a")
    typed = {"employer_id": str(built[1].employer_id), "title": "保洁员", "headcount": "二十", "pay_min": "3000",
             "pay_max": "2500", "work_address": "忻府区和平街", "action": "publish"}  # fmt: skip
    answer = client.post("/web/staff/postings/create", data={"csrf_token": token, **typed})
    assert answer.status_code == 422
    assert 'id="e-headcount"' in answer.text and "应为整数" in answer.text
    assert 'value="保洁员"' in answer.text and 'value="二十"' in answer.text and 'value="忻府区和平街"' in answer.text
    typed["headcount"] = "20"  # the pay range the other way round: a rule across two fields, said above the form
    crossed = client.post("/web/staff/postings/create", data={"csrf_token": token, **typed})
    assert crossed.status_code == 422 and "薪资下限高于上限" in crossed.text
    typed |= {"pay_max": "3500", "headcount": ""}  # valid, but not enough to publish: the draft is not kept either
    unpublishable = client.post("/web/staff/postings/create", data={"csrf_token": token, **typed})
    assert unpublishable.status_code == 422 and "招聘人数" in _text(unpublishable.text)
    assert "保洁员" not in _text(client.get("/web/staff/postings").text)  # no draft left behind


def test_an_employer_pauses_its_own_posting_and_cannot_touch_anothers(
    client: TestClient, built: tuple[Settings, World]
) -> None:
    admin = sign_in(client, "city_admin")
    own = open_posting(client, admin, built[1].employer_id)
    other = open_anywhere(client, admin)
    token = _sign_in(client, "employer")
    paused = client.post(f"/web/employer/postings/{own['id']}/status", data={"csrf_token": token, "action": "pause"})
    assert paused.status_code == 200 and "岗位状态已更新" in paused.text and "暂停" in _text(paused.text)
    refused = client.post(f"/web/employer/postings/{other['id']}/status", data={"csrf_token": token, "action": "close"})
    assert refused.status_code in (403, 404) and "<html" in refused.text
    assert client.get(f"/postings/{other['id']}", headers=admin).json()["status"] == "open"


def test_an_employer_corrects_its_own_details(client: TestClient) -> None:
    token = _sign_in(client, "employer")
    page = client.get("/web/employer/profile").text
    assert 'value="忻州明达建筑有限公司"' in page
    empty = client.post("/web/employer/profile", data={"csrf_token": token, "name": "", "kind": "enterprise",
                                                       "contact_name": "赵主任"})  # fmt: skip
    assert empty.status_code == 422 and 'id="e-name"' in empty.text and 'value="赵主任"' in empty.text
    saved = client.post("/web/employer/profile", data={"csrf_token": token, "name": "忻州明达建筑有限公司",
                                                       "kind": "enterprise", "contact_name": "赵主任"})  # fmt: skip
    assert saved.status_code == 200 and "已保存" in saved.text and 'value="赵主任"' in saved.text
    # approved (registered by staff): name, credit code and kind are shown, not editable, and a forged change fails
    assert re.search(r'id="f-name"[^>]*readonly', page) and "如需变更，请联系安置点工作人员" in page
    assert 'type="hidden" name="kind" value="enterprise"' in page and 'id="f-kind"' not in page
    forged = client.post("/web/employer/profile", data={"csrf_token": token, "name": "忻州市人民医院",
                                                        "kind": "enterprise", "contact_name": "赵主任"})  # fmt: skip
    assert forged.status_code == 422 and "不能自行修改" in forged.text and 'value="赵主任"' in forged.text
    assert 'value="忻州明达建筑有限公司"' in forged.text and "忻州市人民医院" not in forged.text  # as stored


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("worker", ["/web/me", "/web/me/applications", "/web/me/profile"]),
        ("broker_a", ["/web/staff", "/web/staff/workers", "/web/staff/postings/new", "/web/staff/reports"]),
        ("employer", ["/web/employer", "/web/employer/postings/new", "/web/employer/profile"]),
    ],
)
def test_a_page_with_its_stylesheet_and_script_weighs_less_than_the_budget(
    client: TestClient, username: str, paths: list[str]
) -> None:
    _sign_in(client, username)
    assets = sum(len(client.get(f"/static/{name}").content) for name in ("anye.css", "anye.js"))
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200
        assert not re.search(r'(src|href)="(https?:)?//', page.text)  # everything from this server, no CDN
        assert len(page.content) + assets < PAGE_BUDGET, (path, len(page.content) + assets)


def test_the_ads_evidence_is_cut_into_marked_pieces_in_order() -> None:
    text = "招聘普工20名，月薪4500元"
    evidence = {"title": [{"start": 2, "end": 4, "text": "普工"}], "headcount": [{"start": 4, "end": 7}],
                "pay_min": [{"start": 8, "end": 15}], "pay_period": [{"start": 8, "end": 15}],
                "bad": [{"start": 30, "end": 40}]}  # fmt: skip
    pieces = evidence_segments(text, evidence)
    assert "".join(p for p, _ in pieces) == text
    assert pieces == [("招聘", ""), ("普工", "岗位名称"), ("20名", "招聘人数"), ("，", ""),
                      ("月薪4500元", "薪资下限（元）、计薪方式")]  # fmt: skip
