"""What a hire or a separation changes beyond the match: the posting's places, the worker's employment, the
household's 防返贫 alert, and the change notices search results depend on.

- A hire takes a place on the posting in one conditional UPDATE (``PostingRepository.take_places``), so of
  concurrent hires exactly as many succeed as there were places; the others get ``Conflict`` (409).
- A separation gives the place back only while the posting is within its term: not closed or expired and its
  deadline (if any) not passed. A posting whose term is over keeps its count of hires as the record of what it
  filled; a standing posting (no deadline) gets the place back and reopens, so the employer's need shows again.
- The worker's employment status becomes a job status at a hire (``employment_status_for``: 公益性岗位, 帮扶车间,
  县内, 省内县外 or 省外 by where the work is; the request may say otherwise) and 未就业 at a separation unless
  another hire of theirs goes on; monthly income follows. Each field change is a ``WorkerChange`` row, and the
  record's ``as_of`` becomes today, so an older ledger imported later does not undo it.
- A household with labour and no one employed after a separation (or a correction) gets a ``HouseholdAlert`` at
  once, unless one is open; a hire of anyone of the household clears its open alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.changes import Changes
from models.alert import HouseholdAlert
from models.base import utcnow
from models.history import WorkerChange
from models.match import MatchEvent
from models.pipeline_repository import MatchRow, PipelineRepository
from models.posting import Posting
from models.posting_repository import PostingRepository
from models.vocab import EmployerKind, EmploymentStatus, MatchStage, PostingStatus

__all__ = ["Effects", "Situation", "employment_status_for", "hire_status", "within_term"]

E = EmploymentStatus


@dataclass(frozen=True, slots=True)
class Situation:
    """A household's situation after a step: labour, employed, monthly income of its members, open alert."""

    household_id: int
    labour: int
    employed: int
    income: int
    alert: HouseholdAlert | None


def employment_status_for(row: MatchRow, *, public_welfare: bool) -> EmploymentStatus:
    """The job status a hire gives (就业状态): by the kind of post, else by where the work is compared with
    the worker's site (same county, same province, elsewhere); 县内 when the place is not known."""
    if public_welfare:
        return E.PUBLIC_WELFARE
    if row.employer.kind in (EmployerKind.WORKSHOP.value, EmployerKind.HOME_WORKSHOP.value):
        return E.WORKSHOP
    work = row.posting.work_adcode or row.employer.county_adcode
    home = row.site.county_adcode
    if work and home:
        if work[:6] == home[:6]:
            return E.COUNTY
        return E.PROVINCE if work[:2] == home[:2] else E.OUT_OF_PROVINCE
    return E.PROVINCE if row.posting.out_of_area else E.COUNTY


def hire_status(events: Iterable[MatchEvent]) -> str | None:
    """The job status the match's hire gave the worker (recorded on the ``hired`` event)."""
    for event in events:
        if event.stage == MatchStage.HIRED.value and event.detail and "employment_status" in event.detail:
            return str(event.detail["employment_status"])
    return None


def within_term(posting: Posting, today: dt.date) -> bool:
    """Whether a place given back still serves the posting (see the module docstring)."""
    if posting.status in (PostingStatus.CLOSED.value, PostingStatus.EXPIRED.value, PostingStatus.DRAFT.value):
        return False
    return posting.deadline is None or posting.deadline >= today


