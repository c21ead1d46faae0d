"""Candidates for a past posting and the walk of each proposal through its steps, with dated events.

Candidates: k × headcount of them (k drawn from 3..8, at most 150 a posting), part (40-80%) drawn from the
workers whose wishes or skills share a character pair of the title or the 大典 middle group of the
occupation (a crude keyword heuristic, as a busy broker would), the rest at random from the posting's
county (the whole city for 外出务工); never someone under 16 or over 65, in another job of the history on
the day, whom the ledger in force that day shows in a job (the engine proposes no one employed), or
proposed twice. Each proposal then goes proposed -> contacted -> interested / declined ->
interview -> offered / declined -> hired -> follow-ups at 1/3/6/12 months -> separated, each step decided by
``ingest.demo.history_model``. Offers are taken in date order up to the headcount; a worker already in a job
at the time, or whose placement would run into a job an earlier yearly ledger shows, does not come.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from ingest.demo.history_model import (
    Fit,
    Person,
    employer_reason,
    fit,
    interest_logit,
    offer_logit,
    show_logit,
    sigmoid,
    tenure,
    worker_reason,
)
from ingest.demo.history_plan import LAST_OPENING, PastPosting

__all__ = ["Pool", "Proposal", "Walk", "keys_of"]

_MAX_CANDIDATES = 150
_CHECKPOINTS = (1, 3, 6, 12)
_FOREVER = dt.date.max
_DAY = dt.timedelta(days=1)
Event = tuple[str, dt.datetime, dict[str, Any] | None]


def keys_of(text: str, codes: list[str | None]) -> set[str]:
    """Index keys: the pairs of adjacent Chinese characters of ``text`` and "#" + each code's middle group."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1) if all("\u4e00" <= c <= "\u9fff" for c in text[i : i + 2])}
    return pairs | {"#" + "-".join(c.split("-")[:2]) for c in codes if c}


@dataclass(slots=True)
class Pool:
    """Workers who may be proposed (``people``), by region (county adcode, "*" for all) and by index key
    within a region; ``busy`` holds each worker's jobs of the history as (first day, day after the last),
    ``ledger_jobs`` the stretches in which the ledger shows them in a job."""

    people: list[Person]
    by_region: dict[str, list[int]] = field(default_factory=dict)
    by_key: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    busy: dict[int, list[tuple[dt.date, dt.date]]] = field(default_factory=dict)
    ledger_jobs: dict[int, list[tuple[dt.date, dt.date]]] = field(default_factory=dict)

    def add(self, index: int, region: str | None, keys: set[str]) -> None:
        for r in ("*", region) if region else ("*",):
            self.by_region.setdefault(r, []).append(index)
            keyed = self.by_key.setdefault(r, {})
            for key in sorted(keys):
                keyed.setdefault(key, []).append(index)

    def free(self, index: int, start: dt.date, end: dt.date) -> bool:
        return all(end <= a or b <= start for a, b in self.busy.get(index, ()))

    def looking(self, index: int, day: dt.date) -> bool:
        """Not in a job on ``day``, by the ledger in force then."""
        return all(not a <= day < b for a, b in self.ledger_jobs.get(index, ()))

    def clear_of_ledger_jobs(self, index: int, start: dt.date, end: dt.date, filled_by: dt.date) -> bool:
        """No job the ledger shows, in a ledger filled by ``filled_by``, overlaps ``start`` to ``end``."""
        return all(a > filled_by or end <= a or b <= start for a, b in self.ledger_jobs.get(index, ()))

    def occupy(self, index: int, start: dt.date, end: dt.date) -> None:
        self.busy.setdefault(index, []).append((start, end))


@dataclass(slots=True)
class Proposal:
    """One match as it will be inserted: the worker, the past posting (its index) and the dated events."""

    worker_id: int
    plan_index: int
    events: list[Event] = field(default_factory=list)
    declined_reason: str | None = None
    hired_on: dt.date | None = None
    wage: int | None = None
    separated_on: dt.date | None = None
    separation_reason: str | None = None

    def add(self, stage: str, day: dt.date, detail: dict[str, Any] | None = None) -> None:
        """An event on ``day``; the n-th event of a match is n × 7 minutes after 09:00 Beijing time, so
        events of a match on one day stay in order."""
        at = dt.datetime(day.year, day.month, day.day, 1, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=7 * len(self.events))
        self.events.append((stage, at, detail))

    def decline(self, day: dt.date, reason: str) -> None:
        self.declined_reason = reason
        self.add("declined", day, {"reason": reason})


@dataclass(slots=True)
class _Offer:
    day: dt.date
    proposal: Proposal
    index: int
    fit: Fit
    noise: float
    wage: int


