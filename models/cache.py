"""The cache: Redis in production, an in-process dictionary in the embedded mode.

Both speak the same small protocol so the code above never asks which one it has. A Redis that goes
away does not fail a request: reads miss and writes are dropped, and ``healthy()`` says so.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis

__all__ = ["Cache", "MemoryCache", "RedisCache", "build_cache"]


class Cache(Protocol):
    backend: str

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_seconds: int | None = None) -> None: ...

    def delete(self, *keys: str) -> None: ...

    def take(self, key: str) -> bytes | None:
        """Get and delete in one step (GETDEL): of two callers racing for the same value, one gets it."""
        ...

    def incr(self, key: str, ttl_seconds: int) -> int:
        """Add one to the counter at ``key`` and return it; a new counter expires after ``ttl_seconds``
        (later increments keep that expiry, so a window is fixed from its first count)."""
        ...

    def healthy(self) -> bool: ...


class MemoryCache:
    backend = "memory"

    def __init__(self, *, purge_every: int = 10_000) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._lock = threading.Lock()
        self._purge_every = purge_every
        self._writes = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            value, expires = item
            if expires is not None and expires < time.monotonic():
                del self._data[key]
                return None
            return value

    def set(self, key: str, value: bytes, ttl_seconds: int | None = None) -> None:
        expires = time.monotonic() + ttl_seconds if ttl_seconds else None
        with self._lock:
            self._data[key] = (value, expires)
            self._writes += 1
            if self._writes % self._purge_every == 0:
                self._purge()

    def _purge(self) -> None:
        """Drop expired entries (reads drop them lazily; keys never read again would stay)."""
        now = time.monotonic()
        for key in [k for k, (_, expires) in self._data.items() if expires is not None and expires < now]:
            del self._data[key]

    def take(self, key: str) -> bytes | None:
        with self._lock:
            item = self._data.pop(key, None)
        if item is None or (item[1] is not None and item[1] < time.monotonic()):
            return None
        return item[0]

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)

    def incr(self, key: str, ttl_seconds: int) -> int:
        now = time.monotonic()
        with self._lock:
            item = self._data.get(key)
            expires: float | None
            if item is None or (item[1] is not None and item[1] < now):
                count, expires = 1, now + ttl_seconds
            else:
                count, expires = int(item[0]) + 1, item[1]
            self._data[key] = (str(count).encode(), expires)
            return count

    def healthy(self) -> bool:
        return True


class RedisCache:
    backend = "redis"

    def __init__(self, client: redis.Redis, prefix: str = "anye:") -> None:
        self.client = client
        self._prefix = prefix

    def get(self, key: str) -> bytes | None:
        try:
            value = self.client.get(self._prefix + key)
        except redis.RedisError:
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl_seconds: int | None = None) -> None:
        try:
            self.client.set(self._prefix + key, value, ex=ttl_seconds)
        except redis.RedisError:
            pass

    def delete(self, *keys: str) -> None:
        if not keys:
            return
        try:
            self.client.delete(*(self._prefix + k for k in keys))
        except redis.RedisError:
            pass

    def take(self, key: str) -> bytes | None:
        try:
            value = self.client.getdel(self._prefix + key)
        except redis.RedisError:
            return None
        return value if isinstance(value, bytes) else None

    def incr(self, key: str, ttl_seconds: int) -> int:
        """Atomic on the server: SET NX EX starts a window only if none is running, INCR counts in it.
        A Redis that is away counts nothing and returns 0."""
        name = self._prefix + key
        try:
            pipe = self.client.pipeline(transaction=True)
            pipe.set(name, 0, ex=ttl_seconds, nx=True)
            pipe.incr(name)
            _, count = pipe.execute()
        except redis.RedisError:
            return 0
        return int(count)

    def healthy(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False


def build_cache(redis_url: str | None, prefix: str = "anye:") -> Cache:
    if not redis_url:
        return MemoryCache()
    client = redis.Redis.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
    return RedisCache(client, prefix)
