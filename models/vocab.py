"""Controlled vocabularies of the ledger: each value is an English code with its Chinese label.

Stored as short strings; the Chinese label is what brokers read and what exports write.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

__all__ = [
    "Education",
    "EmployerKind",
    "EmploymentStatus",
    "Health",
    "HouseholdCategory",
    "JobKind",
    "LabourCapacity",
    "MatchSource",
    "MatchStage",
    "PayPeriod",
    "PlaceRange",
    "PostingSource",
    "PostingStatus",
    "PublicWelfareCategory",
    "Role",
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

    @classmethod
    def of(cls, value: str) -> Self:
        """The member whose code is ``value`` (raises ``ValueError`` for an unknown code)."""
        return cls(value)  # type: ignore[call-arg]  # lookup by value, not construction


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

    @property
    def is_looking(self) -> bool:
        """May be proposed for a job: not at work (灵活就业 still looks for steady work), not a student, not
        without the wish to work."""
        return self is EmploymentStatus.FLEXIBLE or not (
            self.is_employed or self in (EmploymentStatus.STUDENT, EmploymentStatus.NOT_SEEKING)
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


class EmployerKind(_Labelled):
    """用人单位类型."""

    ENTERPRISE = "enterprise", "企业"
    AGRICULTURAL = "agricultural", "涉农企业"
    WORKSHOP = "workshop", "帮扶车间"
    HOME_WORKSHOP = "home_workshop", "扶贫工坊"
    PARK = "park", "产业园区企业"
    COOPERATIVE = "cooperative", "合作社"
    AGENCY = "agency", "劳务派遣/人力资源机构"
    PUBLIC_BODY = "public_body", "村委会/社区/乡镇等公共机构"


class PayPeriod(_Labelled):
    """计薪方式: what one unit of ``pay_min``/``pay_max`` is paid for."""

    MONTH = "month", "月薪"
    DAY = "day", "日薪"
    HOUR = "hour", "时薪"
    PIECE = "piece", "计件"
    YEAR = "year", "年薪"


class JobKind(_Labelled):
    """用工形式."""

    FULL_TIME = "full_time", "全职"
    PART_TIME = "part_time", "兼职"
    SEASONAL = "seasonal", "季节性"
    TEMPORARY = "temporary", "临时/零工"
    DAILY = "daily", "日结"


class PostingStatus(_Labelled):
    """招聘岗位状态: draft -> open -> paused -> filled / closed / expired."""

    DRAFT = "draft", "草稿"
    OPEN = "open", "招聘中"
    PAUSED = "paused", "暂停"
    FILLED = "filled", "已招满"
    CLOSED = "closed", "已关闭"
    EXPIRED = "expired", "已过期"


class PostingSource(_Labelled):
    """Where a posting came from."""

    FORM = "form", "表单填写"
    IMPORT = "import", "表格导入"
    AD = "ad", "粘贴招聘广告"


class PublicWelfareCategory(_Labelled):
    """公益性岗位类别."""

    CLEANING = "cleaning", "保洁"
    GREENING = "greening", "保绿"
    FACILITIES = "facilities", "公共设施维护"
    SERVICES = "services", "便民服务"
    MATERNAL_CHILD = "maternal_child", "妇幼保健"
    CARE = "care", "托老托幼助残"
    PARCELS = "parcels", "乡村快递收发"
    PATROL = "patrol", "治安巡逻"
    OTHER = "other", "其他"


class MatchStage(_Labelled):
    """撮合进度: where a proposal of a worker for a posting stands."""

    PROPOSED = "proposed", "已推荐"
    CONTACTED = "contacted", "已联系"
    INTERESTED = "interested", "有意向"
    DECLINED = "declined", "不合适"
    INTERVIEW = "interview", "面试"
    OFFERED = "offered", "已录用"
    HIRED = "hired", "已上岗"
    SEPARATED = "separated", "已离职"


class MatchSource(_Labelled):
    """Who proposed a match."""

    MODEL = "model", "系统推荐"
    PLAN = "plan", "匹配日计划"
    BROKER = "broker", "经纪人推荐"
    WORKER = "worker", "本人报名"
    HISTORY = "history", "历史记录"


class Role(_Labelled):
    """账号角色: what an account may see and change."""

    ADMIN = "admin", "管理员"
    BROKER = "broker", "劳务经纪人/安置点工作人员"
    EMPLOYER = "employer", "用人单位"
    WORKER = "worker", "搬迁劳动力"


def label(value: str | None, enum: type[_Labelled]) -> str:
    """The Chinese label of a stored code, or '' for None."""
    if value is None:
        return ""
    return enum(value).zh  # type: ignore[call-arg]  # lookup by value, not construction
