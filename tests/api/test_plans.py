"""Match-day plans over HTTP on the shared world, on SQLite and PostgreSQL: a plan made in the background is a
preview until committed; committing writes proposals into the pipeline once, skips pairs proposed since the
preview, and lets a broker commit and call only the people of their sites (each phone shown audited); a job
fair plans only its employers' postings; the short messages fit one SMS.

The world (``tests.api.world``) with two openings: the world's employer's 普工 (county A, two places) and a
county-B foundry's 电焊工 (one place). Planned for the city, they suit zhang_wei (A1, household with no one
employed), ma_jun (A2) and sun_lei (B1, a welder): one proposal each.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from api.allocation_outputs import CALL_LIST_HEADERS, CALL_LIST_REASON, NO_ONE_EMPLOYED
from api.allocation_sms import SMS_LIMIT
from tests.api.jobs_world import wait_for
from tests.api.openings_world import open_posting
from tests.api.plans_world import Day, plan_day
from tests.api.world import COUNTY_A, COUNTY_B, World, sign_in

CITY = "140900"


@pytest.fixture
def day(database_url: str, tmp_path: Path) -> Iterator[Day]:
    with plan_day(database_url, tmp_path) as started:
        yield started


def _plan(day: Day, headers: dict[str, str], **body: Any) -> int:
    sent = day.client.post("/plans", json=body, headers=headers)
    assert sent.status_code == 202, sent.text
    job = wait_for(day.client, headers, sent.json()["id"])
    assert (job["status"], job["kind_label"]) == ("finished", "撮合日计划"), job
    plan_id = int(job["result"]["plan_id"])
    assert job["links"] == {"plan": f"/plans/{plan_id}"}
    return plan_id


def _get(day: Day, url: str, headers: dict[str, str]) -> Any:
    response = day.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _pairs(plan: dict[str, Any], world: World) -> set[tuple[str, int]]:
    keys = world.keys_of([p["worker_id"] for p in plan["proposals"]["items"]])
    return {(k, p["posting_id"]) for k, p in zip(keys, plan["proposals"]["items"], strict=True)}


def _matches(day: Day, **query: Any) -> list[dict[str, Any]]:
    response = day.client.get("/matches", params=query, headers=day.admin)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_plan_is_a_preview_until_committed_and_committing_twice_proposes_once(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY)
    plan = _get(day, f"/plans/{plan_id}", day.admin)
    expected = {("zhang_wei", day.general), ("ma_jun", day.general), ("sun_lei", day.welder)}
    assert _pairs(plan, day.world) == expected
    assert plan["committed_at"] is None and plan["figures"]["proposals"] == 3
    assert plan["figures"]["households_covered"] >= 1  # zhang_wei's household, where no one is employed
    zhang = next(p for p in plan["proposals"]["items"] if p["worker_id"] == day.world.people["zhang_wei"].id)
    assert zhang["household_note"] == NO_ONE_EMPLOYED and zhang["reasons"]
    assert _matches(day) == []  # a preview proposes nobody

    first = day.client.post(f"/plans/{plan_id}/commit", headers=day.admin)
    assert first.status_code == 200, first.text
    assert (first.json()["proposed"], first.json()["skipped"], first.json()["already"]) == (3, [], 0)
    matches = _matches(day)
    assert {(m["worker_id"], m["posting_id"]) for m in matches} == {(day.world.people[k].id, p) for k, p in expected}
    assert {(m["stage"], m["proposed_by"]) for m in matches} == {("proposed", "city_admin")}
    events = _get(day, f"/matches/{matches[0]['id']}", day.admin)["events"]
    assert [(e["stage"], e["actor"], e["detail"]) for e in events] == [
        ("proposed", "city_admin", {"note": f"撮合日计划 {plan_id}"})
    ]

    again = day.client.post(f"/plans/{plan_id}/commit", headers=day.admin)
    assert (again.json()["proposed"], again.json()["already"]) == (0, 3)
    assert len(_matches(day)) == 3
    committed = _get(day, f"/plans/{plan_id}", day.admin)
    assert committed["committed_by"] == "city_admin"
    assert {p["stage_label"] for p in committed["proposals"]["items"]} == {"已推荐"}


def test_a_pair_proposed_since_the_preview_is_skipped_with_the_reason(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY)
    zhang = day.world.people["zhang_wei"].id
    broker = sign_in(day.client, "broker_a")
    manual = day.client.post("/matches", json={"worker_id": zhang, "posting_id": day.general}, headers=broker)
    assert manual.status_code == 201, manual.text

    done = day.client.post(f"/plans/{plan_id}/commit", headers=day.admin).json()
    assert done["proposed"] == 2
    (skipped,) = done["skipped"]
    assert (skipped["worker_id"], skipped["posting_id"]) == (zhang, day.general)
    assert "进行中的撮合记录" in skipped["reason"]
    assert [m["proposed_by"] for m in _matches(day, worker_id=zhang)] == ["broker_a"]


def test_a_commit_keeps_each_worker_within_the_limit_of_open_proposals(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY, per_worker=1)
    sun = day.world.people["sun_lei"].id
    broker_b = sign_in(day.client, "broker_b")
    other = open_posting(day.client, day.admin, day.foundry, title="铸造工", headcount=1)["id"]
    manual = day.client.post("/matches", json={"worker_id": sun, "posting_id": other}, headers=broker_b)
    assert manual.status_code == 201, manual.text

    done = day.client.post(f"/plans/{plan_id}/commit", headers=day.admin).json()
    assert done["proposed"] == 2
    (skipped,) = done["skipped"]
    assert (skipped["worker_id"], skipped["posting_id"]) == (sun, day.welder)
    assert "达到每人 1 条的上限" in skipped["reason"]
    assert [m["posting_id"] for m in _matches(day, worker_id=sun)] == [other]


def test_matches_open_at_a_posting_count_against_its_limit_in_the_plan_and_at_commit(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY, per_place=1)  # the welder's one place: one open proposal
    sun, ma = day.world.people["sun_lei"].id, day.world.people["ma_jun"].id
    assert (("sun_lei", day.welder)) in _pairs(_get(day, f"/plans/{plan_id}", day.admin), day.world)
    manual = day.client.post("/matches", json={"worker_id": ma, "posting_id": day.welder}, headers=day.admin)
    assert manual.status_code == 201, manual.text

    done = day.client.post(f"/plans/{plan_id}/commit", headers=day.admin).json()
    (skipped,) = done["skipped"]
    assert (skipped["worker_id"], skipped["posting_id"]) == (sun, day.welder)
    assert "这个岗位已有 1 条进行中的推荐" in skipped["reason"]
    assert [m["worker_id"] for m in _matches(day, posting_id=day.welder)] == [ma]

    later = _get(day, f"/plans/{_plan(day, day.admin, adcode=CITY, per_place=1)}", day.admin)
    assert all(posting != day.welder for _, posting in _pairs(later, day.world))  # no room left there


def test_a_worker_who_found_work_since_the_preview_is_not_called(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY)
    zhang = day.world.people["zhang_wei"].id
    found_work = day.client.patch(f"/workers/{zhang}", json={"employment_status": "县内务工"}, headers=day.admin)
    assert found_work.status_code == 200, found_work.text

    done = day.client.post(f"/plans/{plan_id}/commit", headers=day.admin).json()
    assert done["proposed"] == 2
    (skipped,) = done["skipped"]
    assert (skipped["worker_id"], skipped["reason"]) == (zhang, "此人在预览之后已经上岗或不再找工作，不再推荐。")
    assert _matches(day, worker_id=zhang) == []


def test_a_broker_sees_commits_and_calls_only_the_people_of_their_sites(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY)
    broker_a, broker_b = sign_in(day.client, "broker_a"), sign_in(day.client, "broker_b")
    zhang = day.world.people["zhang_wei"]
    seen = _get(day, f"/plans/{plan_id}", broker_a)
    assert [p["worker_id"] for p in seen["proposals"]["items"]] == [zhang.id]
    assert seen["figures"]["proposals"] == 3  # the region's figures; the people are theirs only

    too_early = day.client.get(f"/plans/{plan_id}/call-list.xlsx", headers=broker_b)
    assert too_early.status_code == 409 and "提交" in too_early.json()["detail"]
    done = day.client.post(f"/plans/{plan_id}/commit", headers=broker_a).json()
    assert (done["proposed"], done["others"]) == (1, 2)
    assert [m["worker_id"] for m in _matches(day)] == [zhang.id]

    response = day.client.get(f"/plans/{plan_id}/call-list.xlsx", headers=broker_a)
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[3]] == list(CALL_LIST_HEADERS)
    rows = [dict(zip(CALL_LIST_HEADERS, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=4)]
    assert [(r["姓名"], r["电话"], r["推荐岗位"], r["家庭情况"]) for r in rows] == [
        (zhang.name, zhang.phones[0], "普工", NO_ONE_EMPLOYED)
    ]
    assert "家中暂无就业人员" in str(rows[0]["推荐理由"]) and rows[0]["撮合编号"] is not None
    audit = _get(day, "/audit?action=reveal", day.admin)["items"]
    assert [(a["actor"], a["subject"], a["reason"]) for a in audit] == [
        ("broker_a", f"worker:{zhang.id}", CALL_LIST_REASON)
    ]
    admin_list = day.client.get(f"/plans/{plan_id}/call-list.xlsx", headers=day.admin)
    assert admin_list.status_code == 403  # call lists are a broker's own


def test_who_may_plan_and_see_a_plan(day: Day) -> None:
    broker_a, broker_b = sign_in(day.client, "broker_a"), sign_in(day.client, "broker_b")
    refused = day.client.post("/plans", json={"adcode": COUNTY_B}, headers=broker_a)
    assert refused.status_code == 403 and "没有您负责的安置点" in refused.json()["detail"]
    for user in ("employer", "worker"):
        assert (
            day.client.post("/plans", json={"adcode": COUNTY_A}, headers=sign_in(day.client, user)).status_code == 403
        )
    plan_id = _plan(day, broker_a, adcode=COUNTY_A)
    assert day.client.get(f"/plans/{plan_id}", headers=broker_b).status_code == 404
    assert day.client.post(f"/plans/{plan_id}/commit", headers=broker_b).status_code == 404
    county = _get(day, f"/plans/{plan_id}", sign_in(day.client, "county_admin"))
    assert county["created_by"] == "broker_a" and county["region_adcode"] == COUNTY_A
    assert {p["worker_id"] for p in county["proposals"]["items"]} == day.world.ids("zhang_wei", "ma_jun")


def test_a_job_fair_plans_only_the_postings_of_its_employers(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY, employer_ids=[day.foundry])
    plan = _get(day, f"/plans/{plan_id}", day.admin)
    assert _pairs(plan, day.world) == {("sun_lei", day.welder)}
    assert "招聘会" in plan["region_label"]
    unknown = day.client.post("/plans", json={"adcode": CITY, "employer_ids": [999999]}, headers=day.admin)
    assert unknown.status_code == 404 and "999999" in unknown.json()["detail"]
    both = day.client.post("/plans", json={"employer_ids": [day.foundry], "out_of_area": True}, headers=day.admin)
    assert both.status_code == 422


def test_every_message_of_a_plan_fits_one_sms_and_says_how_to_answer(day: Day) -> None:
    plan_id = _plan(day, day.admin, adcode=CITY)
    found = _get(day, f"/plans/{plan_id}/messages", day.admin)
    assert found["total"] == 3
    for message in found["items"]:
        assert len(message["text"]) == message["length"] <= SMS_LIMIT
        assert message["text"].startswith("【安业】") and "回复1" in message["text"]
    welder = next(m for m in found["items"] if m["posting_id"] == day.welder)
    assert welder["text"] == "【安业】孙师傅，定襄县宏达铸造有限公司招电焊工，月薪5000-6000元。有意向请回复1。"
