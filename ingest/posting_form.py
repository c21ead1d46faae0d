"""What an employer or staff member fills in: the employer form and the posting form.

The same forms serve the CLI, the bulk import and (later) the API, so a value is checked the same way
wherever it comes from. Messages are Chinese and name the field; pydantic puts the field's name beside them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, NamedTuple, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.credit_code import parse_credit_code
from models.posting import LEGAL_WORKING_AGE
from models.vocab import Education, EmployerKind, JobKind, PayPeriod, PublicWelfareCategory, Sex

__all__ = ["EmployerForm", "PostingForm", "PublicWelfareTerms", "Refused", "lenient_form", "lenient_posting_form"]

_Text = Annotated[str, Field(max_length=2000)]


class EmployerForm(BaseModel):
    """用人单位登记."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="单位名称")
    kind: EmployerKind = Field(EmployerKind.ENTERPRISE, description="单位类型")
    credit_code: str | None = Field(None, description="统一社会信用代码（18位）")
    address: str | None = Field(None, max_length=500, description="地址")
    county_adcode: str | None = Field(None, pattern=r"^\d{6}(\d{6})?$", description="所在县（市、区）行政区划代码")
    longitude: float | None = Field(None, ge=73, le=136, description="经度")
    latitude: float | None = Field(None, ge=3, le=54, description="纬度")
    contact_name: str | None = Field(None, max_length=100, description="联系人")
    contact_phone: str | None = Field(None, max_length=32, description="联系电话")
    remarks: _Text | None = Field(None, description="备注")

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        checked = parse_credit_code(value)
        if checked.code:
            raise ValueError(checked.reason)
        return checked.value


class PublicWelfareTerms(BaseModel):
    """公益性岗位的类别、资金来源、期限和资格条件（默认值为常见的地方规定，可逐岗修改）。"""

    model_config = ConfigDict(extra="forbid")

    category: PublicWelfareCategory = Field(description="岗位类别")
    funding_source: str | None = Field(None, max_length=200, description="资金来源")
    term_months: int | None = Field(None, ge=1, le=120, description="聘期（月）")
    max_renewals: int = Field(2, ge=0, le=10, description="最多续聘次数")
    hire_age_min: int = Field(LEGAL_WORKING_AGE, ge=LEGAL_WORKING_AGE, description="聘用时最低年龄")
    hire_age_max: int = Field(60, le=70, description="聘用时最高年龄")
    local_registration_required: bool = Field(True, description="须本地户籍")
    exclude_village_cadres: bool = Field(True, description="村干部及其近亲属不得担任")
    photovoltaic_funded: bool = Field(False, description="由光伏收益支付（仅限脱贫户和边缘易致贫户）")
    eligible_groups: list[str] = Field(default_factory=list, description="面向人群（空表示全部搬迁劳动力）")

    @model_validator(mode="after")
    def _ages(self) -> Self:
        if self.hire_age_min > self.hire_age_max:
            raise ValueError("聘用年龄下限高于上限，请核对。")
        return self


class PostingForm(BaseModel):
    """招聘岗位. Money is in yuan per ``pay_period``; ages in full years."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str = Field("", max_length=200, description="岗位名称")
    occupation_code: str | None = Field(None, max_length=16, description="职业编码（大典2022）")
    occupation_name: str | None = Field(None, max_length=100, description="职业名称（无编码时据此匹配大典职业）")
    description: _Text | None = Field(None, description="岗位描述")
    headcount: int | None = Field(None, ge=1, le=100000, description="招聘人数")
    pay_min: Decimal | None = Field(None, ge=0, le=10_000_000, description="薪资下限（元）")
    pay_max: Decimal | None = Field(None, ge=0, le=10_000_000, description="薪资上限（元）")
    pay_period: PayPeriod | None = Field(None, description="计薪方式")
    pay_notes: list[str] = Field(default_factory=list, description="薪资说明（计件、提成、五险一金等）")
    age_min: int | None = Field(None, ge=LEGAL_WORKING_AGE, le=80, description="最低年龄")
    age_max: int | None = Field(None, ge=LEGAL_WORKING_AGE, le=80, description="最高年龄")
    sex_required: Sex | None = Field(None, description="性别要求（可能构成就业歧视，会被标记）")
    education_min: Education | None = Field(None, description="最低学历")
    certificates_required: list[str] = Field(default_factory=list, description="必须持有的证书")
    certificates_preferred: list[str] = Field(default_factory=list, description="优先的证书")
    skills: list[str] = Field(default_factory=list, description="技能要求")
    experience_years: int | None = Field(None, ge=0, le=50, description="工作经验（年）")
    meals: bool | None = Field(None, description="包吃")
    housing: bool | None = Field(None, description="包住")
    shift_pattern: str | None = Field(None, max_length=200, description="班次")
    job_kind: JobKind | None = Field(None, description="用工形式")
    work_address: str | None = Field(None, max_length=500, description="工作地点")
    work_adcode: str | None = Field(None, pattern=r"^\d{6}(\d{6})?$", description="工作地点行政区划代码")
    out_of_area: bool = Field(False, description="外出务工（组团外出）")
    destination: str | None = Field(None, max_length=200, description="外出务工目的地")
    contact_name: str | None = Field(None, max_length=100, description="联系人")
    contact_phone: str | None = Field(None, max_length=32, description="联系电话")
    deadline: dt.date | None = Field(None, description="截止日期")
    site_id: int | None = Field(None, description="所在安置点")
    public_welfare: PublicWelfareTerms | None = Field(None, description="公益性岗位条款")

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.pay_min is not None and self.pay_max is not None and self.pay_min > self.pay_max:
            raise ValueError("薪资下限高于上限，请核对。")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("最低年龄高于最高年龄，请核对。")
        return self


F = TypeVar("F", bound=BaseModel)


class Refused(NamedTuple):
    """A value the form refused: its field ("" for a rule across fields) and the Chinese reason."""

    field: str
    reason: str


# A rule across two fields names neither; its message says which pair to leave out.
_PAIRS = {"pay_min": ("pay_min", "pay_max"), "pay_max": ("pay_min", "pay_max")}
_PAIRS |= {"age_min": ("age_min", "age_max"), "age_max": ("age_min", "age_max")}


def lenient_form(form: type[F], data: dict[str, Any]) -> tuple[F | None, list[Refused]]:
    """The form of ``data`` with every refused value left out, and what was refused; None for the form when
    a value it cannot do without (a required field) was refused.

    For imports and pasted ads: a bad value costs that value, never the record.
    """
    values = dict(data)
    refused: list[Refused] = []
    for _ in range(len(values) + 1):
        try:
            return form.model_validate(values), refused
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else ""
                refused.append(Refused(field, str(error["msg"]).removeprefix("Value error, ")))
                if field in form.model_fields and form.model_fields[field].is_required():
                    return None, refused
                for name in _fields_behind(field, refused[-1].reason):
                    values.pop(name, None)
    raise AssertionError("unreachable: every round leaves out at least one value")  # pragma: no cover


def lenient_posting_form(data: dict[str, Any]) -> tuple[PostingForm, list[Refused]]:
    """``lenient_form`` of a posting, which has no required field: always a form."""
    form, refused = lenient_form(PostingForm, data)
    assert form is not None
    return form, refused


def _fields_behind(field: str, reason: str) -> tuple[str, ...]:
    if field in _PAIRS:
        return _PAIRS[field]
    if not field:
        return ("pay_min", "pay_max") if "薪资" in reason else ("age_min", "age_max")
    return (field,)
