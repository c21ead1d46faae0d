"""The form of the match-day plan page (撮合日计划): what a broker types, read into a ``PlanRequest`` with a Chinese
message beside each field it gets wrong; the region offered by default (the county of the account's sites, or
their city when they lie in several counties); the recent plans the account may open again."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.accounts import Scope
from api.allocation import MAX_PER_PLACE, MAX_PER_WORKER, PlanRequest
from api.figures_terms import county_name
from api.pages.web import Form
from api.paging import PageParams
from api.people import site_page
from models.errors import AnyeError, NotAllowed, NotFound
from models.match_plan import MatchPlan
from models.match_plan_repository import MatchPlanRepository

__all__ = ["PlanForm", "Regions", "plan_errors", "read_plan_form", "recent_plans", "regions_of"]

_ADCODE = re.compile(r"\d{6}", re.ASCII)
_LIMITS = {"per_place": ("每个空缺名额最多推荐几人", MAX_PER_PLACE, 3),
           "per_worker": ("每人最多同时推荐几个岗位", MAX_PER_WORKER, 2)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Regions:
    """The counties of the account's sites (adcode, name), their cities, and the region filled in by default."""

    counties: list[tuple[str, str]]
    cities: list[tuple[str, str]]
    default: str


def regions_of(session: Session, scope: Scope) -> Regions:
    """The account's counties and cities; by default its one county, else the one city holding them all."""
    sites = site_page(session, scope, None, PageParams(page=1, size=1000, sort=None)).items
    codes = sorted({s.county_adcode[:6] for s in sites if s.county_adcode})
    cities = sorted({c[:4] + "00" for c in codes})
    default = codes[0] if len(codes) == 1 else cities[0] if len(cities) == 1 else ""
    return Regions([(c, county_name(c)) for c in codes], [(c, county_name(c)) for c in cities], default)


@dataclass(slots=True)
class PlanForm:
    """The form as typed (``values``, given back on an error), the messages by field, and the request when
    every field was understood."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    request: PlanRequest | None = None


def _limit(form: Form, name: str, errors: dict[str, str]) -> int:
    label, top, default = _LIMITS[name]
    raw = form.text(name)
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        errors[name] = f"{label}：请填写 1 至 {top} 之间的整数。"
        return default
    return int(raw)


def _day(raw: str, errors: dict[str, str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors["day"] = "撮合日应为日期，如 2026-11-28；不填为今天。"
        return None


def read_plan_form(form: Form) -> PlanForm:
    """The posted plan form; ``request`` is None when a field is wrong (then ``errors`` say which)."""
    employers = [str(e).strip() for e in form.data.getlist("employer_ids") if str(e).strip()]
    read = PlanForm(values={**form.values, "employer_ids": employers, "out_of_area": bool(form.text("out_of_area"))})
    adcode = form.text("adcode") or None
    if adcode is not None and not _ADCODE.fullmatch(adcode):
        read.errors["adcode"] = "请填写 6 位数字的行政区划代码，如县 140902、市 140900；留空为全部地区。"
    if not all(e.isdigit() for e in employers):
        read.errors["employer_ids"] = "参会单位有误，请刷新页面后重新选择。"
    if employers and read.values["out_of_area"]:
        read.errors["out_of_area"] = "招聘会按参会单位安排岗位，不能同时只安排外出务工岗位，请只选其一。"
    per_place, per_worker = _limit(form, "per_place", read.errors), _limit(form, "per_worker", read.errors)
    day = _day(form.text("day"), read.errors)
    if not read.errors:
        ids = tuple(int(e) for e in employers)
        read.request = PlanRequest(adcode, read.values["out_of_area"], ids, day, per_place, per_worker)
    return read


def plan_errors(exc: AnyeError) -> dict[str, str]:
    """A refusal of the plan service put beside the field it is about ('' above the form)."""
    if isinstance(exc, NotFound):
        return {"employer_ids": exc.detail}
    if isinstance(exc, NotAllowed) or exc.detail.startswith(("adcode", "地区代码")):
        return {"adcode": exc.detail}
    name = next((n for n in _LIMITS if exc.detail.startswith(n)), "")
    return {name: exc.detail}


def recent_plans(session: Session, scope: Scope, *, limit: int = 10) -> list[MatchPlan]:
    """The newest plans of the regions holding a site of the account (any plan for a whole-city account), the
    plans ``api.allocation.Plans.get`` lets it open."""
    return MatchPlanRepository(session).recent(scope.site_ids, limit=limit)
