"""Request dependencies: the unit of work, what the lifespan built, and the signed-in account.

Tests swap any of them through ``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.accounts import Scope, scope_of
from api.changes import Changes
from api.errors import NotAuthenticated
from api.otp import CodeSender, OneTimeCodes
from api.ratelimit import LoginLimiter
from api.tokens import TokenClaims, TokenStore
from models.account import Account
from models.account_repository import AccountRepository
from models.cache import Cache
from models.crypto import PersonalDataCipher
from models.db import has_writes
from models.errors import Misconfigured, NotAllowed
from models.vocab import Role

__all__ = [
    "NOT_PERMITTED",
    "NOT_SIGNED_IN",
    "bearer_token",
    "cached_scope",
    "committed_first",
    "current_account",
    "current_scope",
    "get_cache",
    "get_changes",
    "get_cipher",
    "get_client_address",
    "get_code_sender",
    "get_codes",
    "get_limiter",
    "get_session",
    "get_tokens",
    "require_roles",
]

NOT_SIGNED_IN = "请先登录。"
NOT_PERMITTED = "您的账号无权进行此操作。"

_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed once when the route succeeds, rolled back otherwise.

    The trivial dependencies below are ``async def``: they only read what the lifespan built, and a plain
    ``def`` dependency costs a hop to the thread pool on every request."""
    session: Session = request.app.state.sessions()
    changes: Changes = request.app.state.changes
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        changes.discard(session)
        raise
    finally:
        session.close()
    changes.flush(session)  # after the commit: the matcher and cached results see committed rows only


async def committed_first(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    changes: Annotated[Changes, Depends(get_changes)],
) -> AsyncIterator[None]:
    """Commit the request's unit of work and announce its changes *before* the answer leaves (on every JSON
    router and the pages: ``Depends(committed_first, scope="function")``). ``get_session`` ends after the response
    is sent, and a client sends its next request the moment the answer arrives (a browser follows a redirect at
    once): it must find what the last one did. On an error nothing is committed here (``get_session`` rolls
    back). A read (GET, HEAD) that wrote nothing through the ORM is left to ``get_session``: this runs on the
    event loop and goes to a worker thread only to commit, so a busy read pays no extra hop to the thread pool
    (under load that hop halved the uncached throughput). Writes that bypass the ORM's flush (bulk inserts on the
    session's connection) come from other methods, which always commit here."""
    yield
    if request.method not in _READS or has_writes(session):
        await run_in_threadpool(_commit_and_announce, session, changes)


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _commit_and_announce(session: Session, changes: Changes) -> None:
    session.commit()
    changes.flush(session)


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


async def get_changes(request: Request) -> Changes:
    changes: Changes = request.app.state.changes
    return changes


async def get_cipher(request: Request) -> PersonalDataCipher:
    cipher: PersonalDataCipher = request.app.state.settings.cipher
    return cipher


async def get_client_address(request: Request) -> str:
    """The address the request came from: behind a trusted reverse proxy, the nearest address in
    X-Forwarded-For that is not itself a trusted proxy (a client can prepend anything to that header)."""
    host = request.client.host if request.client else "unknown"
    trusted = set(request.app.state.settings.trusted_proxies)
    if host not in trusted:
        return host
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return host


async def get_tokens(request: Request) -> TokenStore:
    tokens: TokenStore = request.app.state.tokens
    return tokens


async def get_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.limiter
    return limiter


async def get_code_sender(request: Request) -> CodeSender:
    sender: CodeSender | None = request.app.state.code_sender
    if sender is None:
        raise Misconfigured("短信验证码服务尚未配置，暂时不能用验证码登录。请用账号密码登录，或联系管理员。")
    return sender


async def get_codes(
    cache: Annotated[Cache, Depends(get_cache)],
    cipher: Annotated[PersonalDataCipher, Depends(get_cipher)],
    sender: Annotated[CodeSender, Depends(get_code_sender)],
) -> OneTimeCodes:
    return OneTimeCodes(cache, cipher, sender)


async def bearer_token(token: Annotated[str | None, Depends(_bearer)]) -> str:
    """The bearer token of the request; ``NotAuthenticated`` without one."""
    if not token:
        raise NotAuthenticated(NOT_SIGNED_IN)
    return token


def current_account(
    token: Annotated[str, Depends(bearer_token)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
    session: Annotated[Session, Depends(get_session)],
) -> Account:
    """The active account the bearer token belongs to; ``NotAuthenticated`` (401) otherwise."""
    return _signed_in(session, tokens, token)[1]


def _signed_in(session: Session, tokens: TokenStore, token: str) -> tuple[TokenClaims, Account]:
    claims = tokens.resolve(session, token)
    account = AccountRepository(session).get(claims.account_id) if claims is not None else None
    if claims is None or account is None or not account.active:
        raise NotAuthenticated(NOT_SIGNED_IN)
    return claims, account


def cached_scope(tokens: TokenStore, token: str) -> Scope | None:
    """The scope kept beside the token (``TokenStore.remember_view``) while it is fresh and readable."""
    view = tokens.cached_view(token)
    if view is None:
        return None
    try:
        return Scope.from_view(view)
    except (KeyError, TypeError, ValueError):
        return None  # unreadable: the caller reads it again


def current_scope(
    token: Annotated[str, Depends(bearer_token)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
    session: Annotated[Session, Depends(get_session)],
) -> Scope:
    """What the signed-in account may see (its role, sites, counties, employer or own worker record): kept
    beside the token in the cache for a few minutes (``api.tokens.VIEW_SECONDS``), read from the database
    otherwise; ``NotAuthenticated`` (401) without an active account."""
    scope = cached_scope(tokens, token)
    if scope is not None:
        return scope
    claims, account = _signed_in(session, tokens, token)
    scope = scope_of(session, account)
    tokens.remember_view(token, scope.to_view(), claims)
    return scope


def require_roles(*roles: Role) -> Callable[[Scope], Coroutine[Any, Any, Scope]]:
    """A dependency that lets only these roles through (403 ``NotAllowed`` otherwise) and gives their scope.

    Usage: ``scope: Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]``."""
    allowed = frozenset(roles)

    async def check(scope: Annotated[Scope, Depends(current_scope)]) -> Scope:
        if scope.role not in allowed:
            raise NotAllowed(NOT_PERMITTED)
        return scope

    return check
