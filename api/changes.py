"""What changed in a unit of work that search results depend on: workers, postings, the ranking model.

Routes and jobs note changes on the session (``worker_changed`` ...); when the unit of work commits,
``flush`` bumps the shared generation counter in the cache (so cached candidate lists and recommendations
keyed by it are never served after a change, in any process) and tells this process's listeners (the
in-memory matcher refreshes the changed rows). Nothing is announced for a unit of work that rolls back.

A bump that cannot reach Redis is owed: the next call that reaches it again bumps once more, so results
cached in Redis before an outage are not served for changes made during it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.cache import Cache

__all__ = ["GENERATION_KEY", "ChangeSet", "Changes"]

GENERATION_KEY = "matching:generation"
_GENERATION_TTL = 90 * 24 * 3600
_INFO_KEY = "anye_changes"


@dataclass(slots=True)
class ChangeSet:
    worker_ids: set[int] = field(default_factory=set)
    posting_ids: set[int] = field(default_factory=set)
    model: bool = False
    # The generation this change set's announcement made (0 when the cache is away), set by ``flush``.
    generation: int = 0

    def __bool__(self) -> bool:
        return bool(self.worker_ids or self.posting_ids or self.model)


Listener = Callable[[ChangeSet], None]


class Changes:
    """See the module docstring. One per app (``app.state.changes``) or per job process."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._listeners: list[Listener] = []
        self._owed = False

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @staticmethod
    def pending(session: Session) -> ChangeSet:
        found = session.info.get(_INFO_KEY)
        if found is None:
            found = session.info[_INFO_KEY] = ChangeSet()
        return found

    def worker_changed(self, session: Session, worker_id: int) -> None:
        self.pending(session).worker_ids.add(int(worker_id))

    def posting_changed(self, session: Session, posting_id: int) -> None:
        self.pending(session).posting_ids.add(int(posting_id))

    def model_changed(self, session: Session) -> None:
        self.pending(session).model = True

    def discard(self, session: Session) -> None:
        """Forget the changes of a unit of work that rolled back."""
        session.info.pop(_INFO_KEY, None)

    def flush(self, session: Session) -> ChangeSet:
        """Call after a successful commit: bump the generation and tell the listeners; returns what changed."""
        changed: ChangeSet = session.info.pop(_INFO_KEY, None) or ChangeSet()
        if changed:
            changed.generation = self.bump()
            for listener in self._listeners:
                listener(changed)
        return changed

    def bump(self) -> int:
        """A new generation: every cached result keyed by an older one is stale (0 when the cache is away)."""
        value = self.cache.incr(GENERATION_KEY, _GENERATION_TTL)
        self._owed = value == 0
        return value

    def generation(self) -> int:
        if self._owed:
            self.bump()
        raw = self.cache.get(GENERATION_KEY)
        return int(raw) if raw else 0
