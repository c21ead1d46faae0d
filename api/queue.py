"""The job queue (任务队列): long work (ledger imports, retraining, batch recommendations) outside requests.

``RedisJobQueue`` puts jobs on RQ's queue ``anye`` on the cache's Redis, where ``anye worker`` processes
(``api.cli_worker``) run them; ``ThreadJobQueue`` is the embedded mode (no Redis): one background thread of
the app runs them, and their state lives in memory. Both speak ``JobQueue``; routes never ask which one.

A job given an id that already exists is not queued again: the existing job is returned (and run again only
if it had failed). A job's ``error`` is Chinese and safe to show: a domain error's detail, or a generic
message for anything unexpected, whose traceback goes to the log of the process that ran it and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue as stdlib_queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from fastapi import Request

from api.changes import Changes
from api.job_tasks import JobContext, run_task
from api.settings import Settings
from models.base import utcnow
from models.errors import AnyeError, Conflict, NotFound

__all__ = [
    "GENERIC_FAILURE",
    "KIND_LABELS",
    "JobInfo",
    "JobQueue",
    "JobStatus",
    "Runner",
    "ThreadJobQueue",
    "build_queue",
    "failure_message",
    "get_queue",
    "new_job_id",
]

log = logging.getLogger("anye.jobs")

GENERIC_FAILURE = "任务运行出错，已记录在后台任务日志中。请稍后点“重试”；如仍失败，请联系管理员并告知任务编号。"
KIND_LABELS = {
    "import_ledger": "导入台账",
    "retrain": "重新训练排序模型",
    "recommend_all": "批量推荐岗位",
    "allocate": "撮合日计划",
}


class JobStatus(StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    JobStatus.QUEUED: "排队中",
    JobStatus.STARTED: "运行中",
    JobStatus.FINISHED: "已完成",
    JobStatus.FAILED: "失败",
}


@dataclass(frozen=True, slots=True)
class JobInfo:
    """A job as callers see it. ``viewer_ids``: other accounts that submitted the same job (the same file)
    and so may follow it like its owner."""

    id: str
    kind: str
    status: JobStatus
    owner_account_id: int
    enqueued_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    viewer_ids: frozenset[int] = frozenset()

    def visible_to(self, account_id: int) -> bool:
        return account_id == self.owner_account_id or account_id in self.viewer_ids

    def shared_with(self, account_id: int) -> JobInfo:
        if self.visible_to(account_id):
            return self
        return replace(self, viewer_ids=self.viewer_ids | {account_id})


class JobQueue(Protocol):
    backend: str

    def enqueue(
        self, kind: str, payload: dict[str, Any], *, job_id: str | None = None, owner_account_id: int
    ) -> JobInfo:
        """Queue a job; with the id of an existing job, that job (retried if it had failed)."""
        ...

    def get(self, job_id: str) -> JobInfo | None: ...

    def retry(self, job_id: str) -> JobInfo:
        """Run a failed job again (``NotFound``; ``Conflict`` unless it failed)."""
        ...

    def close(self) -> None: ...


# (job id, kind, payload) -> result
Runner = Callable[[str, str, dict[str, Any]], dict[str, Any]]


def new_job_id(kind: str) -> str:
    return f"{kind.replace('_', '-')}-{uuid.uuid4().hex}"


def failure_message(exc: BaseException, job_id: str) -> str:
    """What a failed job shows: a domain error's Chinese detail, else a generic message (traceback logged)."""
    if isinstance(exc, AnyeError):
        log.info("job %s failed: %s", job_id, type(exc).__name__)
        return exc.detail
    log.error("job %s failed", job_id, exc_info=exc)
    return GENERIC_FAILURE


def not_found() -> NotFound:
    return NotFound("找不到这个任务（任务编号有误，或已过期被清理）。")


def not_failed(info: JobInfo) -> Conflict:
    return Conflict(f"只有失败的任务可以重试；此任务{info.status.label}。")


@dataclass(slots=True)
class _Entry:
    info: JobInfo
    payload: dict[str, Any] = field(default_factory=dict)


class ThreadJobQueue:
    """The embedded mode: jobs run one at a time on a background thread of this process."""

    backend = "thread"

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._todo: stdlib_queue.SimpleQueue[str | None] = stdlib_queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="anye-jobs", daemon=True)
        self._thread.start()

    def enqueue(
        self, kind: str, payload: dict[str, Any], *, job_id: str | None = None, owner_account_id: int
    ) -> JobInfo:
        job_id = job_id or new_job_id(kind)
        with self._lock:
            entry = self._entries.get(job_id)
            if entry is None:
                info = JobInfo(job_id, kind, JobStatus.QUEUED, owner_account_id, enqueued_at=utcnow())
                self._entries[job_id] = _Entry(info, dict(payload))
                self._todo.put(job_id)
                return info
            entry.info = entry.info.shared_with(owner_account_id)
            if entry.info.status is JobStatus.FAILED:
                self._requeue(entry)
            return entry.info

    def get(self, job_id: str) -> JobInfo | None:
        with self._lock:
            entry = self._entries.get(job_id)
            return entry.info if entry else None

    def retry(self, job_id: str) -> JobInfo:
        with self._lock:
            entry = self._entries.get(job_id)
            if entry is None:
                raise not_found()
            if entry.info.status is not JobStatus.FAILED:
                raise not_failed(entry.info)
            self._requeue(entry)
            return entry.info

    def close(self, timeout: float = 60.0) -> None:
        """Stop after the job running now (waiting at most ``timeout`` seconds); queued jobs are dropped."""
        self._todo.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("a background job was still running when the app stopped")

    def _requeue(self, entry: _Entry) -> None:
        entry.info = replace(entry.info, status=JobStatus.QUEUED, enqueued_at=utcnow(), ended_at=None)
        self._todo.put(entry.info.id)

    def _work(self) -> None:
        while (job_id := self._todo.get()) is not None:
            with self._lock:
                entry = self._entries[job_id]
                entry.info = info = replace(
                    entry.info,
                    status=JobStatus.STARTED,
                    started_at=utcnow(),
                    ended_at=None,
                    result=None,
                    error=None,
                    attempts=entry.info.attempts + 1,
                )
            self._run(entry, info)

    def _run(self, entry: _Entry, info: JobInfo) -> None:
        try:
            result = self._runner(info.id, info.kind, entry.payload)
        except Exception as exc:
            error = failure_message(exc, info.id)
            with self._lock:
                entry.info = replace(entry.info, status=JobStatus.FAILED, error=error, ended_at=utcnow())
            return
        with self._lock:
            entry.info = replace(entry.info, status=JobStatus.FINISHED, result=result, ended_at=utcnow())


def build_queue(settings: Settings, changes: Changes) -> JobQueue:
    """RQ on the configured Redis; without one, a background thread running jobs with this app's settings
    and ``changes`` (so this process's matcher hears of what a job changed)."""
    if settings.redis_url:
        from api.queue_redis import RedisJobQueue

        return RedisJobQueue.from_url(settings.redis_url)

    def runner(job_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return run_task(JobContext(settings, changes, job_id, may_fork=False), kind, payload)

    return ThreadJobQueue(runner)


async def get_queue(request: Request) -> JobQueue:
    """The app's job queue (built in the lifespan); tests swap it through ``app.dependency_overrides``."""
    job_queue: JobQueue = request.app.state.queue
    return job_queue
