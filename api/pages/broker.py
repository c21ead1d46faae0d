"""Broker and site staff pages (劳务经纪人/安置点工作人员): home, workers (masked, reveal for a reason), ledger
upload with its problems report and rejects workbook. Postings and candidates are in ``broker_postings``,
reports in ``broker_reports``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import get_cache, get_cipher, get_session
from api.figures import Area, period_of
from api.figures_tables import build_report
from api.job_service import job_file, submit_ledger_import, visible_job
from api.pages.web import Form, page_roles, posted_form, redirect, render
from api.paging import PageParams
from api.people import WorkerQuery, worker_detail, worker_page
from api.people_changes import reveal
from api.people_schemas import RevealIn
from api.queue import JobQueue, JobStatus, get_queue
from api.settings import Settings
from api.signin_link import issue_link
from api.tracking_lists import alerts, followups
from api.tracking_schemas import AlertOut, FollowUpOut
from models.cache import Cache
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput, NotFound
from models.vocab import EmploymentStatus, Role

__all__ = ["Staff", "router", "settings_of"]

router = APIRouter(prefix="/web/staff")

Staff = Annotated[Scope, Depends(page_roles(Role.ADMIN, Role.BROKER))]
DB = Annotated[Session, Depends(get_session)]
Posted = Annotated[Form, Depends(posted_form)]
Queue = Annotated[JobQueue, Depends(get_queue)]
JobId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,120}$", description="任务编号")]  # as /jobs/{id} takes it
_PAGE_SIZE = 20
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("")
def home(request: Request, scope: Staff, session: DB) -> Response:
    """The four rates of the sites the account sees, households with no one employed, alerts, follow-ups due."""
    today = dt.date.today()
    period = period_of(None, None, today)
    rates = build_report(session, scope, "rates", Area(), period).table("rates")
    zero = build_report(session, scope, "zero_employment", Area(), period).tables[0]
    found_alerts, alert_total = alerts(session, scope, state="open", site_id=None, offset=0, limit=10)
    due = followups(session, scope, due_before=today + dt.timedelta(days=7), today=today, site_id=None)
    totals = [r for r in rates.rows if r.get("level") == "合计"] or rates.rows[:1]
    context = {
        "me": scope,
        "rates": rates,
        "summary": totals[0] if totals else {},
        "zero": zero,
        "alerts": [AlertOut.of(a) for a in found_alerts],
        "alert_total": alert_total,
        "followups": [FollowUpOut.of(f) for f in due[:10]],
        "followup_total": len(due),
    }
    return render(request, "staff_home.html", context)


@router.get("/workers")
def workers(request: Request, scope: Staff, session: DB, q: str = "", status: str = "", available: str = "",
            page: int = 1) -> Response:  # fmt: skip
    """The worker list with the filters a broker uses most (name, employment status, available)."""
    query = WorkerQuery(q=q.strip() or None, status=(status,) if status else (), available=True if available else None)
    try:
        found = worker_page(session, scope, query, PageParams(page=max(page, 1), size=_PAGE_SIZE, sort=None))
    except InvalidInput as exc:
        found, error = None, exc.detail
    else:
        error = ""
    statuses = [("", "全部")] + [(s.value, s.zh) for s in EmploymentStatus]
    context = {"me": scope, "found": found, "values": {"q": q, "status": status, "available": available},
               "errors": {"": error} if error else {}, "statuses": statuses}  # fmt: skip
    return render(request, "staff_workers.html", context)


@router.get("/workers/{worker_id}")
def worker(request: Request, worker_id: int, scope: Staff, session: DB) -> Response:
    return render(request, "staff_worker.html", {"me": scope, "w": worker_detail(session, scope, worker_id)})


@router.post("/workers/{worker_id}/reveal")
def reveal_worker(request: Request, worker_id: int, scope: Staff, session: DB, form: Posted,
                  cipher: Annotated[PersonalDataCipher, Depends(get_cipher)]) -> Response:  # fmt: skip
    """The full ID number and phones for a stated reason (audited), as ``POST /workers/{id}/reveal``."""
    detail = worker_detail(session, scope, worker_id)
    values = {"reason": form.text("reason")}
    try:
        shown = reveal(session, cipher, scope, worker_id, RevealIn(reason=values["reason"]))
    except InvalidInput as exc:
        context = {"me": scope, "w": detail, "values": values, "errors": {"reason": exc.detail.split("：", 1)[-1]}}
        return render(request, "staff_worker.html", context, status=422)
    return render(request, "staff_worker.html", {"me": scope, "w": detail, "shown": shown, "values": values})


@router.post("/workers/{worker_id}/link")
def signin_link(request: Request, worker_id: int, scope: Staff, session: DB,
                cache: Annotated[Cache, Depends(get_cache)],
                cipher: Annotated[PersonalDataCipher, Depends(get_cipher)], form: Posted) -> Response:  # fmt: skip
    """A one-time sign-in link for the worker (``POST /auth/link``, audited), to show or send them."""
    detail = worker_detail(session, scope, worker_id)
    issued = issue_link(session, cache, cipher, scope, worker_id, hours=settings_of(request).link_hours)
    link = str(request.base_url).rstrip("/") + issued.path
    context = {"me": scope, "w": detail, "link": link, "link_hours": issued.expires_in // 3600}
    return render(request, "staff_worker.html", context)


@router.get("/imports")
def imports(request: Request, scope: Staff) -> Response:
    return render(request, "staff_import.html", {"me": scope})


@router.post("/imports")
def upload(request: Request, scope: Staff, form: Posted, queue: Queue) -> Response:
    """Upload a ledger: the import job of ``POST /imports/ledger``; then its page, which follows the job."""
    upload = form.file("file")
    if upload is None:
        errors = {"file": "请选择要上传的台账文件（.xlsx、.xls 或 .csv）。"}
        return render(request, "staff_import.html", {"me": scope, "errors": errors}, status=422)
    try:
        info = submit_ledger_import(queue, settings_of(request), scope, upload.file, upload.filename or "")
    except InvalidInput as exc:
        return render(request, "staff_import.html", {"me": scope, "errors": {"file": exc.detail}}, status=422)
    return redirect(f"/web/staff/imports/{info.id}")


def _problems(path: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    report = json.loads(path.read_text(encoding="utf-8"))
    problems = [p for f in report.get("files", []) for p in f.get("problems", [])]
    return problems, report.get("totals", {})


@router.get("/imports/{job_id}")
def import_job(request: Request, job_id: JobId, scope: Staff, queue: Queue) -> Response:
    """The import's state; when done, its counts and every problem (sheet, row, column, value, reason)."""
    info = visible_job(queue, scope, job_id)
    problems: list[dict[str, Any]] = []
    totals: dict[str, Any] = {}
    done = info.status in (JobStatus.FINISHED, JobStatus.FAILED)
    if done:
        try:
            problems, totals = _problems(job_file(queue, settings_of(request), scope, job_id, "report"))
        except (NotFound, OSError, ValueError):  # no report left: the page still shows the job's state
            problems, totals = [], {}
    context = {"me": scope, "job": info, "done": done, "problems": problems, "totals": totals}
    return render(request, "staff_import_job.html", context)


@router.get("/imports/{job_id}/{which}")
def import_file(request: Request, job_id: JobId, which: str, scope: Staff, queue: Queue) -> Response:
    """The rejects workbook (``rejects.xlsx``) or the report (``report.json``) of an import."""
    kinds = {"rejects.xlsx": ("rejects", _XLSX, "未导入的行.xlsx"), "report.json": ("report", "application/json",
             "导入报告.json")}  # fmt: skip
    if which not in kinds:
        raise InvalidInput("只能下载 rejects.xlsx（未导入的行）或 report.json（导入报告）。")
    kind, media, name = kinds[which]
    path = job_file(queue, settings_of(request), scope, job_id, kind)
    return FileResponse(path, media_type=media, filename=name)
