"""Bearer tokens (登录令牌): opaque random strings whose claims live in the cache until they expire.

The cache key is a keyed hash of the token, never the token itself, so a cache dump signs nobody in.
Signing out deletes the entry; a cache that forgets (Redis restarted) only means signing in again.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from models.account import Account
from models.cache import Cache
from models.crypto import PersonalDataCipher

__all__ = ["IssuedToken", "TokenClaims", "TokenStore"]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class TokenClaims:
    account_id: int
    role: str
    expires: float


class TokenStore:
    """Issues, resolves and revokes tokens; each lives ``hours`` hours."""

    def __init__(
        self, cache: Cache, cipher: PersonalDataCipher, *, hours: int = 12, clock: Callable[[], float] = time.time
    ) -> None:
        self.cache = cache
        self.cipher = cipher
        self.ttl_seconds = hours * 3600
        self._clock = clock

    def issue(self, account: Account) -> IssuedToken:
        token = secrets.token_urlsafe(32)
        claims = {"account_id": account.id, "role": account.role, "expires": self._clock() + self.ttl_seconds}
        self.cache.set(self._key(token), json.dumps(claims).encode(), self.ttl_seconds)
        return IssuedToken(token, self.ttl_seconds)

    def resolve(self, token: str) -> TokenClaims | None:
        """The claims of a live token, or ``None`` (unknown, revoked, expired or unreadable)."""
        raw = self.cache.get(self._key(token))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            claims = TokenClaims(int(data["account_id"]), str(data["role"]), float(data["expires"]))
        except (ValueError, KeyError, TypeError):
            return None
        return claims if claims.expires > self._clock() else None

    def revoke(self, token: str) -> None:
        self.cache.delete(self._key(token))

    def _key(self, token: str) -> str:
        return f"token:{self.cipher.digest('bearer-token:' + token)}"
