"""Coded ledger values: yes/no, sex, education, labour, health, employment, household kind, place, amounts.

Each parser takes one raw cell and returns ``Checked``: a blank cell (or a placeholder such as ``/``) is
``Checked(None)`` without a problem; text outside the vocabulary is ``value_unknown`` (the caller keeps the
original text). Look-ups are dict hits on ``cell_text`` without spaces, upper-cased; only a miss goes on to
the slower, memoised rules (suffixes, "contains" rules), because these run on every cell of 100k-row files.

Decisions on ambiguous cells:

- 学龄前 / 学前 / 幼儿园 as education: ``Checked(None)`` without a problem; a preschooler has no level.
  In-school forms (``初中在读``, ``小学三年级``) give the level being attended, as the national
  poverty-alleviation system recorded them; the student status lives in the employment column.
- 外出务工 / 外地务工: the worker works away from the township but the cell does not say how far. The value
  is 省内县外务工 (province) with the warning ``value_assumed`` so staff can correct it; the fact that the
  person works is what the employment rate needs and is not lost.
- Amount ranges (``3000-4000``) give the lower bound: an income is then never overstated, and a wished wage
  is read as the least the worker will accept (the column is stored as ``wish_min_wage``). ``3000以上`` gives
  3000; ``3000以下`` is refused (only an upper limit). Amounts per day, hour or year are refused rather than
  converted. ``无``, ``不限``, ``面议`` are blank; ``无收入`` is 0.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Generic, TypeVar

from ingest.problem import CODES, Checked, fail, ok
from models.text import cell_text, normalise_text
from models.vocab import (
    Education,
    EmploymentStatus,
    Health,
    HouseholdCategory,
    LabourCapacity,
    PlaceRange,
    Sex,
)

__all__ = [
    "MONITORING_KINDS",
    "normalise_relation",
    "parse_amount",
    "parse_count",
    "parse_education",
    "parse_employment_status",
    "parse_health",
    "parse_household_category",
    "parse_labour_capacity",
    "parse_place_range",
    "parse_sex",
    "parse_yes_no",
    "split_multi",
]

T = TypeVar("T")

# The three kinds of 防返贫监测对象 (monitored households), stored in ``household.monitoring_kind``.
MONITORING_KINDS: dict[str, str] = {
    "unstable": "脱贫不稳定户",
    "marginal": "边缘易致贫户",
    "sudden_hardship": "突发严重困难户",
}

# Cells that mean "nothing here" in every column.
_BLANKS = frozenset({"", "/", "//", "-", "--", "—", "——", "\\", ".", "。", "、", "NULL", "NONE", "NAN", "N/A", "#N/A"})


def _key(raw: object) -> str:
    return cell_text(raw).replace(" ", "").upper()


def _table(groups: Mapping[T, str], labelled: Iterable[Enum] = ()) -> dict[str, T]:
    """Look-up keys -> value, from space-separated spellings per value (and each enum's code and label)."""
    table: dict[str, T] = {}
    for member in labelled:
        table[_key(member.value)] = member.value
        table[_key(getattr(member, "zh", ""))] = member.value
    for value, spellings in groups.items():
        for spelling in spellings.split():
            table[_key(spelling)] = value
    table.pop("", None)
    return table


class _Vocabulary(Generic[T]):
    """The answer for every known spelling, built once as shared ``Checked`` objects (they are frozen).

    A spelling mapped to None is understood but records nothing (学龄前); a miss goes to ``rules``.
    """

    __slots__ = ("_answers", "_rules")

    def __init__(
        self,
        table: Mapping[str, T | None],
        rules: Callable[[str], T | None] | None = None,
        warnings: Mapping[str, Checked[T]] | None = None,
    ) -> None:
        blank: Checked[T] = Checked(None)
        self._answers: dict[str, Checked[T]] = dict.fromkeys(_BLANKS, blank)
        self._answers.update({key: Checked(value) for key, value in table.items()})
        self._answers.update(warnings or {})
        self._rules = rules

    def parse(self, raw: object) -> Checked[T]:
        # A clean cell ("初中") is its own key: skip normalising it.
        if type(raw) is str and (found := self._answers.get(raw)) is not None:
            return found
        key = _key(raw)
        found = self._answers.get(key)
        if found is not None:
            return found
        value = self._rules(key) if self._rules else None
        return ok(value) if value is not None else fail("value_unknown")


def _first_contained(rules: tuple[tuple[str, T], ...]) -> Callable[[str], T | None]:
    """A memoised rule: the value of the first fragment contained in the key."""

    @functools.lru_cache(maxsize=4096)
    def find(key: str) -> T | None:
        return next((value for fragment, value in rules if fragment in key), None)

    return find


# --- yes / no ---------------------------------------------------------------------------------------------

_YES_NO: dict[str, bool] = _table(
    {
        True: "是 是的 √ ✓ ✔ ☑ 1 有 Y YES T TRUE 对 要 愿意 需要 想 已 已参加 已取证 已取得 参加 取证",
        False: "否 不是 × ✗ ✘ ☒ X 0 无 没有 N NO F FALSE 不 不要 不愿意 不愿 不需要 不想 未 未参加 未取证 无意愿",
    }
)
# "是（已取证）", "不愿意参加培训": the opening word carries the answer ("不确定" carries none).
_YES_OPENINGS = ("是", "有", "√", "✓", "✔", "☑", "已", "愿意", "需要", "想")
_NO_OPENINGS = ("否", "无", "×", "✗", "✘", "☒", "未", "没", "不愿", "不想", "不要", "不需", "不参加", "不是")


def _yes_no_rules(key: str) -> bool | None:
    return True if key.startswith(_YES_OPENINGS) else False if key.startswith(_NO_OPENINGS) else None


_YES_NO_VOCABULARY = _Vocabulary(_YES_NO, _yes_no_rules)


def parse_yes_no(raw: object) -> Checked[bool]:
    """是/否, √/×, 1/0, 有/无, Y/N, 愿意/不愿意, 需要/不需要, 已/未 ... -> bool."""
    return _YES_NO_VOCABULARY.parse(raw)


# --- sex --------------------------------------------------------------------------------------------------

# GB/T 2261.1: 1 male, 2 female (0 unknown and 9 unstated are not a sex).
_SEX = _Vocabulary(_table({Sex.MALE.value: "男 男性 男士 M MALE 1", Sex.FEMALE.value: "女 女性 女士 F FEMALE 2"}))


def parse_sex(raw: object) -> Checked[str]:
    """男/女/男性/女性/M/F/1/2 -> ``Sex`` value ("male" / "female")."""
    return _SEX.parse(raw)


# --- education --------------------------------------------------------------------------------------------

_EDUCATION: dict[str, str | None] = {
    **_table(
        {
            Education.ILLITERATE.value: "文盲 半文盲 文盲或半文盲 文盲半文盲 文盲/半文盲 不识字 未上学 没上过学 没上学",
            Education.PRIMARY.value: "小学",
            Education.JUNIOR.value: "初中 初级中学 九年义务教育",
            Education.SENIOR.value: "高中 普高 普通高中 高级中学",
            Education.VOCATIONAL.value: "中专 中职 技校 职高 职业高中 中等专科 中技 技工学校 中专/中职/技校 中专/技校",
            Education.COLLEGE.value: "大专 高职 专科 大学专科 高职高专",
            Education.BACHELOR.value: "本科 大学本科 大学 研究生 硕士 博士 本科及以上 大学及以上",
        },
        Education,
    ),
    **dict.fromkeys(["学龄前", "学龄前儿童", "学前", "学前儿童", "学前教育", "幼儿园", "婴幼儿"]),
}
# 初中在读, 小学三年级, 高中毕业, 大专及以上, 初中文化: the level named is the level recorded.
_EDUCATION_AFFIX = re.compile(
    r"^(?:在读|就读)|(?:[一二三四五六1-6]年级|在读|在校|就读|肄业|未毕业|毕业|辍学|文化|学历|程度|水平|及以上|以上|及以下|以下)+$"
)


@functools.lru_cache(maxsize=4096)
def _education_rules(key: str) -> str | None:
    return _EDUCATION.get(_EDUCATION_AFFIX.sub("", key))


_EDUCATION_VOCABULARY = _Vocabulary(_EDUCATION, _education_rules)


def parse_education(raw: object) -> Checked[str]:
    """文化程度 -> ``Education`` code; 学龄前 is ``Checked(None)`` (see the module docstring)."""
    return _EDUCATION_VOCABULARY.parse(raw)


# --- labour capacity --------------------------------------------------------------------------------------

_LABOUR = _Vocabulary(
    _table(
        {
            LabourCapacity.SKILLED.value: "技能劳动力 技能劳力 技术劳动力",
            LabourCapacity.FULL.value: "普通劳动力 普通劳力 全劳力 全劳动力 劳动力 有劳动力 正常劳动力",
            LabourCapacity.WEAK.value: "弱劳动力或半劳动力 弱劳动力/半劳动力 弱劳动力 半劳动力 弱劳力 半劳力"
            " 弱/半劳动力",
            LabourCapacity.LOST.value: "丧失劳动力 丧失劳动能力 丧失劳力",
            LabourCapacity.NONE.value: "无劳动力 无劳力 无劳动能力 无 没有劳动力",
        },
        LabourCapacity,
    )
)


def parse_labour_capacity(raw: object) -> Checked[str]:
    """劳动能力 (普通劳动力, 技能劳动力, 弱劳动力或半劳动力, 全劳力, 半劳力, 丧失劳动力 ...) -> code."""
    return _LABOUR.parse(raw)


# --- health -----------------------------------------------------------------------------------------------

_HEALTH_TABLE = _table(
    {
        Health.HEALTHY.value: "健康 良好 好 正常 身体健康 健康良好 较好",
        Health.CHRONIC.value: "长期慢性病 慢性病 慢病 患有慢性病 有慢性病",
        Health.SERIOUS.value: "患有大病 大病 重病 重大疾病 患大病 大病重病",
        Health.DISABLED.value: "残疾 残疾人 残 持证残疾",
    },
    Health,
)
# Several conditions in one cell ("残疾、长期慢性病"): the one that limits work most is recorded.
_HEALTH_RULES = _first_contained(
    (
        ("残", Health.DISABLED.value),
        ("大病", Health.SERIOUS.value),
        ("重病", Health.SERIOUS.value),
        ("慢", Health.CHRONIC.value),
        ("健康", Health.HEALTHY.value),
    )
)


_HEALTH = _Vocabulary(_HEALTH_TABLE, _HEALTH_RULES)


def parse_health(raw: object) -> Checked[str]:
    """健康状况 (健康, 长期慢性病, 患有大病, 残疾, 一级肢体残疾 ...) -> ``Health`` code."""
    return _HEALTH.parse(raw)


# --- employment status ------------------------------------------------------------------------------------

_EMPLOYMENT_TABLE = _table(
    {
        EmploymentStatus.UNEMPLOYED.value: "未就业 待业 无业 失业 未务工 暂未就业",
        EmploymentStatus.TOWNSHIP.value: "乡镇内务工 乡镇内就业 镇内务工 乡内务工 本镇务工 本乡务工 村内务工 乡镇内",
        EmploymentStatus.COUNTY.value: "县内务工 县内就业 县内 本县务工 县城务工",
        EmploymentStatus.PROVINCE.value: "省内县外务工 省内县外就业 省内县外 县外省内 省内务工 省内就业"
        " 市内县外 市内县外务工",
        EmploymentStatus.OUT_OF_PROVINCE.value: "省外务工 省外就业 省外 出省务工 跨省务工",
        EmploymentStatus.PUBLIC_WELFARE.value: "公益性岗位 公益岗 公益性岗 公益岗位 乡村公益性岗位",
        EmploymentStatus.WORKSHOP.value: "帮扶车间 扶贫车间 就业帮扶车间 扶贫工厂 社区工厂 扶贫工坊 帮扶工坊",
        EmploymentStatus.SELF_EMPLOYED.value: "自主创业 创业 个体 个体经营 个体户 自营",
        EmploymentStatus.FLEXIBLE.value: "灵活就业 零工 打零工 零散务工 临时工 打短工 灵活务工",
        EmploymentStatus.STUDENT.value: "在校生 在校 学生 在读 上学",
        EmploymentStatus.NOT_SEEKING.value: "无就业意愿 无意愿 不愿就业 无务工意愿 不想就业",
    },
    EmploymentStatus,
)
# Longer phrases such as "省外务工（浙江）" or "县内公益性岗位": the kind of job before the place.
_EMPLOYMENT_RULES = _first_contained(
    (
        ("公益", EmploymentStatus.PUBLIC_WELFARE.value),
        ("车间", EmploymentStatus.WORKSHOP.value),
        ("工坊", EmploymentStatus.WORKSHOP.value),
        ("创业", EmploymentStatus.SELF_EMPLOYED.value),
        ("零工", EmploymentStatus.FLEXIBLE.value),
        ("灵活", EmploymentStatus.FLEXIBLE.value),
        ("在校", EmploymentStatus.STUDENT.value),
        ("学生", EmploymentStatus.STUDENT.value),
        ("无就业意愿", EmploymentStatus.NOT_SEEKING.value),
        ("未就业", EmploymentStatus.UNEMPLOYED.value),
        ("省外", EmploymentStatus.OUT_OF_PROVINCE.value),
        ("县外", EmploymentStatus.PROVINCE.value),
        ("省内", EmploymentStatus.PROVINCE.value),
        ("县内", EmploymentStatus.COUNTY.value),
        ("乡镇内", EmploymentStatus.TOWNSHIP.value),
        ("镇内", EmploymentStatus.TOWNSHIP.value),
    )
)


# Working away from the township without saying how far: see the module docstring.
_AWAY = Checked(
    EmploymentStatus.PROVINCE.value,
    "value_assumed",
    f"“外出务工”未写明地点，已按“{EmploymentStatus.PROVINCE.zh}”记录：{CODES['value_assumed'][0]}",
)
_EMPLOYMENT = _Vocabulary(
    _EMPLOYMENT_TABLE,
    _EMPLOYMENT_RULES,
    dict.fromkeys(map(_key, ["外出务工", "外出打工", "外地务工", "外出就业", "务工（外出）"]), _AWAY),
)


def parse_employment_status(raw: object) -> Checked[str]:
    """就业状态 -> ``EmploymentStatus`` code; 外出务工 gives 省内县外 with a ``value_assumed`` warning."""
    return _EMPLOYMENT.parse(raw)


# --- household category -----------------------------------------------------------------------------------

_LIFTED = (HouseholdCategory.LIFTED.value, None)
_MONITORED = HouseholdCategory.MONITORED.value
_HOUSEHOLD: dict[str, tuple[str, str | None]] = {
    **_table({_LIFTED: "脱贫户 已脱贫户 脱贫 建档立卡户 建档立卡 建档立卡贫困户 建档立卡脱贫户 贫困户"}),
    **_table({(_MONITORED, None): "监测户 监测对象 防返贫监测户 防返贫监测对象 三类户"}),
    **_table({(HouseholdCategory.CONCURRENT.value, None): "同步搬迁户 同步搬迁 随迁户 非建档立卡户"}),
    **{_key(label): (_MONITORED, kind) for kind, label in MONITORING_KINDS.items()},
}
# "脱贫户（监测户）", "脱贫不稳定户(已消除风险)": a monitoring kind beats plain 脱贫.
_HOUSEHOLD_RULES = _first_contained(
    (
        ("不稳定", (_MONITORED, "unstable")),
        ("边缘", (_MONITORED, "marginal")),
        ("突发", (_MONITORED, "sudden_hardship")),
        ("严重困难", (_MONITORED, "sudden_hardship")),
        ("监测", (_MONITORED, None)),
        ("同步", (HouseholdCategory.CONCURRENT.value, None)),
        ("随迁", (HouseholdCategory.CONCURRENT.value, None)),
        ("脱贫", _LIFTED),
        ("建档立卡", _LIFTED),
    )
)


_HOUSEHOLD_VOCABULARY = _Vocabulary(_HOUSEHOLD, _HOUSEHOLD_RULES)


def parse_household_category(raw: object) -> Checked[tuple[str, str | None]]:
    """户类型 -> (``HouseholdCategory`` code, monitoring kind or None); see ``MONITORING_KINDS``."""
    return _HOUSEHOLD_VOCABULARY.parse(raw)


# --- place range ------------------------------------------------------------------------------------------

_PLACE_TABLE = _table(
    {
        PlaceRange.LOCAL.value: "本地 本镇 本乡 乡镇内 镇内 就近 本村 村内 家门口 附近 安置点附近 本地就近",
        PlaceRange.COUNTY.value: "县内 本县 县城 县内均可 本县内",
        PlaceRange.CITY.value: "市内 本市 市内均可 市区",
        PlaceRange.PROVINCE.value: "省内 本省 省内均可",
        PlaceRange.ANYWHERE.value: "省外 省外均可 均可 不限 都可以 都行 无所谓 全国 外省 随便 哪里都行 服从安排",
    },
    PlaceRange,
)
# "县内或市内", "省内、省外均可": the farthest place named is how far the worker will go.
_PLACE_RULES = _first_contained(
    (
        ("省外", PlaceRange.ANYWHERE.value),
        ("均可", PlaceRange.ANYWHERE.value),
        ("不限", PlaceRange.ANYWHERE.value),
        ("省内", PlaceRange.PROVINCE.value),
        ("市内", PlaceRange.CITY.value),
        ("本市", PlaceRange.CITY.value),
        ("县内", PlaceRange.COUNTY.value),
        ("本县", PlaceRange.COUNTY.value),
        ("本地", PlaceRange.LOCAL.value),
        ("就近", PlaceRange.LOCAL.value),
    )
)


_PLACE = _Vocabulary(_PLACE_TABLE, _PLACE_RULES)


def parse_place_range(raw: object) -> Checked[str]:
    """意向地点 (本地, 县内, 市内, 省内, 省外均可, 不限 ...) -> ``PlaceRange`` code."""
    return _PLACE.parse(raw)


# --- amounts and counts -----------------------------------------------------------------------------------

_MAX_AMOUNT = 1_000_000
_MAX_COUNT = 1000
_NO_AMOUNT = frozenset({"无", "没有", "不限", "面议", "无要求", "都可以", "随便", "不确定", "待定"})
_ZERO_AMOUNT = frozenset({"无收入", "没有收入", "0收入"})
# Words around a monthly amount that carry no number: 约3000元/月左右, ¥3,000, 3000多, 3000+.
_AMOUNT_NOISE = re.compile(r"人民币|RMB|月薪|工资|收入|[¥,约大概左右元块钱+多余]|/?每?个?月|及?以上")
_NOT_MONTHLY = re.compile(r"[/每](?:天|日|小时|时|年|周)|日结|年收入|时薪|日薪|年薪")
_UPPER_ONLY = re.compile(r"以下|以内|不到|低于|不足")
_RANGE = re.compile(r"[-~—至到]+")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(千|K|万|W)?", re.ASCII)
_UNITS = {"千": 1000, "K": 1000, "万": 10000, "W": 10000}
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CHINESE_AMOUNT = re.compile(r"([一二两三四五六七八九])([千万])([一二三四五六七八九])?")


def parse_amount(raw: object) -> Checked[int]:
    """A monthly amount in yuan (月收入, 期望月薪): 3000, 3000元/月, 3千, 3.5千, 0.3万, 三千五, 3000-4000."""
    if isinstance(raw, bool):
        return fail("number_invalid")
    if isinstance(raw, int | float):
        return _amount_in_range(raw)
    text = _key(raw)
    if text in _BLANKS or text in _NO_AMOUNT:
        return Checked(None)
    if text in _ZERO_AMOUNT:
        return ok(0)
    return _amount_text(text)


@functools.lru_cache(maxsize=4096)
def _amount_text(text: str) -> Checked[int]:
    if _NOT_MONTHLY.search(text):
        return fail("number_invalid", "请填写每月的金额")
    if _UPPER_ONLY.search(text):
        return fail("number_invalid", "只写了上限")
    if _RANGE.match(text):  # "-500" is negative, not a range
        return fail("number_invalid", "金额应在0至100万元之间")
    bounds = [b for b in _RANGE.split(_AMOUNT_NOISE.sub("", text)) if b]
    if not bounds:
        return fail("number_invalid")
    low = _NUMBER.fullmatch(bounds[0])
    if low is None:
        chinese = _CHINESE_AMOUNT.fullmatch(bounds[0]) if len(bounds) == 1 else None
        if chinese is None:
            return fail("number_invalid")
        size = _UNITS[chinese.group(2)]
        tenth = _DIGITS[chinese.group(3)] * size // 10 if chinese.group(3) else 0
        return _amount_in_range(_DIGITS[chinese.group(1)] * size + tenth)
    high = _NUMBER.fullmatch(bounds[-1]) if len(bounds) == 2 else None
    if len(bounds) > 2 or (len(bounds) == 2 and high is None):
        return fail("number_invalid")
    # "3-4千": a unit written once applies to both ends.
    unit = low.group(2) or (high.group(2) if high else None)
    return _amount_in_range(float(low.group(1)) * (_UNITS[unit] if unit else 1))


def _amount_in_range(value: float) -> Checked[int]:
    if math.isnan(value):  # pandas' blank cell
        return Checked(None)
    if not 0 <= value <= _MAX_AMOUNT:
        return fail("number_invalid", "金额应在0至100万元之间")
    return ok(round(value))


_COUNT_UNITS = re.compile(r"(?:个月|月|人|口|个|周岁|岁|名)$")


def parse_count(raw: object) -> Checked[int]:
    """A whole number 0..1000 (家庭人口数, 务工月数, 年龄): 5, "5人", "6口", "6个月", "45岁"."""
    if isinstance(raw, bool):
        return fail("number_invalid")
    if isinstance(raw, float) and raw != raw:
        return Checked(None)
    text = _key(raw)
    if text in _BLANKS:
        return Checked(None)
    text = _COUNT_UNITS.sub("", text)
    whole = text[:-2] if text.endswith(".0") else text
    if not (whole.isascii() and whole.isdigit()) or int(whole) > _MAX_COUNT:
        return fail("number_invalid")
    return ok(int(whole))


# --- multi-value cells ------------------------------------------------------------------------------------

# Circled numbers become plain digits under NFKC (① -> 1), so they are turned into separators first.
_CIRCLED = {c: "," for c in range(0x2460, 0x24A0)} | {c: "," for c in range(0x2776, 0x2794)}
# "1.电焊 2.厨师", "(1)电焊", "1、电焊": a number of one or two digits that opens an item, not "C1" or "3.5".
_ENUMERATOR = re.compile(r"(?<![0-9A-Za-z.])\(?\d{1,2}[.、)](?!\d)", re.ASCII)
_ITEM_SEPARATOR = re.compile(r"[、,;/|\\\s]+")
_ITEM_EDGES = " .,:;!?。:：'\"“”‘’-_*#()"
_PLACEHOLDERS = _BLANKS | set("无 没有 没 暂无 无证 未取证 否 空 无技能 无特长 不会".split())


def split_multi(text: str) -> list[str]:
    """The items of a multi-value cell ("电焊、开车；会做饭", "1.电焊 2.厨师"), in order, without repeats.

    Splits at 、,;/ (full-width too), line breaks, spaces and item numbers; drops 无, 没有, / and the like.
    """
    text = normalise_text(text.translate(_CIRCLED))
    items: list[str] = []
    for piece in _ITEM_SEPARATOR.split(_ENUMERATOR.sub(",", text)):
        item = piece.strip(_ITEM_EDGES)
        if item and item.upper() not in _PLACEHOLDERS and item not in items:
            items.append(item)
    return items


# --- relation to the head of household --------------------------------------------------------------------

_RELATION = _table(
    {
        "户主": "户主 本人 户主本人 本人(户主)",
        "配偶": "配偶 妻 妻子 夫 丈夫 老婆 老公 爱人 夫妻",
        "儿媳": "儿媳 儿媳妇 儿媳妇儿 长媳 次媳 媳",
        "女婿": "女婿 婿",
        "孙子": "孙子 孙 长孙 次孙",
        "孙女": "孙女 长孙女 次孙女",
        "外孙子": "外孙子 外孙",
        "外孙女": "外孙女",
        "父亲": "父亲 父 爸爸",
        "母亲": "母亲 母 妈妈",
        "祖父": "祖父 爷爷",
        "祖母": "祖母 奶奶",
        "外祖父": "外祖父 外公 姥爷",
        "外祖母": "外祖母 外婆 姥姥",
        "兄弟姐妹": "兄弟姐妹 兄 弟 姐 妹 哥哥 弟弟 姐姐 妹妹 兄弟 姐妹 哥",
        "其他": "其他 其它",
    }
)
# 长子, 次女, 三儿子, 小女儿, 养子 ...: the order among siblings is not a relation of its own.
_CHILD = re.compile(r"(?:[长次大二三四五六七八小幼独养继])?(子|儿子|女|女儿)")
_RELATION_PREFIX = re.compile(r"^(?:户主)?(?:之|的)")
_RELATION_MAX = 16  # the width of worker.relation_to_head


def normalise_relation(raw: object) -> str | None:
    """与户主关系 -> a short canonical text (户主, 配偶, 子, 女, 儿媳, 孙子 ...); unknown text is kept.

    ``之子``, ``长子``, ``儿子`` are ``子``; never fails; blank is None; kept text is cut to 16 characters.
    """
    text = _RELATION_PREFIX.sub("", cell_text(raw).replace(" ", ""))
    if text in _BLANKS:
        return None
    found = _RELATION.get(text)
    if found:
        return found
    child = _CHILD.fullmatch(text)
    if child:
        return "子" if "子" in child.group(1) else "女"
    return text[:_RELATION_MAX]
