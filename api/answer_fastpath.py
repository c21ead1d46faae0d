"""The fast way to an answer already cached (``api.response_cache``): before FastAPI's routing and dependencies.

A cached answer of a candidate list, recommendations or a posting was made by a request that passed every
check of its route, and its key names the viewer's class (role, sites, employer, worker). So another request
of the same class, for the same path and parameters, under the same generation, model and day, may have it
without those checks being run again: this middleware looks it up with the token's cached scope and sends it.
Anything else (no token, a scope not in the cache, a parameter it does not know, a matcher not current,
nothing cached) goes the full way, which answers, refuses or computes as usual.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import cached_scope
from api.response_cache import ResponseCache, viewer_of

__all__ = ["AnswerFastPath"]


@dataclass(frozen=True, slots=True)
class _Route:
    pattern: re.Pattern[str]
    kind: str
    params: tuple[tuple[str, int], ...]  # the query parameters and their defaults, in key order
    ranked: bool  # keyed by the model's version and the matcher's day


_ROUTES = (
    _Route(re.compile(r"/postings/(\d+)/candidates"), "candidates", (("top", 50), ("near_misses", 0)), True),
    _Route(re.compile(r"/workers/(\d+|me)/recommendations"), "recommendations", (("top", 10),), True),
    _Route(re.compile(r"/postings/(\d+)"), "posting", (), False),
)


class AnswerFastPath:
    """See the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = _route_of(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if route is not None:  # only these reads pay for a trip to the cache (in a thread: Redis blocks)
            body = await to_thread.run_sync(_lookup, scope, *route)
            if body is not None:
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                           (b"x-anye-cache", b"hit")]  # fmt: skip
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _route_of(scope: Scope) -> tuple[_Route, str] | None:
    """The fast route the path is, and its subject (an id, or "me"); None for any other path."""
    for route in _ROUTES:
        found = route.pattern.fullmatch(scope["path"])
        if found is not None:
            return route, found.group(1)
    return None


def _lookup(scope: Scope, route: _Route, subject: str) -> bytes | None:
    state = scope["app"].state
    settings = getattr(state, "settings", None)
    if settings is None or settings.result_cache_seconds <= 0:
        return None
    token = _bearer(scope)
    viewer = cached_scope(state.tokens, token) if token else None
    if viewer is None:
        return None
    try:
        values = _params(scope, route)
    except ValueError:
        return None
    if subject == "me":
        if viewer.worker_id is None:
            return None
        subject = str(viewer.worker_id)
    answers = ResponseCache(state.cache, state.settings.cipher, state.changes, state.settings.result_cache_seconds)
    parts = ":".join([subject, *(str(v) for v in values), viewer_of(viewer)])
    if not route.ranked:
        return answers.cached(route.kind, parts, today=dt.date.today(), version="-")
    live = getattr(state, "matcher", None)
    if live is None:
        return None
    generation = answers.changes.generation()
    current = live.version_if_current(generation)
    if current is None:
        return None
    return answers.cached(route.kind, parts, today=live.clock(), version=current, generation=generation)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            kind, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if kind.lower() == "bearer" and token.strip() else None
    return None


def _params(scope: Scope, route: _Route) -> list[int]:
    """The route's parameters with their defaults; ``ValueError`` for anything the route would judge itself."""
    given = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
    known = dict(route.params)
    if set(given) - set(known):
        raise ValueError("a parameter the fast way does not know")
    return [int(given[name]) if name in given else default for name, default in route.params]
