"""Employer self-registration (用人单位自助注册): an employer registers itself and its account in one unit of work,
its contact's mobile proven by a one-time code; it then waits for site staff to approve it (待审核, see
``models.employer``). ``POST /employers/register/code`` + ``POST /employers/register`` and the page
``/web/employer/register`` call these functions.

The code is sent to any mobile (a new employer has no account yet), so sends are limited as for signing in
(``CodeSendLimiter``: per phone and per address); the code is checked last, after every other field, so a
mistake elsewhere does not spend it. A refusal names its fields, so a page can say each beside its field::

    InvalidInput
    └── SignupInvalid    fields the service cannot take (a weak password, a wrong or spent code) -> 422
    Conflict
    └── SignupConflict   a credit code, name or user name already registered -> 409

Services do not commit; the caller's unit of work does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.accounts import create_account, normalise_mobile
from api.otp import OneTimeCodes
from api.ratelimit import CodeSendLimiter
from api.signin import counted_send
from ingest.credit_code import parse_credit_code
from ingest.posting_form import EmployerForm
from ingest.posting_service import PostingService
from models.account import Account
from models.account_repository import AccountRepository
from models.audit import Actor, record_audit
from models.crypto import PersonalDataCipher, mask_phone
from models.employer import CREDIT_CODE_REQUIRED, Employer, ReviewStatus
from models.errors import Conflict, InvalidInput, NotAllowed
from models.password import check_policy
from models.posting_repository import PostingRepository
from models.taxonomy import Taxonomy
from models.text import normalise_text
from models.vocab import EmployerKind, Role

__all__ = [
    "DUPLICATE_CREDIT_CODE",
    "EmployerSignup",
    "SignedUp",
    "SignupConflict",
    "SignupInvalid",
    "request_signup_code",
    "sign_up_employer",
]

DUPLICATE_CREDIT_CODE = "该统一社会信用代码已登记，请联系安置点工作人员开通账号，不必重复注册。"
DUPLICATE_NAME = "同名单位已登记，请联系安置点工作人员开通账号，不必重复注册。"
REGISTERED_MEANWHILE = "刚刚已有同一单位或同一登录名注册成功，请核对后重试；如是本单位，请联系安置点工作人员。"
_USERNAME_MAX = 64


class _Refused:
    """A refusal by field: ``fields`` maps a field's name to its Chinese message."""

    fields: dict[str, str]

    @classmethod
    def of(cls, fields: dict[str, str]) -> Self:
        detail = "请求内容有误，请检查以下字段：" + "；".join(f"{k}: {v}" for k, v in fields.items())
        refused = cls(detail)  # type: ignore[call-arg]  # the AnyeError half takes the detail
        refused.fields = dict(fields)
        return refused


class SignupInvalid(_Refused, InvalidInput):
    pass


class SignupConflict(_Refused, Conflict):
    pass


class EmployerSignup(BaseModel):
    """用人单位自助注册：单位信息、联系人手机号和验证码、登录名和密码。"""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="单位名称")
    kind: EmployerKind = Field(description="单位类型")
    credit_code: str | None = Field(
        None, validate_default=True,
        description="统一社会信用代码（18 位）：企业、涉农企业、园区企业、合作社、劳务派遣机构必填；"
        "帮扶车间、扶贫工坊、村委会等可不填",
    )  # fmt: skip
    county_adcode: str | None = Field(
        None, pattern=r"^\d{6}$", description="所在县（市、区）行政区划代码（可不填，按地址识别）"
    )
    address: str = Field(min_length=1, max_length=500, description="详细地址")
    contact_name: str = Field(min_length=1, max_length=100, description="联系人")
    phone: str = Field(description="联系人手机号（接收验证码，作为单位联系电话）")
    code: str = Field(description="短信验证码（6 位数字）")
    username: str = Field(description="登录名（不能含空格，最多 64 个字符）")
    password: str = Field(min_length=1, max_length=128, description="密码（至少 10 个字符，不能全是数字）")

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        checked = parse_credit_code(value)
        if checked.code:
            raise ValueError(checked.reason)
        kind = info.data.get("kind")
        if checked.value is None and kind in CREDIT_CODE_REQUIRED:
            raise ValueError(f"{kind.zh}须填写统一社会信用代码（营业执照上的 18 位代码）。")
        return checked.value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        try:
            return normalise_mobile(value)
        except InvalidInput as exc:
            raise ValueError(exc.detail) from None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not (len(value) == 6 and value.isdigit()):
            raise ValueError("请填写短信里的 6 位数字验证码。")
        return value

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not value or len(value) > _USERNAME_MAX or any(c.isspace() for c in value):
            raise ValueError(f"登录名不能为空、不能含空格，最多 {_USERNAME_MAX} 个字符。")
        return value


