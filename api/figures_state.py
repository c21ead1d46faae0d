"""A person's and a household's situation on a given day, rebuilt from the records (pure functions over rows).

Two sources say whether someone works, and the later one wins:

- the ledger (台账): the value of a field on a day is the value the ledger held then, rebuilt from the change
  log (each change effective on its import's ledger date, else on the day recorded); before a person's first
  ledger record (``recorded_on``) the ledger says nothing about them;
- placements (上岗记录, ``Match.hired_on`` / ``separated_on``): a placement is active on ``day`` when
  ``hired_on <= day`` and it was not separated on or before ``day``.

*Labour* (劳动力) is a person whose labour capacity is 技能/普通/弱劳动力 (``LabourCapacity.has_labour``), as
in every other count of Anye (``models.people_repository``). *Employed* on a day: in an active placement, or
the ledger's employment status on that day is a job (``EmploymentStatus.is_employed``) and no placement of
the person ended after that status was recorded (a later separation overrides an older ledger entry).

A member's *monthly income* on a day: the wage of their active placement (the latest hired when several),
else the ledger's 月收入 when the ledger holds them and no later separation overrides it, else 0. A household's
income is the sum over its members; it is *known* on a day when the ledger holds the household then (at least
one member). A placement alone does not make it known: the other members' incomes would count as 0, and a
household whose first ledger came later would show a rise that is only the ledger arriving.

Source: 忻州市以创建“五好社区”为抓手全面加强搬迁后扶工作 (``shared/seed``), 帮扶就业: "确保安置区有劳动能力的
搬迁家庭每户至少一人稳定就业"; ``shared/DOMAIN.md`` (People and households).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models.figures_repository import ChangeRow, HireRow, HouseholdRecord, PersonRecord
from models.vocab import EmploymentStatus, LabourCapacity

__all__ = [
    "HouseholdState",
    "PersonState",
    "Records",
    "active_hires",
    "household_states",
    "person_state",
]

_LABOUR = frozenset(c.value for c in LabourCapacity if c.has_labour)
_EMPLOYED = frozenset(s.value for s in EmploymentStatus if s.is_employed)


@dataclass(frozen=True, slots=True)
class PersonState:
    """A person on one day. ``on_ledger``: the ledger held them then (their ledger fields are known)."""

    person: PersonRecord
    on_ledger: bool
    labour: bool
    status: str | None
    employed: bool
    income: int
    income_known: bool
    last_separation: HireRow | None
    # the day the ledger's employment status last changed (on or before the day), None: as first recorded
    status_changed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class HouseholdState:
    household: HouseholdRecord
    members: tuple[PersonState, ...]

    @property
    def on_ledger(self) -> bool:
        return any(m.on_ledger for m in self.members)

    @property
    def labour(self) -> int:
        return sum(m.labour for m in self.members if m.on_ledger)

    @property
    def employed(self) -> int:
        return sum(m.employed for m in self.members if m.on_ledger and m.labour)

    @property
    def income(self) -> int:
        return sum(m.income for m in self.members)

    @property
    def income_known(self) -> bool:
        """The household's income on the day is on record: the ledger held it then (see the module)."""
        return self.on_ledger

    @property
    def zero_employment(self) -> bool:
        """零就业家庭: labour on the ledger and no one of them employed."""
        return self.labour > 0 and self.employed == 0


@dataclass(frozen=True, slots=True)
class Records:
    """Everything the figures of an area are computed from, grouped for look-up."""

    households: Sequence[HouseholdRecord]
    people: Sequence[PersonRecord]
    changes: Sequence[ChangeRow] = ()
    hires: Sequence[HireRow] = ()

    def people_by_household(self) -> dict[int, list[PersonRecord]]:
        out: dict[int, list[PersonRecord]] = defaultdict(list)
        for person in self.people:
            out[person.household_id].append(person)
        return out

    def changes_by_worker(self) -> dict[int, list[ChangeRow]]:
        out: dict[int, list[ChangeRow]] = defaultdict(list)
        for change in sorted(self.changes, key=lambda c: c.on):
            out[change.worker_id].append(change)
        return out

    def hires_by_worker(self) -> dict[int, list[HireRow]]:
        out: dict[int, list[HireRow]] = defaultdict(list)
        for hire in self.hires:
            out[hire.worker_id].append(hire)
        return out


def active_hires(hires: Iterable[HireRow], day: dt.date) -> list[HireRow]:
    """Placements active on ``day``, the latest hired first."""
    active = [h for h in hires if h.hired_on <= day and (h.separated_on is None or h.separated_on > day)]
    return sorted(active, key=lambda h: (h.hired_on, h.match_id), reverse=True)


def _ledger_on(
    person: PersonRecord, changes: Sequence[ChangeRow], day: dt.date
) -> dict[str, tuple[str | None, dt.date]]:
    """The tracked fields on ``day`` with the day each value was recorded: current values, each change after
    ``day`` undone (changes are oldest first)."""
    values: dict[str, tuple[str | None, dt.date]] = {
        "labour_capacity": (person.labour_capacity, person.recorded_on),
        "employment_status": (person.employment_status, person.recorded_on),
        "monthly_income": (None if person.monthly_income is None else str(person.monthly_income), person.recorded_on),
    }
    since: dict[str, dt.date] = {}
    for change in changes:
        if change.on <= day:
            since[change.field] = change.on
    for change in reversed(changes):
        if change.on > day:
            values[change.field] = (change.old, person.recorded_on)
    for name, on in since.items():
        values[name] = (values[name][0], on)
    return values


def _number(text: str | None) -> int:
    try:
        return int(float(text)) if text else 0
    except ValueError:
        return 0


def person_state(
    person: PersonRecord, changes: Sequence[ChangeRow], hires: Sequence[HireRow], day: dt.date
) -> PersonState:
    """The person on ``day`` by the rules of this module."""
    on_ledger = person.recorded_on <= day
    ledger = _ledger_on(person, changes, day) if on_ledger else {}
    capacity = ledger["labour_capacity"][0] if on_ledger else person.labour_capacity
    status, status_since = ledger.get("employment_status", (None, day))
    changed = status_since if on_ledger and status_since != person.recorded_on else None
    ended = [h for h in hires if h.separated_on is not None and h.separated_on <= day]
    last = max(ended, key=lambda h: (h.separated_on or day, h.match_id), default=None)
    overridden = last is not None and last.separated_on is not None and last.separated_on > status_since
    active = active_hires(hires, day)
    ledger_employed = on_ledger and status in _EMPLOYED and not overridden
    if active:
        income = int(active[0].wage or 0)
    elif on_ledger and not overridden:
        income = _number(ledger["monthly_income"][0])
    else:
        income = 0
    return PersonState(
        person=person,
        on_ledger=on_ledger,
        labour=capacity in _LABOUR,
        status=status,
        employed=bool(active) or ledger_employed,
        income=income,
        income_known=on_ledger or bool(active),
        last_separation=last,
        status_changed_on=changed,
    )


def household_states(records: Records, day: dt.date) -> list[HouseholdState]:
    """Every household of ``records`` on ``day``, members in worker id order."""
    people = records.people_by_household()
    changes, hires = records.changes_by_worker(), records.hires_by_worker()
    return [
        HouseholdState(
            household,
            tuple(
                person_state(p, changes.get(p.worker_id, ()), hires.get(p.worker_id, ()), day)
                for p in people.get(household.id, ())
            ),
        )
        for household in records.households
    ]
