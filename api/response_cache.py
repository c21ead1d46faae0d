"""Whole answers of the busiest reads (candidate lists, recommendations, a posting), cached as sent.

The key carries everything the answer depends on: the kind, the ranking model's version, the generation of
``api.changes`` (moved by every committed change to a worker, a posting or the model, in any process, so no
answer outlives a change), the day (rules and ages move with it), the subject, the parameters and the viewer's
class (the role and the sites, employer or worker whose view it is; two viewers with the same key may see
the same answer). Answers hold names and masked numbers, so the cache keeps them encrypted with the app's
cipher; plain ID numbers and phones are never in them. ``ANYE_RESULT_CACHE_SECONDS`` = 0 switches it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel

from api.accounts import Scope
from api.changes import Changes
from api.deps import get_cache, get_changes, get_cipher
from api.matching import scope_part
from models.cache import Cache
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput

__all__ = ["ResponseCache", "Responses", "viewer_of"]

_JSON = "application/json"


def viewer_of(scope: Scope) -> str:
    """The viewer's class in a key: role plus the sites (a digest), employer or worker the view belongs to."""
    parts = f"{scope.role.value}|{scope_part(scope.site_ids)}|{scope.employer_id}|{scope.worker_id}"
    return hashlib.sha256(parts.encode()).hexdigest()[:20]


class ResponseCache:
    """See the module docstring. One per request (cheap); the cache and cipher are the app's."""

    def __init__(self, cache: Cache, cipher: PersonalDataCipher, changes: Changes, seconds: int) -> None:
        self.cache = cache
        self.cipher = cipher
        self.changes = changes
        self.seconds = seconds

    def answer(
        self,
        kind: str,
        parts: str,
        build: Callable[[], BaseModel],
        *,
        today: dt.date,
        version: Callable[[int], str] = lambda generation: "-",
    ) -> Response:
        """The cached answer, or ``build()``'s, cached. ``version(generation)`` gives the model's version as
        of that generation (the matcher brought up to it); ``parts`` the subject, parameters and viewer."""
        if self.seconds <= 0:
            return _response(build().model_dump_json().encode())
        generation = self.changes.generation()
        key = _key(kind, version(generation), generation, today, parts)
        body = self._get(key)
        if body is None:
            body = build().model_dump_json().encode()
            self.cache.set(key, self.cipher.encrypt(body.decode()), self.seconds)
        return _response(body)

    def cached(
        self, kind: str, parts: str, *, today: dt.date, version: str, generation: int | None = None
    ) -> bytes | None:
        """The answer ``answer`` would send from the cache, or None (``api.answer_fastpath``)."""
        if self.seconds <= 0:
            return None
        generation = self.changes.generation() if generation is None else generation
        return self._get(_key(kind, version, generation, today, parts))

    def _get(self, key: str) -> bytes | None:
        raw = self.cache.get(key)
        if raw is None:
            return None
        try:
            return self.cipher.decrypt(raw).encode()
        except InvalidInput:  # written under another key: compute afresh
            return None


def _key(kind: str, version: str, generation: int, today: dt.date, parts: str) -> str:
    return f"answer:{kind}:{version}:{generation}:{today.isoformat()}:{parts}"


def _response(body: bytes) -> Response:
    return Response(content=body, media_type=_JSON)


async def _responses(
    request: Request,
    cache: Annotated[Cache, Depends(get_cache)],
    cipher: Annotated[PersonalDataCipher, Depends(get_cipher)],
    changes: Annotated[Changes, Depends(get_changes)],
) -> ResponseCache:
    seconds = request.app.state.settings.result_cache_seconds
    return ResponseCache(cache, cipher, changes, seconds)


Responses = Annotated[ResponseCache, Depends(_responses)]
