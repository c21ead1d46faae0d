"""The demo city's ledger workbooks as plans: files, sheets and rendered rows, before anything is written.

One workbook per site; a site of more than 900 households is usually split in two (by origin town, or by
building). Sheets hold one origin village, town or range of buildings each, or everything in one sheet
(a CSV file always has one). About 70% of the files are .xlsx, 15% .xls and 15% CSV.

An earlier yearly snapshot (``ingest.demo.snapshots``) is planned with the same draws: the same files,
layouts, sheets and titles, dated its own 填报日期 (and its file name always carries the month).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import PurePosixPath

from ingest.demo.draw import Draw
from ingest.demo.layouts import Layout, choose_layout
from ingest.demo.population import AS_OF, City, Household, Person, Site
from ingest.demo.render import Cell, render_row

__all__ = ["DataRow", "LedgerFile", "Sheet", "plan_ledgers"]

_SPLIT_ABOVE = 900
_FORMAT_SHARES = (("csv", 0.15), ("xls", 0.15))  # the rest are .xlsx
_EXTENSIONS = {"xlsx": ".xlsx", "xls": ".xls", "csv": ".csv"}
# CSV files take these in turn, so that a city with four CSV files has each.
_CSV_ENCODINGS = ("gbk", "gb18030", "utf-8-sig", "gb18030-bom", "gbk")
_SINGLE_SHEET_NAMES = ("Sheet1", "台账", "花名册", "劳动力台账")
_TITLES = ("{}易地扶贫搬迁劳动力就业情况台账", "{}易地扶贫搬迁劳动力就业台账", "{}搬迁劳动力就业帮扶台账")
_FILLERS = "张丽 王海平 李建华 刘晓燕 赵志刚 郭慧敏 杨文斌 武艳芳 高建军 贾丽萍".split()


@dataclass(slots=True)
class DataRow:
    """One person's row: its cells, whose household it is, and whether a problem was planted on it.

    ``block_start``/``block_len``: the row opens a run of ``block_len`` rows of one household (household
    cells are merged over the run or written on its first row). ``locked``: the first occurrence of a
    planted duplicate, which must stay clean.
    """

    cells: list[Cell]
    person: Person
    household: Household
    block_start: bool
    block_len: int
    code: str | None = None
    field: str | None = None
    locked: bool = False


@dataclass(slots=True)
class Sheet:
    """A worksheet; ``kind``: "data" (people), "summary" (汇总, totals only) or "list" (hidden dropdowns)."""

    name: str
    kind: str = "data"
    rows: list[DataRow] = field(default_factory=list)


@dataclass(slots=True)
class LedgerFile:
    """A workbook to write: ``path`` is relative to the output folder, with forward slashes."""

    path: str
    fmt: str
    encoding: str | None
    layout: Layout
    site: Site
    title: str
    fill_line: str
    sheets: list[Sheet]
    as_of: dt.date = AS_OF  # the 填报日期

    @property
    def data_sheets(self) -> list[Sheet]:
        return [s for s in self.sheets if s.kind == "data"]


def plan_ledgers(city: City, as_of: dt.date = AS_OF) -> list[LedgerFile]:
    """Every workbook of the city filled on ``as_of`` in reading order: by relative path, folder by folder."""
    rng = Draw(f"{city.seed}:ledgers")
    parts = [(site, label, households) for site in city.sites for label, households in _split(rng, site)]
    formats = _formats(rng, len(parts))
    files = [
        _ledger_file(city.seed, site, label, households, (fmt, encoding), as_of)
        for (site, label, households), (fmt, encoding) in zip(parts, formats, strict=True)
    ]
    return sorted(files, key=lambda f: PurePosixPath(f.path).parts)


def _formats(rng: random.Random, count: int) -> list[tuple[str, str | None]]:
    """(format, CSV encoding) in their shares; at least one CSV and one .xls file when there are three files."""
    formats: list[str] = []
    for fmt, share in _FORMAT_SHARES:
        formats += [fmt] * max(1 if count >= 3 else 0, round(share * count))
    formats += ["xlsx"] * (count - len(formats))
    rng.shuffle(formats)
    encodings = iter(_CSV_ENCODINGS * count)
    return [(fmt, next(encodings) if fmt == "csv" else None) for fmt in formats]


def _split(rng: random.Random, site: Site) -> list[tuple[str, list[Household]]]:
    """The site's households per file: one file, or two split by origin town or by building."""
    households = site.households
    if len(households) <= _SPLIT_ABOVE or rng.random() < 0.25:
        return [("", households)]
    per_town = Counter(h.town for h in households)
    if len(per_town) >= 2 and rng.random() < 0.6:
        towns = sorted(per_town)
        cut = 1  # the first towns (by name) up to about half the households go to the first file
        while cut < len(towns) - 1 and sum(per_town[t] for t in towns[:cut]) < len(households) / 2:
            cut += 1
        first = set(towns[:cut])
        return [
            (_towns_label(towns[:cut]), [h for h in households if h.town in first]),
            (_towns_label(towns[cut:]), [h for h in households if h.town not in first]),
        ]
    middle = households[len(households) // 2].building
    last = households[-1].building
    return [
        (f"1-{middle - 1}号楼", [h for h in households if h.building < middle]),
        (f"{middle}-{last}号楼", [h for h in households if h.building >= middle]),
    ]


def _towns_label(towns: list[str]) -> str:
    return towns[0] if len(towns) == 1 else f"{towns[0]}等{len(towns)}个乡镇"


def _month(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def _ledger_file(
    seed: int, site: Site, label: str, households: list[Household], form: tuple[str, str | None], as_of: dt.date
) -> LedgerFile:
    fmt, encoding = form
    stem = Draw(f"{seed}:{site.index}").choice(("{}", "{}劳动力台账", "{}就业台账（{}）"))
    part = f"（{label}）" if label else ""
    path = f"ledgers/{site.county.name}/{stem.format(site.name, _month(AS_OF))}{part}{_EXTENSIONS[fmt]}"
    rng = Draw(f"{seed}:file:{path}")  # the current file's draws: a snapshot keeps its layout
    if as_of != AS_OF:
        dated = stem.format(site.name, _month(as_of)) + part + ("" if "（{}）" in stem else f"（{_month(as_of)}）")
        path = f"ledgers/{site.county.name}/{dated}{_EXTENSIONS[fmt]}"
    layout = choose_layout(rng, fmt)
    sheets = [_data_sheet(rng, name, group, layout, fmt) for name, group in _sheet_groups(rng, households, fmt)]
    if layout.summary == "first":
        sheets.insert(0, Sheet("汇总", "summary"))
    elif layout.summary == "last":
        sheets.append(Sheet("汇总", "summary"))
    if layout.list_sheet:
        sheets.append(Sheet(rng.choice(("下拉选项", "字典", "Sheet3")), "list"))
    title_site = site.name if site.name.startswith(site.county.name) else site.county.name + site.name
    fill_line = (
        f"填报单位：{site.town}（盖章）  填报人：{rng.choice(_FILLERS)}  "
        f"联系电话：0350-{rng.randint(2, 8)}{rng.randrange(10**6):06d}  填报日期：{_month(as_of)}"
    )
    title = rng.choice(_TITLES).format(title_site)
    return LedgerFile(path, fmt, encoding, layout, site, title, fill_line, sheets, as_of)


def _data_sheet(rng: random.Random, name: str, households: list[Household], layout: Layout, fmt: str) -> Sheet:
    sheet = Sheet(name)
    for household in households:
        size = len(household.members)
        for i, person in enumerate(household.members):
            cells = render_row(rng, person, household, layout, fmt)
            sheet.rows.append(DataRow(cells, person, household, i == 0, size))
    return sheet


def _sheet_groups(rng: random.Random, households: list[Household], fmt: str) -> Iterator[tuple[str, list[Household]]]:
    """(sheet name, its households): per origin village or town, per range of buildings, or one sheet."""
    roll = 1.0 if fmt == "csv" else rng.random()
    if roll < 0.45:
        villages = {h.village for h in households}
        towns = {h.town for h in households}
        if len(villages) <= 12 and len(villages) == len({(h.town, h.village) for h in households}):
            yield from _grouped(households, lambda h: h.village)
            return
        if 2 <= len(towns) <= 12:
            yield from _grouped(households, lambda h: h.town)
            return
    if roll < 0.75:
        yield from _buildings(households)
        return
    yield rng.choice(_SINGLE_SHEET_NAMES), households


def _grouped(households: list[Household], key: Callable[[Household], str]) -> Iterator[tuple[str, list[Household]]]:
    for name, group in groupby(sorted(households, key=lambda h: (key(h), h.number)), key=key):
        yield str(name), list(group)


def _buildings(households: list[Household]) -> Iterator[tuple[str, list[Household]]]:
    """Buildings in at most 8 sheets: 3号楼, or 1-3号楼 when a sheet holds several."""
    buildings = sorted({h.building for h in households})
    per_sheet = -(-len(buildings) // 8)
    for i in range(0, len(buildings), per_sheet):
        chunk = buildings[i : i + per_sheet]
        name = f"{chunk[0]}号楼" if len(chunk) == 1 else f"{chunk[0]}-{chunk[-1]}号楼"
        yield name, [h for h in households if chunk[0] <= h.building <= chunk[-1]]
