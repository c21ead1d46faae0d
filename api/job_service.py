"""Job use cases (后台任务) behind ``api.routes.jobs``: submit an import, a retraining or a batch of
recommendations; read, retry and download what a job made. Who may see a job: its owner, anyone who
submitted the same job (the same file), and administrators; to everyone else it does not exist (404).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from api.accounts import Scope
from api.allocation import PlanRequest, check_request
from api.allocation_job import plan_payload
from api.job_tasks import REJECTS_FILE, REPORT_FILE, import_dir, recommendations_file, uploads_dir
from api.queue import JobInfo, JobQueue, JobStatus, not_found
from api.settings import Settings
from models.errors import InvalidInput, NotFound
from models.vocab import Role

__all__ = [
    "LEDGER_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "StoredUpload",
    "import_job_id",
    "job_file",
    "retry_job",
    "store_upload",
    "submit_batch",
    "submit_ledger_import",
    "submit_plan",
    "submit_retrain",
    "visible_job",
]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class StoredUpload:
    name: str  # <sha256>.<ext> under var/uploads
    sha256: str


def store_upload(stream: BinaryIO, filename: str, folder: Path, *, limit: int = MAX_UPLOAD_BYTES) -> StoredUpload:
    """Copy an uploaded ledger to ``folder/<sha256>.<ext>``, refusing other kinds of file, empty files and
    files over ``limit`` bytes (nothing is left behind then)."""
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    if suffix not in LEDGER_SUFFIXES:
        raise InvalidInput("只能导入 Excel（.xlsx、.xls）或 CSV 文件。请用 Excel 或 WPS 另存为 .xlsx 后重新上传。")
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", delete=False) as tmp:
        try:
            while block := stream.read(_BLOCK):
                size += len(block)
                if size > limit:
                    raise InvalidInput(
                        f"文件太大（超过 {limit // (1024 * 1024)} MB）。请按安置点或月份拆分成几个文件分别上传。"
                    )
                digest.update(block)
                tmp.write(block)
            if size == 0:
                raise InvalidInput("文件是空的，请检查后重新上传。")
        except BaseException:
            os.unlink(tmp.name)
            raise
    stored = StoredUpload(f"{digest.hexdigest()}{suffix}", digest.hexdigest())
    os.replace(tmp.name, folder / stored.name)
    return stored


def import_job_id(sha256: str, allowed_site_ids: frozenset[int] | None) -> str:
    """One job per file content and site restriction: the same file submitted again is the same job."""
    if allowed_site_ids is None:
        return f"import-{sha256}"
    sites = hashlib.sha256(",".join(map(str, sorted(allowed_site_ids))).encode()).hexdigest()[:16]
    return f"import-{sha256}-sites-{sites}"


def submit_ledger_import(queue: JobQueue, settings: Settings, scope: Scope, stream: BinaryIO, filename: str) -> JobInfo:
    """Store the upload and queue its import; a broker's import takes only rows of the sites they serve."""
    folder = uploads_dir(settings)
    stored = store_upload(stream, filename, folder)
    allowed = scope.site_ids if scope.role is Role.BROKER else None
    payload = {
        "upload": stored.name,
        "original_name": filename,
        "allowed_site_ids": sorted(allowed) if allowed is not None else None,
        "actor": scope.username,
    }
    info = queue.enqueue(
        "import_ledger", payload, job_id=import_job_id(stored.sha256, allowed), owner_account_id=scope.account_id
    )
    if info.status is JobStatus.FINISHED:  # imported before: the copy just stored is not needed
        (folder / stored.name).unlink(missing_ok=True)
    return info


def submit_retrain(queue: JobQueue, scope: Scope) -> JobInfo:
    return queue.enqueue("retrain", {}, owner_account_id=scope.account_id)


def submit_batch(queue: JobQueue, scope: Scope, top: int) -> JobInfo:
    """Recommendations for every available worker the account may see (a broker's sites, a county
    administrator's counties, the whole city)."""
    sites = sorted(scope.site_ids) if scope.site_ids is not None else None
    return queue.enqueue("recommend_all", {"top": top, "site_ids": sites}, owner_account_id=scope.account_id)


def submit_plan(queue: JobQueue, session: Session, scope: Scope, request: PlanRequest) -> JobInfo:
    """A match-day plan (``api.allocation``), checked now (region, limits, employers) and made in the background."""
    check_request(session, scope, request)
    return queue.enqueue("allocate", plan_payload(scope, request), owner_account_id=scope.account_id)


def visible_job(queue: JobQueue, scope: Scope, job_id: str) -> JobInfo:
    info = queue.get(job_id)
    if info is None or not (scope.role is Role.ADMIN or info.visible_to(scope.account_id)):
        raise not_found()
    return info


def retry_job(queue: JobQueue, scope: Scope, job_id: str) -> JobInfo:
    visible_job(queue, scope, job_id)
    return queue.retry(job_id)


_FILES = {
    "report": ("import_ledger", "导入报告"),
    "rejects": ("import_ledger", "未导入的行"),
    "recommendations": ("recommend_all", "批量推荐结果"),
}


def job_file(queue: JobQueue, settings: Settings, scope: Scope, job_id: str, which: str) -> Path:
    """A file a job wrote: an import's ``report`` or ``rejects``, a batch's ``recommendations``."""
    info = visible_job(queue, scope, job_id)
    kind, title = _FILES[which]
    if info.kind != kind:
        raise NotFound(f"这个任务没有{title}。")
    if which == "recommendations":
        path = recommendations_file(settings, info.id)
    else:
        path = import_dir(settings, info.id) / (REPORT_FILE if which == "report" else REJECTS_FILE)
    if info.status in (JobStatus.QUEUED, JobStatus.STARTED):
        raise NotFound(f"{title}还没有生成（任务{info.status.label}），请等任务完成后再下载。")
    if not path.is_file():
        raise NotFound(f"这个任务没有留下{title}（任务{info.status.label}）。")
    return path
