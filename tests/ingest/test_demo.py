"""The demo city: exact Xinzhou totals, reproducible files, and an answer key that matches the workbooks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from ingest.demo import generate_city
from ingest.demo.errors import PLANTED_CODES
from ingest.demo.idnumber import birth_date_of, check_char, is_valid_id
from ingest.demo.layouts import SPELLINGS
from ingest.demo.population import build_city, household_sizes
from ingest.demo.reference import certificate_names
from ingest.demo.sites import SITES_PER_COUNTY, plan_sites
from ingest.problem import CODES
from models.errors import InvalidInput
from models.vocab import Education, EmploymentStatus, LabourCapacity

SEED = 20261128
# What a clean row may hold in the coded columns: the vocabulary labels and the synonyms the demo writes.
EDUCATION = {e.zh for e in Education} | {"中专", "技校", "本科", None}
LABOUR = {c.zh for c in LabourCapacity} | {None}
STATUS = {s.zh for s in EmploymentStatus} | {None}
CERTIFICATES = {text for _, texts in certificate_names() for text in texts}
FIELD_OF = {spelling: field for field, spellings in SPELLINGS.items() for spelling in spellings}
# Columns about the person (not the household, not 序号), compared between occurrences of a duplicate.
PERSON_FIELDS = {"name", "sex", "id_number", "phone", "education", "labour_capacity", "employment_status", "relation"}
NOT_A_NEW_PERSON = {"id_missing", "id_bad_format", "id_bad_checksum", "id_bad_birth_date", "id_truncated",
                    "duplicate_row", "duplicate_conflict"}  # fmt: skip
CODED_COLUMNS = (
    (("文化程度", "学历"), EDUCATION),
    (("劳动能力", "劳动力状况"), LABOUR),
    (("就业状态", "务工状态"), STATUS),
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "small"
    generate_city(out, scale="small", seed=SEED)
    return out


@pytest.fixture(scope="module")
def key(small: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((small / "answer_key.json").read_text(encoding="utf-8"))
    return data


def test_full_city_has_xinzhou_totals_and_valid_unique_ids() -> None:
    city = build_city("full", SEED)
    assert len(city.sites) == 68
    assert len({s.county.adcode for s in city.sites}) == 14
    assert all(1 <= n <= 10 for n in Counter(s.county.name for s in city.sites).values())
    assert len({s.name for s in city.sites}) == 68
    assert len(city.households) == 34_434
    assert city.people == 84_505
    ids = [p.id_number for h in city.households for p in h.members]
    assert len(set(ids)) == len(ids)
    assert all(is_valid_id(i) for i in ids)
    assert all(i.startswith(h.site.county.adcode) for h in city.households for i in (h.members[0].id_number,))
    assert all(1 <= len(h.members) <= 7 for h in city.households)


def test_site_plan_and_household_sizes_are_exact() -> None:
    import random

    rng = random.Random(1)
    sites = plan_sites(rng, 34_434, small=False)
    assert sum(s.household_count for s in sites) == 34_434
    assert len(sites) == sum(SITES_PER_COUNTY.values()) == 68
    sizes = household_sizes(rng, 34_434, 84_505)
    assert sum(sizes) == 84_505 and min(sizes) >= 1 and max(sizes) <= 7


def test_small_city_is_about_two_thousand_people_in_several_counties(key: dict[str, Any]) -> None:
    counts = key["counts"]
    assert 1_800 <= counts["people"] <= 2_200
    assert counts["sites"] >= 6 and counts["counties"] >= 3
    assert {f["format"] for f in key["files"]} == {"xlsx", "xls", "csv"}
    assert key["people"] == counts["people"] - key["rejected_rows"]


def test_same_seed_gives_the_same_bytes(small: Path, key: dict[str, Any], tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_city(again, scale="small", seed=SEED)
    first = sorted(p.relative_to(small) for p in small.rglob("*") if p.is_file())
    assert first == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in first:
        assert (small / rel).read_bytes() == (again / rel).read_bytes(), rel
    other = tmp_path / "other"
    generate_city(other, scale="small", seed=SEED + 1)
    assert json.loads((other / "answer_key.json").read_text(encoding="utf-8"))["problems"] != key["problems"]


def test_regenerating_replaces_the_demo_but_never_a_foreign_ledgers_folder(small: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    (foreign / "ledgers").mkdir(parents=True)
    (foreign / "ledgers" / "real.xlsx").write_bytes(b"not ours")
    with pytest.raises(InvalidInput):
        generate_city(foreign, scale="small", seed=SEED)
    assert (foreign / "ledgers" / "real.xlsx").exists()


def test_every_kind_of_problem_is_planted(key: dict[str, Any]) -> None:
    codes = Counter(p["code"] for p in key["problems"])
    assert set(codes) == set(PLANTED_CODES)
    assert set(codes) <= set(CODES)
    assert len(key["problems"]) >= 20
    rows = [(p["file"], p["sheet"], p["row"]) for p in key["problems"]]
    assert len(set(rows)) == len(rows)  # one problem a row
    assert key["rejected_rows"] == sum(n for c, n in codes.items() if CODES[c][1])


def test_planted_problems_sit_where_the_key_says(small: Path, key: dict[str, Any]) -> None:
    tables = read_tables(small, key)
    for problem in key["problems"]:
        header, rows = tables[(problem["file"], problem["sheet"])]
        first_row = rows[0][0]
        row = rows[problem["row"] - first_row][1]
        cell = row[header.index(problem["column"])] if problem["column"] else None
        id_cell = row[_column(header, "id_number")]
        check_planted(problem["code"], cell, id_cell, header, row, problem["file"])


def test_rows_without_an_id_problem_have_valid_unique_ids(small: Path, key: dict[str, Any]) -> None:
    tables = read_tables(small, key)
    skipped = {(p["file"], p["sheet"], p["row"]) for p in key["problems"] if p["code"] in NOT_A_NEW_PERSON}
    seen: set[str] = set()
    for (file, sheet), (header, rows) in tables.items():
        for number, row in rows:
            if (file, sheet, number) not in skipped:
                id18 = normalise_id(row[_column(header, "id_number")])
                assert is_valid_id(id18), (file, sheet, number)
                assert id18 not in seen
                seen.add(id18)
    assert len(seen) == key["people"]


def test_clean_rows_hold_only_known_values(small: Path, key: dict[str, Any]) -> None:
    tables = read_tables(small, key)
    planted = {(p["file"], p["sheet"], p["row"]) for p in key["problems"]}
    for (file, sheet), (header, rows) in tables.items():
        for number, row in rows:
            if (file, sheet, number) in planted:
                continue
            id18 = normalise_id(row[_column(header, "id_number")])
            if "性别" in header:
                assert row[header.index("性别")] == ("男" if int(id18[16]) % 2 else "女")
            for spellings, allowed in CODED_COLUMNS:
                column = next(header.index(s) for s in spellings if s in header)
                assert (row[column] or None) in allowed, (file, sheet, number, row[column])
            for column in [i for i, h in enumerate(header) if h in ("持证情况", "证书名称", "所持证书")]:
                texts = re.split("[、， ]", str(row[column] or ""))
                assert all(t in CERTIFICATES for t in texts if t), texts
            born = [parse_date(row[i]) for i, h in enumerate(header) if h in ("出生日期", "出生年月")]
            assert all(b is not None and same_birth(b, id18, row) for b in born), (file, sheet, number)


def test_duplicates_repeat_an_earlier_row_of_the_same_person(small: Path, key: dict[str, Any]) -> None:
    tables = read_tables(small, key)
    kinds = {(p["file"], p["sheet"], p["row"]): p["code"] for p in key["problems"]}
    first: dict[str, dict[str, Any]] = {}
    checked = Counter[str]()
    for (file, sheet), (header, rows) in tables.items():  # reading order: the key lists files in it
        for number, row in rows:
            code = kinds.get((file, sheet, number))
            if code in (
                "id_missing",
                "id_bad_format",
                "id_bad_checksum",
                "id_bad_birth_date",
                "id_truncated",
            ):
                continue
            cells = {FIELD_OF[h]: row[i] for i, h in enumerate(header) if FIELD_OF[h] in PERSON_FIELDS}
            id18 = normalise_id(row[_column(header, "id_number")])
            if code == "duplicate_row":
                assert first[id18] == cells
            elif code == "duplicate_conflict":
                shared = first[id18].keys() & cells.keys()
                assert any(first[id18][f] != cells[f] for f in shared if f != "id_number")
            else:
                first[id18] = cells
                continue
            checked[code] += 1
    assert set(checked) == {"duplicate_row", "duplicate_conflict"}


def same_birth(born: dt.date, id18: str, row: list[Any]) -> bool:
    from_id = birth_date_of(id18)
    assert from_id is not None
    return (born.year, born.month) == (from_id.year, from_id.month) and born.day in (1, from_id.day)


# --- reading the written files back -----------------------------------------------------------------------

Table = tuple[list[str], list[tuple[int, list[Any]]]]


def read_tables(root: Path, key: dict[str, Any]) -> dict[tuple[str, str], Table]:
    """(file, sheet) -> (column headers, [(Excel row number, cells)]) of every data sheet, via the key."""
    out: dict[tuple[str, str], Table] = {}
    for entry in key["files"]:
        grids = _grids(root / entry["file"], entry)
        for sheet in entry["sheets"]:
            if sheet["kind"] != "data":
                continue
            grid = grids[sheet["name"]]
            header = [str(h) for h in grid[sheet["header_row"] - 1]]
            first = sheet["first_row"]
            rows = [(first + i, grid[first - 1 + i]) for i in range(sheet["rows"])]
            out[(entry["file"], sheet["name"])] = (header, rows)
    return out


def _grids(path: Path, entry: dict[str, Any]) -> dict[str, list[list[Any]]]:
    if entry["format"] == "csv":
        data = path.read_bytes()
        bom = "\ufeff".encode("gb18030")
        encoding = entry["encoding"]
        text = data[len(bom) :].decode("gb18030") if encoding == "gb18030-bom" else data.decode(encoding)
        rows: list[list[Any]] = [[c or None for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
        return {entry["sheets"][0]["name"]: rows}
    book = CalamineWorkbook.from_path(str(path))
    grids = {}
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        assert sheet.start in (None, (0, 0))
        grids[name] = [[None if c == "" else c for c in r] for r in sheet.to_python(skip_empty_area=False)]
    return grids


def _column(header: list[str], field: str) -> int:
    return next(header.index(s) for s in SPELLINGS[field] if s in header)


def normalise_id(cell: Any) -> str:
    text = unicodedata.normalize("NFKC", str(cell)).replace(" ", "").upper()
    if len(text) == 15:
        first17 = text[:6] + "19" + text[6:]
        return first17 + check_char(first17)
    return text


def parse_date(cell: Any) -> dt.date | None:
    """The demo's own date forms; None for an impossible date."""
    if isinstance(cell, dt.date):
        return cell
    text = str(cell)
    match = re.fullmatch(r"(\d{4})(?:[-./年](\d{1,2})(?:[-./](\d{1,2}))?月?|(\d{2}))", text)
    assert match, text
    year, month, day, compact_month = match.groups()
    try:
        return dt.date(int(year), int(month or compact_month), int(day or 1))
    except ValueError:
        return None


