"""Response and request bodies of the people resources: sites, households, workers, reveal, consent, audit.

Lists and profiles carry masks only (``id_number_mask``, ``phone_mask``) and an age instead of a birth date
(the birth date is the masked middle of an ID number). Only ``RevealOut`` and the worker's own profile hold
plain values. Coded fields come with their Chinese label (``labour_capacity`` + ``labour_capacity_label``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from models.audit import AuditEvent
from models.people_repository import LABOUR, HouseholdRow, SiteRow, WorkerRow
from models.vocab import (
    Education,
    EmploymentStatus,
    Health,
    HouseholdCategory,
    LabourCapacity,
    PlaceRange,
    Sex,
)
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = [
    "AuditOut",
    "CertificateOut",
    "ConsentIn",
    "ConsentOut",
    "HouseholdDetail",
    "HouseholdOut",
    "HouseholdSummary",
    "Moment",
    "OwnProfile",
    "OwnWorkerPatch",
    "RevealIn",
    "RevealOut",
    "SiteOut",
    "SkillOut",
    "WorkerDetail",
    "WorkerItem",
    "WorkerPatch",
    "age_on",
    "label_of",
]


def _utc(value: dt.datetime) -> dt.datetime:
    """Times are stored in UTC; SQLite gives them back without the zone, PostgreSQL with it."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


Moment = Annotated[dt.datetime, AfterValidator(_utc)]


def label_of(value: str | None, enum: Any) -> str | None:
    """The Chinese label of a stored code; the code itself when it is not one of the vocabulary."""
    if value is None:
        return None
    try:
        return str(enum(value).zh)
    except ValueError:
        return value


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class SiteOut(BaseModel):
    id: int
    name: str
    county_adcode: str | None
    address: str | None
    households: int = Field(description="户数")
    workers: int = Field(description="人数（台账中的全部家庭成员）")
    labour: int = Field(description="有劳动能力的人数（技能、普通、弱劳动力）")
    employed: int = Field(description="已就业人数")

    @classmethod
    def of(cls, row: SiteRow) -> SiteOut:
        s = row.site
        return cls(id=s.id, name=s.name, county_adcode=s.county_adcode, address=s.address, households=row.households,
                   workers=row.workers, labour=row.labour, employed=row.employed)  # fmt: skip


class HouseholdOut(BaseModel):
    id: int
    number: str = Field(description="户编号")
    head_name: str | None = Field(description="户主姓名")
    site_id: int
    site_name: str
    county_adcode: str | None
    category: str | None = Field(description="户类型代码：lifted 脱贫户、monitored 监测户、concurrent 同步搬迁户")
    category_label: str | None
    monitoring_kind: str | None
    origin_town: str | None
    origin_village: str | None
    size: int | None = Field(description="台账登记的家庭人口数")
    member_count: int = Field(description="系统中的家庭成员数")
    labour: int
    employed: int
    no_one_employed: bool = Field(description="有劳动力但无人就业（零就业）")
    updated_at: Moment

    @classmethod
    def of(cls, row: HouseholdRow) -> HouseholdOut:
        h = row.household
        return cls(
            id=h.id, number=h.number, head_name=h.head_name, site_id=h.site_id, site_name=row.site_name,
            county_adcode=row.county_adcode, category=h.category,
            category_label=label_of(h.category, HouseholdCategory), monitoring_kind=h.monitoring_kind,
            origin_town=h.origin_town, origin_village=h.origin_village, size=h.size, member_count=row.members,
            labour=row.labour, employed=row.employed, no_one_employed=row.labour > 0 and row.employed == 0,
            updated_at=h.updated_at,
        )  # fmt: skip


class WorkerItem(BaseModel):
    """A person in a list: masked, no birth date, no health."""

    id: int
    name: str
    sex: str
    sex_label: str | None
    age: int
    relation_to_head: str | None
    household_id: int
    household_number: str
    site_id: int
    site_name: str
    county_adcode: str | None
    id_number_mask: str = Field(description="脱敏身份证号，如 1409**********1234")
    phone_mask: str | None = Field(description="脱敏手机号，如 138****5678")
    education: str | None
    education_label: str | None
    labour_capacity: str | None
    labour_capacity_label: str | None
    employment_status: str | None
    employment_status_label: str | None
    wish_employment: bool | None
    available: bool = Field(description="有就业意愿且未就业")
    consent_withdrawn: bool = Field(description="本人已撤回被推荐的同意")
    updated_at: Moment

    @classmethod
    def fields_of(cls, row: WorkerRow, today: dt.date) -> dict[str, Any]:
        w = row.worker
        return dict(
            id=w.id, name=w.name, sex=w.sex, sex_label=label_of(w.sex, Sex), age=age_on(w.birth_date, today),
            relation_to_head=w.relation_to_head, household_id=w.household_id, household_number=row.household_number,
            site_id=row.site_id, site_name=row.site_name, county_adcode=row.county_adcode,
            id_number_mask=w.id_number_mask, phone_mask=w.phone_mask, education=w.education,
            education_label=label_of(w.education, Education), labour_capacity=w.labour_capacity,
            labour_capacity_label=label_of(w.labour_capacity, LabourCapacity),
            employment_status=w.employment_status,
            employment_status_label=label_of(w.employment_status, EmploymentStatus),
            wish_employment=w.wish_employment, available=_available(w),
            consent_withdrawn=w.consent_withdrawn_at is not None, updated_at=w.updated_at,
        )  # fmt: skip

    @classmethod
    def of(cls, row: WorkerRow, today: dt.date) -> WorkerItem:
        return cls(**cls.fields_of(row, today))