class Effects:
    def __init__(self, session: Session, changes: Changes, *, actor: str, today: dt.date) -> None:
        self.session = session
        self.changes = changes
        self.actor = actor
        self.today = today
        self.repo = PipelineRepository(session)
        self.postings = PostingRepository(session)

    # -- places ------------------------------------------------------------------------------------
    def take_place(self, row: MatchRow) -> None:
        self.postings.take_places(row.posting.id)
        self.changes.posting_changed(self.session, row.posting.id)

    def give_back_place(self, row: MatchRow, *, always: bool = False) -> bool:
        """Release the hire's place if the posting is within its term (``always``: a hire recorded by mistake);
        returns whether it was given back."""
        posting = self.postings.posting(row.posting.id)
        if posting.filled_count < 1 or not (always or within_term(posting, self.today)):
            return False
        self.postings.release_places(posting.id, today=self.today)
        self.changes.posting_changed(self.session, posting.id)
        return True

    # -- the worker --------------------------------------------------------------------------------
    def employ(self, row: MatchRow, status: EmploymentStatus, wage: int | None, place: str | None) -> None:
        self._set_worker(row, employment_status=status.value, employer_name=row.employer.name,
                         employment_place=place or row.posting.work_address or row.posting.destination,
                         monthly_income=wage)  # fmt: skip
        self.clear_alerts(row)

    def unemploy(self, row: MatchRow, reason: str) -> None:
        """After a separation or a hire taken back: 未就业 unless another hire goes on; then the alert."""
        if self.repo.other_jobs(row.worker.id, row.match.id) == 0:
            self._set_worker(row, employment_status=E.UNEMPLOYED.value, employer_name=None, employment_place=None,
                             monthly_income=0)  # fmt: skip
        self.raise_if_jobless(row, reason)

    def set_place(self, row: MatchRow, place: str) -> None:
        """A hire's workplace corrected: the worker's record follows."""
        self._set_worker(row, employment_place=place)

    def set_income(self, row: MatchRow, wage: int, status: str | None) -> None:
        """A follow-up found the worker at work: income, and a job status if the record had lost it."""
        fields: dict[str, Any] = {"monthly_income": wage}
        current = row.worker.employment_status
        if status and (current is None or not E.of(current).is_employed):
            fields["employment_status"] = status
        self._set_worker(row, **fields)
        if "employment_status" in fields:
            self.clear_alerts(row)

    def _set_worker(self, row: MatchRow, **fields: Any) -> None:
        worker, now = row.worker, utcnow()
        changed = False
        for name, new in fields.items():
            old = getattr(worker, name)
            if old == new:
                continue
            setattr(worker, name, new)
            changed = True
            self.session.add(WorkerChange(worker_id=worker.id, actor=self.actor, field=name, changed_at=now,
                                          old_value=_text(old), new_value=_text(new)))  # fmt: skip
        if changed:
            worker.updated_at = now
            if worker.as_of is None or worker.as_of < self.today:
                worker.as_of = self.today
            self.session.flush()
            self.changes.worker_changed(self.session, worker.id)

    # -- the household -----------------------------------------------------------------------------
    def situation(self, household_id: int) -> Situation:
        labour, employed, income = self.repo.household_counts(household_id)
        alerts = self.repo.open_alerts(household_id)
        return Situation(household_id, labour, employed, income, alerts[0] if alerts else None)

    def raise_if_jobless(self, row: MatchRow, reason: str) -> HouseholdAlert | None:
        """A household with labour and no one employed gets an alert (one open at a time)."""
        labour, employed, _ = self.repo.household_counts(row.household.id)
        if labour == 0 or employed > 0 or self.repo.open_alerts(row.household.id):
            return None
        text = f"{row.worker.name}{reason}，全户 {labour} 名劳动力均未就业，请尽快上门了解情况并帮助就业。"
        alert = HouseholdAlert(site_id=row.site.id, household_id=row.household.id, reason=text,
                               raised_at=utcnow(), raised_by=self.actor, match_id=row.match.id)  # fmt: skip
        self.repo.add(alert)
        return alert

    def clear_alerts(self, row: MatchRow) -> None:
        """Someone of the household is at work again: its open alerts are cleared by this placement."""
        now = utcnow()
        for alert in self.repo.open_alerts(row.household.id):
            alert.cleared_at, alert.cleared_by, alert.cleared_by_match_id = now, self.actor, row.match.id
        self.session.flush()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
