"""Revealing, correcting and consenting over HTTP, and the audit log each of them leaves.

Each test gets a world of its own (``tests/api/world.py``) on SQLite and on PostgreSQL, since they write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.changes import ChangeSet
from models.db import build_engine
from tests.api.world import World, sign_in, world_app


class Office:
    """A client over a fresh world, with helpers to act as one account and to read the audit log."""

    def __init__(self, client: TestClient, world: World, database_url: str) -> None:
        self.client = client
        self.world = world
        self.database_url = database_url
        self.announced: list[ChangeSet] = []
        client.app.state.changes.subscribe(self.announced.append)  # type: ignore[attr-defined]
        self._headers: dict[str, dict[str, str]] = {}

    def as_(self, user: str) -> dict[str, str]:
        if user not in self._headers:
            self._headers[user] = sign_in(self.client, user)
        return self._headers[user]

    def id(self, key: str) -> int:
        return self.world.people[key].id

    def audit(self, **params: Any) -> list[dict[str, Any]]:
        response = self.client.get("/audit", params={"size": 200, **params}, headers=self.as_("city_admin"))
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def dump(self, *tables: str) -> str:
        """The rows of ``tables`` as text, as a database dump would show them."""
        engine = build_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return "\n".join(repr(conn.execute(text(f"SELECT * FROM {t}")).all()) for t in tables)
        finally:
            engine.dispose()

    def changed_workers(self) -> set[int]:
        return {i for change in self.announced for i in change.worker_ids}


@pytest.fixture
def office(database_url: str) -> Iterator[Office]:
    settings, world = world_app(database_url)
    with TestClient(create_app(settings)) as client:
        yield Office(client, world, database_url)


# reveal -----------------------------------------------------------------------------------------------
def test_a_broker_reveals_a_person_for_a_reason_and_the_audit_log_says_so(office: Office) -> None:
    li = office.world.people["li_xiuying"]
    response = office.client.post(
        f"/workers/{li.id}/reveal", json={"reason": "联系本人核实就业情况"}, headers=office.as_("broker_a")
    )
    assert response.status_code == 200
    assert response.json() == {
        "worker_id": li.id,
        "name": "李秀英",
        "id_number": li.id_number,
        "phones": list(li.phones),
    }
    assert response.headers["cache-control"] == "no-store"
    (event,) = office.audit()
    assert event["action"] == "reveal" and event["actor"] == "broker_a" and event["actor_role"] == "broker"
    assert event["subject"] == f"worker:{li.id}" and event["reason"] == "联系本人核实就业情况"
    assert li.id_number not in json.dumps(event, ensure_ascii=False)


@pytest.mark.parametrize("reason", ["", "看看", "   查看  "])
def test_a_reveal_without_a_real_reason_is_refused_in_chinese(office: Office, reason: str) -> None:
    response = office.client.post(
        f"/workers/{office.id('li_xiuying')}/reveal", json={"reason": reason}, headers=office.as_("broker_a")
    )
    assert response.status_code == 422
    assert response.json()["error"] == "InvalidInput" and "reason（查看原因）" in response.json()["detail"]
    assert office.audit() == []


def test_a_broker_cannot_reveal_someone_of_another_site(office: Office) -> None:
    response = office.client.post(
        f"/workers/{office.id('sun_lei')}/reveal", json={"reason": "联系本人核实"}, headers=office.as_("broker_a")
    )
    assert response.status_code == 404
    assert office.world.people["sun_lei"].id_number not in response.text
    assert office.audit() == []


@pytest.mark.parametrize("user", ["employer", "worker"])
def test_employers_and_workers_may_not_reveal(office: Office, user: str) -> None:
    response = office.client.post(
        f"/workers/{office.id('zhang_wei')}/reveal", json={"reason": "联系本人核实"}, headers=office.as_(user)
    )
    assert response.status_code == 403
    assert office.audit() == []


# corrections by staff ---------------------------------------------------------------------------------
def test_a_broker_corrects_a_person_and_every_change_is_audited(office: Office) -> None:
    li = office.id("li_xiuying")
    body = {
        "labour_capacity": "普通劳动力",
        "employment_status": "县内务工",
        "phone": "139 0000 1111",
        "skills": "电焊、厨师",
        "certificates": "叉车证",
        "wish_min_wage": "3千",
        "health": "健康",
    }
    response = office.client.patch(f"/workers/{li}", json=body, headers=office.as_("broker_a"))
    assert response.status_code == 200, response.text
    profile = response.json()
    assert profile["labour_capacity_label"] == "普通劳动力" and profile["employment_status"] == "county"
    assert profile["phone_mask"] == "139****1111" and profile["wish_min_wage"] == 3000
    assert [s["source_text"] for s in profile["skills"]] == ["电焊", "厨师"]
    assert [c["name"] for c in profile["certificates"]] == ["叉车司机"]
    assert "13900001111" not in response.text
    (event,) = office.audit(action="update_worker")
    assert event["subject"] == f"worker:{li}" and event["actor"] == "broker_a"
    assert set(event["detail"]["fields"]) == {
        "labour_capacity", "employment_status", "phone", "details:skill", "details:certificate", "wish_min_wage",
        "health",
    }  # fmt: skip
    assert event["detail"]["changes"]["phone"] == {"old": ["138****0002"], "new": ["139****1111"]}
    assert event["detail"]["changes"]["health"] is None  # health is named, its values are not
    assert "13900001111" not in json.dumps(event) and "13800000002" not in json.dumps(event)
    assert li in office.changed_workers()
    found = office.client.get("/workers", params={"occupation": "厨师"}, headers=office.as_("broker_a")).json()
    assert [w["id"] for w in found["items"]] == [li]


def test_corrections_leave_no_plain_phone_in_the_database(office: Office) -> None:
    li = office.id("li_xiuying")
    response = office.client.patch(f"/workers/{li}", json={"phone": "13900001111"}, headers=office.as_("broker_a"))
    assert response.status_code == 200
    dump = office.dump("worker", "worker_change", "audit_event")
    assert "13900001111" not in dump and "13800000002" not in dump
    assert "139****1111" in dump  # the mask is there: the dump did see the change


def test_a_certificate_written_the_same_way_keeps_its_expiry(office: Office) -> None:
    wang = office.id("wang_jianguo")
    response = office.client.patch(
        f"/workers/{wang}", json={"certificates": "焊工证、叉车证"}, headers=office.as_("broker_a")
    )
    assert response.status_code == 200
    held = {c["name"]: c["expires_on"] for c in response.json()["certificates"]}
    assert held["熔化焊接与热切割作业"] is not None and held["叉车司机"] is None


def test_bad_values_are_refused_naming_each_field_in_chinese_and_nothing_changes(office: Office) -> None:
    zhang = office.id("zhang_wei")
    body = {"labour_capacity": "很能干", "phone": "99999", "wish_min_wage": -5, "employment_status": "县内务工"}
    response = office.client.patch(f"/workers/{zhang}", json=body, headers=office.as_("broker_a"))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert response.json()["error"] == "InvalidInput"
    for named in ("labour_capacity（劳动能力）", "phone（联系电话）", "wish_min_wage（期望月薪（元））"):
        assert named in detail
    assert "employment_status" not in detail and "99999" not in detail
    profile = office.client.get(f"/workers/{zhang}", headers=office.as_("broker_a")).json()
    assert profile["labour_capacity"] == "full" and profile["employment_status"] == "unemployed"
    assert office.audit() == [] and office.changed_workers() == set()


def test_a_field_that_cannot_be_corrected_is_named(office: Office) -> None:
    response = office.client.patch(
        f"/workers/{office.id('zhang_wei')}",
        json={"id_number_mask": "x", "name": "张三"},
        headers=office.as_("broker_a"),
    )
    assert response.status_code == 422
    assert "id_number_mask" in response.json()["detail"] and "name" in response.json()["detail"]


def test_a_correction_that_changes_nothing_leaves_no_trace(office: Office) -> None:
    response = office.client.patch(
        f"/workers/{office.id('zhang_wei')}",
        json={"labour_capacity": "full", "skills": "开车", "wish_min_wage": 4000},
        headers=office.as_("broker_a"),
    )
    assert response.status_code == 200
    assert office.audit() == [] and office.changed_workers() == set()


def test_a_broker_cannot_correct_someone_of_another_site_nor_can_a_worker_use_the_staff_route(office: Office) -> None:
    sun = office.id("sun_lei")
    assert (
        office.client.patch(f"/workers/{sun}", json={"health": "残疾"}, headers=office.as_("broker_a")).status_code
        == 404
    )
    zhang = office.id("zhang_wei")
    assert (
        office.client.patch(
            f"/workers/{zhang}", json={"phone": "13911112222"}, headers=office.as_("worker")
        ).status_code
        == 403
    )
    assert office.audit() == []


# the worker's own record ------------------------------------------------------------------------------
def test_a_worker_sees_their_own_record_with_their_full_phone(office: Office) -> None:
    zhang = office.world.people["zhang_wei"]
    response = office.client.get("/workers/me", headers=office.as_("worker"))
    assert response.status_code == 200
    me = response.json()
    assert me["id"] == zhang.id and me["phones"] == list(zhang.phones)
    assert me["id_number_mask"] != zhang.id_number and zhang.id_number not in response.text
    assert response.headers["cache-control"] == "no-store"


def test_a_worker_corrects_their_own_phone_and_wishes(office: Office) -> None:
    zhang = office.id("zhang_wei")
    body = {"phone": "13912345678", "wish_job_text": "保安", "wish_min_wage": 3500, "training_wish": "是"}
    response = office.client.patch("/workers/me", json=body, headers=office.as_("worker"))
    assert response.status_code == 200, response.text
    me = office.client.get("/workers/me", headers=office.as_("worker")).json()
    assert me["phones"] == ["13912345678"] and me["wish_job_text"] == "保安" and me["wish_min_wage"] == 3500
    assert me["training_wish"] is True and [w["source_text"] for w in me["wishes"]] == ["保安"]
    (event,) = office.audit(action="update_worker")
    assert event["actor"] == "worker" and event["actor_role"] == "worker" and event["subject"] == f"worker:{zhang}"
    assert "13912345678" not in json.dumps(event)
    assert zhang in office.changed_workers()
    listed = office.client.get("/workers", params={"size": 200}, headers=office.as_("broker_a"))
    assert "13912345678" not in listed.text and "139****5678" in listed.text
    me_account = office.client.get("/auth/me", headers=office.as_("worker")).json()
    assert me_account["phone"] == "139****5678"  # the new mobile is the one a sign-in code goes to


def test_a_worker_may_not_correct_what_staff_record(office: Office) -> None:
    response = office.client.patch("/workers/me", json={"labour_capacity": "普通劳动力"}, headers=office.as_("worker"))
    assert response.status_code == 422
    assert "labour_capacity（劳动能力）" in response.json()["detail"]
    assert office.audit() == []


@pytest.mark.parametrize("user", ["broker_a", "city_admin", "employer"])
def test_only_workers_have_a_me(office: Office, user: str) -> None:
    assert office.client.get("/workers/me", headers=office.as_(user)).status_code == 403
    assert (
        office.client.post("/workers/me/consent", json={"consent": False}, headers=office.as_(user)).status_code == 403
    )


def test_a_worker_withdraws_and_restores_consent(office: Office) -> None:
    zhang = office.id("zhang_wei")
    withdrawn = office.client.post("/workers/me/consent", json={"consent": False}, headers=office.as_("worker"))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["consent"] is False and withdrawn.json()["consent_withdrawn_at"] is not None
    again = office.client.post("/workers/me/consent", json={"consent": False}, headers=office.as_("worker"))
    assert again.json() == withdrawn.json()  # the first withdrawal's time stays
    seen = office.client.get(f"/workers/{zhang}", headers=office.as_("broker_a")).json()
    assert seen["consent_withdrawn"] is True
    assert zhang in office.changed_workers()
    restored = office.client.post("/workers/me/consent", json={"consent": True}, headers=office.as_("worker"))
    assert restored.json() == {"consent": True, "consent_withdrawn_at": None}
    events = office.audit(action="consent", sort="at")
    assert [e["detail"] for e in events] == [{"consent": False}, {"consent": True}]


# the audit log ----------------------------------------------------------------------------------------
def test_the_audit_log_filters_by_subject_actor_and_action_and_keeps_to_the_county(office: Office) -> None:
    for user, key in (("broker_a", "li_xiuying"), ("broker_a", "zhang_wei"), ("broker_b", "sun_lei")):
        response = office.client.post(
            f"/workers/{office.id(key)}/reveal", json={"reason": "回访核实情况"}, headers=office.as_(user)
        )
        assert response.status_code == 200
    office.client.patch(f"/workers/{office.id('sun_lei')}", json={"health": "残疾"}, headers=office.as_("broker_b"))
    assert len(office.audit()) == 4
    assert len(office.audit(actor="broker_a")) == 2
    assert [e["action"] for e in office.audit(subject=f"worker:{office.id('sun_lei')}")] == ["update_worker", "reveal"]
    assert len(office.audit(action="reveal")) == 3
    page = office.client.get("/audit", params={"size": 3, "page": 2}, headers=office.as_("city_admin")).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    county = office.client.get("/audit", headers=office.as_("county_admin")).json()
    assert {e["subject"] for e in county["items"]} == {f"worker:{office.id(k)}" for k in ("li_xiuying", "zhang_wei")}


def test_a_corrected_record_counts_as_of_today_so_an_older_ledger_cannot_undo_it(office: Office) -> None:
    li = office.id("li_xiuying")
    response = office.client.patch(f"/workers/{li}", json={"wish_min_wage": 3800}, headers=office.as_("broker_a"))
    assert response.status_code == 200, response.text
    engine = build_engine(office.database_url)
    try:
        with engine.connect() as conn:
            as_of = conn.execute(text("SELECT as_of FROM worker WHERE id = :i"), {"i": li}).scalar_one()
    finally:
        engine.dispose()
    assert str(as_of)[:10] == dt.date.today().isoformat()
