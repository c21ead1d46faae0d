"""One ledger row -> one ``PersonRecord``: every cell validated and normalised, each bad cell a problem.

A bad field never throws the row's good fields away; only a row whose person cannot be identified
(no valid ID number) is rejected. Sensitive values (ID number, phone) appear in problems only masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ingest.dates import parse_date
from ingest.fields import LEDGER_FIELDS, SENSITIVE_FIELDS
from ingest.idcard import IdNumber, age_on, normalise_id_number
from ingest.phone import parse_phones
from ingest.problem import Checked, fail
from ingest.values import (
    normalise_relation,
    parse_amount,
    parse_count,
    parse_education,
    parse_employment_status,
    parse_health,
    parse_household_category,
    parse_labour_capacity,
    parse_place_range,
    parse_sex,
    parse_yes_no,
    split_multi,
)
from models.crypto import mask_id_number, mask_phone
from models.taxonomy import Taxonomy
from models.text import cell_text

__all__ = ["ATTRIBUTE_OF_FIELD", "CellProblem", "PersonRecord", "RowParser"]

T = TypeVar("T")
_MEMO_SIZE = 50_000

# Worker attributes taken from one cell each: field -> parser.
_CODED: dict[str, Callable[[object], Checked[Any]]] = {
    "education": parse_education,
    "labour_capacity": parse_labour_capacity,
    "health": parse_health,
    "employment_status": parse_employment_status,
    "wish_place": parse_place_range,
    "wish_employment": parse_yes_no,
    "training_wish": parse_yes_no,
    "monthly_income": parse_amount,
    "wish_wage": parse_amount,
    "months_worked": parse_count,
}
_ATTRIBUTE = {"wish_place": "wish_place_range", "wish_wage": "wish_min_wage", "wish_job": "wish_job_text"}
# ledger field -> Worker attribute, where the names differ
ATTRIBUTE_OF_FIELD = {"relation": "relation_to_head", **_ATTRIBUTE}
_TEXT = ("employment_place", "employer_name", "wish_job", "not_working_reason", "assistance", "remarks")
_CODED_COLUMNS = tuple((name, parser, _ATTRIBUTE.get(name, name)) for name, parser in _CODED.items())
_DETAIL_COLUMNS = (
    ("skill", "skills"),
    ("wish", "wish_job"),
    ("certificate", "certificates"),
    ("training", "training_trade"),
)
_TEXT_COLUMNS = tuple((name, _ATTRIBUTE.get(name, name)) for name in _TEXT)


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A problem of one cell (``field`` None: of the row as a whole)."""

    field: str | None
    value: str | None
    code: str
    reason: str

    def __reduce__(self) -> tuple[type[CellProblem], tuple[Any, ...]]:
        # plain positional pickling: the dataclass default for slots calls fields() per object,
        # which dominated sending 100,000 rows from the reading process
        return (
            CellProblem,
            (
                self.field,
                self.value,
                self.code,
                self.reason,
            ),
        )


@dataclass(slots=True)
class PersonRecord:
    """What one row says about one person, normalised. ``attrs`` holds Worker columns by name."""

    id: IdNumber
    name: str
    attrs: dict[str, Any]
    phones: list[str]
    household: dict[str, Any]
    skills: list[tuple[str, str | None, str, str]] = field(default_factory=list)  # kind, code, name, text
    certificates: list[tuple[str | None, str]] = field(default_factory=list)  # canonical, text
    training: tuple[str, str | None, dt.date | None, bool | None] | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # which of skill, wish, certificate, training had a column: only those may change what is stored
    detail_kinds: frozenset[str] = frozenset()

    def __reduce__(self) -> tuple[type[PersonRecord], tuple[Any, ...]]:
        # plain positional pickling: the dataclass default for slots calls fields() per object,
        # which dominated sending 100,000 rows from the reading process
        return (
            PersonRecord,
            (
                self.id,
                self.name,
                self.attrs,
                self.phones,
                self.household,
                self.skills,
                self.certificates,
                self.training,
                self.extra,
                self.detail_kinds,
            ),
        )


