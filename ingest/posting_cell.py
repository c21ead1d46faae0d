"""Cells of a postings spreadsheet: pay, ages, headcount, kinds and categories, each to a checked value.

Like the ledger normalisers, none raises: a cell that cannot be read is a problem with a Chinese reason and
the rest of the row still goes in. Free text (an ad pasted into a cell) is the posting parser's job.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.problem import Checked, fail, ok
from ingest.values import parse_amount, parse_count
from models.text import cell_text
from models.vocab import EmployerKind, JobKind, PayPeriod, PublicWelfareCategory

__all__ = [
    "Pay",
    "parse_age_range",
    "parse_employer_kind",
    "parse_headcount",
    "parse_job_kind",
    "parse_meals_housing",
    "parse_pay",
    "parse_pay_period",
    "parse_public_welfare_category",
    "parse_term_months",
]

Pay = tuple[Decimal | None, Decimal | None, str | None]

_BLANK = {"", "/", "-", "—", "无", "空", "不限", "面议", "详询", "待定"}
_PERIOD_WORDS: tuple[tuple[str, PayPeriod], ...] = (
    ("年薪", PayPeriod.YEAR),
    ("/年", PayPeriod.YEAR),
    ("每年", PayPeriod.YEAR),
    ("时薪", PayPeriod.HOUR),
    ("小时", PayPeriod.HOUR),
    ("/时", PayPeriod.HOUR),
    ("计件", PayPeriod.PIECE),
    ("/件", PayPeriod.PIECE),
    ("/斤", PayPeriod.PIECE),
    ("/个", PayPeriod.PIECE),
    ("/箱", PayPeriod.PIECE),
    ("/只", PayPeriod.PIECE),
    ("/双", PayPeriod.PIECE),
    ("日结", PayPeriod.DAY),
    ("日薪", PayPeriod.DAY),
    ("/天", PayPeriod.DAY),
    ("/日", PayPeriod.DAY),
    ("每天", PayPeriod.DAY),
    ("按天", PayPeriod.DAY),
    ("按日", PayPeriod.DAY),
    ("天", PayPeriod.DAY),
    ("月薪", PayPeriod.MONTH),
    ("/月", PayPeriod.MONTH),
    ("每月", PayPeriod.MONTH),
    ("按月", PayPeriod.MONTH),
    ("月", PayPeriod.MONTH),
)
_NUMBER = r"(\d+(?:\.\d+)?)\s*([千kK万wW])?"
_RANGE = re.compile(_NUMBER + r"\s*(?:元)?\s*(?:-|~|～|—|–|至|到|一)\s*" + _NUMBER)
_SINGLE = re.compile(_NUMBER)
_UNIT = {"千": 1000, "k": 1000, "K": 1000, "万": 10000, "w": 10000, "W": 10000}
_FLOOR = re.compile(r"以上|起|及以上|不低于|保底|最低")
_CEILING = re.compile(r"以下|以内|不超过|最高")


def _text(raw: object) -> str:
    return "".join(cell_text(raw).split())


def parse_pay_period(raw: object) -> Checked[str]:
    """月/月薪/按月, 日/日结, 小时/时薪, 计件/元每件, 年/年薪 -> ``PayPeriod`` code."""
    text = _text(raw)
    if text in _BLANK:
        return Checked(None)
    for word, period in _PERIOD_WORDS:
        if word in text:
            return ok(period.value)
    return fail("value_unknown")


def parse_pay(raw: object) -> Checked[Pay]:
    """A pay cell: 3000, 3000-4000, 4-6千, 1.5万, 150元/天, 20元/小时, 0.5元/件, 8000以上, 三千五.

    Gives (min, max, period or None when the cell does not say). An open end stays open: 8000以上 is
    (8000, None); one figure is both ends.
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(str(raw))
        return ok((value, value, None)) if value >= 0 else fail("pay_invalid")
    text = _text(raw)
    if text in _BLANK:
        return Checked(None)
    period = parse_pay_period(text).value
    found = _RANGE.search(text)
    if found:
        unit = found.group(2) or found.group(4)
        low = _amount(found.group(1), found.group(2) or unit)
        high = _amount(found.group(3), found.group(4) or unit)
        if low > high:
            return fail("pay_invalid", "下限高于上限")
        return ok((low, high, period))
    single = _SINGLE.search(text)
    if single is None:
        monthly = parse_amount(text)  # Chinese numerals: 三千五, 一万二
        if monthly.value is None:
            return fail("pay_invalid")
        value = Decimal(monthly.value)
        return ok((value, value, period))
    value = _amount(single.group(1), single.group(2))
    if _FLOOR.search(text):
        return ok((value, None, period))
    if _CEILING.search(text):
        return ok((None, value, period))
    return ok((value, value, period))


