"""Earlier yearly snapshots of the demo city's ledgers (动态监测: each year's 台账 update).

``past_cities(city, years=2)`` gives the city as its ledgers plausibly stood on the same 填报日期 one, two ...
years before ``AS_OF`` (oldest first): the same sites, households and people (ID numbers and names
unchanged), with what changed since undone. The rules (numbers in ``HISTORY.md``, "Earlier ledgers"):

- someone born after a snapshot's date is not in it; someone under 16 then was a child: no labour, 在校生
  from 6 (小学 to 11, 初中 to 15), no phone, work, wishes, skills, certificates, training or remarks;
- of the people working now, a share had not found their job yet (``NOT_YET``, growing further back): then
  未就业 with a reason; of the people 未就业 now, a share still had a job then (``LOST``, lost since): a job
  drawn as for anyone of their labour and age;
- a job held in two successive snapshots kept its place, employer and months; its monthly income a year
  earlier is the later one divided by 1 + g, g ~ N(``GROWTH``, ``GROWTH_SD``) clipped to
  [``GROWTH_MIN``, ``GROWTH_MAX``], rounded to 100 yuan;
- a training dated after the snapshot had not happened; a remark naming a later year (2025年新增劳动力) was
  not written yet; everything else (labour capacity, health, education of adults, wishes, phones,
  household category) is as now.

Snapshots are clean: the planted problems of the answer key are in the current ledgers only. The draws
come from one stream, ``Draw(f"{seed}:snapshots")``, person by person in city order, so the same seed
gives the same snapshots, and a person's snapshots agree with each other (not yet employed two years back
whenever not yet employed one year back).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from ingest.demo.draw import Draw
from ingest.demo.population import AS_OF, City, Household, Person, Site
from ingest.demo.work import PAID_STATUSES, not_working_reason, past_job

__all__ = ["GROWTH", "LOST", "NOT_YET", "past_cities", "snapshot_dates", "snapshot_folder"]

# years back -> share of today's employed not employed yet; of today's 未就业 still employed then
NOT_YET: dict[int, float] = {1: 0.15, 2: 0.30, 3: 0.42}
LOST: dict[int, float] = {1: 0.06, 2: 0.10, 3: 0.13}
GROWTH, GROWTH_SD, GROWTH_MIN, GROWTH_MAX = 0.07, 0.08, -0.15, 0.35
_UNEMPLOYED = "未就业"
_HELP_UNEMPLOYED = "推荐就业岗位"


def snapshot_dates(years: int) -> list[dt.date]:
    """The fill dates of ``years`` earlier snapshots, oldest first (same day of the year as ``AS_OF``)."""
    return [AS_OF.replace(year=AS_OF.year - k) for k in range(years, 0, -1)]


def snapshot_folder(as_of: dt.date) -> str:
    """Where the snapshot of ``as_of`` is written, relative to the demo folder (its files under ``ledgers/``)."""
    return f"snapshots/{as_of:%Y-%m}"


def past_cities(city: City, years: int) -> list[tuple[dt.date, City]]:
    """The city on each earlier snapshot date, oldest first (``years`` of them, at most ``max(NOT_YET)``)."""
    if not 0 <= years <= max(NOT_YET):
        raise ValueError(f"snapshots go back 0..{max(NOT_YET)} years, not {years}")
    rng = Draw(f"{city.seed}:snapshots")
    pasts = [_empty(city) for _ in range(years)]
    sites = [{id(s): c for s, c in zip(city.sites, past.sites, strict=True)} for past in pasts]
    for household in city.households:
        copies = [_household(household, sites[k][id(household.site)]) for k in range(years)]
        for person in household.members:
            chance = rng.random()
            later = person
            for k in range(1, years + 1):
                on = AS_OF.replace(year=AS_OF.year - k)
                then = _earlier(rng, later, person, on, _employed_then(person, chance, k), household.site)
                if then is None:
                    break
                copies[k - 1].members.append(then)
                later = then
        for k, copy in enumerate(copies):
            copy.site.households.append(copy)
            pasts[k].households.append(copy)
    dates = [AS_OF.replace(year=AS_OF.year - k) for k in range(1, years + 1)]
    return list(reversed(list(zip(dates, pasts, strict=True))))


def _empty(city: City) -> City:
    sites = [dataclasses.replace(site, households=[]) for site in city.sites]
    return City(city.scale, city.seed, sites, [])


def _household(household: Household, site: Site) -> Household:
    return dataclasses.replace(household, site=site, members=[])


def _employed_then(now: Person, chance: float, years_back: int) -> bool:
    """Whether ``now`` had a job ``years_back`` years ago: monotone in ``years_back`` for one ``chance``."""
    if now.status in PAID_STATUSES:
        return chance >= NOT_YET[years_back]
    return now.status == _UNEMPLOYED and chance < LOST[years_back]


def _earlier(rng: random.Random, later: Person, now: Person, on: dt.date, employed: bool, site: Site) -> Person | None:
    """The person on ``on``, from their state on the next snapshot (``later``); None: not born yet."""
    if now.born > on:
        return None
    then = dataclasses.replace(later, as_of=on)
    if then.age < 16:
        return _child(then)
    if then.training is not None and then.training[1] > on:
        then.training = None
    if then.remarks and then.remarks[:4].isdigit() and int(then.remarks[:4]) > on.year:
        then.remarks = None
    working = later.status in PAID_STATUSES
    if employed and working:
        then.income = _earlier_income(rng, later.income)
    elif employed:
        past_job(rng, then, site)
    elif working:
        then.status, then.place, then.employer, then.months, then.income = _UNEMPLOYED, None, None, None, None
        then.reason = not_working_reason(rng, then, then.age)
        then.assistance = _HELP_UNEMPLOYED if then.assistance else None
    return then


def _earlier_income(rng: random.Random, income: int | None) -> int | None:
    if income is None:
        return None
    growth = min(GROWTH_MAX, max(GROWTH_MIN, rng.gauss(GROWTH, GROWTH_SD)))
    return max(100, round(income / (1 + growth) / 100) * 100)


def _child(then: Person) -> Person:
    """A member under 16 on the snapshot: a child, at school from 6."""
    age = then.age
    then.labour = "无劳动力"
    then.status = "在校生" if age >= 6 else None
    then.education = None if age < 6 else "小学" if age <= 11 else "初中"
    then.phones, then.skills, then.certificates = (), (), ()
    then.place = then.employer = then.reason = then.assistance = then.remarks = None
    then.months = then.income = then.wish_job = then.wish_place = then.wish_wage = None
    then.wish_employment = then.training_wish = None
    then.training = None
    return then
