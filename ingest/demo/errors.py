"""Deliberate problems planted in the demo ledgers, one per row, each with a code of ``ingest.problem``.

About 1% of the rows get a problem (at least two of each kind). A planted row has no other problem, and a
row without a planted problem has none at all, so the answer key is exact. ID problems reject the row
(``ingest.problem.CODES``); they are never planted on the first row of a household, so that the household
number above stays readable for the rows below. Duplicates are new rows: ``duplicate_row`` repeats a person
identically in a later sheet of the same workbook; ``duplicate_conflict`` repeats them with another phone or
a mistyped name in a later sheet, or in a later workbook (a person moved between two files). The first
occurrence stays clean and is the one kept.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ingest.demo import idnumber, names
from ingest.demo.draw import Draw
from ingest.demo.ledgers import DataRow, LedgerFile, Sheet
from ingest.demo.population import MOBILE_PREFIXES
from ingest.demo.render import Cell, format_date, render_row

__all__ = ["PLANTED_CODES", "REJECTING_CODES", "Placed", "plant_problems"]

# code -> weight in the mix of planted problems
_WEIGHTS: dict[str, int] = {
    "id_bad_checksum": 10, "id_bad_format": 6, "id_truncated": 10, "id_missing": 6, "id_bad_birth_date": 4,
    "phone_invalid": 10, "date_invalid": 6, "birth_date_mismatch": 8, "sex_mismatch": 6, "value_unknown": 8,
    "number_invalid": 6, "certificate_unknown": 6, "duplicate_conflict": 8, "duplicate_row": 6,
}  # fmt: skip
PLANTED_CODES = tuple(_WEIGHTS)
REJECTING_CODES = frozenset({"id_bad_checksum", "id_bad_format", "id_truncated", "id_missing", "id_bad_birth_date"})
# Values outside every vocabulary, and texts that are no number and no work certificate.
_UNKNOWN = {
    "education": ("不详x", "自学成才"),
    "labour_capacity": ("能干活x", "还行吧"),
    "employment_status": ("在家x", "说不清"),
}
_NOT_NUMBERS = ("三千左右啊", "好几千", "看活计多少")
_NOT_CERTIFICATES = ("优秀志愿者证书", "无偿献血荣誉证", "先进个人奖状", "三好学生奖状")


@dataclass(frozen=True, slots=True)
class Placed:
    """A data row with where it stands."""

    file: LedgerFile
    sheet: Sheet
    row: DataRow


def plant_problems(files: list[LedgerFile], seed: int, *, rate: float = 0.01, minimum: int = 2) -> int:
    """Plant problems in ``files`` (marking rows with ``code`` and ``field``); returns how many moved."""
    rng = Draw(f"{seed}:errors")
    placed = [Placed(f, s, r) for f in files for s in f.data_sheets for r in s.rows]
    total_weight = sum(_WEIGHTS.values())
    moved = 0
    for code, weight in _WEIGHTS.items():
        wanted = max(minimum, round(rate * len(placed) * weight / total_weight))
        if code.startswith("duplicate"):
            moved += _plant_duplicates(rng, files, placed, code, wanted)
            continue
        fits = _FITS[code]
        eligible = [p for p in placed if p.row.code is None and fits(p)]
        for p in rng.sample(eligible, min(wanted, len(eligible))):
            p.row.field = _plant(rng, code, p)
            p.row.code = code
    return moved


def _has(field: str) -> Callable[[Placed], bool]:
    return lambda p: p.file.layout.index(field) is not None and p.row.person.age >= 16


def _not_first(p: Placed) -> bool:
    return not p.row.block_start


_FITS: dict[str, Callable[[Placed], bool]] = {
    "id_bad_checksum": _not_first,
    "id_bad_format": _not_first,
    "id_truncated": lambda p: _not_first(p) and not p.row.person.id_number.endswith("X"),
    "id_missing": _not_first,
    "id_bad_birth_date": _not_first,
    "phone_invalid": _has("phone"),
    "date_invalid": _has("birth_date"),
    "birth_date_mismatch": _has("birth_date"),
    "sex_mismatch": _has("sex"),
    "value_unknown": _has("education"),
    "number_invalid": lambda p: _has("monthly_income")(p) and p.row.person.income is not None,
    "certificate_unknown": _has("certificates"),
}


def _plant(rng: random.Random, code: str, p: Placed) -> str:
    """Write the problem into the row's cells; returns the field it sits in."""
    person, layout = p.row.person, p.file.layout
    if code.startswith("id_"):
        field, value = "id_number", _bad_id(rng, code, person.id_number, p.file.fmt)
    elif code == "phone_invalid":
        field, value = "phone", f"1{rng.choice('3578')}{rng.randrange(10**8):08d}"  # 10 digits
    elif code == "date_invalid":
        year = person.born.year
        field, value = (
            "birth_date",
            rng.choice((f"{year}年13月", f"{year}.{person.born.month:02d}.32", f"{year}-2-30")),
        )
    elif code == "birth_date_mismatch":
        shift = rng.choice((-3, -2, -1, 1, 2)) if person.age > 3 else -2
        wrong = person.born.replace(year=person.born.year + shift, day=min(person.born.day, 28))
        field, value = "birth_date", format_date(wrong, layout.date_style, p.file.fmt)
    elif code == "sex_mismatch":
        field, value = "sex", "女" if person.male else "男"
    elif code == "value_unknown":
        field = rng.choice([f for f in _UNKNOWN if layout.index(f) is not None])
        value = rng.choice(_UNKNOWN[field])
    elif code == "number_invalid":
        field, value = "monthly_income", rng.choice(_NOT_NUMBERS)
    else:
        field = "certificates"
        value = "、".join([*p.row.person.certificates[:1], rng.choice(_NOT_CERTIFICATES)])
    index = layout.index(field)
    assert index is not None
    p.row.cells[index] = value
    return field