def _amount(number: str, unit: str | None) -> Decimal:
    return Decimal(number) * _UNIT[unit] if unit else Decimal(number)


_AGE_RANGE = re.compile(r"(\d{2})\s*(?:周岁|岁)?\s*(?:-|~|～|—|–|至|到|一)\s*(\d{2})")
_AGE_ONE = re.compile(r"(\d{2})\s*(?:周岁|岁)?\s*(以上|以下|以内|之间)?")
_AGE_BY_SEX = re.compile(r"男\D{0,3}(\d{2})\D{0,4}女\D{0,3}(\d{2})|女\D{0,3}(\d{2})\D{0,4}男\D{0,3}(\d{2})")


def parse_age_range(raw: object) -> Checked[tuple[int | None, int | None]]:
    """18-45, 18-45周岁, 45岁以下, 18岁以上, 男50女45 (the higher limit: nobody of either sex is excluded by
    the number alone; the per-sex limit stays in the description) -> (min, max)."""
    text = _text(raw)
    if text in _BLANK or text in ("年龄不限", "男女不限"):
        return Checked(None)
    by_sex = _AGE_BY_SEX.search(text)
    if by_sex:
        ages = [int(g) for g in by_sex.groups() if g]
        return ok((None, max(ages)))
    found = _AGE_RANGE.search(text)
    if found:
        low, high = int(found.group(1)), int(found.group(2))
        return ok((low, high)) if low <= high else fail("age_invalid", "下限高于上限")
    one = _AGE_ONE.search(text)
    if one is None:
        return fail("age_invalid")
    age = int(one.group(1))
    if one.group(2) == "以上":
        return ok((age, None))
    return ok((None, age))


def parse_headcount(raw: object) -> Checked[int]:
    """20, 20人, 20名; 若干/不限/数名 are blank (a person states the number before the posting opens)."""
    text = _text(raw)
    if text in _BLANK or text in ("若干", "若干名", "数名", "多名", "大量", "长期"):
        return Checked(None)
    checked = parse_count(re.sub(r"名$", "", text))
    if checked.value == 0:
        return fail("number_invalid", "招聘人数至少为1")
    return checked


_EMPLOYER_KINDS: tuple[tuple[str, EmployerKind], ...] = (
    ("帮扶车间", EmployerKind.WORKSHOP),
    ("扶贫车间", EmployerKind.WORKSHOP),
    ("就业车间", EmployerKind.WORKSHOP),
    ("工坊", EmployerKind.HOME_WORKSHOP),
    ("合作社", EmployerKind.COOPERATIVE),
    ("劳务", EmployerKind.AGENCY),
    ("人力资源", EmployerKind.AGENCY),
    ("派遣", EmployerKind.AGENCY),
    ("中介", EmployerKind.AGENCY),
    ("村委", EmployerKind.PUBLIC_BODY),
    ("村民委员会", EmployerKind.PUBLIC_BODY),
    ("居委", EmployerKind.PUBLIC_BODY),
    ("居民委员会", EmployerKind.PUBLIC_BODY),
    ("社区", EmployerKind.PUBLIC_BODY),
    ("人民政府", EmployerKind.PUBLIC_BODY),
    ("街道办", EmployerKind.PUBLIC_BODY),
    ("公共机构", EmployerKind.PUBLIC_BODY),
    ("机关", EmployerKind.PUBLIC_BODY),
    ("事业单位", EmployerKind.PUBLIC_BODY),
    ("园区", EmployerKind.PARK),
    ("涉农", EmployerKind.AGRICULTURAL),
    ("农业", EmployerKind.AGRICULTURAL),
    ("农牧", EmployerKind.AGRICULTURAL),
    ("养殖", EmployerKind.AGRICULTURAL),
    ("种植", EmployerKind.AGRICULTURAL),
    ("企业", EmployerKind.ENTERPRISE),
    ("公司", EmployerKind.ENTERPRISE),
    ("厂", EmployerKind.ENTERPRISE),
)


def parse_employer_kind(raw: object, name: str = "") -> Checked[str]:
    """The kind written in a 单位类型 cell, else read from the employer's name; 企业 when neither says."""
    for text in (_text(raw), _text(name)):
        if not text:
            continue
        for word, kind in _EMPLOYER_KINDS:
            if word in text or text == kind.zh:
                return ok(kind.value)
    if _text(raw):
        return Checked(EmployerKind.ENTERPRISE.value, "value_assumed", fail("value_assumed").reason)
    return ok(EmployerKind.ENTERPRISE.value)


