"""A worker's pages (搬迁劳动力), phone first: my recommended jobs with 我有意向 / 不合适, my applications,
my profile to check and correct. Each calls the service its JSON route calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.deps import get_changes, get_cipher, get_session
from api.matching import Applications, Matching, Recommendation, applications_service, matching_service
from api.pages.web import Form, errors_by_field, page_roles, posted_form, redirect, render
from api.people_changes import own_profile, set_consent, update_own
from api.people_schemas import OwnWorkerPatch
from api.tracking import Tracking
from models.crypto import PersonalDataCipher
from models.errors import Conflict, InvalidInput, NotAllowed
from models.pipeline_repository import MatchFilter, MatchRow
from models.posting import pay_text
from models.vocab import MatchStage, Role

__all__ = ["router"]

router = APIRouter(prefix="/web/me")

Me = Annotated[Scope, Depends(page_roles(Role.WORKER))]
DB = Annotated[Session, Depends(get_session)]
Posted = Annotated[Form, Depends(posted_form)]
ChangesDep = Annotated[Changes, Depends(get_changes)]
NO_RECORD = "您的账号没有关联人员记录，请联系安置点工作人员。"
_NOTICES = {
    "yes": "已记下您有意向。经纪人会尽快联系您；用人单位现在可以看到您的姓名和电话。",
    "no": "已记下这个岗位不合适，以后少推荐类似的岗位。",
    "saved": "已保存您的更正。",
    "consent-no": "已撤回同意：以后不再把您推荐给用人单位。想找工作时可以随时恢复。",
    "consent-yes": "已恢复同意：经纪人可以把您推荐给用人单位了。",
}
_PROFILE_FIELDS = ("phone", "wish_employment", "wish_job_text", "wish_place_range", "wish_min_wage", "training_wish")
DECLINE_REASONS = ("离家太远", "工资太低", "身体吃不消", "要照顾家里", "不会这门手艺", "其他")


def _worker_id(scope: Scope) -> int:
    if scope.worker_id is None:
        raise NotAllowed(NO_RECORD)
    return scope.worker_id


def _job(r: Recommendation, stages: dict[int, str]) -> dict[str, Any]:
    posting = r.row.posting
    return {
        "id": posting.id,
        "title": posting.title,
        "employer": r.row.employer.name,
        "pay": pay_text(posting.pay_min, posting.pay_max, posting.pay_period),
        "place": posting.work_address or posting.destination,
        "distance": r.distance_km,
        "meals": posting.meals,
        "housing": posting.housing,
        "reasons": r.proposal.reasons,
        "stage": stages.get(posting.id),
    }


def _mine(session: Session, changes: Changes, scope: Scope) -> list[MatchRow]:
    rows, _ = Tracking(session, changes).list(scope, MatchFilter(), offset=0, limit=100)
    return list(rows)


@router.get("")
def jobs(request: Request, scope: Me, session: DB, changes: ChangesDep,
         service: Annotated[Matching, Depends(matching_service)], done: str = "") -> Response:  # fmt: skip
    found = service.recommendations(scope, _worker_id(scope), top=10)
    stages = {row.posting.id: row.match.stage for row in _mine(session, changes, scope)}
    context = {"me": scope, "jobs": [_job(r, stages) for r in found], "notice": _NOTICES.get(done),
               "reasons": DECLINE_REASONS}  # fmt: skip
    return render(request, "worker_jobs.html", context)


@router.post("/jobs/{posting_id}/interest")
def interest(
    request: Request,
    posting_id: int,
    scope: Me,
    form: Posted,
    matching: Annotated[Matching, Depends(matching_service)],
    service: Annotated[Applications, Depends(applications_service)],
) -> Response:
    """我有意向 (``choice=yes``) or 不合适 (``choice=no`` with a reason), as ``POST /postings/{id}/interest``."""
    interested = form.text("choice") == "yes"
    reason = None if interested else (form.optional("reason") or None)
    person = matching.person_in_scope(scope, _worker_id(scope))
    try:
        service.interest(scope, person, posting_id, interested=interested, reason=reason)
    except (Conflict, InvalidInput) as exc:
        return render(request, "error.html", {"me": scope, "message": exc.detail}, status=409)
    return redirect(f"/web/me?done={'yes' if interested else 'no'}")


@router.get("/applications")
def applications(request: Request, scope: Me, session: DB, changes: ChangesDep) -> Response:
    rows = [
        {"title": r.posting.title, "employer": r.employer.name, "stage": MatchStage.of(r.match.stage).zh,
         "at": r.match.stage_at, "reason": r.match.declined_reason,
         "pay": pay_text(r.posting.pay_min, r.posting.pay_max, r.posting.pay_period)}
        for r in _mine(session, changes, scope)
    ]  # fmt: skip
    return render(request, "worker_applications.html", {"me": scope, "rows": rows})


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


@router.get("/profile")
def profile(request: Request, scope: Me, session: DB,
            cipher: Annotated[PersonalDataCipher, Depends(get_cipher)], done: str = "") -> Response:  # fmt: skip
    own = own_profile(session, cipher, scope)
    values = {
        "phone": " / ".join(own.phones),
        "wish_employment": _yes_no(own.wish_employment),
        "wish_job_text": own.wish_job_text or "",
        "wish_place_range": own.wish_place_range_label or "",
        "wish_min_wage": "" if own.wish_min_wage is None else str(own.wish_min_wage),
        "training_wish": _yes_no(own.training_wish),
    }
    context = {"me": scope, "own": own, "values": values, "notice": _NOTICES.get(done)}
    return render(request, "worker_profile.html", context)


@router.post("/profile")
def save_profile(request: Request, scope: Me, session: DB, form: Posted, changes: ChangesDep,
                 cipher: Annotated[PersonalDataCipher, Depends(get_cipher)]) -> Response:  # fmt: skip
    values = {name: form.text(name) for name in _PROFILE_FIELDS}
    try:
        update_own(session, cipher, changes, scope, OwnWorkerPatch(**{k: v or None for k, v in values.items()}))
    except InvalidInput as exc:
        session.rollback()
        own = own_profile(session, cipher, scope)
        context = {"me": scope, "own": own, "values": values, "errors": errors_by_field(exc.detail, _PROFILE_FIELDS)}
        return render(request, "worker_profile.html", context, status=422)
    return redirect("/web/me/profile?done=saved")


@router.post("/consent")
def consent(scope: Me, session: DB, form: Posted, changes: ChangesDep) -> Response:
    """Withdraw or restore consent to being put forward to employers, as ``POST /workers/me/consent``."""
    agreed = form.text("consent") == "yes"
    set_consent(session, changes, scope, agreed)
    return redirect(f"/web/me/profile?done=consent-{'yes' if agreed else 'no'}")
