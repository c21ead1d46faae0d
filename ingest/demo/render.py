"""The cells of one person's ledger row, written the way staff write them, but without any problem.

Values vary in form only where every reader must accept the variation: ID numbers with full-width digits,
spaces, lower-case x or in the 15-digit form; dates in several forms; yes/no as 是/否, √, 1/0 or 有/无;
several phones in one cell; 中专/技校 and 本科 for the vocabulary's 中专/中职/技校 and 本科及以上.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingest.demo import idnumber
from ingest.demo.work import skill_text

if TYPE_CHECKING:
    from ingest.demo.layouts import Layout
    from ingest.demo.population import Household, Person

__all__ = ["Cell", "format_date", "render_row", "yes_no"]

Cell = str | int | float | dt.date | None
"""A cell as written: text, a number, an Excel date, or empty."""

_FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
_PHONE_JOINERS = ("/", "、", " ", "，")


def format_date(value: dt.date, style: str, fmt: str) -> Cell:
    """``value`` in a date style of ``layouts.DATE_STYLES``; an Excel date cell is text in a CSV file."""
    if style == "dot":
        return f"{value:%Y.%m.%d}"
    if style == "dash":
        return f"{value.year}-{value.month}-{value.day}"
    if style == "month":
        return f"{value.year}年{value.month}月"
    if style == "yyyymm":
        return f"{value:%Y%m}"
    return f"{value.year}/{value.month}/{value.day}" if fmt == "csv" else value


def yes_no(flag: bool | None, layout: Layout) -> Cell:
    """A yes/no cell in the layout's habit (blank when unknown)."""
    if flag is None:
        return None
    return layout.yes_no[0] if flag else layout.yes_no[1]


def render_row(rng: random.Random, person: Person, household: Household, layout: Layout, fmt: str) -> list[Cell]:
    """The row's cells in the layout's column order (序号 is left empty: the writer numbers the rows)."""
    return [_RENDER[field](rng, person, household, layout, fmt) for field in layout.fields]


def _id_cell(rng: random.Random, person: Person, layout: Layout) -> str:
    """The ID number as text, now and then in another accepted form."""
    id18 = person.id_number
    if rng.random() >= layout.id_variety:
        return id18
    roll = rng.random()
    if roll < 0.3 and person.born.year < 2000:
        return idnumber.to_old_form(id18)
    if roll < 0.5 and id18.endswith("X"):
        return id18[:-1] + "x"
    if roll < 0.75:
        return id18.translate(_FULL_WIDTH)
    return rng.choice((f"{id18[:6]} {id18[6:14]} {id18[14:]}", f" {id18}", f"{id18} "))


def _date_cell(rng: random.Random, value: dt.date, layout: Layout, fmt: str) -> Cell:
    style = layout.date_style if rng.random() < 0.85 else rng.choice(("dot", "dash", "month", "excel"))
    return format_date(value, style, fmt)


def _phone_cell(rng: random.Random, person: Person) -> str | None:
    if not person.phones:
        return None
    return rng.choice(_PHONE_JOINERS).join(person.phones)


def _origin(household: Household, layout: Layout) -> str:
    prefix = household.site.county.name if layout.origin_with_county else ""
    return f"{prefix}{household.town}{household.village}"


Render = Callable[[random.Random, "Person", "Household", "Layout", str], Cell]

_RENDER: dict[str, Render] = {
    "seq": lambda r, p, h, lay, f: None,
    "household_number": lambda r, p, h, lay, f: h.number,
    "head_name": lambda r, p, h, lay, f: h.members[0].name,
    "relation": lambda r, p, h, lay, f: p.relation,
    "name": lambda r, p, h, lay, f: p.name,
    "sex": lambda r, p, h, lay, f: "男" if p.male else "女",
    "id_number": lambda r, p, h, lay, f: _id_cell(r, p, lay),
    "birth_date": lambda r, p, h, lay, f: _date_cell(r, p.born, lay, f),
    "age": lambda r, p, h, lay, f: p.age,
    "phone": lambda r, p, h, lay, f: _phone_cell(r, p),
    "site": lambda r, p, h, lay, f: h.site.name,
    "origin": lambda r, p, h, lay, f: _origin(h, lay),
    "origin_town": lambda r, p, h, lay, f: h.town,
    "origin_village": lambda r, p, h, lay, f: h.village,
    "household_size": lambda r, p, h, lay, f: len(h.members),
    "household_category": lambda r, p, h, lay, f: h.category,
    "is_lifted": lambda r, p, h, lay, f: yes_no(h.category == "脱贫户", lay),
    "is_monitored": lambda r, p, h, lay, f: yes_no(h.category == "监测户", lay),
    "education": lambda r, p, h, lay, f: p.education,
    "labour_capacity": lambda r, p, h, lay, f: p.labour,
    "health": lambda r, p, h, lay, f: p.health,
    "employment_status": lambda r, p, h, lay, f: p.status,
    "employment_place": lambda r, p, h, lay, f: p.place,
    "employer_name": lambda r, p, h, lay, f: p.employer,
    "months_worked": lambda r, p, h, lay, f: p.months,
    "monthly_income": lambda r, p, h, lay, f: p.income,
    "wish_employment": lambda r, p, h, lay, f: yes_no(p.wish_employment, lay),
    "wish_job": lambda r, p, h, lay, f: p.wish_job,
    "wish_place": lambda r, p, h, lay, f: p.wish_place,
    "wish_wage": lambda r, p, h, lay, f: p.wish_wage,
    "skills": lambda r, p, h, lay, f: skill_text(r, p.skills) if p.skills else None,
    "certificates": lambda r, p, h, lay, f: r.choice(("、", "，", " ")).join(p.certificates) or None,
    "training_wish": lambda r, p, h, lay, f: yes_no(p.training_wish, lay),
    "training_trade": lambda r, p, h, lay, f: p.training[0] if p.training else None,
    "training_date": lambda r, p, h, lay, f: _date_cell(r, p.training[1], lay, f) if p.training else None,
    "training_certified": lambda r, p, h, lay, f: yes_no(p.training[2], lay) if p.training else None,
    "not_working_reason": lambda r, p, h, lay, f: p.reason,
    "assistance": lambda r, p, h, lay, f: p.assistance,
    "remarks": lambda r, p, h, lay, f: p.remarks,
}