_JOB_KINDS: tuple[tuple[str, JobKind], ...] = (
    ("日结", JobKind.DAILY),
    ("季节", JobKind.SEASONAL),
    ("兼职", JobKind.PART_TIME),
    ("零工", JobKind.TEMPORARY),
    ("临时", JobKind.TEMPORARY),
    ("短期", JobKind.TEMPORARY),
    ("全职", JobKind.FULL_TIME),
    ("全日制", JobKind.FULL_TIME),
    ("长期", JobKind.FULL_TIME),
    ("合同制", JobKind.FULL_TIME),
)


def parse_job_kind(raw: object) -> Checked[str]:
    """全职/兼职/季节性/临时/零工/日结 -> ``JobKind`` code."""
    text = _text(raw)
    if text in _BLANK:
        return Checked(None)
    for word, kind in _JOB_KINDS:
        if word in text:
            return ok(kind.value)
    return fail("value_unknown")


_PW_WORDS: tuple[tuple[str, PublicWelfareCategory], ...] = (
    ("快递", PublicWelfareCategory.PARCELS),
    ("保洁", PublicWelfareCategory.CLEANING),
    ("环卫", PublicWelfareCategory.CLEANING),
    ("清扫", PublicWelfareCategory.CLEANING),
    ("保绿", PublicWelfareCategory.GREENING),
    ("绿化", PublicWelfareCategory.GREENING),
    ("护林", PublicWelfareCategory.GREENING),
    ("设施", PublicWelfareCategory.FACILITIES),
    ("水电", PublicWelfareCategory.FACILITIES),
    ("维护", PublicWelfareCategory.FACILITIES),
    ("便民", PublicWelfareCategory.SERVICES),
    ("服务", PublicWelfareCategory.SERVICES),
    ("妇幼", PublicWelfareCategory.MATERNAL_CHILD),
    ("托老", PublicWelfareCategory.CARE),
    ("托幼", PublicWelfareCategory.CARE),
    ("助残", PublicWelfareCategory.CARE),
    ("养老", PublicWelfareCategory.CARE),
    ("巡逻", PublicWelfareCategory.PATROL),
    ("治安", PublicWelfareCategory.PATROL),
    ("安保", PublicWelfareCategory.PATROL),
    ("护路", PublicWelfareCategory.PATROL),
    ("其他", PublicWelfareCategory.OTHER),
)


def parse_public_welfare_category(raw: object) -> Checked[str]:
    """保洁, 保绿, 公共设施维护, 便民服务, 妇幼保健, 托老托幼助残, 乡村快递收发, 治安巡逻 -> category code."""
    text = _text(raw)
    if text in _BLANK or text in ("否", "不是", "非公益性岗位"):
        return Checked(None)
    for word, category in _PW_WORDS:
        if word in text:
            return ok(category.value)
    return fail("value_unknown")


def parse_meals_housing(raw: object) -> Checked[tuple[bool | None, bool | None]]:
    """A 食宿 cell: 包吃住, 包住不包吃, 提供食宿, 食宿自理, 管一顿饭 -> (meals, housing)."""
    text = _text(raw)
    if text in _BLANK:
        return Checked(None)
    if re.search(r"食宿自理|不包吃住|不提供食宿|吃住自理", text):
        return ok((False, False))
    if re.search(r"包吃住|提供食宿|管吃住|包食宿|吃住全包", text):
        return ok((True, True))
    meals = _said(text, r"不包吃|不管饭|伙食自理", r"包吃|管饭|供餐|餐")
    housing = _said(text, r"不包住|住宿自理", r"包住|宿舍|住宿")
    if meals is None and housing is None:
        return fail("value_unknown")
    return ok((meals, housing))


def _said(text: str, no: str, yes: str) -> bool | None:
    if re.search(no, text):
        return False
    return True if re.search(yes, text) else None


_CHINESE_YEARS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}


def parse_term_months(raw: object) -> Checked[int]:
    """聘期: 12, 12个月, 1年, 三年, 1年，可续聘 -> months of one term."""
    text = _text(raw)
    if text in _BLANK:
        return Checked(None)
    years = re.search(r"(\d+|[一两二三四五])年", text)
    if years:
        n = years.group(1)
        return ok(12 * (int(n) if n.isdigit() else _CHINESE_YEARS[n]))
    months = re.search(r"(\d+)(?:个月|月)", text) or re.fullmatch(r"(\d+)", text)
    if months and 0 < int(months.group(1)) <= 120:
        return ok(int(months.group(1)))
    return fail("number_invalid", "请写成 12个月 或 1年")
