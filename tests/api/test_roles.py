"""What each role may and may not read and change, as one table walked over the world of ``tests.api.world``.

Each row: who asks, what, and the status they must get. 404 (not 403) for a record outside a broker's or a
county administrator's scope, so existence does not leak; 403 for a kind of thing the role never touches.
A second test shows the one rule a status cannot: an employer sees a candidate only after the worker agreed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.openings_world import open_posting
from tests.api.world import COUNTY_A, COUNTY_B, World, database_url_of, sign_in, world_app

USERS = ("city_admin", "county_admin", "broker_a", "broker_b", "employer", "worker")


@dataclass
class Town:
    client: TestClient
    world: World
    headers: dict[str, dict[str, str]]
    posting: int  # an open posting of the world's employer, in county A


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def town(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Town]:
    folder = tmp_path_factory.mktemp("roles")
    for url in database_url_of(request.param, folder):
        settings, world = world_app(url)
        settings = settings.model_copy(update={"var_dir": folder})
        with TestClient(create_app(settings)) as client:
            headers = {u: sign_in(client, u) for u in USERS}
            posting = open_posting(client, headers["city_admin"], world.employer_id)["id"]
            yield Town(client, world, headers, posting)


def _urls(town: Town) -> dict[str, str]:
    people = town.world.people
    return {
        "A": f"/workers/{people['zhang_wei'].id}",  # site A1, county A
        "B": f"/workers/{people['sun_lei'].id}",  # site B1, county B
        "hhB": f"/households/{town.world.households['B1-1']}",
        "siteB": f"/sites/{town.world.sites['B1']}",
        "posting": f"/postings/{town.posting}",
    }


# (user, method, url key or path, body, status)
READS: list[tuple[str, str, str, Any, int]] = [
    *[(u, "GET", "/workers", None, s) for u, s in
      [("city_admin", 200), ("county_admin", 200), ("broker_a", 200), ("employer", 403), ("worker", 403)]],
    *[(u, "GET", "A", None, s) for u, s in
      [("city_admin", 200), ("county_admin", 200), ("broker_a", 200), ("broker_b", 404), ("employer", 403),
       ("worker", 403)]],
    *[(u, "GET", "B", None, s) for u, s in
      [("city_admin", 200), ("county_admin", 404), ("broker_a", 404), ("broker_b", 200)]],
    *[(u, "GET", "hhB", None, s) for u, s in [("broker_a", 404), ("broker_b", 200), ("employer", 403)]],
    *[(u, "GET", "siteB", None, s) for u, s in [("county_admin", 404), ("broker_b", 200), ("worker", 403)]],
    *[(u, "GET", "/sites", None, s) for u, s in [("broker_a", 200), ("employer", 403), ("worker", 403)]],
    *[(u, "GET", "/households", None, s) for u, s in [("county_admin", 200), ("worker", 403)]],
    *[(u, "GET", "/workers/me", None, s) for u, s in [("worker", 200), ("broker_a", 403), ("employer", 403)]],
    *[(u, "GET", "/audit", None, s) for u, s in
      [("city_admin", 200), ("county_admin", 200), ("broker_a", 403), ("employer", 403), ("worker", 403)]],
    *[(u, "GET", "posting", None, s) for u, s in [("employer", 200), ("worker", 200), ("broker_b", 200)]],
    *[(u, "GET", "posting/candidates", None, s) for u, s in
      [("city_admin", 200), ("broker_a", 200), ("employer", 403), ("worker", 403)]],
    *[(u, "GET", "posting/applicants", None, s) for u, s in [("employer", 200), ("broker_a", 200), ("worker", 403)]],
    *[(u, "GET", "A/recommendations", None, s) for u, s in
      [("broker_a", 200), ("broker_b", 404), ("employer", 403)]],
    *[(u, "GET", "/workers/me/recommendations", None, s) for u, s in [("worker", 200), ("broker_a", 403)]],
    *[(u, "GET", "/employers", None, s) for u, s in [("broker_a", 200), ("employer", 403), ("worker", 403)]],
    *[(u, "GET", f"/plans/1{tail}", None, 403) for u in ("employer", "worker")
      for tail in ("", "/messages", "/call-list.xlsx")],
]  # fmt: skip

CHANGES: list[tuple[str, str, str, Any, int]] = [
    *[(u, "POST", "B/reveal", {"reason": "核实就业情况"}, s) for u, s in
      [("broker_a", 404), ("county_admin", 404), ("employer", 403), ("worker", 403), ("broker_b", 200)]],
    *[(u, "PATCH", "B", {"wish_min_wage": 4000}, s) for u, s in
      [("broker_a", 404), ("employer", 403), ("worker", 403), ("broker_b", 200)]],
    *[(u, "PATCH", "/workers/me", {"wish_min_wage": 3500}, s) for u, s in [("broker_a", 403), ("worker", 200)]],
    *[(u, "POST", "/employers", {"name": "忻州某某有限公司"}, s) for u, s in [("employer", 403), ("worker", 403)]],
    *[(u, "PATCH", "posting", {"headcount": 6}, s) for u, s in [("worker", 403), ("employer", 200)]],
    *[(u, "POST", "/model/retrain", None, s) for u, s in [("broker_a", 403), ("employer", 403), ("worker", 403)]],
    *[(u, "POST", "/recommendations/batch", {"top": 3}, s) for u, s in [("employer", 403), ("worker", 403)]],
    *[(u, "POST", "posting/interest", {"interested": True}, s) for u, s in [("broker_a", 403), ("employer", 403)]],
    *[(u, "POST", "/auth/link", {"worker_id": 0}, s) for u, s in [("employer", 403), ("worker", 403)]],
    *[(u, "POST", "/plans", {"adcode": COUNTY_A}, s) for u, s in
      [("employer", 403), ("worker", 403), ("broker_b", 403), ("broker_a", 202)]],
    ("county_admin", "POST", "/plans", {"adcode": COUNTY_B}, 403),
    *[(u, "POST", "/plans/1/commit", None, 403) for u in ("employer", "worker")],
]  # fmt: skip


def _ask(town: Town, user: str, method: str, where: str, body: Any) -> int:
    urls = _urls(town)
    head, _, rest = where.partition("/")
    url = f"{urls[head]}/{rest}".rstrip("/") if head in urls else where
    response = town.client.request(method, url, json=body, headers=town.headers[user])
    return response.status_code


def _check(town: Town, table: list[tuple[str, str, str, Any, int]]) -> None:
    wrong = [(user, method, where, want, got) for user, method, where, body, want in table
             if (got := _ask(town, user, method, where, body)) != want]  # fmt: skip
    assert wrong == []


def test_who_may_read_what(town: Town) -> None:
    _check(town, READS)


def test_who_may_change_what(town: Town) -> None:
    _check(town, CHANGES)


def test_an_employer_sees_a_candidate_only_after_the_worker_agreed(town: Town, tmp_path: Path) -> None:
    client, headers = town.client, town.headers
    posting = open_posting(client, headers["city_admin"], town.world.employer_id, title="保洁员")["id"]
    zhang = town.world.people["zhang_wei"]

    def seen() -> list[dict[str, Any]]:
        response = client.get(f"/postings/{posting}/applicants", headers=headers["employer"])
        assert response.status_code == 200
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    assert seen() == []
    agreed = client.post(f"/postings/{posting}/interest", json={"interested": True}, headers=headers["worker"])
    assert agreed.status_code in (200, 201), agreed.text
    (applicant,) = seen()
    assert applicant["worker_id"] == zhang.id and applicant["name"] == zhang.name
    assert applicant["phone"] == zhang.phones[0]  # in full, to the employer, once the worker agreed
