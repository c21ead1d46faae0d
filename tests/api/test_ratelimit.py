"""Sign-in limits, in memory and in the real Redis: the 6th failure in a window waits, others are unaffected."""

from __future__ import annotations

import uuid

import pytest

from api.ratelimit import LoginLimiter
from models.cache import Cache, MemoryCache, RedisCache, build_cache
from models.errors import NotAllowed

WINDOW_START = 2_000_000 * 900.0


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Cache:
    if request.param == "memory":
        return MemoryCache()
    client = request.getfixturevalue("redis_client")
    return RedisCache(client, prefix=f"anye-test-{uuid.uuid4().hex}:")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_sixth_failure_of_an_account_waits_for_the_window_to_end(cache: Cache) -> None:
    clock = Clock(WINDOW_START + 5 * 60)
    limiter = LoginLimiter(cache, clock=clock)
    for _ in range(5):
        limiter.check("wang", "10.0.0.1")
        limiter.failed("wang", "10.0.0.1")
    with pytest.raises(NotAllowed, match="登录失败次数过多，请 10 分钟后再试"):
        limiter.check("wang", "10.0.0.2")
    limiter.check("li", "10.0.0.1")  # another account from the same address still may try
    clock.now = WINDOW_START + 15 * 60  # the next window
    limiter.check("wang", "10.0.0.1")


def test_many_accounts_from_one_address_are_limited_at_the_address(cache: Cache) -> None:
    limiter = LoginLimiter(cache, clock=Clock(WINDOW_START + 14 * 60 + 30))
    for n in range(20):
        limiter.failed(f"user{n}", "10.0.0.9")
    with pytest.raises(NotAllowed, match="请 1 分钟后再试"):
        limiter.check("someone-else", "10.0.0.9")
    limiter.check("someone-else", "10.0.0.10")


def test_a_success_clears_the_account_count(cache: Cache) -> None:
    limiter = LoginLimiter(cache, clock=Clock(WINDOW_START))
    for _ in range(4):
        limiter.failed("zhao", "10.0.0.1")
    limiter.succeeded("zhao")
    for _ in range(4):
        limiter.failed("zhao", "10.0.0.1")
    limiter.check("zhao", "10.0.0.1")


def test_no_plain_username_or_address_in_redis(request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue("redis_client")
    prefix = f"anye-test-{uuid.uuid4().hex}:"
    LoginLimiter(RedisCache(client, prefix=prefix)).failed("zhangsan", "192.168.1.23")
    keys = b" ".join(client.keys(prefix + "*"))
    assert keys and b"zhangsan" not in keys and b"192.168.1.23" not in keys


def test_with_redis_down_sign_in_is_not_blocked() -> None:
    limiter = LoginLimiter(build_cache("redis://127.0.0.1:1/0"))
    for _ in range(10):
        limiter.failed("wang", "10.0.0.1")
    limiter.check("wang", "10.0.0.1")
