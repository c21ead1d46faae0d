"""Reading sites, households and workers over HTTP: who sees what, masking, filters, pages and order.

These tests only read, so one world (``tests/api/world.py``) per database serves the whole module; the tests
that change records are in ``test_people_changes.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.world import COUNTY_A, COUNTY_B, World, database_url_of, sign_in, world_app

ID_MASK = re.compile(r"\d{4}\*{10}\d{3}[\dX]")
PHONE_MASK = re.compile(r"1\d{2}\*{4}\d{4}|0\d{2,3}-\**\d{4}")
USERS = ("city_admin", "county_admin", "broker_a", "broker_b", "broker_ab", "employer", "worker")


class Town:
    """The shared world, a client of the app over it, and each account signed in once."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client = client
        self.world = world
        self.headers = {user: sign_in(client, user) for user in USERS}

    def get(self, user: str, url: str, **params: Any) -> Any:
        return self.client.get(url, params=params, headers=self.headers[user])

    def ok(self, user: str, url: str, **params: Any) -> Any:
        response = self.get(user, url, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def worker_keys(self, user: str = "city_admin", **params: Any) -> set[str]:
        body = self.ok(user, "/workers", size=200, **params)
        assert body["total"] == len(body["items"])
        return set(self.world.keys_of([item["id"] for item in body["items"]]))

    def household_keys(self, user: str = "city_admin", **params: Any) -> set[str]:
        body = self.ok(user, "/households", size=200, **params)
        by_id = {v: k for k, v in self.world.households.items()}
        return {by_id[item["id"]] for item in body["items"]}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def town(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Town]:
    for url in database_url_of(request.param, tmp_path_factory.mktemp("people")):
        settings, world = world_app(url)
        with TestClient(create_app(settings)) as client:
            yield Town(client, world)


# masking ---------------------------------------------------------------------------------------------
def test_no_list_or_profile_contains_a_plain_id_number_or_phone(town: Town) -> None:
    w = town.world
    urls = [
        "/sites",
        "/households?size=200",
        *(f"/households/{h}" for h in w.households.values()),
        "/workers?size=200",
        "/workers?size=200&available=true",
        "/workers?size=200&sort=-age",
        *(f"/workers/{p.id}" for p in w.people.values()),
    ]
    for user in ("city_admin", "broker_ab"):
        for url in urls:
            response = town.client.get(url, headers=town.headers[user])
            assert response.status_code in (200, 404), (url, response.text)
            leaked = [s for s in w.secrets() if s in response.text]
            assert not leaked, (user, url)


def test_list_items_carry_the_masks(town: Town) -> None:
    items = town.ok("city_admin", "/workers", size=200)["items"]
    assert len(items) == len(town.world.people)
    for item in items:
        assert ID_MASK.fullmatch(item["id_number_mask"])
        assert item["phone_mask"] is None or PHONE_MASK.fullmatch(item["phone_mask"])
        assert "birth_date" not in item and "health" not in item  # the mask hides the birth date; health is sensitive
    zhang = next(i for i in items if i["id"] == town.world.people["zhang_wei"].id)
    assert zhang["phone_mask"] == "138****0003" and zhang["age"] == 38


# who sees what ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user", "sites"),
    [
        ("city_admin", {"A1", "A2", "B1"}),
        ("county_admin", {"A1", "A2"}),
        ("broker_a", {"A1"}),
        ("broker_b", {"B1"}),
        ("broker_ab", {"A1", "B1"}),
    ],
)
def test_each_account_sees_the_sites_and_people_of_its_scope(town: Town, user: str, sites: set[str]) -> None:
    listed = town.ok(user, "/sites")["items"]
    assert {s["id"] for s in listed} == {town.world.sites[k] for k in sites}
    assert town.worker_keys(user) == town.world.in_sites(*sites)
    assert {k[:2] for k in town.household_keys(user)} == sites


def test_site_counts_households_people_labour_and_employed(town: Town) -> None:
    by_id = {s["id"]: s for s in town.ok("city_admin", "/sites")["items"]}
    counts = {key: by_id[i] for key, i in town.world.sites.items()}
    assert {k: (c["households"], c["workers"], c["labour"], c["employed"]) for k, c in counts.items()} == {
        "A1": (2, 5, 5, 1),
        "A2": (2, 3, 2, 2),
        "B1": (1, 3, 3, 1),
    }
    one = town.ok("broker_a", f"/sites/{town.world.sites['A1']}")
    assert one == counts["A1"]


