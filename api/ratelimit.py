"""Sign-in rate limiting (登录限流): fixed windows counted in the cache, per account and per address.

Keys hold a hash of the user name or address, never the plain value. Without a reachable Redis the
counters count nothing and sign-in goes on (slower defences, not a locked-out city); ``/health`` says so.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from models.cache import Cache
from models.errors import NotAllowed

__all__ = ["LoginLimiter"]


class LoginLimiter:
    """At most ``per_account`` failures per account and ``per_address`` per address in each window."""

    def __init__(
        self,
        cache: Cache,
        *,
        per_account: int = 5,
        per_address: int = 20,
        window_seconds: int = 15 * 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.per_account = per_account
        self.per_address = per_address
        self.window_seconds = window_seconds
        self._clock = clock

    def check(self, username: str, address: str) -> None:
        """Raise ``NotAllowed`` with the minutes to wait when either limit is used up in this window."""
        window, now = self._window()
        for key, limit in self._keys(username, address, window):
            raw = self.cache.get(key)
            if raw is not None and int(raw) >= limit:
                left = (window + 1) * self.window_seconds - now
                minutes = max(1, math.ceil(left / 60))
                raise NotAllowed(f"登录失败次数过多，请 {minutes} 分钟后再试；忘记密码请联系管理员。")

    def failed(self, username: str, address: str) -> None:
        window, _ = self._window()
        for key, _limit in self._keys(username, address, window):
            self.cache.incr(key, self.window_seconds)

    def succeeded(self, username: str) -> None:
        """A correct password clears the account's count (the address keeps its own)."""
        window, _ = self._window()
        self.cache.delete(self._account_key(username, window))

    def _window(self) -> tuple[int, float]:
        now = self._clock()
        return int(now // self.window_seconds), now

    def _keys(self, username: str, address: str, window: int) -> list[tuple[str, int]]:
        return [
            (self._account_key(username, window), self.per_account),
            (f"login:addr:{_hashed(address)}:{window}", self.per_address),
        ]

    @staticmethod
    def _account_key(username: str, window: int) -> str:
        return f"login:acct:{_hashed(username.strip().casefold())}:{window}"


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]
