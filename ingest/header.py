"""Finding the person table (人员台账) on a sheet: its header rows, its columns' fields, where its data ends.

Real ledgers put one or two title lines above the table, spell every column their own way, split the
header over two rows under merged group labels (基本信息 | 就业情况 | 迁出地 over 乡镇 | 村), number the
columns in a row of their own, and end with a 合计 row and 填表说明 notes. ``locate_table`` finds all that;
the spellings live in ``ingest/data/ledger_columns.csv`` (field,synonym), not in code.

Matching a header: normalise (NFKC, no spaces, no ``*``, bracketed notes such as ``（元）`` or ``(必填)``
dropped), then an exact synonym, then the closest synonym by ``fuzz.ratio`` at ``_FUZZY_CUTOFF`` or more.
Short labels whose meaning depends on their group (``_AMBIGUOUS``: 乡镇, 村, 工种, 时间 ...) are matched
together with the group first. Each field goes to one column at most: the best match, then the leftmost.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TypedDict

from rapidfuzz import fuzz, process

from ingest.fields import LEDGER_FIELDS
from ingest.workbook import Cell, Sheet
from models.text import cell_text, normalise_text

__all__ = ["Column", "ColumnReport", "Table", "describe_mapping", "is_marker_row", "locate_table"]

# The lowest fuzz.ratio (0-100) that takes the field of the closest synonym. 85 lets 家庭人口总数 (91)
# and 公民身份证号码 (92) through, but not 户主联系电话 (80 to 联系电话) or 户主姓名 (67 to 姓名): a wrong
# field is worse than an unmapped column, whose values are kept as extra data.
_FUZZY_CUTOFF = 85.0

_SCAN_ROWS = 25
_MAX_HEADER_ROWS = 3
_MIN_FIELDS = 2
_PERSON_FIELDS = frozenset({"name", "head_name", "id_number"})
_UNMAPPED_LABEL = "未识别（原值保留）"

# Labels that mean nothing without their group: 迁出地/乡镇 is the origin town, 已参加培训/时间 the training
# date, 求职意向/月薪 the expected wage. They are tried with the group first and alone last.
_AMBIGUOUS = frozenset(
    {
        "乡镇",
        "乡",
        "镇",
        "村",
        "行政村",
        "组",
        "县",
        "工种",
        "时间",
        "日期",
        "名称",
        "地点",
        "地址",
        "单位",
        "单位名称",
        "月薪",
        "工资",
        "收入",
        "薪资",
        "类型",
        "项目",
        "内容",
        "是否取证",
    }
)
# A header naming someone else's attribute must not take the worker's field by a near match.
_QUALIFIERS = ("户主", "配偶", "父亲", "母亲", "监护人", "联系人", "紧急")
_GROUP_SUFFIXES = ("基本情况", "基本信息", "情况", "信息", "状况")

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>|《[^《》]*》")
_NOISE = re.compile(r"[\s*★☆※#.:：、_·'\"“”‘’()\[\]【】〔〕<>《》]")
_COLUMN_NUMBER = re.compile(r"[(\[]?(\d{1,3})[)\]]?")
_END_MARKERS = (
    "合计",
    "小计",
    "总计",
    "填表说明",
    "说明:",
    "注:",
    "审核人",
    "审核:",
    "填表人",
    "填报人",
    "制表人",
    "负责人",
    "单位负责人",
)

_CN_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")
_NUM_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([./-])(\d{1,2})(?:\2(\d{1,2}))?(?!\d)")
_DATE_LABEL = re.compile(r"(日期|时间|截至|截止|年月)\s*:?\s*$")
_SEPARATORS = re.compile(r"[\s:;,，。；、()\[\]【】〔〕《》<>\"'“”]+")
_LEADING_YEAR = re.compile(r"^[\d\s]*(?:年度|年)?")
# A bare 州 would cut 忻州市 after 忻州; only 自治州 ends a prefecture name by itself.
# 红旗 (red flag) names many villages and sites; it is never a banner (旗) of Inner Mongolia.
_ADMIN = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:自治县|自治州|自治区|省|市|盟|县|(?<!红)旗|区)")
_SITE_SUFFIX = re.compile(r"安置点|安置区|小区|社区|家园|新村")
_SITE_STOP = re.compile(r"易地|扶贫|搬迁|劳动力|就业|务工|台账|花名册|统计|名单|人员|信息|情况|\d")

_Origin = dict[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the table. ``header`` is the label as staff see it: the group is put in front
    (``已参加培训/工种``) when the label needs it to be understood or to tell two columns apart.
    ``score`` is 100 for an exact synonym, the ``fuzz.ratio`` for a near one, 0 when unmapped."""

    index: int
    header: str
    field: str | None
    score: float


