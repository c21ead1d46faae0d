"""The matcher the app holds (``app.state.matcher``): built from the database on first use, kept current after
every commit, rebuilt when something changed that this process did not see.

Keeping it current: the app's ``Changes`` tells ``LiveMatcher`` what each committed unit of work changed and
the generation its announcement made. Before answering, a reader passes the shared generation it read; if
every generation since the one the matcher reflects was announced here, the changed workers and postings are
refreshed in place (``matcher.service.refresh``); if one was not (a job or another process changed things),
or the model changed, or the day turned, the matcher is rebuilt. So a result computed under generation ``g``
never comes from a matcher older than ``g``.

Threads: many readers at once, one writer. A refresh changes the matcher in place, so it waits for readers
to finish (``ReadWriteLock``); a rebuild makes a new matcher while readers keep using the old one, then
swaps it in.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

from api.changes import Changes, ChangeSet
from matcher.search import Matcher
from matcher.service import build_matcher, refresh
from matcher.tokenizer import Tokenizer
from models.taxonomy import Taxonomy, default_taxonomy

__all__ = ["Build", "LiveMatcher", "ReadWriteLock", "default_build", "shared_tokenizer"]

Build = Callable[[Session, dt.date], Matcher]
# Dead rows (replaced or removed) beyond this share of a side are dropped by a compaction after a refresh.
_DEAD_SHARE = 0.25


@cache
def shared_tokenizer() -> Tokenizer:
    """The one tokenizer of the process (building its dictionary takes a while; it is read-only after)."""
    return Tokenizer()


def default_build(models_dir: Path | None, *, taxonomy: Taxonomy | None = None) -> Build:
    """Build as the CLI does: the shared tokenizer, the default taxonomy, the newest model in ``models_dir``."""

    def build(session: Session, today: dt.date) -> Matcher:
        return build_matcher(
            session, shared_tokenizer().tokens, taxonomy or default_taxonomy(), today=today, models_dir=models_dir
        )

    return build


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers, so refreshes are not starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class LiveMatcher:
    """See the module docstring. ``sessions`` opens a session of its own for building and refreshing."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        changes: Changes,
        build: Build,
        *,
        clock: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._sessions = sessions
        self._build = build
        self.clock = clock
        self._matcher: Matcher | None = None
        self._built_on: dt.date | None = None
        self._seen = 0  # the generation the matcher reflects
        self._pending = ChangeSet()  # announced here, not yet applied
        self._announced: set[int] = set()  # generations announced here, above ``_seen``
        self._dirty = False
        self._state = threading.Lock()  # guards the three above (the listener runs in committing threads)
        self._writer = threading.Lock()  # one rebuild or refresh at a time
        self._rw = ReadWriteLock()
        self.builds = 0  # how many times the matcher was built (for health pages and tests)
        changes.subscribe(self._changed)

    def _changed(self, changed: ChangeSet) -> None:
        with self._state:
            self._pending.worker_ids |= changed.worker_ids
            self._pending.posting_ids |= changed.posting_ids
            self._pending.model |= changed.model
            if changed.generation:
                self._announced.add(changed.generation)
            self._dirty = True

    @contextmanager
    def reading(self, generation: int) -> Iterator[Matcher]:
        """The matcher, at least as current as ``generation``, held for reading (no refresh meanwhile)."""
        today = self.clock()
        self._sync(generation, today)
        with self._rw.reading():
            matcher = self._matcher
            assert matcher is not None
            yield matcher

    def version_if_current(self, generation: int) -> str | None:
        """The model's version when the matcher already reflects ``generation`` and today; else None (the
        caller takes the full way, which brings the matcher up to date)."""
        matcher = self._matcher
        if matcher is None or not self._current(generation, self.clock()):
            return None
        return matcher.scorer.version

    def version(self, generation: int) -> str:
        """The ranking model's version (or the fallback score's) of the matcher as of ``generation``."""
        with self.reading(generation) as matcher:
            return matcher.scorer.version

    def _current(self, generation: int, today: dt.date) -> bool:
        return self._matcher is not None and not self._dirty and generation == self._seen and self._built_on == today

    def _sync(self, generation: int, today: dt.date) -> None:
        if self._current(generation, today):
            return
        with self._writer:
            if self._current(generation, today):
                return
            with self._state:
                pending, self._pending = self._pending, ChangeSet()
                announced, self._dirty = self._announced, False
                self._announced = {g for g in announced if g > generation}
            unseen = range(self._seen + 1, generation + 1)
            foreign = generation < self._seen or any(g not in announced for g in unseen)
            if self._matcher is None or foreign or pending.model or self._built_on != today:
                self._rebuild(today)
            elif pending:
                self._refresh(pending, today)
            self._seen = generation

    def _rebuild(self, today: dt.date) -> None:
        with self._sessions() as session:
            matcher = self._build(session, today)
        with self._rw.writing():
            self._matcher, self._built_on = matcher, today
            self.builds += 1

    def _refresh(self, pending: ChangeSet, today: dt.date) -> None:
        matcher = self._matcher
        assert matcher is not None
        with self._sessions() as session, self._rw.writing():
            refresh(
                matcher,
                session,
                today=today,
                worker_ids=sorted(pending.worker_ids),
                posting_ids=sorted(pending.posting_ids),
            )
            if _mostly_dead(matcher):
                matcher.compact()


def _mostly_dead(matcher: Matcher) -> bool:
    for live in (matcher.worker_text.live, matcher.posting_text.live):
        if len(live) and (len(live) - int(live.sum())) > _DEAD_SHARE * len(live):
            return True
    return False
