"""Board and lodging (包吃住), pay notes, the kind of job and the public-welfare category of a posting.

- ``meals`` / ``housing``: True when provided (包吃, 管饭, 提供工作餐, 免费午餐, 中午一顿饭, 提供夜宵; 包住,
  提供宿舍, 住家, 夫妻房, 住工地板房, 住工棚), False when the ad says they are not (不包吃住, 住宿自理, 三餐自理,
  包住不包吃, 不住工地), None when it does not say. An allowance (餐补, 伙食补贴, 餐补每天15元, 房补, 住房补贴) is
  money, not board: it gives None, as in ``bench/data/README.md`` (the users' examples say nothing; a broker who
  tells a worker 包吃 for a 15-yuan allowance misleads him). The phrase table is
  ``ingest/data/posting_phrases.json`` (allowances are in it with ``[null, null]``, so a looser pattern does not
  read ``提供餐补`` as 提供餐); one meal left to the worker does not undo another provided
  (``早餐自理，午餐公司提供`` is meals True, like 管一顿饭); a positive phrase right after 不/无/非/没 reads as
  negative, and one followed by 补贴/补助 is an allowance. A meal after 做/煮/烧 (``每天中午做一顿饭``) is cooking,
  the job itself, and says nothing about meals. Meals at a price (``一顿饭五块钱``, ``伙食费每月300元``) are
  the worker's: False. The first statement of each wins.
- ``job_kind``: ``seasonal`` (季节性), ``temporary`` (临时), ``part_time`` (兼职, 钟点工), ``daily`` (日结, 零工),
  ``full_time`` (全职, 长期) in that order of precedence; None when the ad does not say.
- ``public_welfare_category``: only for a 公益性岗位; the category the title names, else the first one the
  text names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.posting_text import Source, phrases

__all__ = ["Board", "JOB_KINDS", "find_board", "find_job_kind", "find_salary_notes", "find_welfare_category"]

JOB_KINDS = ("seasonal", "temporary", "part_time", "daily", "full_time")
_NEGATOR = re.compile(r"(?:不|无|非|没有|没)\s*$")
_ALLOWANCE_AFTER = re.compile(r"\s*费?(?:补贴|补助|补)")
# 每天中午做一顿饭, 给老人做三餐: cooking is the job, not a meal the employer gives.
_COOKING = re.compile(r"(?:做|煮|烧)\s*$")
_ONE_MEAL = re.compile(r"早餐|早饭|早点|午餐|午饭|中餐|中午饭|晚餐|晚饭|夜宵|宵夜")
_ALL_MEALS = re.compile(r"三餐|伙食|吃饭|食堂|餐费|饭费|就餐|用餐")


@dataclass(slots=True)
class Board:
    meals: bool | None = None
    housing: bool | None = None
    meals_span: tuple[int, int] | None = None
    housing_span: tuple[int, int] | None = None
    conflict: bool = False


@cache
def _board_pattern() -> tuple[
    re.Pattern[str], dict[str, list[bool | None]], list[tuple[re.Pattern[str], list[bool | None]]]
]:
    table: dict[str, list[bool | None]] = phrases()["board"]
    words = sorted(table, key=len, reverse=True)
    patterns = [(re.compile(p), [meals, housing]) for p, meals, housing in phrases()["board_pattern"]]
    return re.compile("|".join(re.escape(w) for w in words)), table, patterns


def _board_hits(norm: str) -> list[tuple[int, int, bool | None, bool | None]]:
    """Phrase-table and pattern hits, left to right.

    A pattern hit is dropped where it overlaps an earlier hit about the same thing (meals or housing), so
    ``住宿和吃饭都要自理`` gives both, but ``不包吃住`` is not read again by a looser pattern. A pattern hit that
    holds a shorter table phrase whole (``宿舍费用自理`` around ``宿舍``) says more, and replaces it.
    """
    pattern, table, patterns = _board_pattern()
    hits: list[tuple[int, int, bool | None, bool | None]] = []
    for m in pattern.finditer(norm):
        meals, housing = table[m.group()]
        hits.append((m.start(), m.end(), meals, housing))
    phrase_hits = set(hits)
    for regex, (meals, housing) in patterns:
        for m in regex.finditer(norm):
            clashes = [
                hit
                for hit in hits
                if hit[0] < m.end()
                and m.start() < hit[1]
                and (
                    (hit[2] is None and hit[3] is None)  # an allowance (餐补) is read once, as money
                    or (meals is not None and hit[2] is not None)
                    or (housing is not None and hit[3] is not None)
                )
            ]
            inside = all(h in phrase_hits and m.start() <= h[0] and h[1] <= m.end() for h in clashes)
            if clashes and inside and all(h[1] - h[0] < m.end() - m.start() for h in clashes):
                hits = [h for h in hits if h not in clashes]
                clashes = []
            if not clashes:
                hits.append((m.start(), m.end(), meals, housing))
    return sorted(hits)


def find_board(src: Source) -> Board:
    norm = src.norm
    board = Board()
    meals_said: list[tuple[bool, int, int]] = []
    for start, end, meals, housing in _board_hits(norm):
        if _ALLOWANCE_AFTER.match(norm, end):  # 提供住宿补贴, 工作餐补助: money, not board
            continue
        if meals and _COOKING.search(norm, max(0, start - 2), start):
            continue
        if _NEGATOR.search(norm, max(0, start - 2), start) and (meals or housing):
            meals = False if meals else meals
            housing = False if housing else housing
        if meals is not None:
            meals_said.append((meals, start, end))
        if housing is not None:
            if board.housing is None:
                board.housing, board.housing_span = housing, (start, end)
            elif board.housing != housing:
                board.conflict = True
    _decide_meals(norm, meals_said, board)
    return board


def _decide_meals(norm: str, said: list[tuple[bool, int, int]], board: Board) -> None:
    """The first statement wins, except that one meal left to the worker (早餐自理) does not undo another
    the employer gives (午餐公司提供): some meal is provided, as with 管一顿饭."""
    if not said:
        return
    first, start, end = said[0]
    board.meals, board.meals_span = first, (start, end)
    if all(value == board.meals for value, _, _ in said):
        return
    given = [(s, e) for value, s, e in said if value]
    if all(_ONE_MEAL.search(norm, s, e) and not _ALL_MEALS.search(norm, s, e) for value, s, e in said if not value):
        board.meals, board.meals_span = True, given[0]
        return
    board.conflict = True


def find_salary_notes(src: Source) -> list[tuple[str, int, int]]:
    """Pay notes (计件, 提成, 底薪, 五险一金, 全勤奖 ...) in order of first mention, with spans."""
    table: dict[str, list[str]] = phrases()["salary_note"]
    found: list[tuple[int, int, str]] = []
    for label, words in table.items():
        hits = [(m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), src.norm)]
        if label == "五险" and any("五险一金" in src.norm[s : s + 4] for s, _ in hits):
            hits = [h for h in hits if src.norm[h[0] : h[0] + 4] != "五险一金"]
        if hits:
            start, end = min(hits)
            found.append((start, end, label))
    return [(label, start, end) for start, end, label in sorted(found)]


def find_job_kind(src: Source) -> tuple[str | None, tuple[int, int] | None]:
    table: dict[str, list[str]] = phrases()["job_kind"]
    for kind in JOB_KINDS:
        for word in table[kind]:
            for m in re.finditer(re.escape(word), src.norm):
                if word.endswith("工") and src.norm[m.end() : m.end() + 1] in ("作", "资"):
                    continue
                if _NEGATOR.search(src.norm, max(0, m.start() - 1), m.start()):
                    continue
                return kind, m.span()
    return None, None


def find_welfare_category(src: Source, title: tuple[int, int] | None) -> tuple[str | None, tuple[int, int] | None]:
    """The 公益性岗位 category, or None when the ad is no public-welfare job or names no category.

    The title decides first; else the category word that comes first in the text.
    """
    norm = src.norm
    data = phrases()
    if not any(marker in norm for marker in data["welfare_marker"]):
        return None, None
    table: dict[str, list[str]] = data["welfare_category"]
    regions = ([title] if title else []) + [(0, len(norm))]
    for start, end in regions:
        best: tuple[int, str, str] | None = None
        for category, words in table.items():
            for word in words:
                at = norm.find(word, start, end)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, category, word)
        if best is not None:
            return best[1], (best[0], best[0] + len(best[2]))
    return None, None
