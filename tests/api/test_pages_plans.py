"""The match-day plan pages (撮合日计划) without a browser, on SQLite and PostgreSQL: a broker plans from the form
(the job's page refreshes itself until the preview opens), sees the region's figures and only their sites'
people, masked; committing (确认下发) writes proposed matches once; forms without the browser's CSRF token, and
workers and employers, are refused; a form with mistakes says where and keeps what was typed.

The world (``tests.api.world``) with the openings of ``tests/api/test_plans.py``: 普工 (county A, two places)
and a county-B foundry's 电焊工 (one place). Planned for the city they suit zhang_wei (site A1, household with
no one employed), ma_jun (A2) and sun_lei (B1): one proposal each. broker_a serves site A1 only.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.allocation_outputs import CALL_LIST_HEADERS
from tests.api.plans_world import Day, plan_day
from tests.api.test_pages import PAGE_BUDGET, _sign_in, _text
from tests.api.world import COUNTY_A, COUNTY_B, sign_in

CITY = "140900"
COMMIT = ">确认下发</button>"


@pytest.fixture
def day(database_url: str, tmp_path: Path) -> Iterator[Day]:
    with plan_day(database_url, tmp_path) as started:
        yield started


def _plan(client: TestClient, token: str, **fields: str) -> int:
    """Submits the plan form and follows the job's page as its refresh does, until it opens the preview."""
    answer = client.post("/web/staff/plans", data={"csrf_token": token, **fields}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    job_page = answer.headers["location"]
    deadline = time.monotonic() + 120  # only keeps a broken run from hanging
    while True:
        step = client.get(job_page, follow_redirects=False)
        if step.status_code == 303 or time.monotonic() > deadline:
            break
        assert step.status_code == 200 and 'http-equiv="refresh"' in step.text, step.text
        time.sleep(0.05)
    found = re.fullmatch(r"/web/staff/plans/(\d+)", step.headers.get("location", ""))
    assert found is not None, step.text
    return int(found.group(1))


def _matches(day: Day) -> list[dict[str, Any]]:
    response = day.client.get("/matches", headers=day.admin)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_broker_plans_and_the_preview_shows_the_figures_and_only_their_sites_people_masked(day: Day) -> None:
    token = _sign_in(day.client, "broker_a")
    form = day.client.get("/web/staff/plans")
    assert 'name="adcode" type="text" value="140902"' in form.text  # the county of broker_a's site by default
    assert COMMIT not in form.text and "还没有计划" in form.text
    plan_id = _plan(day.client, token, adcode=CITY, per_place="3", per_worker="2")
    page = day.client.get(f"/web/staff/plans/{plan_id}")
    seen = _text(page.text)
    assert page.status_code == 200
    assert "推荐条数 3" in seen and "空缺名额 3" in seen and "无人就业户：有推荐 / 共计 1 /" in seen
    assert "其成员的一个稳定就业按 5 个计" in seen  # the household weight (default 4) the plan was made with
    zhang = day.world.people["zhang_wei"]
    assert "张伟" in seen and "马军" not in seen and "孙磊" not in seen  # the region's figures, their people
    assert "138****0003" in seen and zhang.phones[0] not in page.text and zhang.id_number not in page.text
    assert "家中暂无就业人员" in seen and "普工" in seen and "待下发" in seen
    assert COMMIT in page.text and _matches(day) == []  # a preview proposes nobody
    listed = day.client.get("/web/staff/plans").text
    assert f'href="/web/staff/plans/{plan_id}"' in listed and "忻州市（140900）" in _text(listed)


def test_committing_proposes_the_brokers_people_once_then_offers_the_call_list_and_messages(day: Day) -> None:
    token = _sign_in(day.client, "broker_a")
    plan_id = _plan(day.client, token, adcode=CITY)
    done = day.client.post(f"/web/staff/plans/{plan_id}/commit", data={"csrf_token": token})
    assert done.status_code == 200, done.text
    said = _text(done.text)
    assert "本次写入撮合跟踪 1 条推荐" in said and "其他安置点的 2 条由负责的经纪人下发" in said
    zhang = day.world.people["zhang_wei"]
    assert [(m["worker_id"], m["posting_id"], m["stage"]) for m in _matches(day)] == [
        (zhang.id, day.general, "proposed")
    ]
    posting = _text(day.client.get(f"/web/staff/postings/{day.general}").text)
    assert "撮合进展（1）" in posting and "张伟 · 幸福小区 已推荐" in posting

    again = _text(day.client.post(f"/web/staff/plans/{plan_id}/commit", data={"csrf_token": token}).text)
    assert "本次写入撮合跟踪 0 条推荐" in again and "此前已下发 1 条" in again
    assert len(_matches(day)) == 1
    page = day.client.get(f"/web/staff/plans/{plan_id}").text
    assert COMMIT not in page and "已推荐" in page

    workbook = day.client.get(f"/web/staff/plans/{plan_id}/call-list.xlsx")
    assert workbook.status_code == 200, workbook.text
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    rows = [dict(zip(CALL_LIST_HEADERS, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=4)]
    assert [(r["姓名"], r["电话"], r["推荐岗位"]) for r in rows] == [(zhang.name, zhang.phones[0], "普工")]
    sms = day.client.get(f"/web/staff/plans/{plan_id}/messages.csv")
    assert sms.status_code == 200 and sms.content.startswith("\ufeff".encode())
    (header, *lines) = list(csv.reader(io.StringIO(sms.content.decode("utf-8-sig"))))
    assert header[-2:] == ["短信内容", "字数"] and len(lines) == 1
    assert lines[0][1:3] == ["张伟", "138****0003"] and lines[0][6].startswith("【安业】张")
    assert int(lines[0][7]) == len(lines[0][6]) <= 70


def test_a_commit_skips_a_pair_proposed_since_the_preview_and_says_why(day: Day) -> None:
    token = _sign_in(day.client, "city_admin")
    plan_id = _plan(day.client, token, adcode=CITY)
    zhang = day.world.people["zhang_wei"].id
    manual = day.client.post("/matches", json={"worker_id": zhang, "posting_id": day.general},
                             headers=sign_in(day.client, "broker_a"))  # fmt: skip
    assert manual.status_code == 201, manual.text
    said = _text(day.client.post(f"/web/staff/plans/{plan_id}/commit", data={"csrf_token": token}).text)
    assert "本次写入撮合跟踪 2 条推荐" in said and "跳过 1 条" in said and "张伟 · 普工：" in said
    assert "外呼名单按经纪人生成" in said  # an administrator has no call list of their own


def test_a_plan_form_with_mistakes_says_where_and_keeps_what_was_typed(day: Day) -> None:
    token = _sign_in(day.client, "broker_a")
    typed = {"adcode": "14090", "per_place": "99", "per_worker": "2", "day": "明天"}
    answer = day.client.post("/web/staff/plans", data={"csrf_token": token, **typed})
    assert answer.status_code == 422
    for name in ("adcode", "per_place", "day"):
        assert f'id="e-{name}"' in answer.text, name
    assert "6 位数字" in answer.text and "1 至 20" in answer.text
    assert 'value="14090"' in answer.text and 'value="99"' in answer.text and 'value="明天"' in answer.text
    elsewhere = day.client.post("/web/staff/plans", data={"csrf_token": token, "adcode": COUNTY_B})
    assert elsewhere.status_code == 422 and 'id="e-adcode"' in elsewhere.text
    assert "没有您负责的安置点" in elsewhere.text and f'value="{COUNTY_B}"' in elsewhere.text
    assert "还没有计划" in day.client.get("/web/staff/plans").text  # nothing was planned


def test_forms_without_this_browsers_csrf_token_are_refused(day: Day) -> None:
    token = _sign_in(day.client, "broker_a")
    refused = day.client.post("/web/staff/plans", data={"adcode": COUNTY_A}, follow_redirects=False)
    assert refused.status_code == 403 and "页面已过期" in refused.text
    plan_id = _plan(day.client, token, adcode=COUNTY_A)
    forged = day.client.post(f"/web/staff/plans/{plan_id}/commit", data={"csrf_token": "x" * 40})
    assert forged.status_code == 403 and _matches(day) == []


def test_workers_employers_and_other_sites_brokers_cannot_open_or_commit_a_plan(day: Day) -> None:
    plan_id = _plan(day.client, _sign_in(day.client, "broker_a"), adcode=COUNTY_A)
    for username in ("worker", "employer", "broker_b"):
        day.client.cookies.clear()
        token = _sign_in(day.client, username)
        opened = day.client.get(f"/web/staff/plans/{plan_id}")
        committed = day.client.post(f"/web/staff/plans/{plan_id}/commit", data={"csrf_token": token})
        assert (opened.status_code, committed.status_code) == ((404, 404) if username == "broker_b" else (403, 403))
        assert "张伟" not in opened.text and "张伟" not in committed.text
        if username != "broker_b":
            assert day.client.get("/web/staff/plans").status_code == 403
        else:
            assert f"/web/staff/plans/{plan_id}" not in day.client.get("/web/staff/plans").text
    assert _matches(day) == []


def test_the_plan_pages_weigh_less_than_the_budget(day: Day) -> None:
    token = _sign_in(day.client, "broker_a")
    plan_id = _plan(day.client, token, adcode=CITY)
    assets = sum(len(day.client.get(f"/static/{name}").content) for name in ("anye.css", "anye.js"))
    for path in ("/web/staff/plans", f"/web/staff/plans/{plan_id}"):
        page = day.client.get(path)
        assert page.status_code == 200
        assert not re.search(r'(src|href)="(https?:)?//', page.text)
        assert len(page.content) + assets < PAGE_BUDGET, (path, len(page.content) + assets)
