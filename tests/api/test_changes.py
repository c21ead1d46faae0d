"""Changes announced after commit: the generation moves, listeners hear, a rollback says nothing, and a
bump missed while Redis was away is made up when it is back."""

from __future__ import annotations

import redis
from sqlalchemy.orm import Session

from api.changes import Changes
from models.cache import MemoryCache, RedisCache
from tests.conftest import REDIS_URL


def test_flush_bumps_the_generation_and_tells_listeners_once(session: Session) -> None:
    changes, heard = Changes(MemoryCache()), []  # type: ignore[var-annotated]
    changes.subscribe(heard.append)
    before = changes.generation()
    changes.worker_changed(session, 3)
    changes.posting_changed(session, 7)
    changes.worker_changed(session, 3)
    done = changes.flush(session)
    assert (done.worker_ids, done.posting_ids, done.model) == ({3}, {7}, False) and heard == [done]
    assert done.generation == before + 1
    assert changes.generation() == before + 1
    assert not changes.flush(session) and len(heard) == 1  # nothing new: no bump, no call


def test_a_discarded_unit_of_work_announces_nothing(session: Session) -> None:
    changes, heard = Changes(MemoryCache()), []
    changes.subscribe(heard.append)
    changes.model_changed(session)
    changes.discard(session)
    assert not changes.flush(session) and heard == [] and changes.generation() == 0


def test_a_bump_missed_while_redis_was_away_is_made_when_it_is_back(
    session: Session, redis_client: redis.Redis
) -> None:
    live = RedisCache(redis.Redis.from_url(REDIS_URL), prefix="anye-test-changes:")
    live.delete("matching:generation")
    assert Changes(live).bump() == 1
    changes = Changes(RedisCache(redis.Redis.from_url("redis://127.0.0.1:1/0"), prefix="anye-test-changes:"))
    changes.worker_changed(session, 1)
    changes.flush(session)  # Redis away: the bump is owed
    changes.cache = live  # back again
    assert changes.generation() == 2
    assert changes.generation() == 2  # owed once, paid once