def _bad_id(rng: random.Random, code: str, id18: str, fmt: str) -> Cell:
    if code == "id_missing":
        return None
    if code == "id_truncated":  # Excel keeps 15 significant digits of a number
        number = float(int(id18[:15]) * 1000)
        return f"{number:.5E}" if fmt == "csv" else number
    if code == "id_bad_checksum":
        return id18[:17] + rng.choice([c for c in "0123456789X" if c != id18[17]])
    if code == "id_bad_birth_date":
        first17 = rng.choice((id18[:10] + "13" + id18[12:17], id18[:12] + "32" + id18[14:17]))
        return first17 + idnumber.check_char(first17)
    cut = rng.randrange(6, 17)  # a digit left out, one too many, or an X inside
    return rng.choice((id18[:cut] + id18[cut + 1 :], id18[:cut] + "7" + id18[cut:], id18[:cut] + "X" + id18[cut + 1 :]))


def _plant_duplicates(rng: random.Random, files: list[LedgerFile], placed: list[Placed], code: str, wanted: int) -> int:
    """Append ``wanted`` copies of clean rows later in reading order; returns how many went to other files."""
    targets = _targets(files, code)
    eligible = [p for p in placed if p.row.code is None and not p.row.locked and targets[id(p.sheet)]]
    moved = 0
    for original in rng.sample(eligible, min(wanted, len(eligible))):
        target_file, target = rng.choice(targets[id(original.sheet)])
        row = original.row
        if target_file is original.file:
            cells = list(row.cells)
        else:
            cells = render_row(rng, row.person, row.household, target_file.layout, target_file.fmt)
            moved += 1
        copy = DataRow(cells, row.person, row.household, True, 1, code=code)
        if code == "duplicate_conflict":
            _conflict(rng, original, target_file, copy)
        row.locked = True
        target.rows.append(copy)
    return moved


def _targets(files: list[LedgerFile], code: str) -> dict[int, list[tuple[LedgerFile, Sheet]]]:
    """For each data sheet (by id), the later data sheets where a copy of one of its rows may go.

    ``duplicate_row``: later sheets of the same workbook. ``duplicate_conflict`` also: later workbooks of
    the same site, or failing that of the same county.
    """
    out: dict[int, list[tuple[LedgerFile, Sheet]]] = {}
    for i, file in enumerate(files):
        later_files: list[LedgerFile] = []
        if code == "duplicate_conflict":
            later_files = [f for f in files[i + 1 :] if f.site is file.site]
            later_files = later_files or [f for f in files[i + 1 :] if f.site.county is file.site.county]
        elsewhere = [(f, s) for f in later_files for s in f.data_sheets]
        sheets = file.data_sheets
        for j, sheet in enumerate(sheets):
            out[id(sheet)] = [(file, s) for s in sheets[j + 1 :]] + elsewhere
    return out


def _conflict(rng: random.Random, original: Placed, target: LedgerFile, copy: DataRow) -> None:
    """Make the copy disagree with the original: another phone where both show one, else a mistyped name."""
    phone_at = target.layout.index("phone")
    original_phone = original.file.layout.index("phone")
    if (
        phone_at is not None
        and original_phone is not None
        and original.row.cells[original_phone]
        and rng.random() < 0.5
    ):
        copy.cells[phone_at] = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        copy.field = "phone"
        return
    name_at = target.layout.index("name")
    assert name_at is not None
    copy.cells[name_at] = names.name_typo(original.row.person.name)
    copy.field = "name"