def test_a_site_household_or_worker_out_of_scope_answers_like_a_missing_one(town: Town) -> None:
    w = town.world
    for url, missing in [
        (f"/sites/{w.sites['B1']}", "/sites/999999"),
        (f"/households/{w.households['B1-1']}", "/households/999999"),
        (f"/workers/{w.people['sun_lei'].id}", "/workers/999999"),
    ]:
        hidden, absent = town.get("broker_a", url), town.get("broker_a", missing)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == absent.json() and hidden.json()["error"] == "NotFound"
    assert town.get("broker_b", f"/workers/{w.people['sun_lei'].id}").status_code == 200
    assert town.get("county_admin", f"/workers/{w.people['sun_lei'].id}").status_code == 404


@pytest.mark.parametrize("user", ["employer", "worker"])
@pytest.mark.parametrize("url", ["/sites", "/households", "/workers", "/audit", "/sites/1", "/workers/1"])
def test_employers_and_workers_may_not_read_the_lists(town: Town, user: str, url: str) -> None:
    response = town.get(user, url)
    assert response.status_code == 403
    assert response.json()["error"] == "NotAllowed"


def test_only_administrators_read_the_audit_log(town: Town) -> None:
    assert town.get("broker_ab", "/audit").status_code == 403
    assert town.get("city_admin", "/audit").status_code == 200


# filters ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"site": "A2"}, {"liu_qiang", "chen_fang", "ma_jun"}),
        ({"county": COUNTY_B}, {"sun_lei", "zhou_min", "sun_hao"}),
        ({"status": "未就业"}, {"li_xiuying", "zhang_wei", "zhao_li", "sun_lei", "sun_hao"}),
        (
            {"status": ["unemployed", "在校生"]},
            {"li_xiuying", "zhang_wei", "zhao_li", "sun_lei", "sun_hao", "wang_xiaoming"},
        ),
        ({"occupation": "6-18"}, {"wang_jianguo", "sun_lei"}),
        ({"occupation": "电焊工"}, {"wang_jianguo", "sun_lei"}),
        ({"occupation": "保洁"}, {"li_xiuying"}),
        ({"certificate": "焊工证"}, {"wang_jianguo", "sun_lei"}),
        ({"certificate": "叉车司机"}, {"liu_qiang"}),
        ({"age_min": 50}, {"wang_jianguo", "chen_fang", "ma_jun"}),
        ({"age_max": 25}, {"wang_xiaoming", "sun_hao"}),
        ({"age_min": 27, "age_max": 29}, {"zhou_min", "sun_lei"}),
        ({"labour_capacity": "weak"}, {"li_xiuying", "sun_hao"}),
        ({"labour_capacity": ["弱劳动力", "技能劳动力"]}, {"li_xiuying", "sun_hao", "liu_qiang"}),
        ({"available": "true"}, {"li_xiuying", "zhang_wei", "sun_lei", "sun_hao"}),
        ({"q": "孙"}, {"sun_lei", "sun_hao"}),
        ({"county": COUNTY_A, "available": "true"}, {"li_xiuying", "zhang_wei"}),
    ],
)
def test_worker_filters(town: Town, params: dict[str, Any], expected: set[str]) -> None:
    if "site" in params:  # the parameters are shared by both databases' runs: copy, never pop
        params = {"site_id": town.world.sites[params["site"]], **{k: v for k, v in params.items() if k != "site"}}
    assert town.worker_keys(**params) == expected


def test_available_false_is_everyone_else(town: Town) -> None:
    assert town.worker_keys(available="false") == set(town.world.people) - town.worker_keys(available="true")


def test_filters_never_widen_a_brokers_scope(town: Town) -> None:
    assert town.worker_keys("broker_a", county=COUNTY_B) == set()
    assert town.worker_keys("broker_a", site_id=town.world.sites["B1"]) == set()
    assert town.worker_keys("broker_a", occupation="电焊工") == {"wang_jianguo"}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"status": "很忙"}, "status（就业状态）"),
        ({"labour_capacity": "超人"}, "labour_capacity（劳动能力）"),
        ({"occupation": "宇航员驾驶飞碟"}, "occupation（职业）"),
        ({"certificate": "火星居住证"}, "certificate（证书）"),
        ({"age_min": 40, "age_max": 30}, "age_min（最小年龄）"),
        ({"sort": "id_number"}, "不能按“id_number”排序"),
    ],
)
def test_filters_not_understood_are_refused_in_chinese(town: Town, params: dict[str, Any], named: str) -> None:
    response = town.get("city_admin", "/workers", **params)
    assert response.status_code == 422
    assert response.json()["error"] == "InvalidInput" and named in response.json()["detail"]


