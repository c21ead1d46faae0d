"""Queries of employers and postings. Taking and releasing places are single conditional UPDATEs, so
concurrent hires cannot overfill a posting on PostgreSQL or SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, selectinload

from models.base import utcnow
from models.employer import Employer
from models.errors import Conflict, NotFound
from models.posting import Posting
from models.vocab import PostingStatus

__all__ = ["PostingRepository"]

S = PostingStatus


class PostingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- employers ---------------------------------------------------------------------------------
    def add(self, obj: Employer | Posting) -> None:
        self.session.add(obj)
        self.session.flush()

    def employer(self, employer_id: int) -> Employer:
        found = self.session.get(Employer, employer_id)
        if found is None:
            raise NotFound(f"找不到编号为 {employer_id} 的用人单位。")
        return found

    def employer_by_credit_code(self, code: str) -> Employer | None:
        return self.session.scalars(select(Employer).where(Employer.credit_code == code)).first()

    def employers_named(self, name: str) -> Sequence[Employer]:
        return self.session.scalars(select(Employer).where(Employer.name == name).order_by(Employer.id)).all()

    # -- postings ----------------------------------------------------------------------------------
    def posting(self, posting_id: int, *, for_update: bool = False) -> Posting:
        query = select(Posting).where(Posting.id == posting_id).options(selectinload(Posting.public_welfare))
        if for_update:
            query = query.with_for_update()
        found = self.session.scalars(query).first()
        if found is None:
            raise NotFound(f"找不到编号为 {posting_id} 的岗位。")
        return found

    def postings_of(self, employer_id: int, *, include_closed: bool = False) -> Sequence[Posting]:
        query = select(Posting).where(Posting.employer_id == employer_id)
        if not include_closed:
            query = query.where(Posting.status != S.CLOSED)
        return self.session.scalars(query.options(selectinload(Posting.public_welfare)).order_by(Posting.id)).all()

    def list_postings(
        self,
        *,
        status: Sequence[str] = (),
        employer_id: int | None = None,
        county_adcode: str | None = None,
        public_welfare: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Posting]:
        query = select(Posting).options(selectinload(Posting.public_welfare))
        if status:
            query = query.where(Posting.status.in_(status))
        if employer_id is not None:
            query = query.where(Posting.employer_id == employer_id)
        if county_adcode is not None:
            query = query.where(Posting.work_adcode == county_adcode)
        if public_welfare is not None:
            has = Posting.public_welfare.has()
            query = query.where(has if public_welfare else ~has)
        return self.session.scalars(query.order_by(Posting.id).limit(limit).offset(offset)).all()

    def count_by_status(self) -> dict[str, int]:
        rows = self.session.execute(select(Posting.status, func.count()).group_by(Posting.status)).all()
        return {status: n for status, n in rows}

    # -- places ------------------------------------------------------------------------------------
    def take_places(self, posting_id: int, n: int = 1) -> int:
        """Take ``n`` places of an open or paused posting in one statement; returns the places left.

        Raises ``Conflict`` when fewer than ``n`` are left (or the posting is not taking people), so of
        many concurrent hires exactly as many succeed as there were places. The posting becomes filled
        when its last place is taken.
        """
        now = utcnow()
        statement = (
            update(Posting)
            .where(
                Posting.id == posting_id,
                Posting.status.in_((S.OPEN, S.PAUSED)),
                Posting.headcount.is_not(None),
                Posting.filled_count + n <= Posting.headcount,
            )
            .values(
                filled_count=Posting.filled_count + n,
                status=case((Posting.filled_count + n == Posting.headcount, S.FILLED.value), else_=Posting.status),
                closed_at=case((Posting.filled_count + n == Posting.headcount, now), else_=Posting.closed_at),
                updated_at=now,
            )
            .returning(Posting.headcount - Posting.filled_count)
            .execution_options(synchronize_session=False)
        )
        left = self.session.execute(statement).scalar_one_or_none()
        if left is None:
            self._explain_no_place(posting_id, n)
        self._expire_cached(posting_id)
        return int(left)  # type: ignore[arg-type]  # _explain_no_place always raises

    def release_places(self, posting_id: int, n: int = 1, *, today: dt.date) -> int:
        """Give back ``n`` places (a hire fell through or a worker left); a filled posting whose deadline
        has not passed opens again. Returns the places left."""
        now = utcnow()
        reopen = (Posting.status == S.FILLED.value) & ((Posting.deadline.is_(None)) | (Posting.deadline >= today))
        statement = (
            update(Posting)
            .where(Posting.id == posting_id, Posting.filled_count >= n)
            .values(
                filled_count=Posting.filled_count - n,
                status=case((reopen, S.OPEN.value), else_=Posting.status),
                closed_at=case((reopen, None), else_=Posting.closed_at),
                updated_at=now,
            )
            .returning(Posting.headcount - Posting.filled_count)
            .execution_options(synchronize_session=False)
        )
        left = self.session.execute(statement).scalar_one_or_none()
        if left is None:
            self.posting(posting_id)
            raise Conflict(f"该岗位已录用人数少于 {n} 人，无法退回名额。")
        self._expire_cached(posting_id)
        return int(left)

    def expire_due(self, today: dt.date) -> int:
        """Mark open and paused postings whose deadline has passed as expired; returns how many."""
        statement = (
            update(Posting)
            .where(Posting.status.in_((S.OPEN, S.PAUSED)), Posting.deadline < today)
            .values(status=S.EXPIRED.value, closed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        count = self.session.execute(statement).rowcount  # type: ignore[attr-defined]
        self.session.expire_all()
        return int(count)

    def _explain_no_place(self, posting_id: int, n: int) -> None:
        posting = self.posting(posting_id)
        self.session.refresh(posting)
        if posting.status not in (S.OPEN, S.PAUSED):
            raise Conflict(f"岗位当前为“{S.of(posting.status).zh}”，不能再录用。")
        if posting.headcount is None:
            raise Conflict("岗位还没有确定招聘人数，不能录用。请先填写招聘人数。")
        raise Conflict(f"岗位只剩 {posting.headcount - posting.filled_count} 个名额，无法录用 {n} 人。")

    def _expire_cached(self, posting_id: int) -> None:
        # The UPDATE ran in the database; a loaded Posting must read the new counts on next access.
        loaded = self.session.identity_map.get(self.session.identity_key(Posting, posting_id))
        if loaded is not None:
            self.session.expire(loaded)