class RowParser:
    """Parses rows of one table; ``columns`` maps field names to the header text shown to staff."""

    def __init__(self, taxonomy: Taxonomy, as_of: dt.date) -> None:
        self._taxonomy = taxonomy
        self._as_of = as_of
        self._memo: dict[Callable[[Any], Any], dict[Any, Any]] = {}
        self._kinds: dict[str, Callable[[object], tuple[tuple[str, str | None, str, str], ...]]] = {}

    def _m(self, fn: Callable[[Any], T], raw: Any) -> T:
        """``fn(raw)``, remembered: a ledger repeats the same few values in most columns, and a
        100,000-row import spends its time on parsing what it has already parsed."""
        cache = self._memo.get(fn)
        if cache is None:
            cache = self._memo[fn] = {}
        # 1, 1.0 and True are equal keys of a dict; only text is safe to use bare
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        try:
            return cache[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        except TypeError:  # unhashable
            return fn(raw)
        value = fn(raw)
        if len(cache) < _MEMO_SIZE:
            cache[key] = value
        return value

    def parse(
        self, cells: Mapping[str, object], extra: Mapping[str, object]
    ) -> tuple[PersonRecord | None, list[CellProblem]]:
        """``cells``: field -> raw value of the mapped columns; ``extra``: header -> raw of the others."""
        problems: list[CellProblem] = []
        checked = normalise_id_number(cells.get("id_number"))
        if checked.value is None:
            problems.append(_problem("id_number", cells.get("id_number"), checked))
            return None, problems
        ident = checked.value
        name = cell_text(cells.get("name"))
        if not name:
            problems.append(_problem("name", None, fail("name_missing")))
        record = PersonRecord(ident, name, {}, [], {})
        self._identity_checks(cells, ident, problems)
        self._coded(cells, record, problems)
        self._phones(cells, record, problems)
        self._household(cells, record, problems)
        self._skills_and_certificates(cells, record, problems)
        self._training(cells, record, problems)
        record.detail_kinds = frozenset(kind for kind, column in _DETAIL_COLUMNS if column in cells)
        record.extra.update((k, cell_text(v)) for k, v in extra.items() if cell_text(v))
        return record, problems

    def _identity_checks(self, cells: Mapping[str, object], ident: IdNumber, out: list[CellProblem]) -> None:
        if "sex" in cells:
            sex = self._m(parse_sex, cells["sex"])
            if sex.value is not None and sex.value != ident.sex:
                out.append(_problem("sex", cells["sex"], fail("sex_mismatch")))
            elif sex.code:
                out.append(_problem("sex", cells["sex"], sex))
        if "birth_date" in cells:
            born = self._m(parse_date, cells["birth_date"])
            if born.code:
                out.append(_problem("birth_date", cells["birth_date"], born))
            elif born.value is not None and not _same_birth(born.value, ident.birth_date, cells["birth_date"]):
                out.append(_problem("birth_date", cells["birth_date"], fail("birth_date_mismatch")))
        if "age" in cells:
            age = self._m(parse_count, cells["age"])
            if age.code:
                out.append(_problem("age", cells["age"], age))
            elif age.value is not None and abs(age.value - age_on(ident.birth_date, self._as_of)) > 1:
                out.append(_problem("age", cells["age"], fail("age_mismatch")))

    def _coded(self, cells: Mapping[str, object], record: PersonRecord, out: list[CellProblem]) -> None:
        attrs = record.attrs
        for name, parser, attribute in _CODED_COLUMNS:
            if name not in cells:
                continue
            raw = cells[name]
            result = self._m(parser, raw)
            if result.code:
                out.append(_problem(name, raw, result))
                # the text as written is kept under the field's Chinese name: nothing is dropped
                record.extra[LEDGER_FIELDS[name]] = cell_text(raw)
                if result.value is None:
                    continue  # not understood: an old value stays as it was
            attrs[attribute] = result.value
        for name, attribute in _TEXT_COLUMNS:
            if name in cells:
                attrs[attribute] = self._m(cell_text, cells[name]) or None
        if "relation" in cells:
            attrs["relation_to_head"] = self._m(normalise_relation, cells["relation"])

    def _phones(self, cells: Mapping[str, object], record: PersonRecord, out: list[CellProblem]) -> None:
        if "phone" not in cells:
            return
        phones = parse_phones(cells["phone"])
        if phones.code:
            out.append(_problem("phone", cells["phone"], phones))
        if phones.code and not phones.value:
            return  # nothing readable: the phone on file stays (the problem tells staff to check)
        record.phones = phones.value or []
        record.attrs["phone"] = None  # marks the column as present (a blank clears the old phone)

    def _household(self, cells: Mapping[str, object], record: PersonRecord, out: list[CellProblem]) -> None:
        hh = record.household
        for name in ("household_number", "head_name", "site", "origin", "origin_town", "origin_village"):
            if name in cells:
                hh[name] = self._m(cell_text, cells[name]) or None
        if "household_size" in cells:
            size = self._m(parse_count, cells["household_size"])
            if size.code:
                out.append(_problem("household_size", cells["household_size"], size))
            else:
                hh["size"] = size.value
        if "household_category" in cells:
            cat = self._m(parse_household_category, cells["household_category"])
            if cat.code:
                out.append(_problem("household_category", cells["household_category"], cat))
            elif cat.value is not None:
                hh["category"], hh["monitoring_kind"] = cat.value
        for flag, category in (("is_monitored", "monitored"), ("is_lifted", "lifted")):
            if flag in cells and "category" not in hh:
                yes = self._m(parse_yes_no, cells[flag])
                if yes.code:
                    out.append(_problem(flag, cells[flag], yes))
                elif yes.value:
                    hh["category"] = category

    def _skills_and_certificates(
        self, cells: Mapping[str, object], record: PersonRecord, out: list[CellProblem]
    ) -> None:
        for kind, name in (("skill", "skills"), ("wish", "wish_job")):
            if name in cells:
                record.skills.extend(self._m(self._occupations_of(kind), cells[name]))
        if "certificates" in cells:
            held, unknown = self._m(self._certificates_of, cells["certificates"])
            record.certificates = list(held)
            if unknown:
                out.append(_problem("certificates", "、".join(unknown), fail("certificate_unknown")))

    def _occupations_of(self, kind: str) -> Callable[[object], tuple[tuple[str, str | None, str, str], ...]]:
        found = self._kinds.get(kind)
        if found is None:

            def occupations(raw: object) -> tuple[tuple[str, str | None, str, str], ...]:
                out = []
                for text in split_multi(cell_text(raw)):
                    match = self._taxonomy.match_occupation(text)
                    code, occupation = match if match else (None, text)
                    out.append((kind, code, occupation if kind == "wish" or not code else text, text))
                return tuple(out)

            found = self._kinds[kind] = occupations
        return found

    def _certificates_of(self, raw: object) -> tuple[tuple[tuple[str | None, str], ...], tuple[str, ...]]:
        """The certificates of a cell as (canonical name or None, text), and the texts not recognised."""
        certs: list[tuple[str | None, str]] = []
        unknown: list[str] = []
        held: set[str] = set()
        for text in split_multi(cell_text(raw)):
            canonical = self._taxonomy.match_certificate(text)
            if canonical is None:
                unknown.append(text)
            elif canonical in held:
                continue  # "C1 驾照" splits in two parts that name one licence
            else:
                held.add(canonical)
            certs.append((canonical, text))
        return tuple(certs), tuple(unknown)

    def _training(self, cells: Mapping[str, object], record: PersonRecord, out: list[CellProblem]) -> None:
        trade = cell_text(cells.get("training_trade"))
        if not trade:
            return
        attended: dt.date | None = None
        if "training_date" in cells:
            when = parse_date(cells["training_date"])
            if when.code:
                out.append(_problem("training_date", cells["training_date"], when))
            attended = when.value
        certified: bool | None = None
        if "training_certified" in cells:
            yes = parse_yes_no(cells["training_certified"])
            if yes.code:
                out.append(_problem("training_certified", cells["training_certified"], yes))
            certified = yes.value
        match = self._taxonomy.match_occupation(trade)
        record.training = (trade, match[0] if match else None, attended, certified)


def _same_birth(given: dt.date, from_id: dt.date, raw: object) -> bool:
    """A month-only date (1990年1月, 199001) agrees with any day of that month."""
    if given == from_id:
        return True
    text = cell_text(raw)
    month_only = given.day == 1 and ("日" not in text) and len([c for c in text if c.isdigit()]) <= 6
    return month_only and (given.year, given.month) == (from_id.year, from_id.month)


def _problem(field_name: str | None, raw: object, checked: Checked[Any]) -> CellProblem:
    text = cell_text(raw) if raw is not None else None
    if text and field_name in SENSITIVE_FIELDS:
        text = mask_phone(text) if field_name == "phone" else mask_id_number(text)
    assert checked.code is not None and checked.reason is not None
    return CellProblem(field_name, text, checked.code, checked.reason)
