"""The job queue on RQ (``api.queue``'s ``JobQueue`` with Redis): the app enqueues, ``anye worker`` runs.

Jobs are stored JSON-serialised (no pickles in Redis). What a job needs besides its arguments is kept in
its ``meta``: kind, owner, viewers, attempts and, when it failed, the Chinese error. The worker runs
``perform``, which opens its own settings, database engine and cache; the original traceback of a failure
is logged in the worker and replaced by a ``JobFailed`` carrying the Chinese message, so nothing else of it
reaches Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from rq import Queue, SimpleWorker, get_current_job
from rq.exceptions import DuplicateJobError, InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RQStatus
from rq.serializers import JSONSerializer

from api.changes import Changes
from api.errors import Unavailable
from api.job_tasks import JobContext, run_task
from api.queue import JobInfo, JobStatus, failure_message, new_job_id, not_failed, not_found
from api.settings import load_settings
from models.cache import build_cache

__all__ = ["QUEUE_NAME", "JobFailed", "QueueUnavailable", "RedisJobQueue", "perform", "run_worker"]

QUEUE_NAME = "anye"
_KEEP_SECONDS = 30 * 24 * 3600  # finished and failed jobs (and their results) stay this long
_TIMEOUT_SECONDS = 4 * 3600  # a job running longer is stopped (the full city's import takes minutes)
_ABORTED = "任务未能完成（后台任务进程中断）。请点“重试”再运行一次。"
_UNAVAILABLE = "任务队列暂时不可用（无法连接 Redis），请稍后再试；如持续出现，请联系管理员。"

_STATUS = {
    RQStatus.STARTED: JobStatus.STARTED,
    RQStatus.FINISHED: JobStatus.FINISHED,
    RQStatus.FAILED: JobStatus.FAILED,
    RQStatus.STOPPED: JobStatus.FAILED,
    RQStatus.CANCELED: JobStatus.FAILED,
}  # everything else (created, queued, deferred, scheduled ...) is waiting: queued

log = logging.getLogger("anye.jobs")


class QueueUnavailable(Unavailable):
    """Redis cannot be reached: jobs can be neither queued nor looked up."""


class JobFailed(Exception):
    """Raised in the worker instead of a job's own exception; its message is the Chinese error."""


@contextmanager
def _reaching_redis() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as exc:
        log.warning("job queue unavailable: %s", type(exc).__name__)
        raise QueueUnavailable(_UNAVAILABLE) from None


class RedisJobQueue:
    backend = "redis"

    def __init__(self, connection: redis.Redis, name: str = QUEUE_NAME) -> None:
        self._connection = connection
        self._queue = Queue(name, connection=connection, serializer=JSONSerializer)

    @classmethod
    def from_url(cls, url: str, name: str = QUEUE_NAME) -> RedisJobQueue:
        return cls(redis.Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=5.0), name)

    def enqueue(
        self, kind: str, payload: dict[str, Any], *, job_id: str | None = None, owner_account_id: int
    ) -> JobInfo:
        meta = {"kind": kind, "owner": owner_account_id, "viewers": [], "attempts": 0}
        with _reaching_redis():
            try:
                job = self._queue.enqueue_call(
                    perform,
                    args=(kind, payload),
                    job_id=job_id or new_job_id(kind),
                    unique=True,  # atomic: two uploads of one file at once make one job
                    meta=meta,
                    description=kind,  # not the arguments: the worker's log shows this
                    timeout=_TIMEOUT_SECONDS,
                    result_ttl=_KEEP_SECONDS,
                    failure_ttl=_KEEP_SECONDS,
                )
            except DuplicateJobError:
                assert job_id is not None
                return self._again(job_id, owner_account_id)
            return _info(job)

    def _again(self, job_id: str, account_id: int) -> JobInfo:
        job = self._fetch(job_id)
        if job is None:  # expired between the two calls
            raise not_found()
        viewers = list(job.meta.get("viewers", []))
        if account_id != job.meta.get("owner") and account_id not in viewers:
            job.meta["viewers"] = [*viewers, account_id]
            job.save_meta()
        info = _info(job)
        return self._requeue(job) if info.status is JobStatus.FAILED else info

    def get(self, job_id: str) -> JobInfo | None:
        with _reaching_redis():
            job = self._fetch(job_id)
            return _info(job) if job is not None else None

    def retry(self, job_id: str) -> JobInfo:
        with _reaching_redis():
            job = self._fetch(job_id)
            if job is None:
                raise not_found()
            info = _info(job)
            if info.status is not JobStatus.FAILED:
                raise not_failed(info)
            return self._requeue(job)

    def close(self) -> None:
        self._connection.close()

    def _fetch(self, job_id: str) -> Job | None:
        try:
            job = Job.fetch(job_id, connection=self._connection, serializer=JSONSerializer)
        except (NoSuchJobError, ValueError):
            return None
        return job if "kind" in job.meta and job.origin == self._queue.name else None

    def _requeue(self, job: Job) -> JobInfo:
        job.meta.pop("error", None)
        job.save_meta()
        try:
            job.requeue()
        except InvalidJobOperation:  # stopped or canceled: not in the failed registry
            self._queue.enqueue_job(job)
        return _info(job, refresh=True)


def _info(job: Job, *, refresh: bool = False) -> JobInfo:
    if refresh:
        job.refresh()
    meta = job.meta
    status = _STATUS.get(job.get_status(refresh=False), JobStatus.QUEUED)
    result = job.return_value() if status is JobStatus.FINISHED else None
    return JobInfo(
        id=job.id,
        kind=str(meta["kind"]),
        status=status,
        owner_account_id=int(meta["owner"]),
        enqueued_at=job.enqueued_at,
        started_at=job.started_at if status is not JobStatus.QUEUED else None,
        ended_at=job.ended_at if status in (JobStatus.FINISHED, JobStatus.FAILED) else None,
        result=result if isinstance(result, dict) else None,
        error=(meta.get("error") or _ABORTED) if status is JobStatus.FAILED else None,
        attempts=int(meta.get("attempts", 0)),
        viewer_ids=frozenset(int(v) for v in meta.get("viewers", [])),
    )


def perform(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What the worker runs for every job: the task with the worker's own settings, engine and cache."""
    job = get_current_job()
    assert job is not None, "perform runs inside an RQ worker"
    job.meta["attempts"] = int(job.meta.get("attempts", 0)) + 1
    job.meta.pop("error", None)
    job.save_meta()
    try:
        settings = load_settings()
        context = JobContext(settings, Changes(build_cache(settings.redis_url)), job.id)
        return run_task(context, kind, payload)
    except Exception as exc:
        job.meta["error"] = message = failure_message(exc, job.id)
        job.save_meta()
    raise JobFailed(message)  # outside the except block: no chained traceback of the original


def run_worker(redis_url: str, *, burst: bool = False, name: str = QUEUE_NAME) -> bool:
    """Process the queue (``burst``: until it is empty). A ``SimpleWorker`` runs each job in this
    process: no fork, so the tokenizer, models and engine pool are not copied per job, and a ledger import
    may start its own reader process. Returns whether any job ran."""
    connection = redis.Redis.from_url(redis_url, socket_connect_timeout=5.0)
    with _reaching_redis():
        connection.ping()
        queue = Queue(name, connection=connection, serializer=JSONSerializer)
        worker = SimpleWorker([queue], connection=connection, serializer=JSONSerializer, log_job_description=False)
        return bool(worker.work(burst=burst, logging_level="INFO"))
