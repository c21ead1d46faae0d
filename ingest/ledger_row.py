"""One ledger row -> one ``PersonRecord``: every cell validated and normalised, each bad cell a problem.

A bad field never throws the row's good fields away; only a row whose person cannot be identified
(no valid ID number) is rejected. Sensitive values (ID number, phone) appear in problems only masked.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
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
_Entry = tuple[Any, "CellProblem | None"]  # a cell's parsed value and its problem (None: none)
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


@dataclass(frozen=True, slots=True)
class _Plan:
    """What ``RowParser.parse`` does with the columns of a table, worked out once for its set of fields.

    Each column comes with its memo (raw value -> result): a ledger repeats the same few values in most
    columns, and a 100,000-row import would otherwise spend its time parsing what it has already parsed."""

    coded: tuple[tuple[str, str, Callable[[object], _Entry], dict[Any, _Entry]], ...]
    texts: tuple[tuple[str, str, Callable[[object], str | None], dict[Any, str | None]], ...]
    household: tuple[tuple[str, dict[Any, str | None]], ...]
    detail_kinds: frozenset[str]


class RowParser:
    """Parses rows of one table; ``columns`` maps field names to the header text shown to staff."""

    def __init__(self, taxonomy: Taxonomy, as_of: dt.date) -> None:
        self._taxonomy = taxonomy
        self._as_of = as_of
        self._today = dt.date.today()  # bounds birth dates; once per file, not once per row
        self._memos: defaultdict[str, dict[Any, Any]] = defaultdict(dict)  # by field
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self._occupations = {kind: functools.partial(self._occupations_of, kind) for kind in ("skill", "wish")}

    def _plan(self, cells: Mapping[str, object]) -> _Plan:
        fields = tuple(cells)
        plan = self._plans.get(fields)
        if plan is None:
            coded = tuple(
                (name, attribute, functools.partial(_checked_entry, name, parser), self._memos[name])
                for name, parser, attribute in _CODED_COLUMNS
                if name in cells
            )
            texts = tuple(
                (name, attribute, _text_or_none, self._memos[name])
                for name, attribute in _TEXT_COLUMNS
                if name in cells
            )
            if "relation" in cells:
                texts += (("relation", "relation_to_head", normalise_relation, self._memos["relation"]),)
            household = tuple((name, self._memos[name]) for name in _HOUSEHOLD_TEXTS if name in cells)
            kinds = frozenset(kind for kind, column in _DETAIL_COLUMNS if column in cells)
            plan = self._plans[fields] = _Plan(coded, texts, household, kinds)
        return plan

    def parse(
        self, cells: Mapping[str, object], extra: Mapping[str, object]
    ) -> tuple[PersonRecord | None, list[CellProblem]]:
        """``cells``: field -> raw value of the mapped columns; ``extra``: header -> raw of the others."""
        problems: list[CellProblem] = []
        checked = normalise_id_number(cells.get("id_number"), today=self._today)
        if checked.value is None:
            problems.append(_problem("id_number", cells.get("id_number"), checked))
            return None, problems
        ident = checked.value
        name = cell_text(cells.get("name"))
        if not name:
            problems.append(_problem("name", None, fail("name_missing")))
        plan = self._plan(cells)
        record = PersonRecord(ident, name, {}, [], {}, [], [], None, {}, plan.detail_kinds)
        self._identity_checks(cells, ident, problems)
        self._coded(cells, record, plan, problems)
        self._phones(cells, record, problems)
        self._household(cells, record, plan, problems)
        self._skills_and_certificates(cells, record, problems)
        if "training_trade" in cells:
            self._training(cells, record, problems)
        if extra:
            record.extra.update((k, cell_text(v)) for k, v in extra.items() if cell_text(v))
        return record, problems

    def _identity_checks(self, cells: Mapping[str, object], ident: IdNumber, out: list[CellProblem]) -> None:
        if "sex" in cells:
            raw = cells["sex"]
            sex, problem = _cached(self._memos["sex"], raw, _SEX_ENTRY)
            if sex is not None and sex != ident.sex:
                out.append(_problem("sex", raw, fail("sex_mismatch")))
            elif problem:
                out.append(problem)
        if "birth_date" in cells:
            raw = cells["birth_date"]
            born, problem = _cached(self._memos["birth_date"], raw, _BIRTH_ENTRY)
            if problem:
                out.append(problem)
            elif born is not None and not _same_birth(born, ident.birth_date, raw):
                out.append(_problem("birth_date", raw, fail("birth_date_mismatch")))
        if "age" in cells:
            raw = cells["age"]
            age, problem = _cached(self._memos["age"], raw, _AGE_ENTRY)
            if problem:
                out.append(problem)
            elif age is not None and abs(age - age_on(ident.birth_date, self._as_of)) > 1:
                out.append(_problem("age", raw, fail("age_mismatch")))

    def _coded(self, cells: Mapping[str, object], record: PersonRecord, plan: _Plan, out: list[CellProblem]) -> None:
        attrs = record.attrs
        for name, attribute, entry, coded_memo in plan.coded:
            raw = cells[name]
            try:  # _cached, inlined for the usual hit: this runs for most cells of every row
                value, problem = coded_memo[raw if raw.__class__ is str else (raw.__class__, raw)]
            except (KeyError, TypeError):
                value, problem = _cached(coded_memo, raw, entry)
            if problem:
                out.append(problem)
                # the text as written is kept under the field's Chinese name: nothing is dropped
                record.extra[LEDGER_FIELDS[name]] = cell_text(raw)
                if value is None:
                    continue  # not understood: an old value stays as it was
            attrs[attribute] = value
        for name, attribute, text, memo in plan.texts:
            raw = cells[name]
            try:
                attrs[attribute] = memo[raw if raw.__class__ is str else (raw.__class__, raw)]
            except (KeyError, TypeError):
                attrs[attribute] = _cached(memo, raw, text)

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

    def _household(
        self, cells: Mapping[str, object], record: PersonRecord, plan: _Plan, out: list[CellProblem]
    ) -> None:
        hh = record.household
        for name, memo in plan.household:
            hh[name] = _cached(memo, cells[name], _text_or_none)
        if "household_size" in cells:
            size, problem = _cached(self._memos["household_size"], cells["household_size"], _SIZE_ENTRY)
            if problem:
                out.append(problem)
            else:
                hh["size"] = size
        if "household_category" in cells:
            cat, problem = _cached(self._memos["household_category"], cells["household_category"], _CATEGORY_ENTRY)
            if problem:
                out.append(problem)
            elif cat is not None:
                hh["category"], hh["monitoring_kind"] = cat
        for flag, category in (("is_monitored", "monitored"), ("is_lifted", "lifted")):
            if flag in cells and "category" not in hh:
                yes, problem = _cached(self._memos[flag], cells[flag], _FLAG_ENTRIES[flag])
                if problem:
                    out.append(problem)
                elif yes:
                    hh["category"] = category

    def _skills_and_certificates(
        self, cells: Mapping[str, object], record: PersonRecord, out: list[CellProblem]
    ) -> None:
        for kind, name in (("skill", "skills"), ("wish", "wish_job")):
            if name in cells:
                record.skills.extend(_cached(self._memos["occupations:" + kind], cells[name], self._occupations[kind]))
        if "certificates" in cells:
            held, problem = _cached(self._memos["certificates"], cells["certificates"], self._certificates_of)
            record.certificates = list(held)
            if problem:
                out.append(problem)

    def _occupations_of(self, kind: str, raw: object) -> tuple[tuple[str, str | None, str, str], ...]:
        out = []
        for text in split_multi(cell_text(raw)):
            match = self._taxonomy.match_occupation(text)
            code, occupation = match if match else (None, text)
            out.append((kind, code, occupation if kind == "wish" or not code else text, text))
        return tuple(out)

    def _certificates_of(self, raw: object) -> tuple[tuple[tuple[str | None, str], ...], CellProblem | None]:
        """The certificates of a cell as (canonical name or None, text), and the problem of the texts not
        recognised."""
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
        problem = _problem("certificates", "、".join(unknown), fail("certificate_unknown")) if unknown else None
        return tuple(certs), problem

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


def _cached(memo: dict[Any, T], raw: object, compute: Callable[[Any], T]) -> T:
    """``compute(raw)``, remembered in ``memo`` (one per column)."""
    # 1, 1.0 and True are equal keys of a dict; only text is safe to use bare
    key = raw if raw.__class__ is str else (raw.__class__, raw)
    try:
        return memo[key]
    except KeyError:
        pass
    except TypeError:  # unhashable
        return compute(raw)
    value = compute(raw)
    if len(memo) < _MEMO_SIZE:
        memo[key] = value
    return value


def _checked_entry(name: str, parser: Callable[[object], Checked[Any]], raw: object) -> _Entry:
    result = parser(raw)
    return result.value, (_problem(name, raw, result) if result.code else None)


def _text_or_none(raw: object) -> str | None:
    return cell_text(raw) or None


_SEX_ENTRY = functools.partial(_checked_entry, "sex", parse_sex)
_BIRTH_ENTRY = functools.partial(_checked_entry, "birth_date", parse_date)
_AGE_ENTRY = functools.partial(_checked_entry, "age", parse_count)
_SIZE_ENTRY = functools.partial(_checked_entry, "household_size", parse_count)
_CATEGORY_ENTRY = functools.partial(_checked_entry, "household_category", parse_household_category)
_FLAG_ENTRIES = {flag: functools.partial(_checked_entry, flag, parse_yes_no) for flag in ("is_monitored", "is_lifted")}
_HOUSEHOLD_TEXTS = ("household_number", "head_name", "site", "origin", "origin_town", "origin_village")


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
