"""One row of a postings spreadsheet to the values of an employer form and a posting form, with problems.

Every cell goes through its normaliser (``ingest.posting_cell`` and the ledger's own for dates, yes/no,
sex, education and lists); a cell that cannot be read is left out with a problem, and cells of columns Anye
has no field for are appended to the description, so nothing written is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingest.credit_code import parse_credit_code
from ingest.dates import parse_date
from ingest.posting_cell import (
    parse_age_range,
    parse_employer_kind,
    parse_headcount,
    parse_job_kind,
    parse_meals_housing,
    parse_pay,
    parse_pay_period,
    parse_public_welfare_category,
    parse_term_months,
)
from ingest.posting_table import PostingTable
from ingest.problem import CODES, Checked
from ingest.values import parse_count, parse_education, parse_sex, parse_yes_no, split_multi
from models.text import cell_text

__all__ = ["CellProblem", "RowValues", "read_employer_row", "read_row"]


@dataclass(frozen=True, slots=True)
class CellProblem:
    column: str | None
    value: str | None
    code: str
    reason: str

    @property
    def rejected(self) -> bool:
        return CODES[self.code][1]


@dataclass(slots=True)
class RowValues:
    table: PostingTable
    employer: dict[str, Any] = field(default_factory=dict)
    posting: dict[str, Any] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    site_name: str | None = None  # resolved to a site id by the importer, which has the database

    @property
    def rejected(self) -> bool:
        return any(p.rejected for p in self.problems)

    def label_of(self, form_field: str) -> str | None:
        source = {"pay_min": "pay", "pay_max": "pay", "age_min": "age", "age_max": "age"}.get(form_field, form_field)
        for name in (form_field, source):
            if name in self.table.columns:
                return self.table.labels[self.table.columns[name]]
        return None


class _Reader:
    def __init__(self, table: PostingTable, cells: list[Any], out: RowValues) -> None:
        self.table, self.cells, self.out = table, cells, out

    def raw(self, name: str) -> Any:
        i = self.table.columns.get(name)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def text(self, name: str) -> str | None:
        return cell_text(self.raw(name)) or None

    def checked(self, name: str, parse: Callable[[Any], Checked[Any]]) -> Any:
        raw = self.raw(name)
        result = parse(raw)
        if result.code:
            label = self.table.labels[self.table.columns[name]]
            self.out.problems.append(CellProblem(label, cell_text(raw)[:200], result.code, result.reason or ""))
        return result.value

    def reject(self, code: str) -> None:
        self.out.problems.append(CellProblem(None, None, code, CODES[code][0]))


def read_row(table: PostingTable, cells: list[Any]) -> RowValues:
    out = RowValues(table)
    read = _Reader(table, cells, out)
    name = read.text("employer_name")
    title = read.text("title")
    if not name:
        read.reject("employer_missing")
    if not title and (title := read.text("occupation")):
        out.problems.append(CellProblem(_label(table, "title"), None, "title_from_occupation", _from(title)))
    if not title:
        read.reject("title_missing")
    if out.rejected:
        return out
    out.employer = read_employer(read, name or "")
    p = out.posting
    p["title"] = title
    p["occupation_name"] = read.text("occupation")
    p["occupation_code"] = read.text("occupation_code")
    p["headcount"] = read.checked("headcount", parse_headcount)
    _pay(read, p)
    _age(read, p)
    p["sex_required"] = read.checked("sex", _sex)
    p["education_min"] = read.checked("education", _education)
    for key in ("certificates_required", "certificates_preferred", "skills", "pay_notes"):
        p[key] = split_multi(read.text(key) or "")
    p["experience_years"] = read.checked("experience", _years)
    _meals_housing(read, p)
    p["shift_pattern"] = read.text("shift")
    p["job_kind"] = read.checked("job_kind", parse_job_kind)
    p["work_address"] = read.text("work_address")
    p["work_adcode"] = read.text("work_adcode")
    p["out_of_area"] = bool(read.checked("out_of_area", parse_yes_no))
    p["destination"] = read.text("destination")
    p["contact_name"] = read.text("contact_name")
    p["contact_phone"] = read.text("contact_phone")
    p["deadline"] = read.checked("deadline", parse_date)
    p["description"] = _description(read)
    out.site_name = read.text("site")
    _public_welfare(read, p)
    return out


def _label(table: PostingTable, name: str) -> str | None:
    return table.labels[table.columns[name]] if name in table.columns else None


def _from(occupation: str) -> str:
    return f"缺少岗位名称，已按职业（工种）“{occupation}”填写，其余信息已导入。请核对岗位名称。"


def read_employer(read: _Reader, name: str) -> dict[str, Any]:
    """The employer form's values of a row (of a postings sheet or of an employer register)."""
    values = {
        "name": name,
        "kind": read.checked("employer_kind", lambda raw: parse_employer_kind(raw, name)),
        "credit_code": read.checked("credit_code", parse_credit_code),
        "address": read.text("employer_address"),
        "county_adcode": read.text("employer_adcode"),
        "longitude": read.checked("longitude", _coordinate),
        "latitude": read.checked("latitude", _coordinate),
        "contact_name": read.text("contact_name"),
        "contact_phone": read.text("contact_phone"),
    }
    return {k: v for k, v in values.items() if v is not None}


