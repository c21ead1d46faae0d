"""The tables of each figure and list: one row per site, county and area total (figures) or per household or
person (lists), with Chinese headers. ``build_report`` is the one entry point of routes, CLI and notebook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.accounts import Scope
from api.figures import Area, Loaded, Period, Unit, load_area, report_of
from api.figures_flow import RETENTION_DAYS, durations, funnel, kaplan_meier, retention_at, welfare_use
from api.figures_lists import (
    DEFAULT_RELIEF_DAYS,
    DEFAULT_TERM_WINDOW,
    relief_candidates,
    training_gap,
    welfare_terms,
    welfare_without_start,
    zero_employment,
)
from api.figures_rates import Ratio, coverage, coverage_days, four_rates
from api.figures_state import PersonState
from api.figures_terms import Cell, Column, Report, Table
from api.people import years_before
from models.errors import NotFound
from models.figures_repository import CHAIN
from models.vocab import EmploymentStatus, HouseholdCategory, LabourCapacity, label

__all__ = ["FIGURES", "LISTS", "Options", "build_report"]


@dataclass(frozen=True, slots=True)
class Options:
    """``days``: days without work for the relief list; ``within``: days ahead for the term-end list."""

    days: int = DEFAULT_RELIEF_DAYS
    within: int = DEFAULT_TERM_WINDOW


Row = dict[str, Cell]
_UNIT = [Column(key="unit", header="统计单位"), Column(key="level", header="层级")]
_LEVEL = {"site": "安置点", "county": "县（区）", "total": "合计"}


def _c(key: str, header: str, kind: str = "int") -> Column:
    return Column.model_validate({"key": key, "header": header, "kind": kind})


def _unit(unit: Unit) -> Row:
    return {"unit": unit.label, "level": _LEVEL[unit.kind]}


def _rate(ratio: Ratio) -> float | None:
    return None if ratio.value is None else round(ratio.value, 4)


# figures ---------------------------------------------------------------------------------------------
def _rates(loaded: Loaded, period: Period) -> list[Table]:
    end, before = period.end, years_before(period.end, 1)
    rows = []
    for unit in loaded.units:
        r = four_rates(loaded.states_in(unit, end), loaded.states_in(unit, before), end)
        rows.append(
            _unit(unit)
            | {
                "labour": r.labour,
                "training_wish": r.training.denominator,
                "trained": r.training.numerator,
                "training_rate": _rate(r.training),
                "certified": r.certificate.numerator,
                "certificate_rate": _rate(r.certificate),
                "employed": r.employment.numerator,
                "employment_rate": _rate(r.employment),
                "households": r.households,
                "compared": r.income_growth.denominator,
                "income_rose": r.income_growth.numerator,
                "income_growth_rate": _rate(r.income_growth),
                "no_baseline": r.households_without_baseline,
            }
        )
    columns = [
        *_UNIT,
        _c("labour", "劳动力人数"),
        _c("training_wish", "有培训意愿人数"),
        _c("trained", "已参训人数"),
        _c("training_rate", "参训率", "rate"),
        _c("certified", "持证人数"),
        _c("certificate_rate", "持证率", "rate"),
        _c("employed", "就业人数"),
        _c("employment_rate", "就业率", "rate"),
        _c("households", "有劳动力户数"),
        _c("compared", "可比户数（上年同日有记录）"),
        _c("income_rose", "增收户数"),
        _c("income_growth_rate", "增收率", "rate"),
        _c("no_baseline", "无上年记录户数"),
    ]
    return [Table(name="rates", title="四率统计（截至期末日）", columns=columns, rows=rows)]


def _funnel(loaded: Loaded, period: Period) -> list[Table]:
    proposals = loaded.repo.proposals(loaded.site_ids, period.start, period.end)
    site_of = loaded.site_of_worker()
    steps = [(stage.value, stage.zh) for stage in CHAIN]
    rows = []
    for unit in loaded.units:
        f = funnel([p for p in proposals if unit.holds(site_of.get(p.worker_id))], period.end)
        row = _unit(unit) | {key: n for (key, _), n in zip(steps, f.steps, strict=True)}
        row |= {
            "retained": f.retained_3_months,
            "pending": f.pending,
            "declined": f.declined,
            "hire_rate": _rate(Ratio(f.steps[-1], f.steps[0])),
            "retained_rate": _rate(f.retention),
        }
        rows.append(row)
    columns = [
        *_UNIT,
        *(_c(key, f"{zh}（人次）") for key, zh in steps),
        _c("retained", "留存满3个月"),
        _c("pending", "上岗未满3个月（待观察）"),
        _c("declined", "未成（不合适）"),
        _c("hire_rate", "上岗率（上岗/推荐）", "rate"),
        _c("retained_rate", "3个月留存率（已满3个月者）", "rate"),
    ]
    return [Table(name="funnel", title="撮合漏斗（按推荐日期）", columns=columns, rows=rows)]


def _retention(loaded: Loaded, period: Period) -> list[Table]:
    site_of = loaded.site_of_worker()
    rows, curve_rows = [], []
    for unit in loaded.units:
        observed = durations(
            [h for h in loaded.records.hires if unit.holds(site_of.get(h.worker_id))], period.start, period.end
        )
        curve = kaplan_meier(observed)
        row = _unit(unit) | {
            "hires": len(observed),
            "separated": sum(e for _, e in observed),
            "censored": sum(not e for _, e in observed),
        }
        for months, days in RETENTION_DAYS.items():
            value = retention_at(curve, days)
            row[f"m{months}"] = None if value is None else round(value, 4)
        rows.append(row)
        curve_rows += [
            _unit(unit)
            | {
                "day": p.day,
                "at_risk": p.at_risk,
                "left": p.separated,
                "still": p.censored,
                "survival": round(p.survival, 4),
            }
            for p in curve
        ]
    columns = [
        *_UNIT,
        _c("hires", "上岗人次"),
        _c("separated", "已离职"),
        _c("censored", "截至期末仍在岗"),
        *(_c(f"m{m}", f"{m}个月留存率", "rate") for m in RETENTION_DAYS),
    ]
    curve_columns = [
        *_UNIT,
        _c("day", "上岗后天数"),
        _c("at_risk", "当日在岗人数"),
        _c("left", "当日离职"),
        _c("still", "当日删失（仍在岗）"),
        _c("survival", "留存率（Kaplan-Meier）", "rate"),
    ]
    return [
        Table(name="retention", title="稳岗留存（按上岗日期，Kaplan-Meier）", columns=columns, rows=rows),
        Table(name="curve", title="留存曲线", columns=curve_columns, rows=curve_rows),
    ]


def _coverage(loaded: Loaded, period: Period) -> list[Table]:
    rows = []
    for day in coverage_days(period.start, period.end):
        for unit in loaded.units:
            ratio = coverage(loaded.states_in(unit, day))
            rows.append(
                _unit(unit)
                | {
                    "day": day.isoformat(),
                    "households": ratio.denominator,
                    "covered": ratio.numerator,
                    "rate": _rate(ratio),
                }
            )
    columns = [
        *_UNIT,
        _c("day", "日期", "date"),
        _c("households", "有劳动力户数"),
        _c("covered", "有人就业户数"),
        _c("rate", "户覆盖率", "rate"),
    ]
    return [Table(name="coverage", title="户覆盖率（每月末）", columns=columns, rows=rows)]


def _welfare(loaded: Loaded, period: Period) -> list[Table]:
    posts = loaded.repo.welfare_posts(loaded.site_ids, loaded.counties)
    site_of = loaded.site_of_worker()
    rows = []
    for unit in loaded.units:
        mine = [
            p
            for p in posts
            if unit.holds(p.site_id)
            or (p.site_id is None and unit.kind != "site" and (unit.kind == "total" or p.county == unit.county))
        ]
        hires = [h for h in loaded.records.hires if unit.holds(site_of.get(h.worker_id))]
        use = welfare_use(mine, hires, period.start, period.end)
        rows.append(
            _unit(unit)
            | {
                "posts": use.posts,
                "places": use.places,
                "filled": use.filled,
                "use": _rate(use.use),
                "holders": use.holders,
            }
        )
    columns = [
        *_UNIT,
        _c("posts", "岗位数"),
        _c("places", "招聘人数"),
        _c("filled", "已录用人数"),
        _c("use", "使用率", "rate"),
        _c("holders", "期末在岗人数"),
    ]
    return [Table(name="welfare", title="公益性岗位使用", columns=columns, rows=rows)]


# lists -----------------------------------------------------------------------------------------------
def _person(loaded: Loaded, member: PersonState, numbers: dict[int, str]) -> Row:
    p = member.person
    return {
        "site": loaded.site_name(loaded.household_site().get(p.household_id)),
        "household": numbers.get(p.household_id, ""),
        "name": p.name,
        "id_mask": p.id_mask,
        "phone": p.phone_mask or "",
        "labour": label(p.labour_capacity, LabourCapacity),
        "status": _status(member.status),
    }


def _status(code: str | None) -> str:
    try:
        return label(code, EmploymentStatus)
    except ValueError:  # a code of a newer vocabulary: shown as stored
        return code or ""


_PERSON = [
    _c("site", "安置点", "text"),
    _c("household", "户编号", "text"),
    _c("name", "姓名", "text"),
    _c("id_mask", "身份证号（脱敏）", "text"),
    _c("phone", "联系电话（脱敏）", "text"),
    _c("labour", "劳动能力", "text"),
    _c("status", "就业状态", "text"),
]


def _numbers(loaded: Loaded) -> dict[int, str]:
    return {h.id: h.number for h in loaded.records.households}


def _zero(loaded: Loaded, period: Period, options: Options) -> Table:
    rows = [
        {
            "site": loaded.site_name(h.household.site_id),
            "household": h.household.number,
            "head": h.household.head_name or "",
            "category": label(h.household.category, HouseholdCategory),
            "members": len(h.members),
            "labour": h.labour,
            "income": h.income,
        }
        for h in zero_employment(loaded.states(period.end))
    ]
    columns = [
        _c("site", "安置点", "text"),
        _c("household", "户编号", "text"),
        _c("head", "户主", "text"),
        _c("category", "户类型", "text"),
        _c("members", "家庭人数"),
        _c("labour", "劳动力人数"),
        _c("income", "家庭月收入（元）", "money"),
    ]
    return Table(name="zero_employment", title="零就业家庭（优先帮扶）", columns=columns, rows=rows)


def _gap(loaded: Loaded, period: Period, options: Options) -> Table:
    numbers = _numbers(loaded)
    rows = [
        _person(loaded, m, numbers) | {"wish": m.person.wish_job_text or ""}
        for m in training_gap(loaded.states(period.end), period.end)
    ]
    return Table(
        name="training_gap",
        title="培训缺口（有意愿、有劳动能力、未参训未持证）",
        columns=[*_PERSON, _c("wish", "求职意向", "text")],
        rows=rows,
    )


def _relief(loaded: Loaded, period: Period, options: Options) -> Table:
    numbers = _numbers(loaded)
    rows = [
        _person(loaded, i.member, numbers) | {"since": i.since.isoformat(), "days": i.days, "reason": i.reason}
        for i in relief_candidates(loaded.states(period.end), period.end, days=options.days)
    ]
    columns = [*_PERSON, _c("since", "未就业起始日", "date"), _c("days", "未就业天数"), _c("reason", "原因", "text")]
    return Table(name="relief", title=f"失业救助对象（客观原因未就业满 {options.days} 天）", columns=columns, rows=rows)


_NO_START = "台账记为公益性岗位，但无上岗记录：请核实上岗日期和聘期并补录上岗"


def _terms(loaded: Loaded, period: Period, options: Options) -> Table:
    people = {p.worker_id: p for p in loaded.records.people}
    numbers = _numbers(loaded)
    rows = []
    for t in welfare_terms(loaded.records.hires, period.end, within=options.within):
        p = people[t.hire.worker_id]
        rows.append(
            {
                "site": loaded.site_name(loaded.household_site().get(p.household_id)),
                "household": numbers.get(p.household_id, ""),
                "name": p.name,
                "id_mask": p.id_mask,
                "post": t.hire.title,
                "employer": t.hire.employer,
                "hired_on": t.hire.hired_on.isoformat(),
                "months": t.term_months,
                "ends_on": t.ends_on.isoformat(),
                "days_left": t.days_left,
                "note": "",
            }
        )
    for m in welfare_without_start(loaded.states(period.end), loaded.records.hires, period.end):
        p = m.person
        rows.append(
            {
                "site": loaded.site_name(loaded.household_site().get(p.household_id)),
                "household": numbers.get(p.household_id, ""),
                "name": p.name,
                "id_mask": p.id_mask,
                **dict.fromkeys(("post", "employer", "hired_on", "months", "ends_on", "days_left")),
                "note": _NO_START,
            }
        )
    columns = [
        _c("site", "安置点", "text"),
        _c("household", "户编号", "text"),
        _c("name", "姓名", "text"),
        _c("id_mask", "身份证号（脱敏）", "text"),
        _c("post", "岗位", "text"),
        _c("employer", "用工单位", "text"),
        _c("hired_on", "上岗日期", "date"),
        _c("months", "期限（月）"),
        _c("ends_on", "到期日", "date"),
        _c("days_left", "距到期天数（负数为已到期）"),
        _c("note", "备注", "text"),
    ]
    return Table(
        name="welfare_term",
        title=f"公益性岗位到期提醒（{options.within} 天内到期或已到期；上岗日期不详者列后）",
        columns=columns,
        rows=rows,
    )


FIGURES: dict[str, tuple[str, Callable[[Loaded, Period], list[Table]]]] = {
    "rates": ("四率统计", _rates),
    "funnel": ("撮合漏斗", _funnel),
    "retention": ("稳岗留存", _retention),
    "coverage": ("户覆盖率", _coverage),
    "welfare": ("公益性岗位使用", _welfare),
}
LISTS: dict[str, tuple[str, Callable[[Loaded, Period, Options], Table]]] = {
    "zero_employment": ("零就业家庭清单", _zero),
    "training_gap": ("培训缺口清单", _gap),
    "relief": ("失业救助对象清单", _relief),
    "welfare_term": ("公益性岗位到期清单", _terms),
}


def build_report(
    session: Session, scope: Scope, kind: str, area: Area, period: Period, options: Options | None = None
) -> Report:
    """The figure or list ``kind`` (a key of ``FIGURES`` or ``LISTS``) of ``area`` over ``period``."""
    options = options or Options()
    if kind in FIGURES:
        title, build = FIGURES[kind]
        return report_of(kind, title, load_area(session, scope, area), period, build)
    if kind in LISTS:
        title, make = LISTS[kind]
        return report_of(kind, title, load_area(session, scope, area), period, lambda lo, pe: [make(lo, pe, options)])
    raise NotFound(f"没有名为“{kind}”的报表或清单。可用：{'、'.join([*FIGURES, *LISTS])}。")