# pages and order --------------------------------------------------------------------------------------
def test_pages_split_the_list_without_gaps_or_repeats(town: Town) -> None:
    seen: list[int] = []
    for page in (1, 2, 3):
        body = town.ok("city_admin", "/workers", page=page, size=4)
        assert body["total"] == 11 and body["page"] == page and body["size"] == 4
        seen += [item["id"] for item in body["items"]]
    assert len(seen) == len(set(seen)) == 11
    assert town.ok("city_admin", "/workers", page=4, size=4)["items"] == []


@pytest.mark.parametrize("sort", ["age", "-age"])
def test_workers_sort_by_age(town: Town, sort: str) -> None:
    ages = [item["age"] for item in town.ok("city_admin", "/workers", size=200, sort=sort)["items"]]
    assert ages == sorted(ages, reverse=sort.startswith("-")) and len(set(ages)) == 11


def _ids(town: Town, sort: str) -> list[int]:
    return [item["id"] for item in town.ok("city_admin", "/workers", size=200, sort=sort)["items"]]


def test_workers_sort_by_name_either_way(town: Town) -> None:
    # the order of Chinese names is the database's collation; that -name reverses name and differs from the
    # default order of ids is what holds everywhere
    ascending = _ids(town, "name")
    assert ascending == _ids(town, "-name")[::-1] and ascending != sorted(ascending)


def test_workers_sort_by_site_keeps_each_site_together(town: Town) -> None:
    items = town.ok("city_admin", "/workers", size=200, sort="site")["items"]
    blocks = list(dict.fromkeys(item["site_id"] for item in items))
    assert len(blocks) == 3  # each site's people in one run
    backwards = town.ok("city_admin", "/workers", size=200, sort="-site")["items"]
    assert list(dict.fromkeys(item["site_id"] for item in backwards)) == blocks[::-1]
    assert len(town.ok("city_admin", "/workers", size=200, sort="-updated_at")["items"]) == 11


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "监测户"}, {"A1-1", "A2-1"}),
        ({"category": "lifted"}, {"A1-2", "B1-1"}),
        ({"no_one_employed": "true"}, {"A1-2"}),
        ({"no_one_employed": "false"}, {"A1-1", "A2-1", "A2-2", "B1-1"}),
        ({"county": COUNTY_B}, {"B1-1"}),
        ({"category": "脱贫户", "county": COUNTY_A}, {"A1-2"}),
    ],
)
def test_household_filters(town: Town, params: dict[str, Any], expected: set[str]) -> None:
    assert town.household_keys(**params) == expected


def test_households_page_and_sort(town: Town) -> None:
    first = town.ok("city_admin", "/households", size=2, sort="-number")
    second = town.ok("city_admin", "/households", size=2, page=2, sort="-number")
    numbers = [h["number"] for h in first["items"] + second["items"]]
    assert first["total"] == 5 and numbers == ["HB1-1", "HA2-2", "HA2-1", "HA1-2"]
    assert town.get("city_admin", "/households", category="富裕户").status_code == 422


def test_household_detail_lists_its_members_masked(town: Town) -> None:
    w = town.world
    body = town.ok("broker_a", f"/households/{w.households['A1-1']}")
    assert body["category_label"] == "监测户" and body["member_count"] == 3 and body["employed"] == 1
    assert set(w.keys_of([m["id"] for m in body["members"]])) == {"wang_jianguo", "li_xiuying", "wang_xiaoming"}
    assert all(ID_MASK.fullmatch(m["id_number_mask"]) for m in body["members"])
    zero = town.ok("broker_a", f"/households/{w.households['A1-2']}")
    assert zero["no_one_employed"] is True


def test_worker_profile_has_skills_wishes_certificates_and_household(town: Town) -> None:
    w = town.world
    zhang = town.ok("broker_a", f"/workers/{w.people['zhang_wei'].id}")
    assert [s["source_text"] for s in zhang["skills"]] == ["开车"]
    assert [s["source_text"] for s in zhang["wishes"]] == ["司机"] and zhang["wish_min_wage"] == 4000
    assert zhang["phone_count"] == 2 and zhang["phone_mask"] == "138****0003"
    assert zhang["household"]["number"] == "HA1-2" and zhang["household"]["employed_members"] == 0
    liu = town.ok("city_admin", f"/workers/{w.people['liu_qiang'].id}")
    assert [(c["name"], c["expired"]) for c in liu["certificates"]] == [("叉车司机", True)]
    wang = town.ok("city_admin", f"/workers/{w.people['wang_jianguo'].id}")
    cert = wang["certificates"][0]
    assert cert["name"] == "熔化焊接与热切割作业" and cert["expired"] is False and cert["expires_on"] is not None
