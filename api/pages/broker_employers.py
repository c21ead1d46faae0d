"""Staff review of employers (用人单位审核, ``/web/staff/employers``): the employers, those waiting for review
first, each with 通过 / 不通过 (a reason required, which the employer sees on its home page). The decisions go
through ``api.employer_review.EmployerReviews`` as ``POST /employers/{id}/review`` does, and are audited.
Registering an employer by staff stays at ``/web/staff/employers/new`` (``employer_info``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.accounts import Scope
from api.employer_review import EmployerReviews, employer_reviews_service
from api.errors import status_for
from api.figures_terms import county_name
from api.pages.broker import Posted, Staff
from api.pages.web import redirect, render
from models.employer import ReviewStatus, identity_of
from models.employer_repository import ReviewRow
from models.errors import Conflict, InvalidInput, NotFound
from models.vocab import EmployerKind

__all__ = ["router"]

PREFIX = "/web/staff/employers"
router = APIRouter(prefix=PREFIX)

Reviews = Annotated[EmployerReviews, Depends(employer_reviews_service)]
PAGE_SIZE = 20
STATUSES = [("", "全部（待审核在前）"), *((s.value, s.zh) for s in ReviewStatus)]
NOTICES = {"approved": "已通过审核：该单位现在可以发布岗位。", "rejected": "已记录不通过及原因，单位会在首页看到。"}


def _item(row: ReviewRow) -> dict[str, Any]:
    e = row.employer
    status = ReviewStatus(e.review_status)
    return {"e": e, "kind": EmployerKind.of(e.kind).zh, "county": county_name(e.county_adcode), "status": status,
            "status_label": status.zh, "usernames": "、".join(row.usernames), "identity": identity_of(e)}  # fmt: skip


def _list(request: Request, scope: Scope, reviews: EmployerReviews, status: str, page: int,
          context: dict[str, Any], code: int = 200) -> Response:  # fmt: skip
    wanted = ReviewStatus(status) if status in {s.value for s in ReviewStatus} else None
    rows, total = reviews.queue(scope, wanted, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    base = {"me": scope, "items": [_item(r) for r in rows], "total": total, "page": page, "pages": pages,
            "statuses": STATUSES, "filter": {"status": wanted.value if wanted else ""},
            "pending": reviews.pending_count(scope)}  # fmt: skip
    return render(request, "staff_employers.html", {**base, **context}, status=code)


@router.get("")
def employers(request: Request, scope: Staff, reviews: Reviews, status: str = "",
              page: Annotated[int, Query(ge=1)] = 1, done: str = "") -> Response:  # fmt: skip
    return _list(request, scope, reviews, status, page, {"notice": NOTICES.get(done)})


@router.post("/{employer_id:int}/review")
def review(request: Request, employer_id: int, scope: Staff, reviews: Reviews, form: Posted) -> Response:
    """通过 or 不通过 (``POST /employers/{id}/review``); a refusal without a reason is said beside the field, the
    other typed words kept."""
    action = form.text("action")
    try:
        if action not in ("approve", "reject"):
            raise InvalidInput("请选择通过或不通过。")
        reviews.decide(scope, employer_id, approve=action == "approve", reason=form.optional(f"reason-{employer_id}"),
                       seen=form.optional("seen"))  # fmt: skip
    except (InvalidInput, Conflict, NotFound) as exc:
        reviews.session.rollback()
        errors = {f"reason-{employer_id}" if isinstance(exc, InvalidInput) else "": exc.detail}
        context = {"values": form.values, "errors": errors, "open": employer_id}
        page = int(form.text("page")) if form.text("page").isdigit() else 1  # where the employer was shown
        return _list(request, scope, reviews, form.text("status"), max(page, 1), context, code=status_for(exc))
    return redirect(f"{PREFIX}?done={'approved' if action == 'approve' else 'rejected'}")
