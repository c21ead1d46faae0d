"""The placement pipeline over HTTP on the shared world: proposing, every step with its roles, the hire taking a
place and employing the worker, the separation raising the household alert and a new hire clearing it,
follow-up lists and visits, corrections, and broker placements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.openings_world import app_client, open_posting, staff
from tests.api.world import World, sign_in, world_app

TODAY = dt.date.today()


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
    settings, world = world_app(database_url)
    with app_client(settings, tmp_path) as test_client:
        yield test_client, world


def _posting(client: TestClient, world: World, **fields: Any) -> int:
    return int(open_posting(client, staff(client), world.employer_id, **fields)["id"])


def _step(client: TestClient, headers: dict[str, str], match_id: int, stage: str, **body: Any) -> Any:
    return client.post(f"/matches/{match_id}/events", json={"stage": stage, **body}, headers=headers)


def _hire_body(on: dt.date, wage: int = 4000) -> dict[str, Any]:
    return {"on": on.isoformat(), "wage": wage, "contract_kind": "劳动合同", "place": "忻府区"}


def _placed(client: TestClient, headers: dict[str, str], worker_id: int, posting_id: int, on: dt.date) -> int:
    """Propose and walk the match to hired; its id."""
    response = client.post("/matches", json={"worker_id": worker_id, "posting_id": posting_id}, headers=headers)
    assert response.status_code == 201, response.text
    match_id = int(response.json()["id"])
    steps: list[tuple[str, dict[str, Any]]] = [("contacted", {}), ("interested", {"worker_agreed": True}),
                                               ("interview", {}), ("offered", {"wage": 4000}),
                                               ("hired", _hire_body(on))]  # fmt: skip
    for stage, body in steps:
        assert _step(client, headers, match_id, stage, **body).status_code == 200
    return match_id


def _worker(client: TestClient, headers: dict[str, str], worker_id: int) -> Any:
    response = client.get(f"/workers/{worker_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_placement_from_proposal_to_separation_raises_the_household_alert_and_a_new_hire_clears_it(
    client: tuple[TestClient, World],
) -> None:
    c, world = client
    broker = sign_in(c, "broker_a")
    posting_id = _posting(c, world, headcount=2)
    wang = world.people["wang_jianguo"]  # the only one employed in household A1-1
    match_id = _placed(c, broker, wang.id, posting_id, TODAY - dt.timedelta(days=40))
    detail = c.get(f"/matches/{match_id}", headers=broker).json()
    assert [e["stage"] for e in detail["events"]] == ["proposed", "contacted", "interested", "interview", "offered",
                                                      "hired"]  # fmt: skip
    assert {e["actor"] for e in detail["events"]} == {"broker_a"}
    assert (detail["hired_on"], detail["stage_label"]) == ((TODAY - dt.timedelta(days=40)).isoformat(), "已上岗")
    posting = c.get(f"/postings/{posting_id}", headers=staff(c)).json()
    assert posting["filled_count"] == 1
    assert _worker(c, broker, wang.id)["monthly_income"] == 4000

    left = _step(c, broker, match_id, "separated", on=(TODAY - dt.timedelta(days=2)).isoformat(), reason="工资低")
    assert left.status_code == 200, left.text
    assert _worker(c, broker, wang.id)["employment_status"] == "unemployed"
    assert c.get(f"/postings/{posting_id}", headers=staff(c)).json()["filled_count"] == 0  # within its term
    alerts = c.get("/alerts", headers=broker).json()
    assert alerts["total"] == 1
    alert = alerts["items"][0]
    assert (alert["household_id"], alert["match_id"], alert["raised_by"]) == (
        world.households["A1-1"],
        match_id,
        "broker_a",
    )
    assert "王建国" in alert["reason"] and "工资低" in alert["reason"]
    assert c.get("/alerts", headers=sign_in(c, "broker_b")).json()["total"] == 0
    assert c.get("/alerts", headers=sign_in(c, "county_admin")).json()["total"] == 1

    again = _placed(c, broker, world.people["li_xiuying"].id, posting_id, TODAY)
    assert c.get("/alerts", headers=broker).json()["total"] == 0
    cleared = c.get("/alerts", params={"state": "cleared"}, headers=broker).json()["items"]
    assert [(a["id"], a["cleared_by_match_id"]) for a in cleared] == [(alert["id"], again)]


def test_an_illegal_step_is_a_conflict_naming_both_stages(client: tuple[TestClient, World]) -> None:
    c, world = client
    broker = sign_in(c, "broker_a")
    posting_id = _posting(c, world)
    response = c.post("/matches", json={"worker_id": world.people["zhang_wei"].id, "posting_id": posting_id},
                      headers=broker)  # fmt: skip
    match_id = response.json()["id"]
    refused = _step(c, broker, match_id, "hired", **_hire_body(TODAY))
    assert refused.status_code == 409
    assert refused.json()["error"] == "Conflict" and "“已推荐”" in refused.json()["detail"]
    assert "“已上岗”" in refused.json()["detail"]
    again = c.post("/matches", json={"worker_id": world.people["zhang_wei"].id, "posting_id": posting_id},
                   headers=broker)  # fmt: skip
    assert again.status_code == 409


def test_a_hire_of_a_full_posting_is_a_clear_conflict(client: tuple[TestClient, World]) -> None:
    c, world = client
    broker = sign_in(c, "broker_ab")
    posting_id = _posting(c, world, headcount=1)
    _placed(c, broker, world.people["zhang_wei"].id, posting_id, TODAY)
    response = c.post("/matches", json={"worker_id": world.people["sun_lei"].id, "posting_id": posting_id},
                      headers=broker)  # fmt: skip
    assert response.status_code == 409 and "已招满" in response.json()["detail"]


def test_roles_employer_records_interview_to_hire_of_agreed_workers_and_a_worker_declines_their_own(
    client: tuple[TestClient, World],
) -> None:
    c, world = client
    broker, employer, worker = sign_in(c, "broker_a"), sign_in(c, "employer"), sign_in(c, "worker")
    posting_id = _posting(c, world)
    zhang = world.people["zhang_wei"]  # the worker account's own record
    match_id = c.post("/matches", json={"worker_id": zhang.id, "posting_id": posting_id}, headers=broker).json()["id"]
    assert c.get(f"/matches/{match_id}", headers=employer).status_code == 404  # not agreed yet
    assert _step(c, broker, match_id, "interested").status_code == 422  # the worker's agreement first
    assert _step(c, broker, match_id, "interested", worker_agreed=True).status_code == 200
    assert _step(c, employer, match_id, "interview").status_code == 200
    assert _step(c, employer, match_id, "declined", reason="不合适").status_code == 403
    assert _step(c, worker, match_id, "offered").status_code == 403
    assert c.get(f"/matches/{match_id}", headers=sign_in(c, "broker_b")).status_code == 404
    assert c.get("/matches", headers=employer).json()["total"] == 1
    declined = _step(c, worker, match_id, "declined")
    assert declined.status_code == 200 and declined.json()["declined_reason"] == "本人表示不合适"
    assert c.get("/matches", headers=employer).json()["total"] == 0  # no longer put forward
    assert c.post("/matches", json={"worker_id": zhang.id, "posting_id": posting_id}, headers=employer).status_code \
        == 403  # fmt: skip


def test_followups_list_due_and_overdue_checkpoints_and_a_visit_updates_worker_and_household(
    client: tuple[TestClient, World],
) -> None:
    c, world = client
    broker = sign_in(c, "broker_a")
    zhang = world.people["zhang_wei"]  # household A1-2: two with labour, no one employed
    match_id = _placed(c, broker, zhang.id, _posting(c, world), TODAY - dt.timedelta(days=100))
    due = c.get("/followups", headers=broker).json()["items"]
    assert [(f["match_id"], f["month"], f["overdue"]) for f in due] == [(match_id, 1, True), (match_id, 3, True)]
    assert "在岗" in due[0]["questions"]
    later = c.get("/followups", params={"due_before": (TODAY + dt.timedelta(days=200)).isoformat()}, headers=broker)
    assert [f["month"] for f in later.json()["items"]] == [1, 3, 6]
    assert c.get("/followups", headers=sign_in(c, "broker_b")).json()["total"] == 0

    visit = c.post(f"/matches/{match_id}/checkpoints", json={"month": 1, "still_employed": True, "wage": 4200},
                   headers=broker)  # fmt: skip
    assert visit.status_code == 200, visit.text
    assert visit.json()["household"] == {"household_id": world.households["A1-2"], "labour": 2, "employed": 1,
                                         "monthly_income": 4200, "alert_open": False}  # fmt: skip
    assert _worker(c, broker, zhang.id)["monthly_income"] == 4200
    assert [f["month"] for f in c.get("/followups", headers=broker).json()["items"]] == [3]
    twice = c.post(f"/matches/{match_id}/checkpoints", json={"month": 1, "still_employed": True}, headers=broker)
    assert twice.status_code == 409

    gone = c.post(f"/matches/{match_id}/checkpoints", json={"month": 3, "still_employed": False, "reason": "离家远"},
                  headers=broker)  # fmt: skip
    assert gone.status_code == 200, gone.text
    assert gone.json()["match"]["stage"] == "separated" and gone.json()["match"]["separation_reason"] == "离家远"
    assert gone.json()["household"]["employed"] == 0 and gone.json()["household"]["alert_open"] is True
    assert _worker(c, broker, zhang.id)["employment_status"] == "unemployed"
    assert c.get("/followups", headers=broker).json()["total"] == 0


def test_corrections_are_new_events_and_bring_the_match_in_line(client: tuple[TestClient, World]) -> None:
    c, world = client
    broker = sign_in(c, "broker_a")
    posting_id = _posting(c, world)
    wang = world.people["wang_jianguo"]
    match_id = _placed(c, broker, wang.id, posting_id, TODAY - dt.timedelta(days=30))
    events = c.get(f"/matches/{match_id}", headers=broker).json()["events"]
    hire = events[-1]
    moved = (TODAY - dt.timedelta(days=20)).isoformat()
    body_in = {"event_id": hire["id"], "reason": "上岗日期登记错误", "hired_on": moved}
    fixed = c.post(f"/matches/{match_id}/corrections", headers=broker, json=body_in)
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert body["hired_on"] == (TODAY - dt.timedelta(days=20)).isoformat()
    assert body["events"][:-1] == events  # nothing overwritten
    assert (body["events"][-1]["kind"], body["events"][-1]["corrects_id"]) == ("correction", hire["id"])
    refused = c.post(f"/matches/{match_id}/corrections", headers=broker,
                     json={"event_id": hire["id"], "reason": "写错了", "separation_reason": "工资低"})  # fmt: skip
    assert refused.status_code == 422
    assert _worker(c, broker, wang.id)["employment_place"] == "忻府区"
    moved_to = c.post(f"/matches/{match_id}/corrections", headers=broker,
                      json={"event_id": hire["id"], "reason": "工作地点登记错误", "place": "原平市"})  # fmt: skip
    assert moved_to.status_code == 200, moved_to.text
    assert _worker(c, broker, wang.id)["employment_place"] == "原平市"  # the worker's record follows

    left = _step(c, broker, match_id, "separated", on=TODAY.isoformat(), reason="身体原因").json()
    assert left["stage"] == "separated" and c.get("/alerts", headers=broker).json()["total"] == 1
    separation = c.get(f"/matches/{match_id}", headers=broker).json()["events"][-1]
    undone = c.post(f"/matches/{match_id}/corrections", headers=broker,
                    json={"event_id": separation["id"], "reason": "误登记离职", "void": True})  # fmt: skip
    assert undone.status_code == 200, undone.text
    assert (undone.json()["stage"], undone.json()["separated_on"]) == ("hired", None)
    assert _worker(c, broker, wang.id)["employment_status"] == "county"
    assert c.get("/alerts", headers=broker).json()["total"] == 0
    assert c.get(f"/postings/{posting_id}", headers=staff(c)).json()["filled_count"] == 1


def test_taking_back_a_separation_recorded_at_a_visit_gives_the_visit_back_to_the_followup_list(
    client: tuple[TestClient, World],
) -> None:
    c, world = client
    broker = sign_in(c, "broker_a")
    zhang = world.people["zhang_wei"]
    match_id = _placed(c, broker, zhang.id, _posting(c, world), TODAY - dt.timedelta(days=100))
    left = (TODAY - dt.timedelta(days=60)).isoformat()
    wrong = {"month": 1, "still_employed": False, "reason": "离家远", "separated_on": left}
    assert c.post(f"/matches/{match_id}/checkpoints", json=wrong, headers=broker).status_code == 200
    events = c.get(f"/matches/{match_id}", headers=broker).json()["events"]
    (separation,) = [e for e in events if e["stage"] == "separated" and e["kind"] == "step"]
    undone = c.post(f"/matches/{match_id}/corrections", headers=broker,
                    json={"event_id": separation["id"], "reason": "回访时找错了人", "void": True})  # fmt: skip
    assert undone.status_code == 200, undone.text
    assert undone.json()["stage"] == "hired"
    # the month-1 visit went with the separation: it is due again and can be recorded as it really went
    due = c.get("/followups", headers=broker).json()["items"]
    assert [(f["match_id"], f["month"]) for f in due] == [(match_id, 1), (match_id, 3)]
    right = c.post(f"/matches/{match_id}/checkpoints", json={"month": 1, "still_employed": True, "wage": 4100},
                   headers=broker)  # fmt: skip
    assert right.status_code == 200, right.text
    assert right.json()["match"]["stage"] == "hired" and _worker(c, broker, zhang.id)["monthly_income"] == 4100


def test_broker_placements_that_lasted_3_and_6_months(client: tuple[TestClient, World]) -> None:
    c, world = client
    broker = sign_in(c, "broker_ab")
    posting_id = _posting(c, world)
    _placed(c, broker, world.people["zhang_wei"].id, posting_id, TODAY - dt.timedelta(days=200))
    short = _placed(c, broker, world.people["sun_lei"].id, posting_id, TODAY - dt.timedelta(days=120))
    _step(c, broker, short, "separated", on=(TODAY - dt.timedelta(days=100)).isoformat(), reason="离家远")
    _placed(c, broker, world.people["li_xiuying"].id, posting_id, TODAY - dt.timedelta(days=10))
    params = {"start": (TODAY - dt.timedelta(days=365)).isoformat(), "end": (TODAY + dt.timedelta(days=1)).isoformat()}
    report = c.get("/reports/brokers", params=params, headers=staff(c))
    assert report.status_code == 200, report.text
    (row,) = report.json()["brokers"]
    assert (row["username"], row["placements"], row["lasted_3"], row["lasted_6"], row["pending_3"]) == (
        "broker_ab",
        3,
        1,
        1,
        1,
    )
    assert c.get("/reports/brokers", params=params, headers=broker).status_code == 403


def test_a_hire_taken_back_is_credited_to_the_broker_who_recorded_the_hire_that_stands(
    client: tuple[TestClient, World],
) -> None:
    c, world = client
    posting_id = _posting(c, world)
    applied = c.post(f"/postings/{posting_id}/interest", json={"interested": True}, headers=sign_in(c, "worker"))
    assert applied.status_code in (200, 201), applied.text
    match_id = applied.json()["match_id"]  # 本人报名: no broker proposed it
    first, second = sign_in(c, "broker_a"), sign_in(c, "broker_ab")
    assert _step(c, first, match_id, "offered").status_code == 200
    hired = _step(c, first, match_id, "hired", **_hire_body(TODAY - dt.timedelta(days=5)))
    assert hired.status_code == 200, hired.text
    hire = c.get(f"/matches/{match_id}", headers=first).json()["events"][-1]
    undone = c.post(f"/matches/{match_id}/corrections", headers=first,
                    json={"event_id": hire["id"], "reason": "登记错了人", "void": True})  # fmt: skip
    assert undone.status_code == 200, undone.text
    assert _step(c, second, match_id, "hired", **_hire_body(TODAY - dt.timedelta(days=3))).status_code == 200
    params = {"start": (TODAY - dt.timedelta(days=30)).isoformat(), "end": (TODAY + dt.timedelta(days=1)).isoformat()}
    brokers = c.get("/reports/brokers", params=params, headers=staff(c)).json()["brokers"]
    assert [(b["username"], b["placements"]) for b in brokers] == [("broker_ab", 1)]
