"""The background-thread queue of the embedded mode with a fake job: what a person following a job sees when
it fails (a Chinese message, never the exception's text) and when a retry succeeds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from api.queue import GENERIC_FAILURE, JobInfo, JobStatus, ThreadJobQueue
from api.queue_redis import QueueUnavailable, RedisJobQueue
from models.errors import Conflict, InvalidInput, NotFound


class FlakyTask:
    """Fails on its first runs (as told), then returns what it was given."""

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.runs: list[str] = []

    def __call__(self, job_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.runs.append(job_id)
        if self.failures:
            raise self.failures.pop(0)
        return {"kind": kind, **payload}


@pytest.fixture
def task() -> FlakyTask:
    return FlakyTask([InvalidInput("训练数据不足，请补充后重试。"), RuntimeError("worker row 17: value out of range")])


@pytest.fixture
def queue(task: FlakyTask) -> Iterator[ThreadJobQueue]:
    q = ThreadJobQueue(task)
    yield q
    q.close()


def _settled(queue: ThreadJobQueue, job_id: str) -> JobInfo:
    deadline = time.monotonic() + 30
    while True:
        info = queue.get(job_id)
        assert info is not None
        if info.status in (JobStatus.FINISHED, JobStatus.FAILED) or time.monotonic() > deadline:
            return info
        time.sleep(0.01)


def test_a_failed_job_keeps_its_error_until_a_retry_succeeds(queue: ThreadJobQueue, task: FlakyTask) -> None:
    job = queue.enqueue("retrain", {"n": 1}, owner_account_id=7)
    assert job.status is JobStatus.QUEUED and job.status.label == "排队中" and job.enqueued_at is not None
    first = _settled(queue, job.id)
    assert (first.status.label, first.error, first.attempts) == ("失败", "训练数据不足，请补充后重试。", 1)
    second = _settled(queue, queue.retry(job.id).id)
    # an unexpected error shows a generic message: the exception's text stays in the log
    assert second.error == GENERIC_FAILURE and "row 17" not in GENERIC_FAILURE and second.attempts == 2
    third = _settled(queue, queue.retry(job.id).id)
    assert third.status is JobStatus.FINISHED and third.error is None and third.result == {"kind": "retrain", "n": 1}
    assert third.attempts == 3 and task.runs == [job.id] * 3
    assert third.started_at is not None and third.ended_at is not None and third.ended_at >= third.started_at


def test_the_same_job_id_is_one_job_shared_with_a_second_submitter(queue: ThreadJobQueue, task: FlakyTask) -> None:
    task.failures.clear()
    first = queue.enqueue("import_ledger", {"file": "a"}, job_id="import-abc", owner_account_id=1)
    again = queue.enqueue("import_ledger", {"file": "a"}, job_id="import-abc", owner_account_id=2)
    assert again.id == first.id and again.visible_to(1) and again.visible_to(2) and not again.visible_to(3)
    done = _settled(queue, first.id)
    assert done.status is JobStatus.FINISHED and task.runs == ["import-abc"]
    with pytest.raises(Conflict, match="只有失败的任务可以重试；此任务已完成。"):
        queue.retry(first.id)
    with pytest.raises(NotFound, match="找不到这个任务"):
        queue.retry("no-such-job")
    assert queue.get("no-such-job") is None


def test_a_queue_whose_redis_is_away_says_so_in_chinese() -> None:
    queue = RedisJobQueue.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with pytest.raises(QueueUnavailable, match="任务队列暂时不可用"):
        queue.enqueue("retrain", {}, owner_account_id=1)
    with pytest.raises(QueueUnavailable):
        queue.get("retrain-1")
    queue.close()
