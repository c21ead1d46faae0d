"""The follow-up visit pages (回访) and the staff edit of a worker's record (修改劳动力信息) without a browser, on
SQLite and PostgreSQL: the list of visits due (overdue first, by site and 逾期/本周), a visit recorded, a
separation recorded from the form (employment status and the household alert follow), a form with mistakes
that says where and keeps what was typed, a worker's record corrected (only what changed is audited, phones
shown only for a reason), and staff of another site refused.

Hires made through the JSON API (``tests.api.test_tracking``'s walk): zhang_wei (site A1, household A1-2 with no
one else employed) 100 days ago: months 1 and 3 overdue; sun_lei (site B1) 60 days ago: month 1 overdue;
wang_jianguo (A1) 25 days ago: month 1 due within the week. broker_a serves A1, broker_b B1, broker_ab both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.openings_world import app_client, open_posting, staff
from tests.api.test_pages import _sign_in, _text
from tests.api.test_tracking import _placed
from tests.api.world import World, sign_in, world_app

TODAY = dt.date.today()


@dataclass
class Hires:
    client: TestClient
    world: World
    admin: dict[str, str]  # the JSON API's header of city_admin, to check what the pages did
    zhang: int  # match ids
    sun: int
    wang: int


@pytest.fixture
def h(database_url: str, tmp_path: Path) -> Iterator[Hires]:
    settings, world = world_app(database_url)
    with app_client(settings, tmp_path) as client:
        admin = staff(client)
        posting = int(open_posting(client, admin, world.employer_id, headcount=5)["id"])
        broker = sign_in(client, "broker_ab")
        days = {"zhang_wei": 100, "sun_lei": 60, "wang_jianguo": 25}
        ids = {k: _placed(client, broker, world.people[k].id, posting, TODAY - dt.timedelta(days=d))
               for k, d in days.items()}  # fmt: skip
        yield Hires(client, world, admin, ids["zhang_wei"], ids["sun_lei"], ids["wang_jianguo"])


def _lines(html: str) -> list[tuple[str, str]]:
    """(name, month) of each visit listed, in order."""
    return re.findall(r"<h2>(?:<span[^>]*>[^<]*</span> )?(\S+) · .*?第 (\d+) 个月回访", html, re.S)


def _worker(h: Hires, key: str) -> Any:
    return h.client.get(f"/workers/{h.world.people[key].id}", headers=h.admin).json()


def test_the_list_shows_overdue_visits_first_and_filters_by_site_and_by_overdue_or_this_week(h: Hires) -> None:
    _sign_in(h.client, "broker_ab")
    listed = h.client.get("/web/staff/followups")
    assert listed.status_code == 200
    assert _lines(listed.text) == [("张伟", "1"), ("孙磊", "1"), ("张伟", "3"), ("王建国", "1")]
    assert "共 4 次回访" in _text(listed.text) and "逾期 " in listed.text
    assert f'href="/web/staff/followups/{h.zhang}?month=3"' in listed.text  # each line opens its form
    site_b = h.world.sites["B1"]
    assert _lines(h.client.get(f"/web/staff/followups?site={site_b}").text) == [("孙磊", "1")]
    assert [n for n, _ in _lines(h.client.get("/web/staff/followups?when=overdue").text)] == ["张伟", "孙磊", "张伟"]
    assert _lines(h.client.get("/web/staff/followups?when=week").text) == [("王建国", "1")]
    home = h.client.get("/web/staff").text
    assert 'href="/web/staff/followups"' in home and f'href="/web/staff/followups/{h.wang}?month=1"' in home
    h.client.cookies.clear()
    _sign_in(h.client, "broker_a")  # site A1 only
    assert [n for n, _ in _lines(h.client.get("/web/staff/followups").text)] == ["张伟", "张伟", "王建国"]


def test_a_visit_recorded_on_the_form_sets_the_income_and_leaves_the_list(h: Hires) -> None:
    token = _sign_in(h.client, "broker_a")
    form = h.client.get(f"/web/staff/followups/{h.zhang}?month=1")
    assert form.status_code == 200 and "工资是否按约定足额发放" in form.text  # the month's questions
    assert f'value="{TODAY.isoformat()}"' in form.text  # the visit's day: today unless changed
    visited = (TODAY - dt.timedelta(days=2)).isoformat()
    answer = h.client.post(f"/web/staff/followups/{h.zhang}", data={
        "csrf_token": token, "month": "1", "visited_on": visited, "still_employed": "yes", "wage": "4,300元",
        "note": "工资按时发放，想学叉车"}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    page = _text(h.client.get(answer.headers["location"]).text)
    assert "已登记回访" in page and "第 1 个月：在岗，月工资 4300 元" in page
    assert "本户劳动力 2 人，现在就业 1 人" in page
    assert _worker(h, "zhang_wei")["monthly_income"] == 4300
    events = h.client.get(f"/matches/{h.zhang}", headers=h.admin).json()["events"]
    assert events[-1]["kind"] == "checkpoint"
    assert events[-1]["detail"]["note"] == f"{visited} 回访：工资按时发放，想学叉车"  # the day it was made, kept
    assert ("张伟", "1") not in _lines(h.client.get("/web/staff/followups").text)


def test_a_separation_recorded_on_the_form_updates_the_worker_and_raises_the_household_alert(h: Hires) -> None:
    token = _sign_in(h.client, "broker_a")
    left = (TODAY - dt.timedelta(days=3)).isoformat()
    answer = h.client.post(f"/web/staff/followups/{h.zhang}", data={
        "csrf_token": token, "month": "3", "visited_on": TODAY.isoformat(), "still_employed": "no",
        "separated_on": left, "reason": "离家远", "note": "想在安置点附近找活"}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    page = _text(h.client.get(answer.headers["location"]).text)
    assert "已登记离职" in page and f"已于 {left} 离职（离家远）" in page
    assert "现在就业 0 人" in page and "有未解除的防返贫风险提示" in page and "保存回访" not in page
    match = h.client.get(f"/matches/{h.zhang}", headers=h.admin).json()
    assert (match["stage"], match["separated_on"], match["separation_reason"]) == ("separated", left, "离家远")
    assert _worker(h, "zhang_wei")["employment_status"] == "unemployed"
    alerts = h.client.get("/alerts", headers=h.admin).json()["items"]
    assert [(a["household_id"], a["match_id"]) for a in alerts] == [(h.world.households["A1-2"], h.zhang)]
    assert "张伟" not in _text(h.client.get("/web/staff/followups").text)  # no more visits for a hire that ended


def test_a_worker_who_left_between_visits_is_recorded_as_a_separation_without_a_month(h: Hires) -> None:
    token = _sign_in(h.client, "broker_a")
    url = f"/web/staff/followups/{h.wang}"  # month 1 falls due within the week: the service would not take month 3
    assert '<option value="">不是定期回访，只登记离职</option>' in h.client.get(url).text
    still = h.client.post(url, data={"csrf_token": token, "month": "", "still_employed": "yes", "wage": "3900"})
    assert still.status_code == 422 and 'id="e-month"' in still.text and 'value="3900"' in still.text
    left = (TODAY - dt.timedelta(days=1)).isoformat()
    answer = h.client.post(url, data={"csrf_token": token, "month": "", "still_employed": "no", "reason": "企业减员",
                                      "separated_on": left}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    match = h.client.get(f"/matches/{h.wang}", headers=h.admin).json()
    assert (match["stage"], match["separated_on"], match["separation_reason"]) == ("separated", left, "企业减员")
    assert [e["kind"] for e in match["events"]][-1] == "step"  # a separation, not a visit of some month
    assert "王建国" not in _text(h.client.get("/web/staff/followups").text)


def test_a_visit_form_with_mistakes_says_where_keeps_what_was_typed_and_records_nothing(h: Hires) -> None:
    token = _sign_in(h.client, "broker_a")
    url = f"/web/staff/followups/{h.zhang}"
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    typed = {"month": "3", "visited_on": tomorrow, "wage": "四千", "note": "老板说下月涨工资"}
    refused = h.client.post(url, data={"csrf_token": token, **typed})
    assert refused.status_code == 422
    assert "请选择本人是否仍在岗" in refused.text and 'id="e-still_employed"' in refused.text
    assert 'id="e-visited_on"' in refused.text and "回访日期不能晚于今天" in refused.text
    assert 'value="四千"' in refused.text and "老板说下月涨工资</textarea>" in refused.text
    assert f'value="{tomorrow}"' in refused.text and '<option value="3" selected>' in refused.text
    bad_wage = h.client.post(url, data={"csrf_token": token, **typed, "visited_on": "", "still_employed": "yes"})
    assert bad_wage.status_code == 422 and 'id="e-wage"' in bad_wage.text and "月工资请填写数字" in bad_wage.text
    # the service's own refusal, beside the field it is about: leaving before the start
    before = (TODAY - dt.timedelta(days=101)).isoformat()
    early = h.client.post(url, data={"csrf_token": token, "month": "3", "still_employed": "no", "reason": "工资低",
                                     "separated_on": before, "note": "记错日子了"})  # fmt: skip
    assert early.status_code == 422 and 'id="e-separated_on"' in early.text and "离职日期不能早于上岗日期" in early.text
    assert '<input type="radio" name="still_employed" value="no" checked>' in early.text
    assert '<option value="工资低" selected>' in early.text and "记错日子了</textarea>" in early.text
    assert h.client.get(f"/matches/{h.zhang}", headers=h.admin).json()["stage"] == "hired"
    assert _lines(h.client.get("/web/staff/followups").text)[:1] == [("张伟", "1")]  # nothing recorded


def test_a_broker_corrects_a_workers_record_and_only_what_changed_is_saved_and_audited(h: Hires) -> None:
    zhang = h.world.people["zhang_wei"]
    token = _sign_in(h.client, "broker_a")
    url = f"/web/staff/workers/{zhang.id}/edit"
    assert f'href="{url}"' in h.client.get(f"/web/staff/workers/{zhang.id}").text
    form = h.client.get(url).text
    assert 'value="司机"' in form and 'value="开车"' in form and 'value="C1驾照"' in form
    assert all(p not in form for p in zhang.phones) and "138****0003" in form and zhang.id_number not in form
    current = dict(re.findall(r'name="(\w+)" type="(?:text|tel)" value="([^"]*)"', form))
    current |= dict(re.findall(r'<select id="f-\w+" name="(\w+)".*?<option value="([^"]*)" selected>', form, re.S))
    typed = {**current, "skills": "开车、电焊", "certificates": "C1驾照、叉车证", "wish_min_wage": "4500"}
    saved = h.client.post(url, data={"csrf_token": token, **typed}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert "已保存修改" in h.client.get(saved.headers["location"]).text
    record = _worker(h, "zhang_wei")
    assert record["wish_min_wage"] == 4500 and {s["source_text"] for s in record["skills"]} == {"开车", "电焊"}
    assert {c["source_text"] for c in record["certificates"]} == {"C1驾照", "叉车证"}
    assert record["phone_mask"] == "138****0003"  # the phone left empty: unchanged
    audit = h.client.get("/audit", params={"action": "update_worker"}, headers=h.admin).json()["items"]
    assert [sorted(a["detail"]["fields"]) for a in audit] == [["details:certificate", "details:skill",
                                                               "wish_min_wage"]]  # fmt: skip
    assert audit[0]["actor"] == "broker_a"


def test_a_worker_edit_not_understood_keeps_the_typed_values_and_phones_show_only_for_a_reason(h: Hires) -> None:
    zhang = h.world.people["zhang_wei"]
    token = _sign_in(h.client, "broker_a")
    url = f"/web/staff/workers/{zhang.id}/edit"
    refused = h.client.post(url, data={"csrf_token": token, "wish_min_wage": "很多", "skills": "开车、砌墙"})
    assert refused.status_code == 422 and 'id="e-wish_min_wage"' in refused.text
    assert "期望月薪（元）：填写的内容无法识别" in refused.text and 'value="很多"' in refused.text
    assert 'value="开车、砌墙"' in refused.text
    assert _worker(h, "zhang_wei")["wish_min_wage"] == 4000  # nothing saved
    short = h.client.post(url, data={"csrf_token": token, "action": "reveal", "reason": "看", "skills": "开车、砌墙"})
    assert short.status_code == 422 and 'id="e-reason"' in short.text and zhang.phones[0] not in short.text
    shown = h.client.post(url, data={"csrf_token": token, "action": "reveal", "reason": "核对本人电话",
                                     "skills": "开车、砌墙"})  # fmt: skip
    assert shown.status_code == 200 and f'value="{" / ".join(zhang.phones)}"' in shown.text
    assert 'value="开车、砌墙"' in shown.text  # what was typed before the reveal is still there
    reveals = h.client.get("/audit", params={"action": "reveal"}, headers=h.admin).json()["items"]
    assert [(a["reason"], a["subject"]) for a in reveals] == [("核对本人电话", f"worker:{zhang.id}")]
    new = {"csrf_token": token, "phone_shown": "1", "phone": "13900000009 / 0350-1234567"}
    assert h.client.post(url, data=new, follow_redirects=False).status_code == 303
    assert _worker(h, "zhang_wei")["phone_mask"] == "139****0009"


def test_staff_of_another_site_cannot_open_or_post_a_visit_or_a_workers_edit(h: Hires) -> None:
    zhang = h.world.people["zhang_wei"]
    token = _sign_in(h.client, "broker_b")  # site B1; zhang_wei is at A1
    for url in (f"/web/staff/followups/{h.zhang}", f"/web/staff/workers/{zhang.id}/edit"):
        page = h.client.get(url)
        assert page.status_code == 404 and "张伟" not in page.text and "<html" in page.text
    left = {"csrf_token": token, "month": "1", "still_employed": "no", "reason": "工资低"}
    visit = h.client.post(f"/web/staff/followups/{h.zhang}", data=left)
    edit = h.client.post(f"/web/staff/workers/{zhang.id}/edit", data={"csrf_token": token, "wish_min_wage": "1"})
    assert visit.status_code == 404 and edit.status_code == 404
    assert h.client.get(f"/matches/{h.zhang}", headers=h.admin).json()["stage"] == "hired"
    assert _worker(h, "zhang_wei")["wish_min_wage"] == 4000
    assert "张伟" not in _text(h.client.get("/web/staff/followups").text)
