"""Candidate search, recommendations, interest and applicants over HTTP, as brokers, employers and workers
meet them: who is proposed and why, who may see whom, and when an employer learns a worker's name and phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.settings import Settings
from models.audit import AuditEvent
from models.db import build_engine, build_session_factory
from models.match import Match, MatchEvent
from tests.api.openings_world import app_client, new_employer, open_anywhere, open_posting, staff
from tests.api.world import World, sign_in, world_app

# Available for a 普工 posting with no place: zhang_wei (A1), ma_jun (A2), sun_lei (B1). li_xiuying (A1) and
# sun_hao (B1) have weak labour only: one rule short.
ELIGIBLE = ("zhang_wei", "ma_jun", "sun_lei")


@pytest.fixture
def built(database_url: str) -> tuple[Settings, World]:
    return world_app(database_url)


@pytest.fixture
def client(built: tuple[Settings, World], tmp_path: Path) -> Iterator[TestClient]:
    with app_client(built[0], tmp_path) as test_client:
        yield test_client


@pytest.fixture
def world(built: tuple[Settings, World]) -> World:
    return built[1]


def _candidates(client: TestClient, username: str, posting_id: int, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/postings/{posting_id}/candidates", params=params, headers=sign_in(client, username))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _applicants(client: TestClient, headers: dict[str, str], posting_id: int) -> dict[str, Any]:
    response = client.get(f"/postings/{posting_id}/applicants", headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_candidates_are_the_eligible_workers_with_chinese_reasons_and_masked_data(
    client: TestClient, world: World
) -> None:
    posting = open_anywhere(client, staff(client))
    response = client.get(f"/postings/{posting['id']}/candidates", params={"near_misses": 5}, headers=staff(client))
    assert response.status_code == 200
    items = response.json()["items"]
    eligible = [c for c in items if c["eligible"]]
    assert set(world.keys_of([c["worker_id"] for c in eligible])) == set(ELIGIBLE)
    assert all(c["reasons"] and not c["failed"] for c in eligible)
    assert any("工作地" in r or "月薪" in r for c in eligible for r in c["reasons"])
    zhang = next(c for c in items if c["worker_id"] == world.people["zhang_wei"].id)
    assert zhang["name"] == "张伟" and zhang["site_name"] == "幸福小区" and zhang["age"] == 38
    assert zhang["id_number"].startswith("1409") and "*" in zhang["id_number"] and zhang["phone"] == "138****0003"
    near = {world.keys_of([c["worker_id"]])[0]: c["failed"] for c in items if not c["eligible"]}
    assert set(near) == {"li_xiuying", "sun_hao"}
    assert near["li_xiuying"] == ["劳动能力不符：岗位为一般体力活，本人为弱劳动力或半劳动力"]
    assert not any(secret in response.text for secret in world.secrets())


def test_a_broker_sees_only_candidates_of_the_sites_they_serve(client: TestClient, world: World) -> None:
    posting = open_anywhere(client, staff(client))["id"]

    def keys(username: str, **params: Any) -> list[str]:
        return world.keys_of([c["worker_id"] for c in _candidates(client, username, posting, **params)])

    assert set(keys("broker_a", near_misses=5)) == {"zhang_wei", "li_xiuying"}
    assert set(keys("broker_b", near_misses=5)) == {"sun_lei", "sun_hao"}
    assert set(keys("broker_ab")) == {"zhang_wei", "sun_lei"}
    assert set(keys("county_admin")) == {"zhang_wei", "ma_jun"}
    # the best of the city is someone else; the broker of B1 still gets a full page of their own
    assert keys("city_admin", top=1) != ["sun_lei"] and keys("broker_b", top=1) == ["sun_lei"]
    for username in ("employer", "worker"):
        refused = client.get(f"/postings/{posting}/candidates", headers=sign_in(client, username))
        assert refused.status_code == 403


def test_candidates_only_for_an_open_posting(client: TestClient, world: World) -> None:
    admin = staff(client)
    draft = client.post("/postings", json={"employer_id": world.employer_id, "title": "普工"}, headers=admin).json()
    refused = client.get(f"/postings/{draft['id']}/candidates", headers=admin)
    assert refused.status_code == 409 and "发布（招聘中）后才能查找候选人" in refused.json()["detail"]
    assert client.get("/postings/999999/candidates", headers=admin).status_code == 404


def test_recommendations_for_a_worker_and_for_staff_in_scope(client: TestClient, world: World) -> None:
    posting = open_anywhere(client, staff(client), deadline="2099-12-31")
    mine = client.get("/workers/me/recommendations", headers=sign_in(client, "worker"))
    assert mine.status_code == 200 and mine.json()["worker_id"] == world.people["zhang_wei"].id
    (item,) = mine.json()["items"]
    assert item["posting_id"] == posting["id"] and item["title"] == "普工"
    assert item["employer_name"] == "忻州顺达物流有限公司" and item["pay_text"] == "3000-4000元/月"
    assert item["reasons"] and item["deadline"] == "2099-12-31" and item["public_welfare"] is False
    zhang = world.people["zhang_wei"].id
    by_broker = client.get(f"/workers/{zhang}/recommendations", headers=sign_in(client, "broker_a"))
    assert [r["posting_id"] for r in by_broker.json()["items"]] == [posting["id"]]
    assert client.get(f"/workers/{zhang}/recommendations", headers=sign_in(client, "broker_b")).status_code == 404
    assert client.get(f"/workers/{zhang}/recommendations", headers=sign_in(client, "worker")).status_code == 403
    chen = world.people["chen_fang"].id  # lost her labour capacity: nothing to recommend, not an error
    assert client.get(f"/workers/{chen}/recommendations", headers=staff(client)).json()["items"] == []


def test_the_employer_sees_a_worker_only_after_the_worker_said_interested(
    client: TestClient, world: World, built: tuple[Settings, World]
) -> None:
    own, worker = sign_in(client, "employer"), sign_in(client, "worker")
    posting = open_posting(client, staff(client), world.employer_id)["id"]
    assert _applicants(client, own, posting)["total"] == 0
    said = client.post(f"/postings/{posting}/interest", json={"interested": True}, headers=worker)
    assert said.status_code == 200 and said.json()["stage_label"] == "有意向" and said.json()["agreed_at"]
    (seen,) = _applicants(client, own, posting)["items"]
    assert seen["name"] == "张伟" and seen["phone"] == "13800000003" and seen["id_number"] is None
    (masked,) = _applicants(client, sign_in(client, "broker_a"), posting)["items"]
    assert masked["phone"] == "138****0003" and "*" in masked["id_number"]
    assert _applicants(client, sign_in(client, "broker_b"), posting)["total"] == 0  # not their site
    assert client.get(f"/postings/{posting}/applicants", headers=worker).status_code == 403
    events = _audit(built[0], "employer_view")
    assert [(e.actor, e.subject) for e in events] == [("employer", f"worker:{world.people['zhang_wei'].id}")]
    assert not any(s in str(e.detail) + str(e.reason) for e in events for s in world.secrets())
    withdrawn = client.post("/workers/me/consent", json={"consent": False}, headers=worker)
    assert withdrawn.status_code == 200, withdrawn.text
    assert _applicants(client, own, posting)["total"] == 0
    assert world.people["zhang_wei"].id not in {c["worker_id"] for c in _candidates(client, "city_admin", posting)}


def test_an_employer_cannot_read_the_applicants_of_another_employers_posting(client: TestClient, world: World) -> None:
    admin = staff(client)
    theirs = open_posting(client, admin, new_employer(client, admin, "岢岚县红芸豆种植专业合作社"))["id"]
    said = client.post(f"/postings/{theirs}/interest", json={"interested": True}, headers=sign_in(client, "worker"))
    assert said.status_code == 200
    refused = client.get(f"/postings/{theirs}/applicants", headers=sign_in(client, "employer"))
    assert refused.status_code == 403 and "本单位" in refused.json()["detail"]
    assert "13800000003" not in refused.text


def test_a_broker_records_interest_for_a_worker_only_with_their_agreement(
    client: TestClient, world: World, built: tuple[Settings, World]
) -> None:
    broker, own = sign_in(client, "broker_a"), sign_in(client, "employer")
    posting = open_posting(client, staff(client), world.employer_id)["id"]
    zhang = world.people["zhang_wei"].id
    url = f"/workers/{zhang}/interest/{posting}"
    unasked = client.post(url, json={"interested": True}, headers=broker)
    assert unasked.status_code == 422 and "向本人确认" in unasked.json()["detail"]
    assert _applicants(client, own, posting)["total"] == 0
    other_site = client.post(url, json={"interested": True, "worker_agreed": True}, headers=sign_in(client, "broker_b"))
    assert other_site.status_code == 404
    agreed = client.post(url, json={"interested": True, "worker_agreed": True}, headers=broker)
    assert agreed.status_code == 200 and _applicants(client, own, posting)["total"] == 1
    declined = client.post(url, json={"interested": False, "reason": "离家太远"}, headers=broker)
    assert declined.status_code == 200 and declined.json()["declined_reason"] == "离家太远"
    assert _applicants(client, own, posting)["total"] == 0
    match, events = _match_history(built[0], zhang, posting)
    assert match.source == "broker" and match.agreed_at is None and match.stage == "declined"
    assert [(e.stage, e.actor) for e in events] == [("interested", "broker_a"), ("declined", "broker_a")]


def test_interest_only_in_an_open_posting(client: TestClient, world: World) -> None:
    admin, worker = staff(client), sign_in(client, "worker")
    posting = open_posting(client, admin, world.employer_id)["id"]
    client.post(f"/postings/{posting}/status", json={"action": "pause"}, headers=admin)
    refused = client.post(f"/postings/{posting}/interest", json={"interested": True}, headers=worker)
    assert refused.status_code == 409 and refused.json()["detail"] == "岗位当前为“暂停”，暂不能报名。"
    by_staff = client.post(f"/postings/{posting}/interest", json={"interested": True}, headers=admin)
    assert by_staff.status_code == 403


def _audit(settings: Settings, action: str) -> list[AuditEvent]:
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
    finally:
        engine.dispose()


def _match_history(settings: Settings, worker_id: int, posting_id: int) -> tuple[Match, list[MatchEvent]]:
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            match = session.scalars(
                select(Match).where(Match.worker_id == worker_id, Match.posting_id == posting_id)
            ).one()
            events = list(
                session.scalars(select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id))
            )
            return match, events
    finally:
        engine.dispose()


def test_interest_follows_the_pipeline_and_saying_it_twice_records_it_once(
    client: TestClient, world: World, built: tuple[Settings, World]
) -> None:
    worker = sign_in(client, "worker")
    posting = open_posting(client, staff(client), world.employer_id)["id"]
    url = f"/postings/{posting}/interest"
    for _ in range(2):
        assert client.post(url, json={"interested": True}, headers=worker).status_code == 200
    no = client.post(url, json={"interested": False, "reason": "离家远"}, headers=worker)
    again = client.post(url, json={"interested": True}, headers=worker)  # changed their mind: legal
    assert no.status_code == again.status_code == 200 and again.json()["stage_label"] == "有意向"
    engine = build_engine(built[0].db_url)
    with engine.connect() as conn:
        stages = [r[0] for r in conn.exec_driver_sql("SELECT stage FROM match_event ORDER BY id")]
    engine.dispose()
    assert stages == ["interested", "declined", "interested"]
