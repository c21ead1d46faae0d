"""The cache keeps, expires and forgets values the same way in memory and in the real Redis."""

from __future__ import annotations

import time

import pytest

from models.cache import Cache, MemoryCache, RedisCache, build_cache


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Cache:
    if request.param == "memory":
        return MemoryCache()
    client = request.getfixturevalue("redis_client")
    return RedisCache(client, prefix="anye-test:")


def test_set_get_delete(cache: Cache) -> None:
    cache.set("k", b"v")
    assert cache.get("k") == b"v"
    cache.delete("k")
    assert cache.get("k") is None
    assert cache.healthy()


def test_values_expire(cache: Cache) -> None:
    cache.set("short", b"x", ttl_seconds=1)
    assert cache.get("short") == b"x"
    time.sleep(1.2)
    assert cache.get("short") is None


def test_unreachable_redis_misses_instead_of_failing() -> None:
    cache = build_cache("redis://127.0.0.1:1/0")
    assert isinstance(cache, RedisCache)
    cache.set("k", b"v")
    assert cache.get("k") is None
    assert not cache.healthy()


def test_no_redis_url_gives_the_in_process_cache() -> None:
    assert build_cache(None).backend == "memory"


def test_incr_counts_within_a_window_and_starts_again_after_it(cache: Cache) -> None:
    cache.delete("counter")
    assert [cache.incr("counter", 1) for _ in range(3)] == [1, 2, 3]
    assert cache.get("counter") == b"3"
    time.sleep(1.2)
    assert cache.incr("counter", 1) == 1


def test_incr_on_an_unreachable_redis_counts_nothing_instead_of_failing() -> None:
    cache = build_cache("redis://127.0.0.1:1/0")
    assert cache.incr("counter", 60) == 0


def test_take_gives_a_value_once(cache: Cache) -> None:
    cache.set("once", b"v", ttl_seconds=60)
    assert cache.take("once") == b"v"
    assert cache.take("once") is None
    assert cache.get("once") is None


def test_take_of_two_racing_threads_gives_the_value_to_one(cache: Cache) -> None:
    import threading

    got: list[bytes | None] = []

    def grab(key: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        got.append(cache.take(key))

    for round_ in range(20):
        cache.set(f"race{round_}", b"v", ttl_seconds=60)
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=grab, args=(f"race{round_}", barrier)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert got.count(b"v") == 20 and got.count(None) == 20


def test_the_memory_cache_forgets_expired_keys_nobody_reads_again() -> None:
    cache = MemoryCache(purge_every=10)
    for i in range(9):
        cache.set(f"gone{i}", b"x", ttl_seconds=1)
    time.sleep(1.1)
    cache.set("kept", b"y")  # the tenth write purges
    assert len(cache._data) == 1 and cache.get("kept") == b"y"
