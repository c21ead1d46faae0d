"""Queries behind candidate lists, recommendations, interest and applicants: the people and postings a
ranked list of ids is joined with, a worker's match for a posting, and the applicants an employer may see."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.employer import Employer
from models.household import Household
from models.match import Match, MatchEvent
from models.posting import Posting
from models.site import SettlementSite
from models.vocab import MatchStage
from models.worker import Worker

__all__ = ["MatchRepository", "PersonRow", "PostingRow"]


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A worker with the settlement site of their household."""

    worker: Worker
    site: SettlementSite


@dataclass(frozen=True, slots=True)
class PostingRow:
    posting: Posting
    employer: Employer


class MatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- joins of ranked ids -----------------------------------------------------------------------
    def people(self, worker_ids: Collection[int]) -> dict[int, PersonRow]:
        """The workers of ``worker_ids`` (those that exist) with their sites."""
        if not worker_ids:
            return {}
        query = (
            select(Worker, SettlementSite)
            .join(Household, Worker.household_id == Household.id)
            .join(SettlementSite, Household.site_id == SettlementSite.id)
            .where(Worker.id.in_(list(worker_ids)))
        )
        return {w.id: PersonRow(w, s) for w, s in self.session.execute(query)}

    def person(self, worker_id: int) -> PersonRow | None:
        return self.people([worker_id]).get(worker_id)

    def postings(self, posting_ids: Collection[int]) -> dict[int, PostingRow]:
        if not posting_ids:
            return {}
        query = (
            select(Posting, Employer)
            .join(Employer, Posting.employer_id == Employer.id)
            .where(Posting.id.in_(list(posting_ids)))
            .options(selectinload(Posting.public_welfare))
        )
        return {p.id: PostingRow(p, e) for p, e in self.session.execute(query)}

    # -- matches -----------------------------------------------------------------------------------
    def match_of(self, worker_id: int, posting_id: int) -> Match | None:
        """The worker's latest match for the posting, locked for the change about to be made."""
        query = (
            select(Match)
            .where(Match.worker_id == worker_id, Match.posting_id == posting_id)
            .order_by(Match.id.desc())
            .limit(1)
            .with_for_update()
        )
        return self.session.scalars(query).first()

    def add(self, match: Match, event: MatchEvent) -> None:
        if match.id is None:
            self.session.add(match)
            self.session.flush()
        event.match_id = match.id
        self.session.add(event)
        self.session.flush()

    def applicants(
        self, posting_id: int, *, site_ids: frozenset[int] | None, offset: int, limit: int
    ) -> tuple[Sequence[tuple[Match, PersonRow]], int]:
        """Matches of the posting whose worker agreed to be put forward and has not withdrawn consent, with
        the workers (only those of ``site_ids`` unless None), earliest agreement first; and their number."""
        query = (
            select(Match, Worker, SettlementSite)
            .join(Worker, Match.worker_id == Worker.id)
            .join(Household, Worker.household_id == Household.id)
            .join(SettlementSite, Household.site_id == SettlementSite.id)
            .where(
                Match.posting_id == posting_id,
                Match.agreed_at.is_not(None),
                Match.stage != MatchStage.DECLINED.value,
                Worker.consent_withdrawn_at.is_(None),
            )
        )
        if site_ids is not None:
            query = query.where(SettlementSite.id.in_(list(site_ids)))
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = self.session.execute(query.order_by(Match.agreed_at, Match.id).offset(offset).limit(limit))
        return [(m, PersonRow(w, s)) for m, w, s in rows], total