@dataclass(slots=True)
class Table:
    """Where the person table of a sheet is (0-based rows, ``end_row`` exclusive) and what it says.

    Rows between ``first_data_row`` and ``end_row`` may be blank (the importer skips them). ``columns``
    covers every index from 0 to the last headed column, so ``columns[i].index == i``; a column without
    a header has ``header == ""``. ``as_of`` is the reporting date of the title lines (day 1 when only a
    month is given); ``site_hint`` the settlement site named there without its county (``county_hint``).
    """

    sheet: str
    header_rows: tuple[int, ...]
    first_data_row: int
    end_row: int
    columns: list[Column]
    title_lines: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    site_hint: str | None = None
    county_hint: str | None = None

    def field_columns(self) -> dict[str, int]:
        """Mapped field -> column index."""
        return {c.field: c.index for c in self.columns if c.field is not None}


class ColumnReport(TypedDict):
    """One line of the import report's column table."""

    index: int
    letter: str
    header: str
    field: str | None
    label: str


def locate_table(sheet: Sheet) -> Table | None:
    """The person table of ``sheet``, or ``None`` when it has none (汇总 totals, dropdown lists, notes).

    The header is the row among the first rows that maps the most fields, one of them a name or an ID
    number, extended by a group row above or a sub-header row below when there is evidence of one.
    """
    anchor = _anchor_row(sheet)
    if anchor is None:
        return None
    top, bottom = _header_band(sheet, anchor)
    first = bottom + 1
    if first < len(sheet.rows) and _is_column_numbers(sheet.rows[first]):
        first += 1
    titles = _title_lines(sheet, top)
    site, county = _place_hints(titles)
    return Table(
        sheet=sheet.name,
        header_rows=tuple(range(top, bottom + 1)),
        first_data_row=first,
        end_row=_end_row(sheet, first),
        columns=_columns(sheet, top, bottom),
        title_lines=titles,
        as_of=_as_of(titles) or _as_of([sheet.name]),
        site_hint=site,
        county_hint=county,
    )


def describe_mapping(table: Table) -> list[ColumnReport]:
    """Each headed column with its Excel letter, mapped field and the field's Chinese label."""
    return [
        ColumnReport(
            index=c.index,
            letter=_letter(c.index),
            header=c.header,
            field=c.field,
            label=LEDGER_FIELDS.get(c.field, c.field) if c.field else _UNMAPPED_LABEL,
        )
        for c in table.columns
        if c.header
    ]


