"""Employers and postings over HTTP as staff, employers and workers meet them: registering and changing an
employer, a posting's life from draft to closed, lists with filters, and a pasted ad read into drafts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.openings_world import app_client, new_employer, open_posting, staff
from tests.api.world import World, sign_in, world_app

AD = (
    "招聘：包装工 5名\n女性，年龄25-50岁，手脚麻利，能适应站立工作。\n工资3200元/月，做六休一，中午管一顿饭。\n"
    "地址：忻州经济开发区工业园区6号\n电话：0350-3036688"
)
TWO_JOBS = "忻州宏达食品厂招聘：\n1. 包装工 10名，3000元/月\n2. 叉车司机 2名，4500元/月，须持叉车证"


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


def test_staff_register_find_read_and_change_an_employer(client: TestClient) -> None:
    admin, broker = staff(client), staff(client, "broker_a")
    employer_id = new_employer(client, broker, "忻州顺达物流有限公司", address="忻府区长征街8号", kind="enterprise")
    again = client.post("/employers", json={"name": "忻州顺达物流有限公司"}, headers=admin)
    assert again.status_code == 409 and "已登记" in again.json()["detail"]
    found = client.get("/employers", params={"q": "顺达"}, headers=admin).json()
    assert found["total"] == 1 and found["items"][0]["id"] == employer_id
    assert found["items"][0]["county_adcode"] == "140902"  # read from the address
    changed = client.patch(f"/employers/{employer_id}", json={"contact_name": "李经理"}, headers=broker)
    assert changed.status_code == 200 and changed.json()["contact_name"] == "李经理"
    assert client.get(f"/employers/{employer_id}", headers=admin).json()["contact_name"] == "李经理"
    bad = client.patch(f"/employers/{employer_id}", json={"credit_code": "123"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput" and "credit_code" in bad.json()["detail"]
    missing = client.get("/employers/999999", headers=admin)
    assert missing.status_code == 404 and "找不到" in missing.json()["detail"]


def test_an_employer_reads_and_changes_its_own_employer_only(client: TestClient, world: World) -> None:
    other = new_employer(client, staff(client), "岢岚县红芸豆种植专业合作社", kind="cooperative")
    own = sign_in(client, "employer")
    assert client.get(f"/employers/{world.employer_id}", headers=own).status_code == 200
    assert client.patch(f"/employers/{world.employer_id}", json={"remarks": "长期招工"}, headers=own).status_code == 200
    assert client.get(f"/employers/{other}", headers=own).status_code == 403
    assert client.patch(f"/employers/{other}", json={"remarks": "x"}, headers=own).status_code == 403
    assert client.get("/employers", headers=own).status_code == 403
    assert client.post("/employers", json={"name": "某某公司"}, headers=own).status_code == 403
    assert client.get(f"/employers/{world.employer_id}", headers=sign_in(client, "worker")).status_code == 403


def test_a_posting_goes_from_draft_to_open_paused_and_closed(client: TestClient, world: World) -> None:
    own, worker = sign_in(client, "employer"), sign_in(client, "worker")
    draft = client.post("/postings", json={"title": "钢筋工", "headcount": 3}, headers=own)
    assert draft.status_code == 201, draft.text
    posting = draft.json()
    assert posting["status"] == "draft" and posting["employer_id"] == world.employer_id
    assert posting["missing_for_opening"] == ["薪资"]
    pid = posting["id"]
    refused = client.post(f"/postings/{pid}/status", json={"action": "open"}, headers=own)
    assert refused.status_code == 422 and refused.json()["detail"] == "发布前请补全：薪资。"
    assert client.get(f"/postings/{pid}", headers=worker).status_code == 404  # a draft is nobody else's business
    patched = client.patch(f"/postings/{pid}", json={"pay_min": 200, "pay_period": "day"}, headers=own)
    assert patched.status_code == 200 and patched.json()["pay_text"] == "200元/天起"
    assert patched.json()["headcount"] == 3  # fields not sent stay as they were
    opened = client.post(f"/postings/{pid}/status", json={"action": "open"}, headers=own)
    assert opened.status_code == 200 and opened.json()["status_label"] == "招聘中"
    assert client.get(f"/postings/{pid}", headers=worker).json()["title"] == "钢筋工"
    assert client.post(f"/postings/{pid}/status", json={"action": "pause"}, headers=own).json()["status"] == "paused"
    assert client.get(f"/postings/{pid}", headers=worker).status_code == 404
    assert client.post(f"/postings/{pid}/status", json={"action": "close"}, headers=staff(client)).status_code == 200
    reopen = client.post(f"/postings/{pid}/status", json={"action": "open"}, headers=own)
    assert reopen.status_code == 403 and reopen.json()["detail"] == "岗位当前为“已关闭”，不能改为“招聘中”。"
    closed = client.patch(f"/postings/{pid}", json={"headcount": 4}, headers=own)
    assert closed.status_code == 403 and "已关闭" in closed.json()["detail"]
    unknown = client.post(f"/postings/{pid}/status", json={"action": "reopen"}, headers=own)
    assert unknown.status_code == 422 and "action" in unknown.json()["detail"]


def test_who_may_post_for_whom(client: TestClient, world: World) -> None:
    admin, own = staff(client), sign_in(client, "employer")
    other = new_employer(client, admin, "岢岚县红芸豆种植专业合作社", kind="cooperative")
    theirs = open_posting(client, admin, other)
    assert client.post("/postings", json={"employer_id": other, "title": "采摘工"}, headers=own).status_code == 403
    assert client.patch(f"/postings/{theirs['id']}", json={"headcount": 9}, headers=own).status_code == 403
    pause = client.post(f"/postings/{theirs['id']}/status", json={"action": "pause"}, headers=own)
    assert pause.status_code == 403
    assert client.post("/postings", json={"title": "采摘工"}, headers=sign_in(client, "worker")).status_code == 403
    no_employer = client.post("/postings", json={"title": "采摘工"}, headers=admin)
    assert no_employer.status_code == 422 and "employer_id" in no_employer.json()["detail"]
    ages = client.post("/postings", json={"employer_id": other, "age_min": 50, "age_max": 40}, headers=admin)
    assert ages.status_code == 422 and "最低年龄高于最高年龄" in ages.json()["detail"]
    bad_patch = client.patch(f"/postings/{theirs['id']}", json={"pay_min": 5000}, headers=admin)
    assert bad_patch.status_code == 422 and "薪资下限高于上限" in bad_patch.json()["detail"]


def test_posting_lists_filter_sort_and_show_each_role_what_it_may_see(client: TestClient, world: World) -> None:
    admin, own, worker = staff(client), sign_in(client, "employer"), sign_in(client, "worker")
    other = new_employer(client, admin, "定襄县宏达法兰有限公司", county_adcode="140921")
    cheap = open_posting(client, admin, other, title="保洁员", pay_min=2000, pay_max=2200)
    dear = open_posting(client, admin, world.employer_id, title="电焊工", pay_min=5000, pay_max=7000)
    their_draft = client.post("/postings", json={"employer_id": other, "title": "司机"}, headers=admin).json()
    own_draft = client.post("/postings", json={"title": "钢筋工"}, headers=own).json()
    welfare = {"title": "保洁", "public_welfare": {"category": "cleaning"}, "employer_id": other}
    public = client.post("/postings", json=welfare, headers=admin).json()

    def ids(headers: dict[str, str], **params: str | int) -> list[int]:
        response = client.get("/postings", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    everything = {cheap["id"], dear["id"], their_draft["id"], own_draft["id"], public["id"]}
    assert set(ids(admin)) == everything
    assert set(ids(worker)) == {cheap["id"], dear["id"]}
    assert set(ids(own)) == {cheap["id"], dear["id"], own_draft["id"]}
    assert ids(admin, status="open", sort="-pay") == [dear["id"], cheap["id"]]
    assert ids(admin, status="open", sort="pay") == [cheap["id"], dear["id"]]
    assert ids(admin, county="140921", status="open") == [cheap["id"]]
    assert ids(admin, public_welfare="true") == [public["id"]]
    assert set(ids(admin, employer_id=world.employer_id)) == {dear["id"], own_draft["id"]}
    assert ids(admin, q="宏达", status="open") == [cheap["id"]]  # the employer's name
    assert ids(admin, occupation=dear["occupation_code"][:4], q="电焊") == [dear["id"]]
    page = client.get("/postings", params={"size": 2, "page": 2, "sort": "created"}, headers=admin).json()
    assert page["total"] == 5 and page["page"] == 2 and len(page["items"]) == 2
    wrong = client.get("/postings", params={"sort": "title"}, headers=admin)
    assert wrong.status_code == 422 and "不能按“title”排序" in wrong.json()["detail"]


def test_a_pasted_ad_is_read_into_fields_with_evidence_and_saved_as_drafts(client: TestClient, world: World) -> None:
    admin, own = staff(client), sign_in(client, "employer")
    parsed = client.post("/postings/parse", json={"text": AD}, headers=own)
    assert parsed.status_code == 200, parsed.text
    (draft,) = parsed.json()["drafts"]
    fields = draft["fields"]
    assert fields["title"] == "包装工" and fields["headcount"] == 5 and fields["pay_min"] == "3200"
    assert fields["age_min"] == 25 and fields["age_max"] == 50 and fields["meals"] is True
    assert draft["evidence"]["pay_min"][0]["text"] == "工资3200元/月" and draft["posting_id"] is None
    assert client.get("/postings", headers=admin).json()["total"] == 0  # only read, not saved
    saved = client.post("/postings/parse", json={"text": TWO_JOBS, "save": True}, headers=own)
    assert saved.status_code == 200 and saved.json()["saved"] is True
    drafts = saved.json()["drafts"]
    assert [d["fields"]["title"] for d in drafts] == ["包装工", "叉车司机"]
    for d in drafts:
        posting = client.get(f"/postings/{d['posting_id']}", headers=own).json()
        assert (
            posting["status"] == "draft" and posting["source"] == "ad" and posting["employer_id"] == world.employer_id
        )
    staff_save = client.post("/postings/parse", json={"text": AD, "save": True}, headers=admin)
    assert staff_save.status_code == 422 and "employer_id" in staff_save.json()["detail"]
    empty = client.post("/postings/parse", json={"text": "  "}, headers=admin)
    assert empty.status_code == 422 and "请粘贴" in empty.json()["detail"]
