"""Flows over a period: the placement funnel (撮合漏斗), retention (稳岗留存, Kaplan-Meier) and public-welfare
post use (公益性岗位使用), as pure functions over rows of ``models.figures_repository``.

- Funnel: the matches proposed from ``start`` to ``end``; a match counts at every step up to the furthest it
  reached (its events, its current stage, a hiring date), so a declined match counts up to the step at which
  it was declined. 留存满3个月: hired and still employed 90 days later as of ``end``
  (``models.match.retained``); hires less than 90 days old on ``end`` are counted apart (待观察), and the
  3-month retention rate is over the hires started by ``end`` whose 90 days are decided (a match proposed in the
  period but started after ``end`` counts as hired, not in the rate).
- Retention: the hires of ``start`` to ``end``; each hire's time at work runs from ``hired_on`` to
  ``separated_on`` (an event) or, still at work on ``end``, to ``end`` (censored). The Kaplan-Meier estimate
  S(t) = Π over separation days tᵢ < t of (1 − dᵢ / nᵢ), nᵢ the hires still at work at tᵢ (censored on tᵢ
  counted at risk). Retention at 3/6/12 months = the estimated share still at work on day 90/180/365, i.e.
  P(time at work ≥ days), so leaving on day 90 counts as retained, as in ``models.match.retained``; no figure
  when no hire was followed that long. Source: follow-up visits (回访) at 1, 3, 6 and 12 months
  (``shared/DOMAIN.md``); broker rewards paid on 3+ months.
- Public-welfare posts: posts open at some time in the period (opened on or before ``end``, not closed
  before ``start``): places (招聘人数), filled (已录用), use = filled / places; holders on ``end`` = people in
  an active placement in such a post. Source: 五好社区 text, "统筹合理开发保洁、保绿 … 便民服务类岗位，新增或
  调剂岗位优先保障搬迁劳动力就业".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.figures_rates import Ratio
from api.figures_state import active_hires
from models.figures_repository import CHAIN, HireRow, ProposalRow, WelfarePostRow
from models.match import retained

__all__ = [
    "RETENTION_DAYS",
    "Funnel",
    "SurvivalPoint",
    "WelfareUse",
    "durations",
    "funnel",
    "kaplan_meier",
    "retention_at",
    "welfare_use",
]

RETENTION_DAYS = {3: 90, 6: 180, 12: 365}
_INDEX = {stage.value: i for i, stage in enumerate(CHAIN)}
_HIRED = len(CHAIN) - 1


@dataclass(frozen=True, slots=True)
class Funnel:
    """``steps``: how many matches reached each step of ``CHAIN``, in order; then the retained, those still
    too new to tell, and ``settled``: hires started by ``end`` whose 3 months are decided (retained or not)."""

    steps: tuple[int, ...]
    retained_3_months: int
    pending: int
    declined: int
    settled: int

    @property
    def retention(self) -> Ratio:
        """3-month retention of the hires whose 3 months are decided on ``end`` (not of later starts)."""
        return Ratio(self.retained_3_months, self.settled)


def _furthest(row: ProposalRow) -> int:
    reached = max(row.furthest_event, _INDEX.get(row.stage, -1))
    if row.hired_on is not None or row.stage == "separated":
        reached = _HIRED
    return max(reached, 0)


def funnel(rows: Iterable[ProposalRow], end: dt.date) -> Funnel:
    rows = list(rows)
    furthest = [_furthest(r) for r in rows]
    hired = [r for r in rows if r.hired_on is not None and r.hired_on <= end]
    outcome = [
        retained(r.hired_on, r.separated_on if r.separated_on and r.separated_on <= end else None, end) for r in hired
    ]
    return Funnel(
        steps=tuple(sum(f >= i for f in furthest) for i in range(len(CHAIN))),
        retained_3_months=sum(o is True for o in outcome),
        pending=sum(o is None for o in outcome),
        declined=sum(r.stage == "declined" for r in rows),
        settled=sum(o is not None for o in outcome),
    )


def durations(hires: Iterable[HireRow], start: dt.date, end: dt.date) -> list[tuple[int, bool]]:
    """(days at work, separated) of each hire from ``start`` to ``end``: separated on or before ``end`` is an
    event, else censored at ``end``."""
    out = []
    for h in hires:
        if not start <= h.hired_on <= end:
            continue
        if h.separated_on is not None and h.separated_on <= end:
            out.append(((h.separated_on - h.hired_on).days, True))
        else:
            out.append(((end - h.hired_on).days, False))
    return out


@dataclass(frozen=True, slots=True)
class SurvivalPoint:
    """The estimate just after ``day``: hires at risk on that day, separations and censorings on it."""

    day: int
    at_risk: int
    separated: int
    censored: int
    survival: float


def kaplan_meier(observed: Sequence[tuple[int, bool]]) -> list[SurvivalPoint]:
    """The Kaplan-Meier curve of (duration, event) pairs: one point per day with a separation or a censoring."""
    at_risk, survival = len(observed), 1.0
    points = []
    counts = Counter(observed)  # one pass: a city's hires over a few years of days would be n x days otherwise
    for day in sorted({d for d, _ in observed}):
        separated, censored = counts[(day, True)], counts[(day, False)]
        if separated:
            survival *= 1 - separated / at_risk
        points.append(SurvivalPoint(day, at_risk, separated, censored, survival))
        at_risk -= separated + censored
    return points


def retention_at(curve: Sequence[SurvivalPoint], days: int) -> float | None:
    """P(time at work ≥ ``days``): the estimate after the last separation day before ``days``; None when no
    hire was followed to ``days`` (and not all had left before)."""
    if not curve:
        return None
    before = [p for p in curve if p.day < days]
    value = before[-1].survival if before else 1.0
    if curve[-1].day < days and value > 0:
        return None
    return value


@dataclass(frozen=True, slots=True)
class WelfareUse:
    posts: int
    places: int
    filled: int
    holders: int

    @property
    def use(self) -> Ratio:
        return Ratio(self.filled, self.places)


def welfare_use(posts: Iterable[WelfarePostRow], hires: Iterable[HireRow], start: dt.date, end: dt.date) -> WelfareUse:
    """Public-welfare posts in use during the period and their holders on ``end`` (``hires``: placements of
    the people of the area)."""
    used = [
        p
        for p in posts
        if p.opened_on is not None and p.opened_on <= end and (p.closed_on is None or p.closed_on >= start)
    ]
    ids = {p.posting_id for p in used}
    holders = {h.worker_id for h in active_hires(hires, end) if h.posting_id in ids}
    return WelfareUse(
        posts=len(used),
        places=sum(p.headcount or 0 for p in used),
        filled=sum(p.filled for p in used),
        holders=len(holders),
    )