def _letter(index: int) -> str:
    """Excel's column name: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- matching labels -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    exact: dict[str, str]
    keys: list[str]
    fields: list[str]


@functools.cache
def _vocabulary() -> _Vocabulary:
    text = resources.files("ingest").joinpath("data/ledger_columns.csv").read_text(encoding="utf-8")
    exact: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        exact.setdefault(_keys(row["synonym"])[0], row["field"])
    return _Vocabulary(exact, list(exact), list(exact.values()))


@functools.lru_cache(maxsize=4096)
def _keys(label: str) -> tuple[str, str]:
    """(brackets dropped but their text kept, bracketed notes dropped): 迁出地（村） -> 迁出地村, 迁出地."""
    text = normalise_text(label).lower()
    kept = _NOISE.sub("", text)
    return kept, _NOISE.sub("", _BRACKETED.sub("", text)) or kept


def _exact(label: str) -> str | None:
    exact = _vocabulary().exact
    kept, stripped = _keys(label)
    found = exact.get(kept) or exact.get(stripped)
    if found is None and "/" in stripped:
        found = next((exact[p] for p in stripped.split("/") if p in exact), None)
    return found


def _fuzzy(label: str) -> tuple[str, float] | None:
    stripped = _keys(label)[1]
    if not 2 <= len(stripped) <= 20:
        return None
    vocabulary = _vocabulary()
    best = process.extractOne(stripped, vocabulary.keys, scorer=fuzz.ratio, processor=None, score_cutoff=_FUZZY_CUTOFF)
    if best is None:
        return None
    synonym, score, position = best
    if any(q in stripped and q not in synonym for q in _QUALIFIERS):
        return None
    return vocabulary.fields[position], float(score)


@functools.lru_cache(maxsize=4096)
def _map_levels(levels: tuple[str, ...]) -> tuple[str | None, float, bool]:
    """(field, score, whether the group was needed) of a column labelled ``levels`` (group first)."""
    leaf = levels[-1]
    combined = [stem + leaf for parent in reversed(levels[:-1]) for stem in _stems(parent)]
    alone = [leaf] if _keys(leaf)[1] not in _AMBIGUOUS else []
    last = [leaf] if not alone else []
    tries = [(t, False) for t in alone] + [(t, True) for t in combined] + [(t, False) for t in last]
    for label, grouped in tries:
        if found := _exact(label):
            return found, 100.0, grouped
    # A group's own field is no match for a label under it: 迁出地/县 is close to 迁出地, but the county
    # alone is not the origin, and 迁出地/乡镇 must not lose to it.
    groups = {_exact(parent) for parent in levels[:-1]}
    for label, grouped in tries:
        if (near := _fuzzy(label)) and not (grouped and near[0] in groups):
            return near[0], near[1], grouped
    return None, 0.0, False


def _stems(parent: str) -> list[str]:
    stripped = _keys(parent)[1]
    stems = [stripped]
    for suffix in _GROUP_SUFFIXES:
        if stripped.endswith(suffix) and len(stripped) > len(suffix):
            stems.append(stripped[: -len(suffix)])
            break
    return stems


# --- finding the header ----------------------------------------------------------------------------


def _text(sheet: Sheet, r: int, c: int) -> str:
    """A cell as staff see it (line breaks and space runs as one space); matching normalises further."""
    row = sheet.rows[r] if r < len(sheet.rows) else []
    value = row[c] if c < len(row) else None
    return " ".join(value.split()) if isinstance(value, str) else cell_text(value)


def _anchor_row(sheet: Sheet) -> int | None:
    origin = sheet.merged_origin()
    anchor, best = None, 0
    for r in range(min(len(sheet.rows), _SCAN_ROWS)):
        found = {
            _map_levels((cell_text(v),))[0]
            for c, v in enumerate(sheet.rows[r])
            if type(v) is str and (r, c) not in origin
        }
        found.discard(None)
        if found & _PERSON_FIELDS and len(found) >= _MIN_FIELDS and len(found) > best:
            anchor, best = r, len(found)
    return anchor


def _mapped_count(sheet: Sheet, top: int, bottom: int) -> int:
    return sum(1 for c in _columns(sheet, top, bottom) if c.field)


def _header_band(sheet: Sheet, anchor: int) -> tuple[int, int]:
    origin = sheet.merged_origin()
    keys = [i for i, c in enumerate(_columns(sheet, anchor, anchor)) if c.field in _PERSON_FIELDS]
    top = bottom = anchor
    count = _mapped_count(sheet, top, bottom)
    while bottom - top + 1 < _MAX_HEADER_ROWS:
        if _is_sub_header(sheet, top, bottom, keys, count, origin):
            bottom += 1
        elif _is_group_row(sheet, top, bottom, count, origin):
            top -= 1
        else:
            break
        count = _mapped_count(sheet, top, bottom)
    return top, bottom


def _is_sub_header(sheet: Sheet, top: int, bottom: int, keys: list[int], count: int, origin: _Origin) -> bool:
    """Row ``bottom + 1`` carries more header (乡镇 | 村 under 迁出地), not the first person."""
    r = bottom + 1
    if r >= len(sheet.rows) or _is_column_numbers(sheet.rows[r]):
        return False
    row = sheet.rows[r]
    texts = [normalise_text(v) for v in row if isinstance(v, str)]
    if not texts:
        return False
    if all(_BRACKETED.fullmatch(t) for t in texts):
        return True  # a row of units under the names: (元) (月) (人)
    from_band = {c for c in range(len(row)) if top <= origin.get((r, c), (-1, -1))[0] <= bottom}
    if any(row[c] is not None and c not in from_band for c in keys if c < len(row)):
        return False
    return bool(from_band) or _mapped_count(sheet, top, r) > count


def _is_group_row(sheet: Sheet, top: int, bottom: int, count: int, origin: _Origin) -> bool:
    """Row ``top - 1`` holds group labels over the header (基本信息 | 就业情况), not a title line."""
    g = top - 1
    if g < 0:
        return False
    cells = [(c, _text(sheet, g, c)) for c in range(len(sheet.rows[g])) if (g, c) not in origin]
    cells = [(c, t) for c, t in cells if t]
    if not cells:
        return False
    if any(r0 == g and r1 >= top for r0, _, r1, _ in sheet.merged):
        return True  # a label merged down into the header (序号 over two rows)
    if _mapped_count(sheet, g, bottom) > count:
        return True
    if len(cells) < 2 or any(len(t) > 12 or ":" in t or any(ch.isdigit() for ch in t) for _, t in cells):
        return False
    # A group spans columns: the cell right of some label is blank (or merged into it) over a named column.
    return any(c + 1 < len(sheet.rows[g]) and not _text(sheet, g, c + 1) and _text(sheet, top, c + 1) for c, _ in cells)


def _columns(sheet: Sheet, top: int, bottom: int) -> list[Column]:
    grid = _label_grid(sheet, top, bottom)
    levels = [_dedupe(grid[i][c] for i in range(len(grid))) for c in range(len(grid[0]) if grid else 0)]
    mapped = [_map_levels(tuple(lv)) if lv else (None, 0.0, False) for lv in levels]
    # One column per field: the best score wins, then the leftmost; the others stay unmapped.
    winners: dict[str, int] = {}
    for c in sorted(range(len(mapped)), key=lambda c: (-mapped[c][1], c)):
        name = mapped[c][0]
        if name is not None and name not in winners:
            winners[name] = c
    leaves = [lv[-1] for lv in levels if lv]
    shown: list[str] = []
    for c, lv in enumerate(levels):
        text = ""
        if lv:
            needs_group = mapped[c][2] or _keys(lv[-1])[1] in _AMBIGUOUS or leaves.count(lv[-1]) > 1
            text = "/".join(lv) if needs_group else lv[-1]
        # Two columns shown alike would mix their values in the extra data the importer keeps.
        shown.append(f"{text}（{_letter(c)}列）" if text and text in shown else text)
    last = max((c for c, lv in enumerate(levels) if lv), default=-1)
    return [
        Column(c, shown[c], mapped[c][0], mapped[c][1])
        if winners.get(mapped[c][0] or "") == c
        else Column(c, shown[c], None, 0.0)
        for c in range(last + 1)
    ]


def _label_grid(sheet: Sheet, top: int, bottom: int) -> list[list[str]]:
    """The header band's labels with merged labels spread over their range and group labels that were
    left unmerged (迁出地 | blank over 乡镇 | 村) carried right over the columns they head."""
    origin = sheet.merged_origin()
    width = max(len(sheet.rows[r]) for r in range(top, bottom + 1))
    starts = {(r0, c0) for r0, c0, _, _ in sheet.merged if top <= r0 <= bottom}
    grid: list[list[str]] = []
    for r in range(top, bottom + 1):
        labels = []
        for c in range(width):
            r0, c0 = origin.get((r, c), (r, c))
            labels.append(_text(sheet, r0, c0) if r0 >= top else "")
        grid.append(labels)
    for i in range(len(grid) - 1):
        carry = ""
        for c in range(width):
            below = [grid[j][c] for j in range(i + 1, len(grid)) if grid[j][c]]
            in_merge = (top + i, c) in origin or (top + i, c) in starts
            if grid[i][c]:
                carry = grid[i][c] if below and below[0] != grid[i][c] and not in_merge else ""
            elif carry and below:
                grid[i][c] = carry
            else:
                carry = ""
    return grid


def _dedupe(labels: Iterable[str]) -> list[str]:
    out: list[str] = []
    for label in labels:
        if label and (not out or out[-1] != label):
            out.append(label)
    return out


def _is_column_numbers(row: Sequence[Cell]) -> bool:
    """A row of column numbers under the header: 1 2 3 ... or (1) (2) (3) ..."""
    numbers: list[int] = []
    for v in row:
        if v is None:
            continue
        if isinstance(v, bool) or isinstance(v, dt.date):
            return False
        if isinstance(v, int | float):
            if not float(v).is_integer():
                return False
            numbers.append(int(v))
        elif m := _COLUMN_NUMBER.fullmatch(normalise_text(v)):
            numbers.append(int(m.group(1)))
        else:
            return False
    return len(numbers) >= 3 and all(0 < n <= 300 for n in numbers) and numbers == sorted(numbers)


def is_marker_row(row: list[Cell]) -> bool:
    """A totals, notes or signature row (合计, 小计, 填表说明, 审核人 ...): never a person."""
    return _row_kind(row) is True


def _row_kind(row: Sequence[Cell]) -> bool | None:
    """Whether one of the row's first two non-blank cells opens with an end marker; None for a blank row."""
    seen = 0
    for v in row:
        if v is None:
            continue
        if v.__class__ is str:
            t = cell_text(v).replace(" ", "")
            if not t:
                continue
            if t.startswith(_END_MARKERS):
                return True
        elif isinstance(v, float) and math.isnan(v):  # pandas' blank
            continue
        # a number, date or yes/no cell is never a marker (no marker opens with a digit, 是 or 否), but counts
        seen += 1
        if seen == 2:
            return False
    return False if seen else None


