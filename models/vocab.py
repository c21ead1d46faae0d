"""Controlled vocabularies of the ledger: each value is an English code with its Chinese label.

Stored as short strings; the Chinese label is what brokers read and what exports write.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "Education",
    "EmploymentStatus",
    "Health",
    "HouseholdCategory",
    "LabourCapacity",
    "PlaceRange",
    "Sex",
    "label",
]


class _Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese label as their second tuple item."""

    _label: str

    def __new__(cls, value: str, zh: str) -> _Labelled:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label = zh
        return obj

    @property
    def zh(self) -> str:
        return self._label


class Sex(_Labelled):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Education(_Labelled):
    """文化程度, ordered from least to most."""

    ILLITERATE = "illiterate", "文盲或半文盲"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中专/中职/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科及以上"

    @property
    def rank(self) -> int:
        return list(Education).index(self)


class LabourCapacity(_Labelled):
    """劳动能力."""

    SKILLED = "skilled", "技能劳动力"
    FULL = "full", "普通劳动力"
    WEAK = "weak", "弱劳动力或半劳动力"
    NONE = "none", "无劳动力"
    LOST = "lost", "丧失劳动力"

    @property
    def has_labour(self) -> bool:
        return self in (LabourCapacity.SKILLED, LabourCapacity.FULL, LabourCapacity.WEAK)


class Health(_Labelled):
    """健康状况."""

    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "长期慢性病"
    SERIOUS = "serious", "患有大病"
    DISABLED = "disabled", "残疾"


class EmploymentStatus(_Labelled):
    """就业状态 / 务工状态."""

    UNEMPLOYED = "unemployed", "未就业"
    TOWNSHIP = "township", "乡镇内务工"
    COUNTY = "county", "县内务工"
    PROVINCE = "province", "省内县外务工"
    OUT_OF_PROVINCE = "out_of_province", "省外务工"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位"
    WORKSHOP = "workshop", "帮扶车间"
    SELF_EMPLOYED = "self_employed", "自主创业"
    FLEXIBLE = "flexible", "灵活就业"
    STUDENT = "student", "在校生"
    NOT_SEEKING = "not_seeking", "无就业意愿"

    @property
    def is_employed(self) -> bool:
        return self not in (
            EmploymentStatus.UNEMPLOYED,
            EmploymentStatus.STUDENT,
            EmploymentStatus.NOT_SEEKING,
        )


class HouseholdCategory(_Labelled):
    """户类型; 监测户 covers the three kinds of 防返贫监测对象."""

    LIFTED = "lifted", "脱贫户"
    MONITORED = "monitored", "监测户"
    CONCURRENT = "concurrent", "同步搬迁户"


class PlaceRange(_Labelled):
    """意向地点: how far a worker is willing to go, nearest first."""

    LOCAL = "local", "本地"
    COUNTY = "county", "县内"
    CITY = "city", "市内"
    PROVINCE = "province", "省内"
    ANYWHERE = "anywhere", "省外均可"


def label(value: str | None, enum: type[_Labelled]) -> str:
    """The Chinese label of a stored code, or '' for None."""
    if value is None:
        return ""
    return enum(value).zh  # type: ignore[call-arg]  # lookup by value, not construction
