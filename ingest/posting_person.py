"""Who an ad asks for: age limits, sex, headcount (招聘人数) and least education.

Conventions:

- Requirements written as a preference (``45-58岁女性优先``, ``大专以上优先``, ``女性为主``) are not
  requirements: the segment holding 优先 or 为主 gives no age, sex or education.
- A sex-specific age limit (``男50女45``, ``男50岁以下、女45岁以下``) gives age_max = the higher limit, so a
  filter on age_max never drops anyone the ad admits; the field is reported unsure so a person can confirm.
  A lower limit by sex (``女45周岁以上、男50周岁以上``) gives age_min = the lower one. A limit that may be
  widened (``50岁以下，可放宽至55岁``) gives the wider one, also unsure.
- Sex is ``male``/``female`` only when the ad names one sex alone (限男, 男性, 女工, 阿姨); both sexes,
  男女不限, 不限性别 or ``男工为主`` give null. The contact person (``联系人：刘女士``) says nothing about it.
- Headcount comes from 招聘20名, 招5人, (20人), 岗位2个, 需要30人, 找两个阿姨, 招聘人数: 6, 10余人 (10);
  sex-split counts add up (``男工10名，女工5名`` 15, ``男女各10名`` 20); 若干, 数名, 多名, 数十 and 大量 give
  null. Rooms (4人间), group sizes (满10人, 5人一组, 20人以上报销车费), the staff of the firm (现有员工200人),
  diners (100人左右就餐) and ages are no headcount.
- Education is the lowest level named in the requirement (``高中/中专以上`` is 高中); 不限 gives null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.posting_number import Figure
from ingest.posting_text import Source, clause_of, phrases, segment_of
from models.vocab import Education

__all__ = ["Ages", "Count", "find_ages", "find_education", "find_gender", "find_headcount"]

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
_BY_SEX = re.compile(
    r"(?P<s1>[男女])(?:性|士|的)?\s*:?\s*(?P<a1>\d{2})\s*(?:周岁|岁)?\s*(?:以下|以内|之内)?\s*[,，、/;；]?\s*"
    r"(?P<s2>[男女])(?:性|士|的)?\s*:?\s*(?P<a2>\d{2})\s*(?:周岁|岁)?"
)
# 45周岁至60周岁, 18岁-45岁: a unit on both ends, which find_figures does not join.
_AGE_RANGE = re.compile(r"(?<!\d)(\d{2})\s*周?岁\s*(?:-+|~|到|至)\s*(\d{2})\s*周?岁")
_PREFERENCE = re.compile(r"优先|最好|为佳|更好|尤佳|为主")

_SEX_ANY = re.compile(
    r"男女\S{0,2}?(?:不限|均可|皆可|都可|都要|都行|不论)|不限男女|性别\s*[::]?\s*不限|不限性别|男女各|男女老少|夫妻(?!房|间|宿舍)"
)  # 夫妻工 are both sexes; 夫妻房 is a room
_MALE = re.compile(r"(?<![女])男(?![女装鞋])|男士|男性|男工|限男")
_FEMALE = re.compile(r"(?<![男子儿孙妇])(?:女(?![男儿婿装鞋])|女士|女性|女工|限女)|妇女|大姐|阿姨")
# 联系人：刘女士 / 李阿姨 138…: the contact person, not the sex wanted.
_CONTACT = re.compile(r"(?:联系|咨询|电话|报名)[^,;。\n]{0,6}$|^[^,;。\n]{0,3}\d{7}")

_HEAD_STRONG = re.compile(
    r"\s*(?:余|多)?\s*(?:名|个人|人|位)(?!间|一间|/间|次|份|工|员|民|口|以上成团|组|一组|一车|同行)"
)
_HEAD_WORD = re.compile(r"招|聘|需|要|缺|共|计|人数|名额|岗位|急|诚聘|用工|找")
# 找两个阿姨, 需要5个工人: 个 and the people wanted.
_HEAD_PEOPLE = re.compile(
    r"\s*个\s*(?:阿姨|大姐|师傅|工人|帮手|保姆|[\u4e00-\u9fff]{0,3}(?:小工|大工|工|员|师|嫂|司机))"
)
_HEAD_POST = re.compile(r"\s*个\s*(?:岗位|名额)")
_HEAD_POST_BEFORE = re.compile(r"(?:岗位|名额|招聘|人数|招|需求|计划|数量|人员)[^\d,;。\n]{0,3}:?\s*$")
_HEAD_NOT_BEFORE = re.compile(
    r"(?:(?:现有|拥有|共有|规模|已有)(?!岗位|名额|空缺|公益)|有(?:员工|职工|工人)|(?:员工|职工)总数|在职|宿舍|每)[^,;。\n]{0,2}$"
    r"|[数几]$"
)
_HEAD_GROUP = re.compile(r"(?:满|每|超过|够|凑|以上|达到|至少|最少|组团)\s*$")
# 男工10名，女工5名 / 男女各10名: the ad wants both groups.
_BY_SEX_COUNT = re.compile(r"(男|女)[工性士生]?\s*(\d+)\s*[名人]\s*[,，、;；]?\s*(男|女)[工性士生]?\s*(\d+)\s*[名人]")
_EACH_SEX_COUNT = re.compile(r"男女[\u4e00-\u9fff]{0,4}?各\s*(\d+)\s*[名人]")
_HEAD_GROUP_AFTER = re.compile(
    r"\s*(?:以上|左右)?\s*(?:[^,;。；\n\s]{0,3}(?:成团|组团|一组|同行|报名|报销|包车|发车|奖励|优惠))"
)
_HEAD_ACHIEVED = re.compile(r"帮助|带动|吸纳|安置了|解决了|累计|已有|已经|惠及|覆盖|辐射")
_HEAD_VAGUE = re.compile(r"若干|数名|多名|大量|不限人数|人数不限|数人|多人|数十|几十|十几|数百")


@dataclass(slots=True)
class Ages:
    low: int | None = None
    high: int | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    unsure: bool = False


@dataclass(frozen=True, slots=True)
class Count:
    value: int | None
    start: int
    end: int
    unsure: bool = False


def find_ages(src: Source, figures: list[Figure]) -> Ages:
    """Age limits; see the module docstring for preferences and sex-specific limits."""
    norm = src.norm
    ages = Ages()
    for m in _BY_SEX.finditer(norm):
        if m.group("s1") != m.group("s2") and not _preferred(norm, m.start()):
            a1, a2 = int(m.group("a1")), int(m.group("a2"))
            if _plausible(a1) and _plausible(a2):
                ages.high, ages.unsure = max(a1, a2), True
                ages.spans.append((m.start(), m.end()))
                break
    for m in _AGE_RANGE.finditer(norm):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        if _plausible(low) and _plausible(high) and not _preferred(norm, m.start()) and ages.high is None:
            ages.low, ages.high = low, high
            ages.spans.append(m.span())
            break
    for f in figures:
        if not _is_age(norm, f) or _preferred(norm, f.start):
            continue
        if any(s <= f.start < e for s, e in ages.spans):
            continue
        before = norm[clause_of(norm, f.start)[0] : f.start]
        if f.high is not None:
            low, high = sorted((int(f.low), int(f.high)))
            if not (_plausible(low) and _plausible(high)):
                continue
            if ages.low is None and ages.high is None:
                ages.low, ages.high = low, high
                ages.spans.append((f.start, _end(norm, f)))
            continue
        value = int(f.low)
        if not _plausible(value) or value != f.low:
            continue
        if _AGE_MAX_AFTER.match(norm, f.end) or _AGE_MAX_BEFORE.search(before):
            if ages.high is None or (_AGE_WIDENED.search(before) and value > ages.high):
                ages.unsure = ages.unsure or ages.high is not None
                ages.high = value
                ages.spans.append((f.start, _end(norm, f)))
        elif _AGE_MIN_AFTER.match(norm, f.end) or _AGE_MIN_BEFORE.search(before):
            if ages.low is None:
                ages.low = value
                ages.spans.append((f.start, _end(norm, f)))
    if ages.low is not None and ages.high is not None and ages.low > ages.high:
        ages.low, ages.high, ages.unsure = ages.high, ages.low, True
    return ages


def _end(norm: str, f: Figure) -> int:
    m = _AGE_MAX_AFTER.match(norm, f.end) or _AGE_MIN_AFTER.match(norm, f.end) or _AGE_AFTER.match(norm, f.end)
    return m.end() if m else f.end


def _is_age(norm: str, f: Figure) -> bool:
    if _AGE_AFTER.match(norm, f.end):
        return True
    if f.high is None and _bare_limit(norm, f):
        return True
    start = clause_of(norm, f.start)[0]
    word = _AGE_WORD.search(norm, max(start, f.start - 8), f.start)
    if word is None or re.search(r"\d", norm[word.end() : f.start]):
        return False
    limit = re.match(r"\s*(?:以下|以内|以上|之间|-)", norm[f.end : f.end + 4])
    return bool(limit) or f.high is not None or bool(_AGE_MAX_BEFORE.search(norm, start, f.start))


def _bare_limit(norm: str, f: Figure) -> bool:
    """``男，50以下`` / ``45以下``: a plausible age standing alone in its segment with a limit word."""
    start, end = segment_of(norm, f.start)
    rest = norm[f.end : end].strip()
    return norm[start : f.start].strip() in ("", "男", "女") and rest in ("以下", "以内", "以上", "以下均可")


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


def find_headcount(src: Source, figures: list[Figure]) -> Count | None:
    """The first headcount of the ad (value None for 若干 and the like), or None when it names none."""
    norm = src.norm
    split = _BY_SEX_COUNT.search(norm)
    if split is not None and split.group(1) != split.group(3):
        return Count(int(split.group(2)) + int(split.group(4)), split.start(), split.end())
    each = _EACH_SEX_COUNT.search(norm)
    if each is not None:
        return Count(2 * int(each.group(1)), each.start(), each.end())
    for f in figures:
        if f.high is not None and _HEAD_STRONG.match(norm, f.end):
            return Count(None, f.start, f.end, unsure=True)  # 招10-20人: no one number; a person decides
        if f.high is not None or f.low != int(f.low) or not 0 < f.low < 100000:
            continue
        before = norm[max(clause_of(norm, f.start)[0], f.start - 12) : f.start]
        if _HEAD_GROUP.search(before) or _HEAD_NOT_BEFORE.search(before) or re.search(r"\d\s*[,.]?\s*$", before):
            continue
        if _HEAD_ACHIEVED.search(norm, clause_of(norm, f.start)[0], f.start):
            continue  # 已带动120名搬迁群众就业: people already placed, not wanted
        strong = _HEAD_STRONG.match(norm, f.end)
        post = _HEAD_POST.match(norm, f.end)
        if strong is not None:
            unit = norm[strong.end() - 1]
            tail = norm[strong.end() : strong.end() + 3]
            if unit == "名" or _HEAD_WORD.search(before) or _in_brackets(norm, f.start, strong.end()) or _ends(tail):
                if not _HEAD_GROUP_AFTER.match(norm, strong.end()):
                    return Count(int(f.low), f.start, strong.end())
        elif post is not None or (_HEAD_POST_BEFORE.search(before) and re.match(r"\s*个", norm[f.end :])):
            end = post.end() if post else norm.index("个", f.end) + 1
            return Count(int(f.low), f.start, end)
        elif _HEAD_POST_BEFORE.search(before) and _ends(norm[f.end : f.end + 2]):
            return Count(int(f.low), f.start, f.end)
        elif _HEAD_WORD.search(before) and (people := _HEAD_PEOPLE.match(norm, f.end)) is not None:
            return Count(int(f.low), f.start, people.end())
    vague = _HEAD_VAGUE.search(norm)
    if vague is not None:
        return Count(None, vague.start(), vague.end())
    return None


def _in_brackets(norm: str, start: int, end: int) -> bool:
    return norm[start - 1 : start] in "(【[" and norm[end : end + 1] in ")】]"


def _ends(tail: str) -> bool:
    return not tail or tail[0] in ",.;!?。；！？\n )】]、 "


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
