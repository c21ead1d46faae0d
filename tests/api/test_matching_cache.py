"""The result cache of candidate lists and recommendations, on the in-process cache and on the real Redis:
a repeated search is not computed again, a change to a worker or a posting shows in the very next answer, a
change made by another process is picked up, and searches still answer while Redis is away."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.changes import Changes
from api.settings import Settings
from models.cache import Cache, RedisCache
from models.db import build_engine, build_session_factory, session_scope
from models.worker import Worker
from tests.api.openings_world import CountingBuild, app_client, open_anywhere, staff
from tests.api.world import World, sign_in, world_app
from tests.conftest import REDIS_URL


@dataclass
class Running:
    client: TestClient
    world: World
    settings: Settings
    counting: CountingBuild
    cache: Cache
    redis: redis.Redis | None
    prefix: str


@pytest.fixture(params=["memory", "redis"])
def running(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Running]:
    settings, world = world_app(database_url)
    counting = CountingBuild()
    client_redis: redis.Redis | None = None
    if request.param == "redis":
        client_redis = request.getfixturevalue("redis_client")
    with app_client(settings, tmp_path, redis_url=REDIS_URL if client_redis else None, counting=counting) as client:
        state: Any = client.app.state  # type: ignore[attr-defined]
        prefix = ""
        if client_redis is not None:
            # tests running at the same time share Redis db 15: each gets keys (and a generation) of its own
            prefix = f"anye-test-{uuid.uuid4().hex[:8]}:"
            state.cache = state.changes.cache = RedisCache(client_redis, prefix)
        yield Running(client, world, settings, counting, state.cache, client_redis, prefix)


def _candidate_ids(client: TestClient, posting_id: int, username: str = "city_admin") -> set[int]:
    response = client.get(f"/postings/{posting_id}/candidates", headers=sign_in(client, username))
    assert response.status_code == 200, response.text
    return {c["worker_id"] for c in response.json()["items"]}


def test_a_repeated_search_is_answered_from_the_cache(running: Running) -> None:
    client, world, counting = running.client, running.world, running.counting
    posting = open_anywhere(client, staff(client))["id"]
    first = _candidate_ids(client, posting)
    assert counting.searches == 1
    assert _candidate_ids(client, posting) == first and counting.searches == 1  # served from the cache
    assert _candidate_ids(client, posting, "broker_a") == {world.people["zhang_wei"].id}
    assert _candidate_ids(client, posting, "broker_a") == {world.people["zhang_wei"].id}
    assert counting.searches == 2  # the broker's view is cached apart from the city's
    worker = sign_in(client, "worker")
    mine = [client.get("/workers/me/recommendations", headers=worker).json() for _ in range(2)]
    assert mine[0] == mine[1] and mine[0]["items"] and counting.searches == 3
    assert counting.builds == 1
    if running.redis is not None:
        found: list[bytes] = running.redis.keys(f"{running.prefix}*")  # type: ignore[assignment]
        keys = sorted(k.decode() for k in found)
        cached = [k for k in keys if k.split(":")[1] in ("candidates", "recommend")]
        assert len(cached) == 3 and all(":weighted-1:" in k for k in cached)
        values = b"".join(running.cache.get(k.removeprefix(running.prefix)) or b"" for k in cached).decode()
        assert "reasons" in values
        personal = [p.name for p in world.people.values()] + world.secrets()
        assert not any(p in values for p in personal)  # ids, scores and reasons only


def test_the_next_answer_after_a_change_to_a_worker_or_a_posting_is_fresh(running: Running) -> None:
    client, world, counting = running.client, running.world, running.counting
    admin = staff(client)
    posting = open_anywhere(client, admin)["id"]
    zhang, ma = world.people["zhang_wei"].id, world.people["ma_jun"].id
    assert {zhang, ma} <= _candidate_ids(client, posting)
    found_work = client.patch(f"/workers/{zhang}", json={"employment_status": "县内务工"}, headers=admin)
    assert found_work.status_code == 200, found_work.text
    assert zhang not in _candidate_ids(client, posting)
    younger = client.patch(f"/postings/{posting}", json={"age_max": 50}, headers=admin)
    assert younger.status_code == 200
    assert ma not in _candidate_ids(client, posting)  # 56
    recommended = client.get(f"/workers/{ma}/recommendations", headers=admin).json()["items"]
    assert posting not in [r["posting_id"] for r in recommended]
    assert counting.builds == 1  # changes made here are refreshed in place, not rebuilt


def test_a_change_made_by_another_process_is_seen_before_answering(running: Running) -> None:
    client, world, counting = running.client, running.world, running.counting
    posting = open_anywhere(client, staff(client))["id"]
    sun = world.people["sun_lei"].id
    assert sun in _candidate_ids(client, posting)
    # a job elsewhere: its own session and its own Changes on the same cache (this app's listener is not told)
    engine = build_engine(running.settings.db_url)
    try:
        with session_scope(build_session_factory(engine)) as session:
            session.execute(update(Worker).where(Worker.id == sun).values(employment_status="province"))
            elsewhere = Changes(running.cache)
            elsewhere.worker_changed(session, sun)
        elsewhere.flush(session)
    finally:
        engine.dispose()
    assert sun not in _candidate_ids(client, posting)
    assert counting.builds == 2


def test_searches_answer_while_redis_is_away(database_url: str, tmp_path: Path) -> None:
    settings, world = world_app(database_url)
    counting = CountingBuild()
    away = "redis://127.0.0.1:9/15"  # nothing listens on the discard port
    with app_client(settings, tmp_path, redis_url=away, counting=counting) as client:
        posting = open_anywhere(client, staff(client))["id"]
        first = _candidate_ids(client, posting)
        assert world.people["zhang_wei"].id in first
        assert _candidate_ids(client, posting) == first
        assert counting.searches == 2  # nothing could be cached: computed each time, still answered
        mine = client.get("/workers/me/recommendations", headers=sign_in(client, "worker"))
        assert mine.status_code == 200 and mine.json()["items"]


def test_with_the_result_cache_switched_off_every_search_is_computed(database_url: str, tmp_path: Path) -> None:
    settings, _ = world_app(database_url)
    counting = CountingBuild()
    off = settings.model_copy(update={"result_cache_seconds": 0})
    with app_client(off, tmp_path, redis_url=None, counting=counting) as client:
        posting = open_anywhere(client, staff(client))["id"]
        assert _candidate_ids(client, posting) == _candidate_ids(client, posting)
        assert counting.searches == 2


def test_a_cached_answer_is_sent_before_routing_only_to_the_same_kind_of_viewer(running: Running) -> None:
    client, counting = running.client, running.counting
    posting = open_anywhere(client, staff(client))["id"]
    url = f"/postings/{posting}/candidates"
    admin, broker = staff(client), sign_in(client, "broker_a")
    first = client.get(url, headers=admin)
    again = client.get(url, headers=admin)
    assert "x-anye-cache" not in first.headers and again.headers["x-anye-cache"] == "hit"
    assert again.content == first.content and counting.searches == 1
    mine = client.get(url, headers=broker)  # another viewer: the full way, its own answer
    assert "x-anye-cache" not in mine.headers and mine.content != first.content
    refused = client.get(url, headers=sign_in(client, "worker"))  # never cached for a worker: the route refuses
    assert refused.status_code == 403
    other = client.get(url + "?top=5", headers=admin)  # other parameters: the full way
    assert "x-anye-cache" not in other.headers and len(other.json()["items"]) <= 5
    assert client.post("/auth/logout", headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 401  # signed out: no cached answer for that token
    zhang = running.world.people["zhang_wei"].id
    changed = client.patch(f"/workers/{zhang}", json={"employment_status": "县内务工"}, headers=broker)
    assert changed.status_code == 200
    fresh = client.get(url, headers=broker)
    assert "x-anye-cache" not in fresh.headers and zhang not in {c["worker_id"] for c in fresh.json()["items"]}
