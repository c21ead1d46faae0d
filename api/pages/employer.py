"""Employer pages (用人单位): its postings, posting an opening (form, or paste an ad and confirm what was read),
and for each posting the candidates who agreed to be put forward, with buttons to record interview, offer
and hire. A worker appears here only after saying 我有意向 (``Applications.applicants``, audited)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.accounts import Scope
from api.employer_review import EmployerReviews, employer_reviews_service
from api.matching import Applicant, Applications, applications_service
from api.openings import Openings, openings_service
from api.pages.posting_forms import posting_router
from api.pages.steps import CONTRACTS, posted_step, step_view
from api.pages.web import Form, page_roles, posted_form, redirect, render
from api.routes.matches import tracking_service
from api.tracking import Tracking
from models.employer import ReviewStatus
from models.errors import NotFound
from models.opening_repository import PostingFilter
from models.posting import missing_for_opening, pay_text
from models.vocab import PostingStatus, Role

__all__ = ["router"]

PREFIX = "/web/employer/postings"
router = APIRouter()
router.include_router(posting_router(PREFIX, page_roles(Role.EMPLOYER)))

Employer = Annotated[Scope, Depends(page_roles(Role.EMPLOYER))]
Service = Annotated[Openings, Depends(openings_service)]
ApplicationsDep = Annotated[Applications, Depends(applications_service)]
TrackingDep = Annotated[Tracking, Depends(tracking_service)]
Posted = Annotated[Form, Depends(posted_form)]
Reviews = Annotated[EmployerReviews, Depends(employer_reviews_service)]
_HOME_NOTICES = {"registered": "注册成功，欢迎使用安业。单位信息已提交，请等待安置点工作人员审核。",
                 "resubmitted": "已重新提交审核，请等待安置点工作人员审核。"}  # fmt: skip


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@router.get("/web/employer")
def home(request: Request, scope: Employer, service: Service, done: str = "") -> Response:
    where = PostingFilter(employer_id=scope.employer_id)
    rows, total = service.postings(scope, where, sort=("created", True), offset=0, limit=100)
    items = [{"p": p, "status": PostingStatus.of(p.status).zh, "pay": pay_text(p.pay_min, p.pay_max, p.pay_period)}
             for p in rows]  # fmt: skip
    unit = service.employer(scope, scope.employer_id or 0)
    context = {"me": scope, "items": items, "total": total, "unit": unit, "review": ReviewStatus(unit.review_status),
               "notice": _HOME_NOTICES.get(done)}  # fmt: skip
    return render(request, "employer_home.html", context)


@router.post("/web/employer/review")
def resubmit(scope: Employer, reviews: Reviews, form: Posted) -> Response:
    """重新提交审核 after a refusal (``POST /employers/{id}/resubmit``)."""
    reviews.resubmit(scope, scope.employer_id or 0)
    return redirect("/web/employer?done=resubmitted")


def _applicant(scope: Scope, a: Applicant, today: dt.date) -> dict[str, Any]:
    w = a.person.worker
    return {"name": w.name, "age": _age(w.birth_date, today), "phone": a.phone, "site": a.person.site.name,
            "agreed_at": a.match.agreed_at, "step": step_view(scope, a.match.id, a.match.stage)}  # fmt: skip


def _posting_context(scope: Scope, posting_id: int, service: Service, applications: Applications) -> dict[str, Any]:
    posting = service.posting(scope, posting_id)
    if posting.employer_id != scope.employer_id:
        raise NotFound(f"找不到编号为 {posting_id} 的岗位。")
    found, total = applications.applicants(scope, posting_id, offset=0, limit=100)
    today = dt.date.today()
    return {"me": scope, "posting": posting, "status_label": PostingStatus.of(posting.status).zh,
            "pay": pay_text(posting.pay_min, posting.pay_max, posting.pay_period),
            "missing": missing_for_opening(posting),
            "applicants": [_applicant(scope, a, today) for a in found], "total": total,
            "contracts": CONTRACTS, "prefix": PREFIX}  # fmt: skip


@router.get(PREFIX + "/{posting_id:int}")
def posting(request: Request, posting_id: int, scope: Employer, service: Service, applications: ApplicationsDep,
            done: str = "") -> Response:  # fmt: skip
    context = _posting_context(scope, posting_id, service, applications)
    notice = {"status": "岗位状态已更新。"}.get(done, "已登记。" if done else None)
    return render(request, "employer_posting.html", {**context, "notice": notice})


@router.post("/web/employer/matches/{match_id:int}/step")
def step(request: Request, match_id: int, scope: Employer, form: Posted, service: Service,
         applications: ApplicationsDep, tracking: TrackingDep) -> Response:  # fmt: skip
    """面试, 录用 or 上岗 of a candidate who agreed, as ``POST /matches/{id}/events``."""
    row, _ = tracking.get(scope, match_id)
    errors = posted_step(tracking, scope, match_id, form)
    if not errors:
        return redirect(f"{PREFIX}/{row.posting.id}?done=1#match-{match_id}")
    context = _posting_context(scope, row.posting.id, service, applications)
    return render(request, "employer_posting.html", {**context, "values": form.values, "errors": errors}, status=422)