def read_employer_row(table: PostingTable, cells: list[Any]) -> RowValues:
    """A row of an employer register (单位名录): the employer's values, or a rejection without a name."""
    out = RowValues(table)
    read = _Reader(table, cells, out)
    name = read.text("employer_name")
    if not name:
        read.reject("employer_missing")
        return out
    out.employer = read_employer(read, name)
    lines = [f"{label}：{text}" for label, text in _unused_place_cells(read, out.employer.get("address") or "")]
    remarks = "\n".join(filter(None, [_description(read), *lines]))
    if remarks:
        out.employer["remarks"] = remarks
    return out


def _unused_place_cells(read: _Reader, address: str) -> list[tuple[str, str]]:
    """County, town and site cells of a register that the address does not already say: kept as remarks."""
    out = []
    for name in ("county_name", "town", "site"):
        text = read.text(name)
        if text and text not in address:
            out.append((read.table.labels[read.table.columns[name]], text))
    return out


def _coordinate(raw: object) -> Checked[float]:
    text = cell_text(raw)
    if not text:
        return Checked(None)
    try:
        return Checked(float(text))
    except ValueError:
        return Checked(None, "number_invalid", CODES["number_invalid"][0])


def _pay(read: _Reader, p: dict[str, Any]) -> None:
    low = high = period = None
    if "pay" in read.table.columns:
        low, high, period = read.checked("pay", parse_pay) or (None, None, None)
    if "pay_min" in read.table.columns and (found := read.checked("pay_min", parse_pay)):
        low, period = found[0], found[2] or period
        if found[1] is not None and found[1] != found[0]:
            high = found[1]  # a range written into the lower-bound cell ("5500-6500"): both ends are meant
    if "pay_max" in read.table.columns and (found := read.checked("pay_max", parse_pay)):
        high, period = (found[1] if found[1] is not None else found[0]), found[2] or period
    written = read.checked("pay_period", parse_pay_period)
    p["pay_min"], p["pay_max"] = low, high
    p["pay_period"] = written or period
    if p["pay_period"] is None and (low is not None or high is not None):
        p["pay_period"] = "month"  # what a sheet of local jobs usually means; a person confirms it
        read.out.unsure.append("pay_period")


def _age(read: _Reader, p: dict[str, Any]) -> None:
    low, high = read.checked("age", parse_age_range) or (None, None)
    if "age_min" in read.table.columns:
        low = read.checked("age_min", parse_count)
    if "age_max" in read.table.columns:
        high = read.checked("age_max", parse_count)
    p["age_min"], p["age_max"] = low, high


def _meals_housing(read: _Reader, p: dict[str, Any]) -> None:
    both = read.checked("meals_housing", parse_meals_housing) or (None, None)
    meals = read.checked("meals", parse_yes_no)
    housing = read.checked("housing", parse_yes_no)
    p["meals"] = meals if meals is not None else both[0]
    p["housing"] = housing if housing is not None else both[1]


def _public_welfare(read: _Reader, p: dict[str, Any]) -> None:
    category = read.checked("pw_category", parse_public_welfare_category)
    if category is None:
        return
    terms: dict[str, Any] = {"category": category, "funding_source": read.text("funding_source")}
    term = read.checked("term", parse_term_months)
    if term is not None:
        terms["term_months"] = term
    if "光伏" in (terms["funding_source"] or ""):
        terms["photovoltaic_funded"] = True
    p["public_welfare"] = terms


def _description(read: _Reader) -> str | None:
    lines = [read.text("description") or ""]
    for label, i in read.table.unknown_columns.items():
        value = cell_text(read.cells[i]) if i < len(read.cells) else ""
        if value:
            lines.append(f"{label}：{value}")
    text = "\n".join(line for line in lines if line)
    return text or None


def _sex(raw: object) -> Checked[str]:
    text = cell_text(raw).replace(" ", "")
    if text in ("", "不限", "男女不限", "男女均可", "/", "无"):
        return Checked(None)
    return parse_sex(re.sub(r"^限|性$|工$", "", text))


def _education(raw: object) -> Checked[str]:
    text = cell_text(raw).replace(" ", "")
    if text in ("", "不限", "学历不限", "无要求", "/", "无"):
        return Checked(None)
    return parse_education(text)


_YEARS = re.compile(r"(\d+)\s*年")


def _years(raw: object) -> Checked[int]:
    text = cell_text(raw).replace(" ", "")
    if text in ("", "不限", "无", "无要求", "/", "经验不限"):
        return Checked(None)
    found = _YEARS.search(text) or re.fullmatch(r"(\d+)", text)
    if found is None:
        return Checked(None, "number_invalid", CODES["number_invalid"][0])
    return Checked(int(found.group(1)))
