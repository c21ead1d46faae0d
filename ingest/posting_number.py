"""Numbers as ads write them: ``3500``, ``1.5万``, ``4k``, ``三千五``, ``一万二``, ``两千``, ``1万2``, and ranges.

``find_figures`` returns every number of a text with its offsets; two numbers joined by a dash, ``~``,
``到`` or ``至`` become one range (``4-6千`` and ``3千到5千`` give 4000-6000 and 3000-5000: a multiplier
written only on the second number applies to both). A lone Chinese digit (``一般``, ``两班倒``, ``五险``) is
no number unless a counter follows it (``一名``, ``五百元``), so prose is not read as figures; ``俩`` (两个) is
always two.

Spoken amounts: ``一块五`` / ``1块2`` are 1.5 / 1.2 yuan, ``三毛`` / ``五毛钱`` / ``两毛五`` are 0.3 / 0.5 / 0.25
yuan, ``两分钱`` is 0.02 (a sum of money, like a 千/万 amount); the ``一`` of a period after a spoken amount
belongs to the period (``三百八一天`` is 380 a day, ``三千一个月`` 3000 a month), not to the amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Figure", "chinese_number", "find_figures"]

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MULTIPLIERS = {"万": 10000, "w": 10000, "W": 10000, "千": 1000, "仟": 1000, "k": 1000, "K": 1000, "百": 100}
_CN = "零〇一二两俩三四五六七八九十拾百佰千仟万"
_NUMBER = re.compile(
    rf"(?P<ar>\d{{1,3}}(?:,\d{{3}})+(?![\d,])|\d+(?:\.\d+)?)(?:\s?(?P<mul>[万wW千仟kK百])(?P<tail>\d(?!\d))?)?(?![\d.])"
    rf"|(?P<cn>[{_CN}]+)"
)
_RANGE_SEP = re.compile(r"\s*(?:元|块)?\s*(?:/\s*(?:月|天|日|小时|时))?\s*(?:-+|~|到|至)\s*")
_CN_DIGIT = "一二两三四五六七八九"
# 一块五, 1块2, 两块五毛: yuan and jiao; 一块0.4元 (one brick, 0.4 yuan) is no such amount.
_YUAN_JIAO = re.compile(
    rf"(?P<yuan>\d{{1,3}}|[{_CN_DIGIT}十百]{{1,4}})\s*块(?P<jiao>\d|[{_CN_DIGIT}])(?:毛|角)?"
    r"(?=$|[一每/,，;；。\s!！)）]|左右|以上|钱)"
)
# 三毛, 五毛钱, 两毛五, 8角: jiao (and fen); 八角茴香 and 毛衣 are no money.
_JIAO = re.compile(
    rf"(?<![\d{_CN_DIGIT}十百千万块.])(?P<jiao>\d|[{_CN_DIGIT}])\s*(?:毛|角)(?P<fen>\d|[{_CN_DIGIT}])?(?:分)?(?:钱)?"
    r"(?=$|[一每/,，;；。\s!！)）]|左右|以上)"
)
# 两分钱, 5分钱: fen, only with 钱 (5分钟 and 80分 are no money).
_FEN = re.compile(rf"(?<![\d{_CN_DIGIT}十百千万块毛角.])(?P<fen>\d|[{_CN_DIGIT}])\s*分钱")
# 三百八一天 / 三千一个月: the 一 of the period after an abbreviated amount.
_PERIOD_ONE = re.compile(r"一(?=个月|个小时|个钟|个工|天|日|小时|晚|月|年|斤|件|个|车|趟|单|箱|袋|亩|平)")
# 六到八万, 三至五千: a lone digit opening a range whose other end carries the multiplier.
_CN_RANGE_START = re.compile(rf"\s*(?:-|~|到|至)\s*(?:\d+|[{_CN_DIGIT}十]+)\s*[千万kKwW]")
_CN_PAIR = re.compile(r"([一二三四五六七八])([二三四五六七八九])(百|千|万)")
# A bare Chinese digit counts only before one of these: 一名, 两个, 五百元, 三天 ...
_CN_COUNTER = re.compile(r"\s*(?:元|块|名|人|位|个|岁|周岁|件|斤|天|小时|月|年|万|千)")


@dataclass(frozen=True, slots=True)
class Figure:
    """A number (``high is None``) or a range ``low``-``high`` at ``norm[start:end]``."""

    start: int
    end: int
    low: float
    high: float | None
    multiplied: bool  # written with 万/千/k: a sum of money, not a count

    @property
    def values(self) -> tuple[float, float]:
        return self.low, self.high if self.high is not None else self.low


def chinese_number(text: str) -> float | None:
    """The value of a Chinese numeral (``三千五`` 3500, ``一万二`` 12000, ``十五`` 15), or None."""
    total = section = 0.0
    digit: float | None = None
    last_unit = 0
    after_zero = False
    for char in text:
        if char in _DIGITS:
            value = _DIGITS[char]
            if digit is not None and value and not after_zero:
                return None  # 一二三: digits read one by one, a code or a year, not an amount
            if value == 0:
                after_zero = True
            digit = float(value)
        elif char in _UNITS:
            unit = _UNITS[char]
            section += (digit if digit is not None else (1.0 if unit == 10 else 0.0)) * unit
            digit, last_unit = None, unit
        elif char == "万":
            total += (section + (digit or 0.0)) * 10000
            section, digit, last_unit = 0.0, None, 10000
        else:
            return None
    if digit is not None:
        # 三千五 / 一万二 / 一百五: a digit right after a unit means the next unit down.
        abbreviated = not after_zero and last_unit >= 100 and _ends_with_unit_digit(text)
        section += digit * (last_unit / 10 if abbreviated else 1)
    result = total + section
    return result if result or text.strip("零〇") == "" else None


def _ends_with_unit_digit(text: str) -> bool:
    return len(text) >= 2 and text[-2] in "百佰千仟万" and text[-1] in _DIGITS


def find_figures(norm: str) -> list[Figure]:
    """Every number and range in ``norm`` (already normalised), left to right."""
    spoken = _spoken_money(norm)
    singles = [
        f
        for f in (_figure(m, norm) for m in _NUMBER.finditer(norm))
        if f is not None and not any(s.start < f.end and f.start < s.end for s in spoken)
    ]
    singles = sorted(singles + spoken, key=lambda f: f.start)
    out: list[Figure] = []
    i = 0
    while i < len(singles):
        a = singles[i]
        b = singles[i + 1] if i + 1 < len(singles) else None
        if b is not None and _RANGE_SEP.fullmatch(norm, a.end, b.start) and _joinable(a, b):
            low = a.low
            if b.multiplied and not a.multiplied:
                factor = b.low / _bare(norm, b)
                low = a.low * factor if a.low * factor <= b.low else a.low
            out.append(Figure(a.start, b.end, low, b.low, a.multiplied or b.multiplied))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _spoken_money(norm: str) -> list[Figure]:
    out: list[Figure] = []
    for m in _YUAN_JIAO.finditer(norm):
        yuan = _digit_value(m.group("yuan"))
        if yuan is not None:
            out.append(Figure(m.start(), m.end(), yuan + _digit_value_or_zero(m.group("jiao")) / 10, None, True))
    for m in _JIAO.finditer(norm):
        if any(f.start <= m.start() < f.end for f in out):
            continue
        value = _digit_value_or_zero(m.group("jiao")) / 10 + _digit_value_or_zero(m.group("fen")) / 100
        out.append(Figure(m.start(), m.end(), round(value, 2), None, True))
    for m in _FEN.finditer(norm):
        if not any(f.start <= m.start() < f.end for f in out):
            out.append(Figure(m.start(), m.end(), round(_digit_value_or_zero(m.group("fen")) / 100, 2), None, True))
    return out


def _digit_value(text: str) -> float | None:
    return float(text) if text.isdigit() else chinese_number(text)


def _digit_value_or_zero(text: str | None) -> float:
    return (_digit_value(text) or 0.0) if text else 0.0


def _joinable(a: Figure, b: Figure) -> bool:
    return a.high is None and b.high is None


def _bare(norm: str, f: Figure) -> float:
    """The number of ``f`` without its multiplier (6 for ``6千``)."""
    m = _NUMBER.match(norm, f.start)
    if m is not None and m.group("ar"):
        return float(m.group("ar").replace(",", "")) + (float(m.group("tail")) / 10 if m.group("tail") else 0.0)
    text = norm[f.start : f.end]
    if text.endswith("万") and f.low >= 10000:
        return f.low / 10000  # 八万 -> 8, so 六到八万 is 60000-80000
    return f.low / 1000 if f.low >= 1000 else f.low


def _figure(m: re.Match[str], norm: str) -> Figure | None:
    if m.group("ar"):
        try:
            value = float(m.group("ar").replace(",", ""))
        except ValueError:
            return None
        mul = m.group("mul")
        if mul is None:
            return Figure(m.start(), m.end(), value, None, False)
        if mul == "百" and not m.group("tail"):
            return Figure(m.start(), m.end(), value * 100, None, False)
        factor = _MULTIPLIERS[mul]
        tail = m.group("tail")
        value = value * factor + (int(tail) * factor / 10 if tail else 0)
        return Figure(m.start(), m.end(), value, None, True)
    text = m.group("cn")
    start, end = m.start(), m.end()
    if text == "万" and norm[max(0, start - 1) : start] in ("过", "破", "上"):
        return Figure(start, end, 10000.0, None, True)  # 月薪过万, 月入上万: at least ten thousand
    # Trim what cannot start or end an amount: 月休四天 -> 四; 一万二 stays whole.
    while text and text[0] in "十拾百佰千仟万" and text[0] != "十":
        text, start = text[1:], start + 1
    if len(text) >= 3 and text[-1] == "一" and text[-2] != "十" and _PERIOD_ONE.match(norm, end - 1):
        text, end = text[:-1], end - 1  # 三百八一天: 380 a day, not 三百八十一
    if not text:
        return None
    if len(text) == 1 and text != "俩" and not _CN_COUNTER.match(norm, end) and not _CN_RANGE_START.match(norm, end):
        return None  # 一般, 两班倒, 十字路口: a lone numeral without a counter is prose
    pair = _CN_PAIR.fullmatch(text)
    if pair is not None:  # 四五千 = 4000-5000, 七八百 = 700-800
        unit = {"百": 100, "千": 1000, "万": 10000}[pair.group(3)]
        low, high = _DIGITS[pair.group(1)], _DIGITS[pair.group(2)]
        if high == low + 1:
            return Figure(start, end, float(low * unit), float(high * unit), True)
    number = chinese_number(text)
    if number is None:
        return None
    return Figure(start, end, number, None, any(c in "千仟万" for c in text))
