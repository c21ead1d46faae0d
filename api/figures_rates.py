"""The four rates (四率: 参训率, 持证率, 就业率, 增收率) and household coverage (每户至少一人就业), as pure functions
over household states (``api.figures_state``).

Definitions (the same in every report, written in the export's 指标说明 sheet, ``api.figures_terms``):

- 参训率 = labour on the ledger on ``end`` with a training wish (培训意愿 是) who have a training on record
  attended on or before ``end`` / labour on the ledger on ``end`` with a training wish.
  Source: 五好社区 text, 帮扶就业: "确保有培训意愿和劳动能力的搬迁群众至少接受1次职业技能培训".
- 持证率 = labour on the ledger on ``end`` holding at least one certificate valid on ``end`` (no expiry, or
  expiring on or after ``end``; or a training on record that gave a certificate) / labour on the ledger on
  ``end``. Source: same paragraph, "深化‘人人持证、技能社会’ … 提高搬迁群众技能证、资格证、等级证的覆盖率".
- 就业率 = labour on the ledger on ``end`` employed on ``end`` / labour on the ledger on ``end``.
- 增收率 = households with labour on ``end`` whose monthly income on ``end`` is higher than on the same day a
  year before / households with labour on ``end`` that the ledger already held a year before (households it
  did not hold then are counted apart, never as "not risen": a placement alone is not the household's income).
- 户覆盖率 (household coverage) on a day = households with labour with at least one employed / households with
  labour, both on the ledger that day. Source: "确保安置区有劳动能力的搬迁家庭每户至少一人稳定就业". A household
  counts from its first ledger date: the ledger holds no relocation date, and counting from a first match would
  count only the households brokers already reached; days before any ledger have no figure (not 0).

All four rates are stocks on the last day of the period (``end``); the start of the period does not change them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.figures_state import HouseholdState, PersonState

__all__ = ["FourRates", "Ratio", "coverage", "coverage_days", "four_rates"]


@dataclass(frozen=True, slots=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The share, None when the denominator is 0 (nothing to count)."""
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True, slots=True)
class FourRates:
    training: Ratio
    certificate: Ratio
    employment: Ratio
    income_growth: Ratio
    labour: int
    households: int
    households_without_baseline: int


def _labour(states: Iterable[HouseholdState]) -> list[PersonState]:
    return [m for h in states for m in h.members if m.on_ledger and m.labour]


def _certified(member: PersonState, end: dt.date) -> bool:
    person = member.person
    return person.certified_by_training or any(e is None or e >= end for e in person.certificate_expiries)


def four_rates(at_end: Sequence[HouseholdState], year_before: Sequence[HouseholdState], end: dt.date) -> FourRates:
    """The four rates of the households ``at_end`` (their states on ``end``); ``year_before``: the states of
    the same households a year earlier (matched by household id)."""
    labour = _labour(at_end)
    wishing = [m for m in labour if m.person.training_wish]
    trained = [m for m in wishing if m.person.trained_on is not None and m.person.trained_on <= end]
    before = {h.household.id: h for h in year_before}
    with_labour = [h for h in at_end if h.on_ledger and h.labour > 0]
    compared = [h for h in with_labour if h.household.id in before and before[h.household.id].income_known]
    rose = [h for h in compared if h.income > before[h.household.id].income]
    return FourRates(
        training=Ratio(len(trained), len(wishing)),
        certificate=Ratio(sum(_certified(m, end) for m in labour), len(labour)),
        employment=Ratio(sum(m.employed for m in labour), len(labour)),
        income_growth=Ratio(len(rose), len(compared)),
        labour=len(labour),
        households=len(with_labour),
        households_without_baseline=len(with_labour) - len(compared),
    )


def coverage(states: Iterable[HouseholdState]) -> Ratio:
    """Households with labour (on the ledger) with at least one employed, over households with labour."""
    with_labour = [h for h in states if h.on_ledger and h.labour > 0]
    return Ratio(sum(h.employed > 0 for h in with_labour), len(with_labour))


def coverage_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a coverage series is taken on: the last day of each month from ``start`` to ``end``, and
    ``end`` itself."""
    days = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        last = following - dt.timedelta(days=1)
        if start <= last < end:
            days.append(last)
        month = following
    return [*days, end]