def _available(w: Worker) -> bool:
    """The rule of ``PeopleRepository``'s ``available`` filter, for one row."""
    return (
        w.wish_employment is not False
        and w.employment_status in (None, EmploymentStatus.UNEMPLOYED.value)
        and w.labour_capacity in (None, *LABOUR)
    )


class HouseholdDetail(HouseholdOut):
    members: list[WorkerItem] = Field(description="家庭成员（已脱敏）")


class HouseholdSummary(BaseModel):
    id: int
    number: str
    head_name: str | None
    category: str | None
    category_label: str | None
    size: int | None
    site_id: int
    site_name: str
    employed_members: int = Field(description="本户已就业人数")


class SkillOut(BaseModel):
    occupation_code: str | None = Field(description="职业分类大典（2022）编码，未识别时为空")
    name: str
    source_text: str = Field(description="台账或填写的原文")

    @classmethod
    def of(cls, skill: WorkerSkill) -> SkillOut:
        return cls(occupation_code=skill.occupation_code, name=skill.name, source_text=skill.source_text)


class CertificateOut(BaseModel):
    name: str | None = Field(description="证书规范名称，未识别时为空")
    source_text: str
    expires_on: dt.date | None
    expired: bool

    @classmethod
    def of(cls, cert: WorkerCertificate, today: dt.date) -> CertificateOut:
        expired = cert.expires_on is not None and cert.expires_on < today
        return cls(name=cert.canonical_name, source_text=cert.source_text, expires_on=cert.expires_on,
                   expired=expired)  # fmt: skip


class WorkerDetail(WorkerItem):
    """A person's profile (masked) with skills, wishes, certificates and household."""

    health: str | None
    health_label: str | None
    employment_place: str | None
    employer_name: str | None
    months_worked: int | None
    monthly_income: int | None
    wish_job_text: str | None = Field(description="求职意向（工种）")
    wish_place_range: str | None
    wish_place_range_label: str | None
    wish_min_wage: int | None = Field(description="期望最低月薪（元）")
    training_wish: bool | None
    not_working_reason: str | None
    phone_count: int = Field(description="登记的电话号码个数")
    consent_withdrawn_at: Moment | None
    skills: list[SkillOut]
    wishes: list[SkillOut]
    certificates: list[CertificateOut]
    household: HouseholdSummary

    @classmethod
    def detail_fields(cls, row: WorkerRow, today: dt.date) -> dict[str, Any]:
        w = row.worker
        return dict(
            cls.fields_of(row, today), health=w.health, health_label=label_of(w.health, Health),
            employment_place=w.employment_place, employer_name=w.employer_name, months_worked=w.months_worked,
            monthly_income=w.monthly_income, wish_job_text=w.wish_job_text, wish_place_range=w.wish_place_range,
            wish_place_range_label=label_of(w.wish_place_range, PlaceRange), wish_min_wage=w.wish_min_wage,
            training_wish=w.training_wish, not_working_reason=w.not_working_reason,
            phone_count=(w.phone_enc is not None) + len(w.other_phones_enc or []),
            consent_withdrawn_at=w.consent_withdrawn_at,
        )  # fmt: skip


class OwnProfile(WorkerDetail):
    """A worker's own record: the same as a broker sees, plus the worker's own phone numbers in full."""

    phones: list[str] = Field(description="本人登记的电话号码（完整）")


class RevealIn(BaseModel):
    reason: str = Field(description="查看原因（至少 4 个字），将记入审计日志", examples=["联系本人核实就业情况"])


class RevealOut(BaseModel):
    worker_id: int
    name: str
    id_number: str = Field(description="完整身份证号")
    phones: list[str] = Field(description="完整电话号码")


class OwnWorkerPatch(BaseModel):
    """What a worker may correct of their own record. Omitted fields stay; null or "" clears a field.

    Values are read as the ledger reads its cells; other fields are refused in Chinese by the service
    (so the body accepts them here instead of pydantic refusing them in English)."""

    model_config = ConfigDict(extra="allow")

    phone: str | int | None = Field(None, description="电话号码，多个用 / 分隔")
    wish_employment: bool | str | None = Field(None, description="是否愿意就业：是/否")
    wish_job_text: str | None = Field(None, description="求职意向（工种），多个用 、 分隔，如 保洁、厨师")
    wish_place_range: str | None = Field(None, description="意向地点：本地、县内、市内、省内、省外均可")
    wish_min_wage: int | str | None = Field(None, description="期望最低月薪（元），如 3000")
    training_wish: bool | str | None = Field(None, description="是否愿意参加培训：是/否")


class WorkerPatch(OwnWorkerPatch):
    """What brokers and administrators may correct. Coded fields take the code or the Chinese label."""

    education: str | None = Field(None, description="文化程度，如 初中")
    labour_capacity: str | None = Field(None, description="劳动能力，如 普通劳动力")
    health: str | None = Field(None, description="健康状况，如 健康")
    employment_status: str | None = Field(None, description="就业状态，如 未就业、县内务工")
    skills: str | None = Field(None, description="技能特长，多个用 、 分隔，如 电焊、开车")
    certificates: str | None = Field(None, description="持证情况，多个用 、 分隔，如 叉车证、C1驾照")


class ConsentIn(BaseModel):
    consent: bool = Field(description="true：同意被推荐给用人单位；false：撤回同意")


class ConsentOut(BaseModel):
    consent: bool
    consent_withdrawn_at: Moment | None


class AuditOut(BaseModel):
    id: int
    at: Moment
    actor: str
    actor_role: str
    action: str
    subject: str | None
    reason: str | None
    detail: dict[str, Any] | None

    @classmethod
    def of(cls, event: AuditEvent) -> AuditOut:
        return cls(id=event.id, at=event.at, actor=event.actor, actor_role=event.actor_role, action=event.action,
                   subject=event.subject, reason=event.reason, detail=event.detail)  # fmt: skip
