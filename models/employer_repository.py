"""Queries of employer review (用人单位审核): the review list, pending first, with each employer's sign-in names;
the employers a registration would duplicate; the counties an employer registering may choose from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.account import Account
from models.employer import Employer, ReviewStatus
from models.site import SettlementSite
from models.vocab import Role

__all__ = ["EmployerRepository", "ReviewRow"]


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One employer of the review list and the user names of its accounts."""

    employer: Employer
    usernames: tuple[str, ...]


class EmployerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, employer_id: int, *, for_update: bool = False) -> Employer | None:
        return self.session.get(Employer, employer_id, with_for_update=for_update)

    def review_list(self, status: ReviewStatus | None, *, offset: int, limit: int) -> tuple[list[ReviewRow], int]:
        """A page of employers (of ``status``, or all): pending first, oldest request first among them, then
        the most recently registered; and how many there are."""
        query = select(Employer)
        if status is not None:
            query = query.where(Employer.review_status == status.value)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        pending = Employer.review_status == ReviewStatus.PENDING.value
        waiting_first = case((pending, Employer.updated_at), else_=None)
        order = (case((pending, 0), else_=1), waiting_first.asc(), Employer.created_at.desc(), Employer.id.desc())
        employers = self.session.scalars(query.order_by(*order).offset(offset).limit(limit)).all()
        return [ReviewRow(e, names) for e, names in zip(employers, self._usernames(employers), strict=True)], total

    def pending_count(self) -> int:
        query = select(func.count()).where(Employer.review_status == ReviewStatus.PENDING.value)
        return int(self.session.scalar(query.select_from(Employer)) or 0)

    def site_counties(self) -> list[str]:
        """The 6-digit adcodes of the counties that have settlement sites (the area the service works in)."""
        rows = self.session.scalars(
            select(SettlementSite.county_adcode).where(SettlementSite.county_adcode.is_not(None))
        )
        return sorted({code[:6] for code in rows if code})

    def _usernames(self, employers: Sequence[Employer]) -> list[tuple[str, ...]]:
        ids = [e.id for e in employers]
        found: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            query = select(Account.employer_id, Account.username).where(
                Account.employer_id.in_(ids), Account.role == Role.EMPLOYER.value
            )
            for employer_id, username in self.session.execute(query.order_by(Account.username)):
                if employer_id is not None:  # always, by the query; the column itself is nullable
                    found[employer_id].append(username)
        return [tuple(found[i]) for i in ids]
