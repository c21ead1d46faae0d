"""Bearer tokens (登录令牌): opaque random strings, recorded in the database and copied into the cache.

Both keep a keyed hash of the token, never the token itself, so neither a cache nor a database dump signs
anybody in. A request resolves its token from the cache; on a miss (Redis restarted, or away) from the
database, which puts it back in the cache. So signed-in users stay signed in while Redis is down, only
slower. Signing out deletes both.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.account import Account, SignInToken
from models.cache import Cache
from models.crypto import PersonalDataCipher

__all__ = ["VIEW_SECONDS", "IssuedToken", "TokenClaims", "TokenStore"]

# How long an account's scope is kept beside its token: a broker given another site, or an account stopped,
# is seen within this time (signing out or revoking takes effect at once).
VIEW_SECONDS = 300


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

    def issue(self, session: Session, account: Account) -> IssuedToken:
        token = secrets.token_urlsafe(32)
        digest, now = self._digest(token), self._clock()
        expires = now + self.ttl_seconds
        session.execute(  # this account's expired tokens go with the new one
            delete(SignInToken).where(SignInToken.account_id == account.id, SignInToken.expires_at < _at(now))
        )
        session.add(SignInToken(digest=digest, account_id=account.id, expires_at=_at(expires)))
        self._remember(digest, TokenClaims(account.id, account.role, expires))
        return IssuedToken(token, self.ttl_seconds)

    def resolve(self, session: Session, token: str) -> TokenClaims | None:
        """The claims of a live token, or ``None`` (unknown, revoked, expired or unreadable)."""
        digest = self._digest(token)
        claims = self._cached(digest)
        if claims is None:
            row = session.get(SignInToken, digest)
            account = session.get(Account, row.account_id) if row is not None else None
            if row is None or account is None:
                return None
            claims = TokenClaims(account.id, account.role, _epoch(row.expires_at))
            if claims.expires > self._clock():
                self._remember(digest, claims)
        return claims if claims.expires > self._clock() else None

    def revoke(self, session: Session, token: str) -> None:
        digest = self._digest(token)
        self.cache.delete(self._key(digest), self._scope_key(digest))
        session.execute(delete(SignInToken).where(SignInToken.digest == digest))

    def cached_view(self, token: str) -> dict[str, Any] | None:
        """What ``remember_view`` kept for this token (the account's scope), while it is fresh; else None."""
        raw = self.cache.get(self._scope_key(self._digest(token)))
        if raw is None:
            return None
        try:
            found = json.loads(raw)
        except ValueError:
            return None
        return found if isinstance(found, dict) else None

    def remember_view(self, token: str, view: dict[str, Any], claims: TokenClaims) -> None:
        """Keep the account's scope beside the token for ``VIEW_SECONDS`` (at most until it expires), so a
        request needs no database query to know who asks; a change of scope shows within that time."""
        left = int(min(VIEW_SECONDS, claims.expires - self._clock()))
        if left > 0:
            self.cache.set(self._scope_key(self._digest(token)), json.dumps(view).encode(), left)

    def _cached(self, digest: str) -> TokenClaims | None:
        raw = self.cache.get(self._key(digest))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return TokenClaims(int(data["account_id"]), str(data["role"]), float(data["expires"]))
        except (ValueError, KeyError, TypeError):
            return None

    def _remember(self, digest: str, claims: TokenClaims) -> None:
        left = max(1, int(claims.expires - self._clock()))
        value = {"account_id": claims.account_id, "role": claims.role, "expires": claims.expires}
        self.cache.set(self._key(digest), json.dumps(value).encode(), left)

    def _digest(self, token: str) -> str:
        return self.cipher.digest("bearer-token:" + token)

    @staticmethod
    def _key(digest: str) -> str:
        return f"token:{digest}"

    @staticmethod
    def _scope_key(digest: str) -> str:
        return f"token-view:{digest}"


def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def _epoch(when: dt.datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()