def _end_row(sheet: Sheet, first: int) -> int:
    """The totals or notes row after the data, else one past the last non-empty row."""
    last = first - 1
    for r in range(first, len(sheet.rows)):
        kind = _row_kind(sheet.rows[r])
        if kind is None:
            continue
        if kind:
            return r
        last = r
    return last + 1


# --- title lines -----------------------------------------------------------------------------------


def _title_lines(sheet: Sheet, top: int) -> list[str]:
    origin = sheet.merged_origin()
    lines = []
    for r in range(top):
        texts = [_text(sheet, r, c) for c in range(len(sheet.rows[r])) if (r, c) not in origin]
        if line := "  ".join(t for t in texts if t):
            lines.append(line)
    return lines


def _as_of(lines: list[str]) -> dt.date | None:
    """The labelled date (填报日期：2024年3月) if any, else the first date in the lines."""
    found: list[tuple[bool, int, dt.date]] = []
    for line in map(normalise_text, lines):
        for m in _CN_DATE.finditer(line):
            _add_date(found, line, m.start(), m.group(1), m.group(2), m.group(3))
        for m in _NUM_DATE.finditer(line):
            _add_date(found, line, m.start(), m.group(1), m.group(3), m.group(4))
    return min(found)[2] if found else None


def _add_date(found: list[tuple[bool, int, dt.date]], line: str, start: int, y: str, m: str, d: str | None) -> None:
    try:
        date = dt.date(int(y), int(m), int(d) if d else 1)
    except ValueError:
        return
    labelled = bool(_DATE_LABEL.search(line[max(0, start - 8) : start]))
    found.append((not labelled, len(found), date))


