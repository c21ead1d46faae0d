"""Who an ad asks for: age limits, sex and least education (the headcount is ``ingest.posting_headcount``).

Conventions:

- Requirements written as a preference (``45-58岁女性优先``, ``大专以上优先``, ``女性为主``) are not
  requirements: the segment holding 优先 or 为主 gives no age, sex or education.
- A sex-specific age limit (``男50女45``, ``男50岁以下、女45岁以下``, ``女性不超过55周岁，男性不超过60周岁``,
  ``男的六十以下女的五十五以下``), in either order and in either kind of numeral, gives age_max = the higher limit,
  so a filter on age_max never drops anyone the ad admits; the field is reported unsure so a person can confirm.
  A lower limit by sex (``女45周岁以上、男50周岁以上``) gives age_min = the lower one. A limit that may be
  widened (``50岁以下，可放宽至55岁``) gives the wider one, also unsure.
- Age ranges by sex (``男18-45 女18-40``, ``女性十八至五十五周岁，男性十八至六十周岁``) give the lowest lower and
  the highest upper limit, also unsure; a range right after the sex (``男18-45``) is an age without 岁.
- Sex is ``male``/``female`` only when the ad names one sex alone (限男, 男性, 女工, 阿姨); both sexes,
  男女不限, 不限性别, ``女的也要`` or ``男工为主`` give null. The contact person (``联系人：刘女士``) says
  nothing about it.
- Education is the lowest level named in the requirement (``高中/中专以上`` is 高中); 不限 gives null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.posting_number import Figure, chinese_number
from ingest.posting_text import Source, clause_of, phrases, segment_of
from models.vocab import Education

__all__ = ["Ages", "find_ages", "find_education", "find_gender"]

_AGE_AFTER = re.compile(r"\s*(?:周岁|岁)")
_AGE_WORD = re.compile(r"年龄|年纪|岁数")
_AGE_MAX_AFTER = re.compile(r"\s*(?:周岁|岁)?\s*(?:\(含\d*(?:周岁|岁)?\)|含)?\s*(?:以下|以内|之内|内|及以下|以里)")
_AGE_MIN_AFTER = re.compile(r"\s*(?:周岁|岁)?\s*(?:\(含\d*(?:周岁|岁)?\)|含)?\s*(?:以上|及以上|往上)")
_AGE_MAX_BEFORE = re.compile(
    r"(?:不超过|不超|不大于|不高于|小于|低于|不满|未满|最大|最高|上限|放宽至|放宽到)\s*[:]?\s*$"
)
_AGE_MIN_BEFORE = re.compile(r"(?:年满|已满|满|不低于|不小于|大于|最小|最低|下限)\s*[:]?\s*$")
_AGE_WIDENED = re.compile(r"放宽")
_AGE_ANY = re.compile(r"年龄不限|不限年龄|年龄无要求|年龄不论|无年龄要求|不限男女老少")
_CN_AGE = r"[一二三四五六七八]?十[一二三四五六七八九]?"
_BY_SEX = re.compile(
    rf"(?P<s1>[男女])(?:性|士|的)?\s*:?\s*(?P<a1>\d{{2}}|{_CN_AGE})\s*(?:周岁|岁)?\s*(?:以下|以内|之内)?\s*[,，、/;；]?\s*"
    rf"(?P<s2>[男女])(?:性|士|的)?\s*:?\s*(?P<a2>\d{{2}}|{_CN_AGE})\s*(?:周岁|岁)?"
)
_SEX_MARK = re.compile(r"(?<![男女])[男女](?![男女士])")
# 男18-45 女18-40 / 男性18-55岁，女性18-50岁: an age range for each sex.
_BY_SEX_RANGE = re.compile(
    r"(?P<s>[男女])(?:性|士|的|工)?\s*:?\s*(?P<lo>\d{2})\s*(?:周岁|岁)?\s*(?:-+|~|到|至)\s*(?P<hi>\d{2})(?!\d)"
)
_AFTER_SEX = re.compile(r"(?:[男女](?:性|的|工|士)?|男女不限|男女均可)[\s,，、;；:]*$")
# 45周岁至60周岁, 18岁-45岁: a unit on both ends, which find_figures does not join.
_AGE_RANGE = re.compile(r"(?<!\d)(\d{2})\s*周?岁\s*(?:-+|~|到|至)\s*(\d{2})\s*周?岁")
_PREFERENCE = re.compile(r"优先|最好|为佳|更好|尤佳|为主")

_SEX_ANY = re.compile(
    r"男女\S{0,2}?(?:不限|均可|皆可|都可|都要|都行|不论)|[男女](?:的|性|工|士|同志)?\s*也\s*(?:要|可|行|收|招|欢迎|能)|不限男女|性别\s*[::]?\s*不限|不限性别|男女各|男女老少|夫妻(?!房|间|宿舍)"
)  # 夫妻工 are both sexes; 夫妻房 is a room
_MALE = re.compile(r"(?<![女])男(?![女装鞋])|男士|男性|男工|限男|小伙")
_FEMALE = re.compile(r"(?<![男子儿孙妇])(?:女(?![男儿婿装鞋])|女士|女性|女工|限女)|妇女|大姐|阿姨")
# 联系人：刘女士 / 李阿姨 138…: the contact person, not the sex wanted.
_CONTACT = re.compile(r"(?:联系|咨询|电话|报名)[^,;。\n]{0,6}$|^[^,;。\n]{0,3}\d{7}")


@dataclass(slots=True)
class Ages:
    low: int | None = None
    high: int | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    unsure: bool = False


def find_ages(src: Source, figures: list[Figure]) -> Ages:
    """Age limits; see the module docstring for preferences and sex-specific limits."""
    norm = src.norm
    ages = Ages()
    _ranges_by_sex(norm, ages)
    _limits_by_sex(norm, ages)
    for m in _AGE_RANGE.finditer(norm):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        if _plausible(low) and _plausible(high) and not _preferred(norm, m.start()) and ages.high is None:
            ages.low, ages.high = low, high
            ages.spans.append(m.span())
            break
    sexes: dict[str, str | None] = {}  # the sex each limit taken so far was written for
    for f in figures:
        if not _is_age(norm, f) or _preferred(norm, f.start):
            continue
        if any(s <= f.start < e for s, e in ages.spans):
            continue
        if f.high is not None:
            _take_range(norm, f, ages, sexes)
        elif int(f.low) == f.low and _plausible(int(f.low)):
            _take_limit(norm, f, ages, sexes)
    if ages.low is not None and ages.high is not None and ages.low > ages.high:
        ages.low, ages.high, ages.unsure = ages.high, ages.low, True
    return ages


def _take_range(norm: str, f: Figure, ages: Ages, sexes: dict[str, str | None]) -> None:
    """``18-45岁``; a second range for the other sex (``男性十八至六十周岁，女性十八至五十五周岁``) widens it."""
    low, high = sorted((int(f.low), int(f.high or f.low)))
    if not (_plausible(low) and _plausible(high)):
        return
    sex = _sex_before(norm, f.start)
    if ages.low is None and ages.high is None:
        ages.low, ages.high = low, high
        sexes["low"] = sexes["high"] = sex
    elif _other_sex(sexes.get("high"), sex) and ages.low is not None and ages.high is not None:
        ages.low, ages.high, ages.unsure = min(ages.low, low), max(ages.high, high), True
    else:
        return
    ages.spans.append((f.start, _end(norm, f)))


def _take_limit(norm: str, f: Figure, ages: Ages, sexes: dict[str, str | None]) -> None:
    """``50岁以下`` / ``年满18周岁``; the same limit for the other sex (``女55以下，男60以下``) loosens it."""
    value = int(f.low)
    before = norm[clause_of(norm, f.start)[0] : f.start]
    sex = _sex_before(norm, f.start)
    if _AGE_MAX_AFTER.match(norm, f.end) or _AGE_MAX_BEFORE.search(before):
        if ages.high is None:
            ages.high, sexes["high"] = value, sex
        elif _AGE_WIDENED.search(before) and value > ages.high:
            ages.high, ages.unsure = value, True
        elif _other_sex(sexes.get("high"), sex):
            ages.high, ages.unsure = max(ages.high, value), True
        else:
            return
    elif _AGE_MIN_AFTER.match(norm, f.end) or _AGE_MIN_BEFORE.search(before):
        if ages.low is None:
            ages.low, sexes["low"] = value, sex
        elif _other_sex(sexes.get("low"), sex):
            ages.low, ages.unsure = min(ages.low, value), True
        else:
            return
    else:
        return
    ages.spans.append((f.start, _end(norm, f)))


def _sex_before(norm: str, pos: int) -> str | None:
    """The sex a limit is written for: ``男`` or ``女`` just before it in its clause (``男女`` is both)."""
    found = None
    for m in _SEX_MARK.finditer(norm, max(clause_of(norm, pos)[0], pos - 10), pos):
        found = m.group()
    return found


def _other_sex(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and first != second


def _limits_by_sex(norm: str, ages: Ages) -> None:
    """``男50女45`` / ``男六十女五十五``: two limits, one for each sex, without 以下 between them."""
    for m in _BY_SEX.finditer(norm):
        if m.group("s1") != m.group("s2") and not _preferred(norm, m.start()):
            a1, a2 = _age_value(m.group("a1")), _age_value(m.group("a2"))
            if _plausible(a1) and _plausible(a2) and ages.high is None:
                ages.high, ages.unsure = max(a1, a2), True
                ages.spans.append((m.start(), m.end()))
                return


def _age_value(text: str) -> int:
    value = int(text) if text.isdigit() else chinese_number(text)
    return int(value or 0)


def _ranges_by_sex(norm: str, ages: Ages) -> None:
    found = [
        m
        for m in _BY_SEX_RANGE.finditer(norm)
        if not _preferred(norm, m.start()) and all(_plausible(int(m.group(g))) for g in ("lo", "hi"))
    ]
    if len({m.group("s") for m in found}) == 2:
        ages.low = min(int(m.group("lo")) for m in found)
        ages.high = max(int(m.group("hi")) for m in found)
        ages.spans.extend(m.span() for m in found)
        ages.unsure = True


def _end(norm: str, f: Figure) -> int:
    m = _AGE_MAX_AFTER.match(norm, f.end) or _AGE_MIN_AFTER.match(norm, f.end) or _AGE_AFTER.match(norm, f.end)
    return m.end() if m else f.end


def _is_age(norm: str, f: Figure) -> bool:
    if _AGE_AFTER.match(norm, f.end):
        return True
    if f.high is None and _bare_limit(norm, f):
        return True
    if f.high is not None and _AFTER_SEX.search(norm, max(0, f.start - 8), f.start):
        return True  # 男18-45, 男 18到50, 要求：男，20-45
    start = clause_of(norm, f.start)[0]
    word = _AGE_WORD.search(norm, max(start, f.start - 8), f.start)
    if word is None or re.search(r"\d", norm[word.end() : f.start]):
        return False
    limit = re.match(r"\s*(?:以下|以内|以上|之间|-)", norm[f.end : f.end + 4])
    return bool(limit) or f.high is not None or bool(_AGE_MAX_BEFORE.search(norm, start, f.start))


_SEX_ONLY = ("", "男", "女", "男的", "女的", "男性", "女性")


def _bare_limit(norm: str, f: Figure) -> bool:
    """``男，50以下`` / ``45以下`` / ``女的五十以下``: a plausible age alone in its segment with a limit word."""
    start, end = segment_of(norm, f.start)
    rest = norm[f.end : end].strip()
    return norm[start : f.start].strip() in _SEX_ONLY and rest in ("以下", "以内", "以上", "以下均可")


def _plausible(age: int) -> bool:
    return 14 <= age <= 80


def _preferred(norm: str, pos: int) -> bool:
    start, end = segment_of(norm, pos)
    return _PREFERENCE.search(norm, start, end) is not None


def find_gender(src: Source) -> tuple[str | None, list[tuple[int, int]]]:
    """``male``, ``female`` or None, with the spans that said so."""
    norm = src.norm
    any_sex = [m.span() for m in _SEX_ANY.finditer(norm) if not _preferred(norm, m.start())]
    if any_sex or any(_mainly(norm, m.start()) for m in _MALE.finditer(norm)):
        return None, []  # 男工为主: mostly men, women welcome too
    if any(_mainly(norm, m.start()) for m in _FEMALE.finditer(norm)):
        return None, []
    male = [m.span() for m in _MALE.finditer(norm) if not _preferred(norm, m.start())]
    female = [
        m.span()
        for m in _FEMALE.finditer(norm)
        if not _preferred(norm, m.start()) and not _contact(norm, m.start(), m.end())
    ]
    if male and not female:
        return "male", male[:1]
    if female and not male:
        return "female", female[:1]
    return None, []


def _mainly(norm: str, pos: int) -> bool:
    start, end = segment_of(norm, pos)
    return "为主" in norm[start:end]


def _contact(norm: str, start: int, end: int) -> bool:
    if norm[start : start + 2] not in ("女士", "阿姨", "大姐"):
        return False
    return bool(_CONTACT.search(norm[max(0, start - 10) : start - 1])) or bool(_CONTACT.search(norm[end : end + 16]))


_EDUCATION = {level.value: level for level in Education}


def find_education(src: Source) -> tuple[Education | None, tuple[int, int] | None]:
    """The least education the ad requires, with its span."""
    norm = src.norm
    table: dict[str, list[str]] = phrases()["education"]
    for word in phrases()["education_any"]:
        if word in norm:
            return None, None
    found: list[tuple[int, int, Education]] = []
    for code, words in table.items():
        for word in words:
            for m in re.finditer(re.escape(word), norm):
                if not _preferred(norm, m.start()) and _education_context(norm, m.end()):
                    found.append((m.start(), m.end(), _EDUCATION[code]))
    if not found:
        return None, None
    found.sort()
    clause = clause_of(norm, found[0][0])
    start, end, level = min((f for f in found if clause_of(norm, f[0]) == clause), key=lambda f: f[2].rank)
    return level, (start, end)


_EDU_AFTER = re.compile(r"\s*(?:及?以上|或?以上|学历|文化|毕业|水平|/|、|或|及|\(|以上学历)")


def _education_context(norm: str, end: int) -> bool:
    """高中 names a level only when a level word follows (以上, 学历, 文化, 毕业): not 高中生 sales, 大学路."""
    return _EDU_AFTER.match(norm, end) is not None or end == len(norm) or norm[end] in ",;。；\n "
