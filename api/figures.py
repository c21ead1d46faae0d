"""Figures and lists (统计报表与工作清单) for an area within an account's scope: the use cases behind
``/reports/...`` and ``anye report ...``.

An area is one settlement site (by id or name), one county (adcode), or everything the account may see
(a broker: their sites; an administrator: their counties or the whole city). Figures are given per site,
per county and for the whole area (全市 for the whole city, else 合计). The records come from
``models.figures_repository``; the computations are the pure functions of ``api.figures_state``,
``api.figures_rates``, ``api.figures_flow`` and ``api.figures_lists``, whose docstrings (and the export's
指标说明 sheet, ``api.figures_terms.DEFINITIONS``) define every figure. Tables are built in
``api.figures_tables``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import Session

from api.accounts import Scope
from api.figures_state import HouseholdState, Records, household_states
from api.figures_terms import DEFINITIONS, Report, Table, county_name
from api.people import years_before
from models.errors import InvalidInput, NotFound
from models.figures_repository import FiguresRepository, SiteInfo
from models.vocab import Role

__all__ = [
    "Area",
    "Loaded",
    "Period",
    "Unit",
    "city_scope",
    "load_area",
    "period_of",
    "report_of",
]

NO_SUCH_SITE = "找不到该安置点，或您无权查看。"
NO_SUCH_COUNTY = "该县（区）没有您可查看的安置点。"


@dataclass(frozen=True, slots=True)
class Area:
    """``site``: a site's id or name; ``county``: a county adcode; neither: all the account may see."""

    site: str | None = None
    county: str | None = None


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date


def period_of(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """The period asked for: ``end`` defaults to today, ``start`` to a year before ``end``."""
    end = end or today
    start = start or years_before(end, 1)
    if start > end:
        raise InvalidInput("开始日期不能晚于结束日期。")
    return Period(start, end)


def city_scope(username: str = "cli") -> Scope:
    """The whole city, as the command line and the notebook see it (they run with the operator's rights)."""
    return Scope(0, Role.ADMIN, None, frozenset(), username=username)


@dataclass(frozen=True, slots=True)
class Unit:
    """A row of a figure: a site, a county, or the whole area; ``site_ids``: the sites it adds up."""

    kind: str
    label: str
    county: str
    site_ids: frozenset[int]

    def holds(self, site_id: int | None) -> bool:
        return site_id in self.site_ids


@dataclass
class Loaded:
    """The records of an area, its sites and its units (sites, counties, total), for the table builders."""

    label: str
    sites: list[SiteInfo]
    units: list[Unit]
    records: Records
    repo: FiguresRepository
    site_ids: frozenset[int] | None
    counties: frozenset[str] | None
    _states: dict[dt.date, list[HouseholdState]] = field(default_factory=dict)
    _by_site: dict[dt.date, dict[int, list[HouseholdState]]] = field(default_factory=dict)

    def states(self, day: dt.date) -> list[HouseholdState]:
        if day not in self._states:
            self._states[day] = household_states(self.records, day)
        return self._states[day]

    def states_in(self, unit: Unit, day: dt.date) -> list[HouseholdState]:
        """The households of ``unit`` on ``day``: grouped by site once a day, so a city's ~80 units do not each
        go over every household."""
        if day not in self._by_site:
            grouped: dict[int, list[HouseholdState]] = {}
            for state in self.states(day):
                grouped.setdefault(state.household.site_id, []).append(state)
            self._by_site[day] = grouped
        by_site = self._by_site[day]
        return [s for site in sorted(unit.site_ids) for s in by_site.get(site, ())]

    @cached_property
    def _household_site(self) -> dict[int, int]:
        return {h.id: h.site_id for h in self.records.households}

    def household_site(self) -> dict[int, int]:
        return self._household_site

    def site_of_worker(self) -> dict[int, int]:
        household_site = self.household_site()
        return {p.worker_id: household_site[p.household_id] for p in self.records.people}

    def site_name(self, site_id: int | None) -> str:
        return next((s.name for s in self.sites if s.id == site_id), "")


def _pick_site(repo: FiguresRepository, scope: Scope, key: str) -> SiteInfo:
    visible = repo.sites(scope.site_ids)
    key = key.strip()
    found = [s for s in visible if s.name == key or (key.isdigit() and s.id == int(key))]
    if not found:
        raise NotFound(NO_SUCH_SITE)
    return found[0]


def _resolve(repo: FiguresRepository, scope: Scope, area: Area) -> tuple[str, list[SiteInfo], frozenset[str] | None]:
    """The area's label, sites and the counties whose posts at no site belong to it."""
    if area.site:
        site = _pick_site(repo, scope, area.site)
        return site.name, [site], frozenset()
    visible = repo.sites(scope.site_ids)
    whole = scope.site_ids is None
    if area.county:
        county = area.county.strip()
        sites = [s for s in visible if s.county == county]
        if not sites and not whole:
            raise NotFound(NO_SUCH_COUNTY)
        admin_of_it = scope.role is Role.ADMIN and (whole or county in scope.county_adcodes)
        return county_name(county), sites, frozenset({county}) if admin_of_it else frozenset()
    counties = None if whole else (scope.county_adcodes if scope.role is Role.ADMIN else frozenset())
    return ("全市" if whole else "所辖安置点"), visible, counties


def _units(sites: list[SiteInfo], total: str) -> list[Unit]:
    ordered = sorted(sites, key=lambda s: (s.county or "", s.name))
    units = [Unit("site", s.name, s.county or "", frozenset({s.id})) for s in ordered]
    counties = sorted({s.county or "" for s in sites})
    if len(sites) > 1:
        for county in counties:
            ids = frozenset(s.id for s in sites if (s.county or "") == county)
            units.append(Unit("county", county_name(county) or "（未知县区）", county, ids))
        units.append(Unit("total", total, "", frozenset(s.id for s in sites)))
    return units


def load_area(session: Session, scope: Scope, area: Area) -> Loaded:
    """The records of the area as the account may see them, with its units."""
    repo = FiguresRepository(session)
    label, sites, counties = _resolve(repo, scope, area)
    whole = scope.site_ids is None and not area.site and not area.county
    site_ids = None if whole else frozenset(s.id for s in sites)
    records = Records(
        households=repo.households(site_ids),
        people=repo.people(site_ids),
        changes=repo.changes(site_ids),
        hires=repo.hires(site_ids),
    )
    total = "全市" if whole else "合计"
    return Loaded(label, sites, _units(sites, total), records, repo, site_ids, None if whole else counties)


def report_of(
    kind: str, title: str, loaded: Loaded, period: Period, build: Callable[[Loaded, Period], list[Table]]
) -> Report:
    return Report(
        kind=kind,
        title=f"{loaded.label}{title}",
        area=loaded.label,
        start=period.start,
        end=period.end,
        tables=build(loaded, period),
        definitions=DEFINITIONS,
    )
