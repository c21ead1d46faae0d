"""The job functions (后台任务): what ``api.queue`` runs, in an ``anye worker`` or the app's job thread.

Each opens its own engine and session from the settings it is given, commits, then tells ``Changes`` (the
cache generation is bumped; in the app's thread the matcher hears of it too), so the API never serves a
result from before the job. Each returns a small JSON dict. Files go under ``var/``::

    var/uploads/<sha256>.<ext>           an uploaded ledger until its import succeeds
    var/imports/<job id>/report.json     the import's problems report (``ingest.ledger_report``)
    var/imports/<job id>/rejects.xlsx    its rejected rows, to correct and import again
    var/recommendations/<job id>.jsonl   a batch of recommendations, one worker a line
    var/models/<version>/                a trained ranking model
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.allocation_job import run_plan
from api.changes import Changes
from api.settings import Settings
from ingest.ledger import PARALLEL_FROM_BYTES, FileReport, LedgerImport
from ingest.ledger_report import write_rejects, write_report
from matcher.load import day
from matcher.search import Matcher
from matcher.service import build_matcher, train_model
from matcher.tokenizer import Tokenizer
from models.db import build_engine, build_session_factory
from models.errors import InvalidInput, NotFound
from models.repository import LedgerRepository
from models.taxonomy import default_taxonomy

__all__ = [
    "REJECTS_FILE",
    "REPORT_FILE",
    "JobContext",
    "allocate",
    "import_dir",
    "import_ledger",
    "recommend_all",
    "recommendations_file",
    "retrain",
    "run_task",
    "uploads_dir",
]

REPORT_FILE = "report.json"
REJECTS_FILE = "rejects.xlsx"
_COUNTS = ("rows", "created", "updated", "unchanged", "stale", "duplicates", "rejected", "not_served")


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job runs with. ``may_fork``: whether a big ledger may be read in a forked child process (yes
    in an ``anye worker``; not in the app, whose other threads could hold a lock at the fork)."""

    settings: Settings
    changes: Changes
    job_id: str
    may_fork: bool = True


def uploads_dir(settings: Settings) -> Path:
    return settings.var_dir / "uploads"


def import_dir(settings: Settings, job_id: str) -> Path:
    return settings.var_dir / "imports" / job_id


def recommendations_file(settings: Settings, job_id: str) -> Path:
    return settings.var_dir / "recommendations" / f"{job_id}.jsonl"


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _named(upload: Path, original_name: str) -> Iterator[Path]:
    """The upload under the name it was sent with: the import reports that name and may read the ledger's
    date from it (``台账2024年3月.xlsx``)."""
    name = Path(original_name.replace("\\", "/")).name or upload.name
    with tempfile.TemporaryDirectory(prefix=".import-", dir=upload.parent) as folder:
        path = Path(folder) / name
        try:
            os.link(upload, path)
        except OSError:  # a file system without hard links
            shutil.copyfile(upload, path)
        yield path


def import_ledger(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Import one uploaded ledger as ``anye ingest ledger`` does, only into ``allowed_site_ids`` when given;
    write its report and rejects workbook. Importing a file already imported changes nothing."""
    settings = context.settings
    upload = uploads_dir(settings) / str(payload["upload"])
    if not upload.is_file():
        raise NotFound("上传的文件已不在服务器上，请重新上传。")
    allowed: Collection[int] | None = payload.get("allowed_site_ids")
    with _named(upload, str(payload["original_name"])) as path, _session(settings) as session:
        importer = LedgerImport(
            session,
            settings.cipher,
            default_taxonomy(),
            actor=payload.get("actor"),
            allowed_site_ids=allowed,
            parallel_from_bytes=PARALLEL_FROM_BYTES if context.may_fork else sys.maxsize,
        )
        report = _import_file(context.changes, session, importer, path)
    out = import_dir(settings, context.job_id)
    out.mkdir(parents=True, exist_ok=True)
    write_report([report], out / REPORT_FILE)
    rejected_rows = write_rejects([report], out / REJECTS_FILE)
    if report.error:
        raise InvalidInput(report.error)
    upload.unlink(missing_ok=True)  # the plain ledger is not kept once it is in (the database holds it sealed)
    return {
        "file": report.file,
        "batch_id": report.batch_id,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "counts": {k: int(report.counts[k]) for k in _COUNTS if k in report.counts},
        "problems": len(report.problems),
        "rejected_rows": rejected_rows,
        "report_file": REPORT_FILE,
        "rejects_file": REJECTS_FILE,
    }


def _import_file(changes: Changes, session: Session, importer: LedgerImport, path: Path) -> FileReport:
    """One file in one transaction; the workers it created or changed are announced after the commit."""
    try:
        report = importer.import_file(path)
        if report.batch_id is not None:
            for worker_id in LedgerRepository(session).worker_ids_of_batch(report.batch_id):
                changes.worker_changed(session, worker_id)
        session.commit()
    except BaseException:
        session.rollback()
        changes.discard(session)
        raise
    changes.flush(session)
    return report


def retrain(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Train the ranking model on every known outcome into ``var/models``; too few outcomes is a Chinese
    error (the job fails and the weighted score keeps ranking)."""
    settings = context.settings
    with _session(settings) as session:
        folder, meta = train_model(
            session, Tokenizer().tokens, today=dt.date.today(), models_dir=settings.var_dir / "models"
        )
        context.changes.model_changed(session)
        session.commit()
        context.changes.flush(session)
    return {
        "version": meta.version,
        "metrics": meta.metrics,
        "n_train": meta.n_train,
        "n_positive": meta.n_positive,
    }


def recommend_all(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The best ``top`` open postings for every available worker (of ``site_ids`` when given), one JSON
    line per worker, as ``anye recommend --all --jsonl`` prints them."""
    settings = context.settings
    top = int(payload.get("top", 10))
    sites: Collection[int] | None = payload.get("site_ids")
    today = dt.date.today()
    with _session(settings) as session:
        matcher = build_matcher(
            session, Tokenizer().tokens, default_taxonomy(), today=today, models_dir=settings.var_dir / "models"
        )
    out = recommendations_file(settings, context.job_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as fh:
        lines = 0
        for line in _recommendation_lines(matcher, today, top, None if sites is None else frozenset(sites)):
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            lines += 1
    partial.replace(out)  # a download never sees half a file
    return {"file": out.name, "lines": lines, "top": top}


def _recommendation_lines(
    matcher: Matcher, today: dt.date, top: int, sites: frozenset[int] | None
) -> Iterator[dict[str, Any]]:
    workers = matcher.workers
    if workers is None:
        return
    live = matcher.worker_text.live
    for row in range(len(workers)):
        if not (live[row] and workers.available[row]):
            continue
        if sites is not None and int(workers.site_id[row]) not in sites:
            continue
        worker_id = int(workers.worker_id[row])
        items = matcher.recommend(worker_id, today=day(today), top=top)
        yield {"worker_id": worker_id, "recommendations": [p._asdict() for p in items]}


def allocate(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """A match-day plan stored as a preview (``api.allocation_job``)."""
    return run_plan(context.settings, payload)


Task = Callable[[JobContext, dict[str, Any]], dict[str, Any]]
TASKS: dict[str, Task] = {
    "import_ledger": import_ledger,
    "retrain": retrain,
    "recommend_all": recommend_all,
    "allocate": allocate,
}


def run_task(context: JobContext, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    task = TASKS.get(kind)
    if task is None:
        raise InvalidInput(f"未知的任务类型：{kind}。")
    return task(context, payload)