def bad_id(code: str, cell: Any) -> bool:
    """Whether ``cell`` is the kind of bad ID number ``code`` says."""
    text = "" if cell is None else str(cell)
    if code == "id_missing":
        return cell is None
    if code == "id_truncated":
        return isinstance(cell, float) or bool(re.fullmatch(r"1\.\d{5}E\+17", text))
    if code == "id_bad_format":
        return len(text) not in (15, 18) or not text[:17].isdigit()
    if not (len(text) == 18 and text[:17].isdigit()):
        return False
    if code == "id_bad_checksum":
        return birth_date_of(text) is not None and not is_valid_id(text)
    return code == "id_bad_birth_date" and check_char(text[:17]) == text[17] and birth_date_of(text) is None


def check_planted(code: str, cell: Any, id_cell: Any, header: list[str], row: list[Any], file: str) -> None:
    """The cell named by the key holds the kind of problem its code says (and the row's ID is fine)."""
    if code.startswith("id_"):
        assert isinstance(cell, float) == (code == "id_truncated" and not file.endswith(".csv"))
        assert bad_id(code, cell), (code, cell)
        return
    id18 = normalise_id(id_cell)
    assert is_valid_id(id18), (code, id_cell)
    if code == "phone_invalid":
        assert re.fullmatch(r"1\d{9}", str(cell))
    elif code == "date_invalid":
        assert parse_date(cell) is None
    elif code == "birth_date_mismatch":
        born = parse_date(cell)
        assert born is not None and born.year != birth_date_of(id18).year  # type: ignore[union-attr]
    elif code == "sex_mismatch":
        assert cell == ("男" if int(id18[16]) % 2 == 0 else "女")
    elif code == "value_unknown":
        assert cell not in EDUCATION | LABOUR | STATUS
    elif code == "number_invalid":
        assert isinstance(cell, str) and not re.search(r"\d", cell)
    elif code == "certificate_unknown":
        assert any(t not in CERTIFICATES for t in str(cell).split("、"))
    else:
        assert code in ("duplicate_row", "duplicate_conflict") and cell is None