def _place_hints(lines: list[str]) -> tuple[str | None, str | None]:
    """(site, county) from the first title segments that name them."""
    site: str | None = None
    county: str | None = None
    for line in map(normalise_text, lines):
        for segment in _SEPARATORS.split(line):
            s, c = _segment_places(_LEADING_YEAR.sub("", segment))
            site, county = site or s, county or c
    return site, county


def _segment_places(segment: str) -> tuple[str | None, str | None]:
    """忻州市五台县城南安置小区劳动力台账 -> (城南安置小区, 五台县)."""
    pieces: list[str] = []
    pos = 0
    while (m := _ADMIN.match(segment, pos)) and not _SITE_SUFFIX.search(m.group()):
        pieces.append(m.group())
        pos = m.end()
    rest = segment[pos:]
    stop = _SITE_STOP.search(rest)
    head = rest[: stop.start()] if stop else rest
    ends = [m.end() for m in _SITE_SUFFIX.finditer(head)]
    site = head[: ends[-1]] if ends else None
    if site is not None and _SITE_SUFFIX.fullmatch(site):
        # A bare 安置点 after 城区: the last "district" was part of the site's name.
        site = pieces.pop() + site if pieces else None
    county = next((p for p in reversed(pieces) if p.endswith(("县", "旗", "区", "市"))), None)
    if county is not None and county.endswith("自治区"):
        county = None
    return site, county