class Walk:
    """Proposes candidates for past postings in order of opening and walks each proposal to its end."""

    def __init__(self, rng: random.Random, pool: Pool, *, today: dt.date) -> None:
        self.rng, self.pool, self.today = rng, pool, today

    def posting(self, plan: PastPosting) -> list[Proposal]:
        """The proposals of ``plan``; sets its places filled, status and closing time."""
        offers: list[_Offer] = []
        proposals = []
        for index in self._candidates(plan):
            proposal, offer = self._until_offer(plan, index)
            proposals.append(proposal)
            if offer is not None:
                offers.append(offer)
        last = None
        for offer in sorted(offers, key=lambda o: o.day):  # stable: ties keep proposal order
            last = self._offer(plan, offer) or last
        filled = plan.hired >= plan.headcount
        deadline: dt.date = plan.row["deadline"]
        closed = last if filled and last is not None else max(deadline, last or deadline)  # hiring may run late
        plan.row |= {"filled_count": plan.hired, "status": "filled" if filled else "closed"}
        plan.row["closed_at"] = plan.row["updated_at"] = dt.datetime.combine(closed, dt.time(9), tzinfo=dt.UTC)
        return proposals

    def _candidates(self, plan: PastPosting) -> list[int]:
        rng, pool = self.rng, self.pool
        n = min(_MAX_CANDIDATES, max(3, round(rng.uniform(3, 8) * plan.headcount)))
        keyed = pool.by_key.get(plan.region, {})
        lists = [keyed[k] for k in sorted(keys_of(plan.keywords, [plan.job.occupation_code])) if k in keyed]
        chosen: dict[int, None] = {}
        self._draw(chosen, lists, round(n * rng.uniform(0.4, 0.8)), plan.opened)
        self._draw(chosen, [pool.by_region.get(plan.region, [])], n, plan.opened)
        return list(chosen)

    def _draw(self, chosen: dict[int, None], lists: list[list[int]], until: int, day: dt.date) -> None:
        lists = [x for x in lists if x]
        tries = 0
        while lists and len(chosen) < until and tries < 4 * until:
            tries += 1
            index = self.rng.choice(self.rng.choice(lists))
            if (
                index not in chosen
                and 16 <= self.pool.people[index].age(day) <= 65
                and self.pool.free(index, day, day + _DAY)
                and self.pool.looking(index, day)
            ):
                chosen[index] = None

    def _until_offer(self, plan: PastPosting, index: int) -> tuple[Proposal, _Offer | None]:
        rng, person = self.rng, self.pool.people[index]
        proposal = Proposal(person.worker_id, plan.index)
        low, high = plan.pay_range
        wage = round(rng.uniform(low, high), -1)
        day = plan.opened + dt.timedelta(days=rng.randint(0, 10))
        proposal.add("proposed", day)
        if rng.random() >= (0.9 if person.reachable else 0.5):
            return proposal, None
        day += dt.timedelta(days=rng.randint(0, 4))
        proposal.add("contacted", day)
        f = fit(person, plan.job, day, wage)
        noise = rng.gauss(0.0, 0.6)
        day += dt.timedelta(days=rng.randint(0, 3))
        if rng.random() >= sigmoid(interest_logit(f, person, plan.job) + noise):
            proposal.decline(day, worker_reason(rng, f, person))
            return proposal, None
        proposal.add("interested", day)
        day += dt.timedelta(days=rng.randint(2, 10))
        proposal.add("interview", day)
        day += dt.timedelta(days=rng.randint(1, 5))
        if rng.random() >= sigmoid(offer_logit(f, person) + rng.gauss(0.0, 0.5)):
            proposal.decline(day, employer_reason(f))
            return proposal, None
        return proposal, _Offer(day, proposal, index, f, noise, int(wage))

    def _offer(self, plan: PastPosting, offer: _Offer) -> dt.date | None:
        """Offer, come or not, hire and follow up; the day of hiring, or None."""
        rng, proposal, person = self.rng, offer.proposal, self.pool.people[offer.index]
        if plan.hired >= plan.headcount:
            proposal.decline(offer.day, "岗位已招满")
            return None
        proposal.add("offered", offer.day, {"wage": offer.wage})
        day = offer.day + dt.timedelta(days=rng.randint(2, 12))
        if rng.random() >= sigmoid(show_logit(offer.fit)):
            proposal.decline(day, "未到岗")
            return None
        # a third of the worker's unobserved keenness carries over from interest to staying
        stay = tenure(rng, offer.fit, person, plan.job, 0.3 * offer.noise + rng.gauss(0.0, 0.4))
        end = None if stay.days is None else day + dt.timedelta(days=stay.days)
        end = end if end is not None and end < self.today else None
        # nor into a job an earlier ledger shows (one filled while past postings opened): that job is not ours
        last_opening = self.today - dt.timedelta(days=LAST_OPENING)
        if not (
            self.pool.free(offer.index, day, end or _FOREVER)
            and self.pool.clear_of_ledger_jobs(offer.index, day, end or _FOREVER, last_opening)
        ):
            proposal.decline(day, "已在别处务工")
            return None
        self.pool.occupy(offer.index, day, end or _FOREVER)
        plan.hired += 1
        self._hire(proposal, day, offer.wage, end, stay.reason if end else None)
        return day

    def _hire(self, p: Proposal, day: dt.date, wage: int, end: dt.date | None, reason: str | None) -> None:
        """Hired on ``day``; the follow-ups up to today (the first after leaving finds the worker gone)."""
        p.hired_on, p.wage, p.separated_on, p.separation_reason = day, wage, end, reason
        p.add("hired", day, {"wage": wage, "hired_on": day.isoformat()})
        left = None if end is None else {"separated_on": end.isoformat(), "reason": reason}
        for month in _CHECKPOINTS:
            check = day + dt.timedelta(days=30 * month)
            if check >= self.today:
                break
            if end is not None and check >= end:
                p.add("separated", end, left)
                p.add("separated", check, {"month": month, "still_employed": False, "wage": None})
                return
            raised = round(wage * (1 + 0.01 * month), -1)  # 1% a month
            p.add("hired", check, {"month": month, "still_employed": True, "wage": raised})
        if end is not None:
            p.add("separated", end, left)
