"""Broker pages for openings (岗位): the posting list, a posting with its ranked candidates (reasons, filters)
and its matches with buttons to record contact and each outcome up to the hire. Paste-an-ad and the posting
form are ``posting_forms.posting_router`` under ``/web/staff/postings``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.accounts import Scope
from api.matching import Candidate, Matching, matching_service
from api.openings import Openings, openings_service
from api.pages.broker import Posted, Staff
from api.pages.posting_forms import posting_router
from api.pages.steps import CONTRACTS, posted_step, step_view
from api.pages.web import page_roles, redirect, render
from api.routes.matches import tracking_service
from api.tracking import Tracking
from models.opening_repository import PostingFilter
from models.pipeline import Step
from models.pipeline_repository import MatchFilter
from models.posting import missing_for_opening, pay_text
from models.vocab import MatchStage, PostingStatus, Role

__all__ = ["router"]

PREFIX = "/web/staff/postings"
router = APIRouter()
router.include_router(posting_router(PREFIX, page_roles(Role.ADMIN, Role.BROKER)))

Service = Annotated[Openings, Depends(openings_service)]
TrackingDep = Annotated[Tracking, Depends(tracking_service)]
_NOTICES = {"contacted": "已记录已联系。", "step": "已登记。", "status": "岗位状态已更新。"}


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@router.get(PREFIX)
def postings(request: Request, scope: Staff, service: Service, status: str = "", q: str = "") -> Response:
    where = PostingFilter(statuses=[status] if status else [], q=q.strip() or None)
    rows, total = service.postings(scope, where, sort=("created", True), offset=0, limit=50)
    names = service.repo.employer_names({p.employer_id for p in rows})
    items = [{"p": p, "employer": names.get(p.employer_id, ""), "status": PostingStatus.of(p.status).zh,
              "pay": pay_text(p.pay_min, p.pay_max, p.pay_period)} for p in rows]  # fmt: skip
    statuses = [("", "全部"), *((s.value, s.zh) for s in PostingStatus)]
    context = {"me": scope, "items": items, "total": total, "statuses": statuses, "values": {"status": status, "q": q}}
    return render(request, "staff_postings.html", context)


def _candidate(c: Candidate, today: dt.date, stages: dict[int, dict[str, Any]]) -> dict[str, Any]:
    w, p = c.person.worker, c.proposal
    return {"id": w.id, "name": w.name, "age": _age(w.birth_date, today), "site": c.person.site.name,
            "site_id": c.person.site.id, "phone": w.phone_mask, "score": p.score, "probability": p.probability,
            "eligible": p.eligible, "reasons": p.reasons, "failed": p.failed, "match": stages.get(w.id)}  # fmt: skip


def _posting_context(scope: Scope, posting_id: int, openings: Openings, matching: Matching, tracking: Tracking,
                     filters: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    posting = openings.posting(scope, posting_id)
    rows, _ = tracking.list(scope, MatchFilter(posting_id=posting_id), offset=0, limit=200)
    steps = [step_view(scope, r.match.id, r.match.stage) for r in rows]
    matches = [{"row": r, "step": s} for r, s in zip(rows, steps, strict=True)]
    stages = {r.worker.id: s for r, s in zip(rows, steps, strict=True)}
    candidates: list[dict[str, Any]] = []
    if posting.status == PostingStatus.OPEN:
        top = int(filters["top"]) if filters.get("top", "").isdigit() else 20
        near = 5 if filters.get("near") else 0
        found = matching.candidates(scope, posting_id, top=min(max(top, 1), 200), near_misses=near)
        today = matching.live.clock()
        candidates = [_candidate(c, today, stages) for c in found]
        if filters.get("site"):
            candidates = [c for c in candidates if str(c["site_id"]) == filters["site"]]
    sites = sorted({(str(c["site_id"]), c["site"]) for c in candidates} | {(filters.get("site", ""), "全部")})
    return {"me": scope, "posting": posting, "status_label": PostingStatus.of(posting.status).zh,
            "pay": pay_text(posting.pay_min, posting.pay_max, posting.pay_period),
            "missing": missing_for_opening(posting), "candidates": candidates, "matches": matches,
            "filters": filters, "sites": [(v, t) for v, t in sites if v or t == "全部"],
            "contracts": CONTRACTS, "prefix": PREFIX}  # fmt: skip


@router.get(PREFIX + "/{posting_id:int}")
def posting(request: Request, posting_id: int, scope: Staff, openings: Service, tracking: TrackingDep,
            matching: Annotated[Matching, Depends(matching_service)], top: str = "20", near: str = "",
            site: str = "", done: str = "") -> Response:  # fmt: skip
    filters = {"top": top, "near": near, "site": site}
    context = _posting_context(scope, posting_id, openings, matching, tracking, filters)
    return render(request, "staff_posting.html", {**context, "notice": _NOTICES.get(done)})


@router.post(PREFIX + "/{posting_id:int}/contact")
def contact(posting_id: int, scope: Staff, form: Posted, tracking: TrackingDep) -> Response:
    """记录已联系: the candidate put forward (``POST /matches``) and the contact recorded as its first step."""
    worker_id = int(form.text("worker_id")) if form.text("worker_id").isdigit() else 0
    row = tracking.propose(scope, worker_id, posting_id, form.optional("note"))
    tracking.step(scope, row.match.id, Step(MatchStage.CONTACTED, note=form.optional("note")))
    return redirect(f"{PREFIX}/{posting_id}?done=contacted#match-{row.match.id}")


@router.post("/web/staff/matches/{match_id:int}/step")
def step(request: Request, match_id: int, scope: Staff, form: Posted, openings: Service, tracking: TrackingDep,
         matching: Annotated[Matching, Depends(matching_service)]) -> Response:  # fmt: skip
    """One outcome of a match (有意向, 面试, 录用, 上岗, 不合适), as ``POST /matches/{id}/events``."""
    row, _ = tracking.get(scope, match_id)
    errors = posted_step(tracking, scope, match_id, form)
    if not errors:
        return redirect(f"{PREFIX}/{row.posting.id}?done=step#match-{match_id}")
    context = _posting_context(scope, row.posting.id, openings, matching, tracking, {"top": "20"})
    return render(request, "staff_posting.html", {**context, "values": form.values, "errors": errors}, status=422)
