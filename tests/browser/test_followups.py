"""The follow-up visit pages (回访) and the staff edit of a worker's record in the browser: a broker on a phone-sized
screen goes from the home page to the visits due and records one (first forgetting to say whether the person is
still at work: said beside the field, what was typed kept); Enter in a field of the worker edit saves (not the
phone reveal); the new pages photographed at phone and desktop size with the axe-core check of
``test_pages_look``.

The hire followed: wang_jianguo (site A1, broker_a's) put forward for a one-place posting and hired 40 days ago
through the JSON API, so his first-month visit is overdue. He was at work before and stays at work, so the other
scenarios' people and plans are untouched (the posting is full once he is hired).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, Live, screenshot, sign_in
from tests.browser.test_pages_look import axe_violations

_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("contacted", {}), ("interested", {"worker_agreed": True}), ("offered", {"wage": 3800}),
    ("hired", {"on": (dt.date.today() - dt.timedelta(days=40)).isoformat(), "wage": 3800, "contract_kind": "劳动合同",
               "place": "忻府区"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def hire(live: Live) -> int:
    """wang_jianguo's hire, 40 days ago (its match id)."""
    with live.api("city_admin") as admin:
        body = {"employer_id": live.world.employer_id, "title": "仓库管理员", "headcount": 1, "pay_min": 3500,
                "pay_max": 4500, "pay_period": "month", "work_address": "忻州市忻府区", "open": True}  # fmt: skip
        posting = admin.post("/postings", json=body)
        assert posting.status_code == 201, posting.text
    with live.api("broker_a") as broker:
        wang = live.world.people["wang_jianguo"].id
        match = broker.post("/matches", json={"worker_id": wang, "posting_id": posting.json()["id"]})
        assert match.status_code == 201, match.text
        match_id = int(match.json()["id"])
        _settled(broker, match_id, "proposed")
        for stage, step in _STEPS:
            answer = broker.post(f"/matches/{match_id}/events", json={"stage": stage, **step})
            assert answer.status_code == 200, answer.text
            _settled(broker, match_id, stage)
    return match_id


def _settled(client: httpx.Client, match_id: int, stage: str) -> None:
    """Wait until the match reads as at ``stage``: a JSON route commits after its answer has left (a page commits
    before, ``api.pages.web.committed_first``), so the next request may come before the last one's commit."""
    deadline = time.monotonic() + 30  # only keeps a broken run from hanging
    while (found := client.get(f"/matches/{match_id}")).status_code != 200 or found.json()["stage"] != stage:
        assert time.monotonic() < deadline, found.text
        time.sleep(0.05)


def test_a_broker_records_a_follow_up_visit_on_a_phone(browser: Browser, live: Live, hire: int) -> None:
    context = browser.new_context(base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True,  # type: ignore[arg-type]
                                  locale="zh-CN")  # fmt: skip
    try:
        page = context.new_page()
        sign_in(page, "broker_a")
        page.get_by_role("link", name=re.compile("全部回访")).click()
        line = page.locator("article", has_text="王建国")
        expect(line).to_contain_text("第 1 个月回访")
        expect(line).to_contain_text("逾期")
        screenshot(page, "scenario-followups-phone")
        line.get_by_role("link", name="登记回访").click()
        expect(page.get_by_role("heading", name="回访：王建国")).to_be_visible()
        expect(page.get_by_label("回访日期")).to_have_value(dt.date.today().isoformat())
        page.get_by_label("现在月工资（元，仍在岗时填写）").fill("4100")
        page.get_by_label("回访记录（困难、需求、是否满意等）").fill("工资按时发，想换白班")
        page.get_by_role("button", name="保存回访").click()  # 是否仍在岗 not chosen: said beside it, the rest kept
        expect(page.locator("#e-still_employed")).to_contain_text("请选择本人是否仍在岗")
        expect(page.get_by_label("现在月工资（元，仍在岗时填写）")).to_have_value("4100")
        expect(page.get_by_label("回访记录（困难、需求、是否满意等）")).to_have_value("工资按时发，想换白班")
        screenshot(page, "scenario-followup-refused-phone")
        page.get_by_label("仍在岗", exact=True).check()
        page.get_by_role("button", name="保存回访").click()
        expect(page.get_by_role("status")).to_contain_text("已登记回访")
        expect(page.locator("main")).to_contain_text("第 1 个月：在岗，月工资 4100 元。工资按时发，想换白班")
        screenshot(page, "scenario-followup-recorded-phone")
    finally:
        context.close()
    with live.api("broker_a") as client:
        assert client.get(f"/workers/{live.world.people['wang_jianguo'].id}").json()["monthly_income"] == 4100
        months = [f["month"] for f in client.get("/followups").json()["items"] if f["match_id"] == hire]
    assert 1 not in months


def test_enter_in_a_field_of_the_worker_edit_saves_it(desktop: Page, live: Live) -> None:
    wang = live.world.people["wang_jianguo"]
    sign_in(desktop, "broker_a")
    desktop.goto(f"/web/staff/workers/{wang.id}")
    desktop.get_by_role("link", name="修改劳动力信息").click()
    expect(desktop.get_by_label("新电话（不改就留空）")).to_have_value("")  # masked: never filled in
    desktop.get_by_label("期望最低月薪（元）").fill("5000")
    desktop.get_by_label("期望最低月薪（元）").press("Enter")
    expect(desktop.get_by_role("status")).to_contain_text("已保存修改")
    with live.api("broker_a") as client:
        assert client.get(f"/workers/{wang.id}").json()["wish_min_wage"] == 5000


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_new_pages_have_labels_and_contrast_and_are_photographed(
    browser: Browser, live: Live, hire: int, size: str
) -> None:
    viewport = {"phone": PHONE, "desktop": DESKTOP}[size]
    context = browser.new_context(base_url=live.url, viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    pages = [("followups", "/web/staff/followups"), ("followup", f"/web/staff/followups/{hire}"),
             ("worker-edit", f"/web/staff/workers/{live.world.people['wang_jianguo'].id}/edit")]  # fmt: skip
    try:
        page = context.new_page()
        sign_in(page, "broker_a")
        found: dict[str, list[str]] = {}
        for name, path in pages:
            answer = page.goto(path)
            assert answer is not None and answer.status == 200, (path, answer and answer.status)
            assert page.locator("h1").count() == 1 and page.title().endswith("安业")
            screenshot(page, f"broker-{name}-{size}")
            if violations := axe_violations(page):
                found[path] = violations
        assert found == {}
    finally:
        context.close()
