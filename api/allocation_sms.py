"""The short message (短信) a match-day plan sends a worker about one proposal: at most 70 characters, one SMS
segment, e.g.::

    【安业】王师傅，明达建筑招叉车司机，月薪4000-5000元，距您3公里。有意向请回复1或联系经纪人李红13800000000。

When the whole text is longer, it is shortened step by step, in this order: the employer's legal suffix
(有限公司 ...) goes, the distance goes, the employer name and the job title are shortened, the broker's name
goes (the phone stays), the pay goes, the broker goes; last, a plain notice with the title. Names and titles
are cut at a character, never inside a run of digits; pay and phone numbers are kept whole or left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from models.vocab import PayPeriod, Sex

__all__ = ["SMS_LIMIT", "SmsParts", "honorific", "pay_phrase", "short_name", "sms_text"]

SMS_LIMIT = 70
SIGNATURE = "【安业】"
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 令狐 慕容 长孙 宇文 司徒 夏侯 轩辕 端木".split()
)
_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "专业合作社", "合作社", "公司")
_PERIOD_WORDS = {PayPeriod.MONTH.value: "月薪", PayPeriod.DAY.value: "日薪", PayPeriod.HOUR.value: "时薪",
                 PayPeriod.YEAR.value: "年薪"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SmsParts:
    """What a message says; ``reply`` is the digit the worker replies with (their n-th proposal of the plan)."""

    honorific: str
    employer: str
    title: str
    pay: str | None
    distance_km: float | None
    broker_name: str | None
    broker_phone: str | None
    reply: int = 1


def honorific(name: str, sex: str | None) -> str:
    """王师傅 for a man, 王女士 for a woman (surname first, two characters for 欧阳 ...); the name otherwise."""
    name = name.strip()
    surname = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]
    if not surname or "·" in name or not all("\u4e00" <= c <= "\u9fff" for c in surname):
        return name or "您好"
    if sex == Sex.MALE.value:
        return f"{surname}师傅"
    if sex == Sex.FEMALE.value:
        return f"{surname}女士"
    return name


def _yuan(value: Decimal | float) -> str:
    return f"{Decimal(value).normalize():f}"


def pay_phrase(pay_min: Decimal | None, pay_max: Decimal | None, period: str | None) -> str | None:
    """月薪4000-5000元, 日薪150元, 月薪4000元起, 计件; None when nothing is known."""
    if period == PayPeriod.PIECE.value:
        return "计件工资"
    word = _PERIOD_WORDS.get(period or PayPeriod.MONTH.value, "月薪")
    if pay_min is not None and pay_max is not None:
        same = pay_min == pay_max
        return f"{word}{_yuan(pay_min)}元" if same else f"{word}{_yuan(pay_min)}-{_yuan(pay_max)}元"
    if pay_min is not None:
        return f"{word}{_yuan(pay_min)}元起"
    if pay_max is not None:
        return f"{word}最高{_yuan(pay_max)}元"
    return None


def short_name(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, never inside a run of digits."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = limit
    while cut > 0 and text[cut - 1].isdigit() and text[cut].isdigit():
        cut -= 1
    return text[:cut] if cut > 0 else text[:limit]


def _without_suffix(employer: str) -> str:
    for suffix in _LEGAL_SUFFIXES:
        if employer.endswith(suffix) and len(employer) > len(suffix) + 1:
            return employer[: -len(suffix)]
    return employer


def _distance(km: float | None) -> str | None:
    if km is None:
        return None
    return "距您不到1公里" if km < 1 else f"距您{round(km)}公里"


def _compose(p: SmsParts) -> str:
    middle = "，".join(x for x in (f"{p.employer}招{p.title}", p.pay, _distance(p.distance_km)) if x)
    if p.broker_phone:
        tail = f"有意向请回复{p.reply}或联系经纪人{p.broker_name or ''}{p.broker_phone}。"
    else:
        tail = f"有意向请回复{p.reply}。"
    return f"{SIGNATURE}{p.honorific}，{middle}。{tail}"


def _variants(p: SmsParts) -> list[SmsParts]:
    plain = replace(p, employer=_without_suffix(p.employer))
    near = replace(plain, distance_km=None)
    short = replace(near, employer=short_name(near.employer, 8), title=short_name(near.title, 8))
    no_name = replace(short, broker_name=None)
    shorter = replace(no_name, employer=short_name(no_name.employer, 4), title=short_name(no_name.title, 6))
    no_pay = replace(shorter, pay=None)
    no_broker = replace(no_pay, broker_phone=None)
    return [p, plain, near, short, no_name, shorter, no_pay, no_broker]


def sms_text(parts: SmsParts, limit: int = SMS_LIMIT) -> str:
    """The fullest message of at most ``limit`` characters (see the module docstring)."""
    if len(parts.honorific) > 4:
        parts = replace(parts, honorific="您好")
    for variant in _variants(parts):
        text = _compose(variant)
        if len(text) <= limit:
            return text
    title = short_name(parts.title, 8)
    return f"{SIGNATURE}{parts.honorific}，有适合您的岗位：{title}。有意向请回复{parts.reply}。"
