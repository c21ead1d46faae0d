"""Sign-in rate limiting (登录限流): fixed windows counted in the cache, per account and per address; and
limits on sending one-time codes (per phone and per address), so nobody floods a worker's phone with SMS.

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

__all__ = ["CodeSendLimiter", "LoginLimiter"]


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


class CodeSendLimiter:
    """At most one code per phone per ``gap_seconds``, ``per_phone_hour`` per phone and ``per_address_hour`` per
    address in an hour. Counted whether or not the phone has an account, so the answer says nothing of that."""

    def __init__(
        self, cache: Cache, *, gap_seconds: int = 60, per_phone_hour: int = 5, per_address_hour: int = 30
    ) -> None:
        self.cache = cache
        self.gap_seconds = gap_seconds
        self.per_phone_hour = per_phone_hour
        self.per_address_hour = per_address_hour

    def check_and_count(self, phone: str, address: str) -> None:
        """Count this send; ``NotAllowed`` with the wait when a limit is used up (nothing is sent then)."""
        who = _hashed("phone:" + phone)
        if self.cache.incr(f"otp-send:gap:{who}", self.gap_seconds) > 1:
            raise NotAllowed(f"验证码发送过于频繁，请 {self.gap_seconds} 秒后再试。")
        if self.cache.incr(f"otp-send:hour:{who}", 3600) > self.per_phone_hour:
            raise NotAllowed("这个手机号今天获取验证码的次数过多，请 1 小时后再试，或联系安置点工作人员。")
        if self.cache.incr(f"otp-send:addr:{_hashed(address)}", 3600) > self.per_address_hour:
            raise NotAllowed("获取验证码的次数过多，请 1 小时后再试。")
