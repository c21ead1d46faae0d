"""Broker match-day plan pages (撮合日计划): plan a region (the form submits the job of ``POST /plans``), follow
the job while the page refreshes itself, preview the plan (its figures and the proposals of the viewer's sites),
commit it (确认下发, as ``POST /plans/{id}/commit``), then download the broker's call list and the SMS texts.
Every page calls the service the JSON routes of ``api.routes.plans`` call."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.accounts import Scope
from api.allocation import CommitOutcome, Plans, region_label
from api.allocation_outputs import broker_call_list, plan_messages
from api.allocation_schemas import ProposalOut
from api.deps import get_cipher
from api.figures_terms import county_name
from api.job_service import submit_plan, visible_job
from api.openings import Openings, openings_service
from api.pages.broker import DB, JobId, Posted, Queue, Staff
from api.pages.plan_form import PlanForm, plan_errors, read_plan_form, recent_plans, regions_of
from api.pages.web import redirect, render
from api.queue import JobStatus
from api.routes.plans import plans_service
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput, NotAllowed, NotFound
from models.match_plan import MatchPlan
from models.vocab import Role

__all__ = ["router"]

PREFIX = "/web/staff/plans"
router = APIRouter(prefix=PREFIX)

Service = Annotated[Plans, Depends(plans_service)]
OpeningsDep = Annotated[Openings, Depends(openings_service)]
Cipher = Annotated[PersonalDataCipher, Depends(get_cipher)]
_PAGE_SIZE = 20
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SMS_HEADERS = ("序号", "姓名", "电话（脱敏）", "岗位编号", "撮合编号", "回复码", "短信内容", "字数")


def _region(plan: MatchPlan) -> str:
    """The region in words, with the county's or city's name when known."""
    label = region_label(plan.region_adcode, plan.out_of_area, plan.employer_ids)
    name = county_name(plan.region_adcode)
    return label.replace(f"行政区划 {plan.region_adcode}", f"{name}（{plan.region_adcode}）") if name else label


def _form_page(request: Request, scope: Scope, session: DB, openings: Openings, read: PlanForm | None = None,
               *, status: int = 200) -> Response:  # fmt: skip
    regions = regions_of(session, scope)
    employers, _ = openings.employers(scope, q=None, sort=("name", False), offset=0, limit=200)
    values = read.values if read is not None else {"adcode": regions.default, "per_place": "3", "per_worker": "2"}
    plans = [{"p": p, "region": _region(p)} for p in recent_plans(session, scope)]
    context = {"me": scope, "regions": regions, "employers": employers, "plans": plans, "values": values,
               "errors": read.errors if read is not None else {}}  # fmt: skip
    return render(request, "staff_plans.html", context, status=status)


@router.get("")
def plans(request: Request, scope: Staff, session: DB, openings: OpeningsDep) -> Response:
    """The plan form (region, out-of-area pool, job fair, limits, day) and the recent plans."""
    return _form_page(request, scope, session, openings)


@router.post("")
def submit(request: Request, scope: Staff, session: DB, form: Posted, queue: Queue, openings: OpeningsDep) -> Response:
    """Plan in the background (the job of ``POST /plans``), then follow the job on its page."""
    read = read_plan_form(form)
    if read.request is not None:
        try:
            info = submit_plan(queue, session, scope, read.request)
        except (InvalidInput, NotAllowed, NotFound) as exc:
            read.errors = plan_errors(exc)
        else:
            return redirect(f"{PREFIX}/jobs/{info.id}")
    return _form_page(request, scope, session, openings, read, status=422)


@router.get("/jobs/{job_id}")
def plan_job(request: Request, job_id: JobId, scope: Staff, queue: Queue) -> Response:
    """The planning job while it runs (the page refreshes itself); once done, the plan's preview."""
    info = visible_job(queue, scope, job_id)
    if info.kind != "allocate":
        raise NotFound("这个任务不是撮合日计划，请从撮合日计划页进入。")
    if info.status is JobStatus.FINISHED and info.result:
        return redirect(f"{PREFIX}/{int(info.result['plan_id'])}")
    return render(request, "staff_plan_job.html", {"me": scope, "job": info, "done": info.status is JobStatus.FAILED})


def _outcome(service: Plans, scope: Scope, done: CommitOutcome) -> dict[str, Any]:
    """What a commit did, with the name and posting of each proposal skipped."""
    skipped = []
    if done.skipped:
        rows, _ = service.items(scope, done.plan_id)
        named = {r.item.id: (r.worker.name, r.posting.title) for r in rows}
        skipped = [(*named.get(item.id, ("", "")), reason) for item, reason in done.skipped]
    return {"proposed": done.proposed, "skipped": skipped, "already": done.already, "others": done.others}


def _plan_context(scope: Scope, service: Plans, plan_id: int, page: int) -> dict[str, Any]:
    stored = service.get(scope, plan_id)
    page = max(page, 1)
    rows, total = service.items(scope, plan_id, offset=(page - 1) * _PAGE_SIZE, limit=_PAGE_SIZE)
    waiting = len(service.repo.uncommitted(plan_id, scope.site_ids))
    return {"me": scope, "plan": stored, "region": _region(stored), "figures": stored.figures,
            "rows": [ProposalOut.of(r) for r in rows], "total": total, "page": page,
            "pages": max((total + _PAGE_SIZE - 1) // _PAGE_SIZE, 1), "waiting": waiting,
            "broker": scope.role is Role.BROKER}  # fmt: skip


@router.get("/{plan_id}")
def plan(request: Request, plan_id: int, scope: Staff, service: Service, page: int = 1) -> Response:
    """The preview: the region's figures and the proposals of the viewer's sites (masked), paged."""
    return render(request, "staff_plan.html", _plan_context(scope, service, plan_id, page))


@router.post("/{plan_id}/commit")
def commit(request: Request, plan_id: int, scope: Staff, service: Service, form: Posted) -> Response:
    """确认下发: the viewer's part of the plan into the pipeline (``POST /plans/{id}/commit``); again: nothing."""
    done = service.commit(scope, plan_id)
    context = {**_plan_context(scope, service, plan_id, 1), "outcome": _outcome(service, scope, done)}
    return render(request, "staff_plan.html", context)


def _cell(text: str) -> str:
    """A text cell as a spreadsheet shows it, never as a formula (a name typed ``=…`` in a ledger)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _attachment(ascii_name: str, name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"}


@router.get("/{plan_id}/call-list.xlsx")
def call_list(plan_id: int, scope: Staff, service: Service, cipher: Cipher) -> Response:
    """The signed-in broker's call list of the committed plan (phones in full, each audited)."""
    name, content = broker_call_list(service, cipher, scope, plan_id)
    return Response(content, media_type=_XLSX, headers=_attachment(f"call-list-{plan_id}.xlsx", name))


@router.get("/{plan_id}/messages.csv")
def messages(plan_id: int, scope: Staff, service: Service, cipher: Cipher) -> Response:
    """The SMS texts of the plan's proposals of the viewer's sites (at most 70 characters each), as a CSV that
    Excel opens (UTF-8 with a byte-order mark); the phones they go to stay masked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_SMS_HEADERS)
    for i, m in enumerate(plan_messages(service, cipher, scope, plan_id), start=1):
        writer.writerow([i, _cell(m.name), m.phone_mask or "", m.posting_id, m.match_id or "", m.reply, _cell(m.text),
                         len(m.text)])  # fmt: skip
    name = f"撮合日短信-计划{plan_id}.csv"
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers=_attachment(f"messages-{plan_id}.csv", name))  # fmt: skip
