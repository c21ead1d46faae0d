"""Employer review (用人单位审核): site staff approve or refuse the employers that registered themselves, and a
refused employer, its details corrected, asks again. ``/employers/reviews``, ``/employers/{id}/review``,
``/employers/{id}/resubmit`` and the pages ``/web/staff/employers`` and ``/web/employer`` call this.

Who may review is who may register an employer (administrators, brokers and site staff); every decision and
every resubmission is written to the audit log. The rule itself (only a pending employer is decided, a refusal
needs a reason) is ``models.employer``. Services do not commit.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import get_session
from models.audit import record_audit
from models.base import utcnow
from models.employer import Employer, ReviewStatus, decide_review, resubmit_review
from models.employer_repository import EmployerRepository, ReviewRow
from models.errors import NotAllowed, NotFound
from models.vocab import Role

__all__ = ["EmployerReviews", "employer_reviews_service"]

_STAFF = (Role.ADMIN, Role.BROKER)


def employer_reviews_service(session: Annotated[Session, Depends(get_session)]) -> EmployerReviews:
    return EmployerReviews(session)


class EmployerReviews:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.repo = EmployerRepository(session)

    def queue(
        self, scope: Scope, status: ReviewStatus | None, *, offset: int, limit: int
    ) -> tuple[list[ReviewRow], int]:
        """Employers to review (pending first) or of one status, with their accounts' user names."""
        _staff_only(scope)
        return self.repo.review_list(status, offset=offset, limit=limit)

    def pending_count(self, scope: Scope) -> int:
        _staff_only(scope)
        return self.repo.pending_count()

    def decide(
        self, scope: Scope, employer_id: int, *, approve: bool, reason: str | None, seen: str | None = None
    ) -> Employer:
        """通过 or 不通过 (with a reason the employer sees) a pending employer; audited. ``seen``: the
        ``models.employer.identity_of`` the reviewer saw (a decision on a unit changed since is refused)."""
        _staff_only(scope)
        employer = self._employer(employer_id, for_update=True)
        decide_review(employer, approve=approve, reason=reason, reviewer=scope.username, at=utcnow(), seen=seen)
        record_audit(self.session, scope.actor, "employer_review", f"employer:{employer.id}",
                     reason=employer.review_reason, detail={"decision": employer.review_status})  # fmt: skip
        self.session.flush()
        return employer

    def resubmit(self, scope: Scope, employer_id: int) -> Employer:
        """The employer's own account asks for a new review after a refusal; audited."""
        if scope.role is not Role.EMPLOYER or scope.employer_id != employer_id:
            raise NotAllowed("只能为本单位重新提交审核。")
        employer = self._employer(employer_id, for_update=True)
        resubmit_review(employer)
        record_audit(self.session, scope.actor, "employer_resubmit", f"employer:{employer.id}")
        self.session.flush()
        return employer

    def _employer(self, employer_id: int, *, for_update: bool) -> Employer:
        employer = self.repo.get(employer_id, for_update=for_update)
        if employer is None:
            raise NotFound(f"找不到编号为 {employer_id} 的用人单位。")
        return employer


def _staff_only(scope: Scope) -> None:
    if scope.role not in _STAFF:
        raise NotAllowed("只有管理员和劳务经纪人/安置点工作人员可以审核用人单位。")