@dataclass(frozen=True, slots=True)
class SignedUp:
    """The new employer (待审核) and its account."""

    employer: Employer
    account: Account


def request_signup_code(codes: OneTimeCodes, limiter: CodeSendLimiter, phone: str, address: str) -> str:
    """Send a code to ``phone`` for registering; returns the phone masked (for "sent to 138****5678").
    ``TooManyAttempts`` when the phone or the address asked too often."""
    plain = counted_send(limiter, phone, address)
    codes.issue(plain)
    return mask_phone(plain)


def sign_up_employer(session: Session, codes: OneTimeCodes, taxonomy: Taxonomy, form: EmployerSignup) -> SignedUp:
    """The employer (待审核) and its employer account, once nothing is a duplicate, the password passes the
    policy and the code is right (checked last: it is spent by checking)."""
    problems = _duplicates(session, form)
    try:
        check_policy(form.password, form.username)
    except InvalidInput as exc:
        problems["password"] = exc.detail
    if problems:  # all at once, so a page can say each beside its field
        raise (SignupInvalid if "password" in problems else SignupConflict).of(problems)
    try:
        codes.verify(form.phone, form.code)
    except NotAllowed as exc:
        raise SignupInvalid.of({"code": exc.detail}) from None
    try:  # one registering the same unit or user name at the same moment, committed after ``_duplicates`` looked
        with session.begin_nested():
            return _create(session, codes.cipher, taxonomy, form)
    except IntegrityError:
        raise SignupConflict.of(_duplicates(session, form) or {"name": REGISTERED_MEANWHILE}) from None


def _create(session: Session, cipher: PersonalDataCipher, taxonomy: Taxonomy, form: EmployerSignup) -> SignedUp:
    employer = PostingService(session, taxonomy).register_employer(
        EmployerForm(name=form.name, kind=form.kind, credit_code=form.credit_code, address=form.address,
                     county_adcode=form.county_adcode, contact_name=form.contact_name, contact_phone=form.phone)
    )  # fmt: skip
    employer.review_status = ReviewStatus.PENDING.value
    account = create_account(session, cipher, username=form.username, role=Role.EMPLOYER,
                             display_name=employer.name, password=form.password, employer_id=employer.id)  # fmt: skip
    detail: dict[str, Any] = {
        "kind": employer.kind,
        "credit_code": employer.credit_code,
        "phone": mask_phone(form.phone),
    }
    record_audit(session, Actor(account.username, Role.EMPLOYER.value), "employer_register", f"employer:{employer.id}",
                 detail=detail)  # fmt: skip
    session.flush()
    return SignedUp(employer, account)


def _duplicates(session: Session, form: EmployerSignup) -> dict[str, str]:
    """The fields that name something registered already: the credit code, the name, the user name."""
    found: dict[str, str] = {}
    employers = PostingRepository(session)
    if form.credit_code and employers.employer_by_credit_code(form.credit_code) is not None:
        found["credit_code"] = DUPLICATE_CREDIT_CODE
    elif any(not form.credit_code or e.credit_code in (None, form.credit_code)  # could be the same body
             for e in employers.employers_named(normalise_text(form.name))):  # fmt: skip
        found["name"] = DUPLICATE_NAME
    if AccountRepository(session).by_username(form.username) is not None:
        found["username"] = f"登录名“{form.username}”已被使用，请换一个。"
    return found
