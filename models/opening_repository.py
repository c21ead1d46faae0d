"""Queries of the employer and posting lists the API pages through: filters, search text, sorting and totals."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from models.employer import Employer
from models.posting import Posting
from models.vocab import PostingStatus

__all__ = ["EMPLOYER_SORTS", "POSTING_SORTS", "OpeningRepository", "PostingFilter"]

EMPLOYER_SORTS = ("created", "name")
POSTING_SORTS = ("created", "deadline", "pay")


@dataclass(frozen=True, slots=True)
class PostingFilter:
    """What a posting list is narrowed to. ``open_only`` (workers) and ``employer_view`` (an employer: its own
    postings in any state, others' only while open) come from the caller's role, the rest from the query."""

    statuses: Collection[str] = ()
    county_adcode: str | None = None
    occupation_prefix: str | None = None
    public_welfare: bool | None = None
    employer_id: int | None = None
    q: str | None = None
    open_only: bool = False
    employer_view: int | None = None


class OpeningRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def employers(
        self, *, q: str | None, sort: tuple[str, bool], offset: int, limit: int
    ) -> tuple[Sequence[Employer], int]:
        """A page of employers whose name, credit code or address contains ``q``, and how many there are."""
        query = select(Employer)
        if q:
            query = query.where(
                or_(
                    Employer.name.contains(q, autoescape=True),
                    Employer.credit_code.contains(q, autoescape=True),
                    Employer.address.contains(q, autoescape=True),
                )
            )
        column: Any = Employer.name if sort[0] == "name" else Employer.created_at
        order = column.desc() if sort[1] else column.asc()
        total = self._count(query)
        rows = self.session.scalars(query.order_by(order, Employer.id).offset(offset).limit(limit)).all()
        return rows, total

    def postings(
        self, where: PostingFilter, *, sort: tuple[str, bool], offset: int, limit: int
    ) -> tuple[Sequence[Posting], int]:
        """A page of postings as ``where`` narrows them, and how many there are."""
        query = self._filtered(select(Posting), where)
        total = self._count(query)
        column: Any = {
            "created": Posting.created_at,
            "deadline": Posting.deadline,
            "pay": func.coalesce(Posting.pay_max, Posting.pay_min),
        }[sort[0]]
        order = (column.desc() if sort[1] else column.asc()).nulls_last()
        page = query.options(selectinload(Posting.public_welfare)).order_by(order, Posting.id)
        rows = self.session.scalars(page.offset(offset).limit(limit)).all()
        return rows, total

    def employer_names(self, ids: Collection[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = self.session.execute(select(Employer.id, Employer.name).where(Employer.id.in_(list(ids))))
        return {i: name for i, name in rows}

    def _filtered(self, query: Select[Posting], where: PostingFilter) -> Select[Posting]:
        if where.open_only:
            query = query.where(Posting.status == PostingStatus.OPEN.value)
        if where.employer_view is not None:
            query = query.where(
                or_(Posting.employer_id == where.employer_view, Posting.status == PostingStatus.OPEN.value)
            )
        if where.statuses:
            query = query.where(Posting.status.in_(list(where.statuses)))
        if where.county_adcode:
            query = query.where(Posting.work_adcode.startswith(where.county_adcode, autoescape=True))
        if where.occupation_prefix:
            query = query.where(Posting.occupation_code.startswith(where.occupation_prefix, autoescape=True))
        if where.public_welfare is not None:
            has = Posting.public_welfare.has()
            query = query.where(has if where.public_welfare else ~has)
        if where.employer_id is not None:
            query = query.where(Posting.employer_id == where.employer_id)
        if where.q:
            named = select(Employer.id).where(Employer.name.contains(where.q, autoescape=True))
            query = query.where(
                or_(
                    Posting.title.contains(where.q, autoescape=True),
                    Posting.description.contains(where.q, autoescape=True),
                    Posting.employer_id.in_(named),
                )
            )
        return query

    def _count(self, query: Select[Any]) -> int:
        return int(self.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
