"""Employers (用人单位) and postings (招聘岗位) over HTTP: who may see and change which, on top of
``ingest.posting_service.PostingService``.

Staff (administrators, brokers) see and change every employer and posting; an employer account sees its own
employer and postings, and other employers' postings only while open; a worker sees open postings only.
Every posting change is announced (``Changes.posting_changed``) so matching and cached results follow it.
Services do not commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.deps import get_changes, get_session
from ingest.place import county_of, county_position
from ingest.posting_ad import AdDraft, drafts_of_ad
from ingest.posting_form import EmployerForm, PostingForm, PublicWelfareTerms
from ingest.posting_parser import parse_posting
from ingest.posting_service import PostingService
from models.employer import Employer, check_own_change
from models.errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.opening_repository import OpeningRepository, PostingFilter
from models.posting import Posting
from models.taxonomy import Taxonomy, default_taxonomy
from models.text import normalise_text
from models.vocab import Education, EmployerKind, JobKind, PayPeriod, PostingStatus, Role, Sex

__all__ = [
    "EmployerPatch",
    "Openings",
    "ParsedDraft",
    "PostingCreate",
    "PostingPatch",
    "StatusAction",
    "form_of",
    "openings_service",
]

StatusAction = Literal["open", "pause", "close"]
_ACTIONS: dict[str, PostingStatus] = {
    "open": PostingStatus.OPEN,
    "pause": PostingStatus.PAUSED,
    "close": PostingStatus.CLOSED,
}
_STAFF = (Role.ADMIN, Role.BROKER)


class EmployerPatch(BaseModel):
    """用人单位信息修改：只改填写了的字段。"""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200, description="单位名称")
    kind: EmployerKind | None = Field(None, description="单位类型")
    credit_code: str | None = Field(None, description="统一社会信用代码（18位）")
    address: str | None = Field(None, max_length=500, description="地址")
    county_adcode: str | None = Field(None, pattern=r"^\d{6}(\d{6})?$", description="所在县（市、区）行政区划代码")
    longitude: float | None = Field(None, ge=73, le=136, description="经度")
    latitude: float | None = Field(None, ge=3, le=54, description="纬度")
    contact_name: str | None = Field(None, max_length=100, description="联系人")
    contact_phone: str | None = Field(None, max_length=32, description="联系电话")
    remarks: str | None = Field(None, max_length=2000, description="备注")


class PostingCreate(PostingForm):
    """新建岗位：岗位表单，加上所属单位和是否立即发布。"""

    employer_id: int | None = Field(None, description="用人单位编号（用人单位账号可省略，即本单位）")
    open: bool = Field(False, description="立即发布（须已填岗位名称、招聘人数和薪资）；否则存为草稿")


class PostingPatch(BaseModel):
    """岗位修改：只改填写了的字段（字段含义与取值范围同新建岗位）。"""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str | None = None
    occupation_code: str | None = None
    occupation_name: str | None = None
    description: str | None = None
    headcount: int | None = None
    pay_min: Decimal | None = None
    pay_max: Decimal | None = None
    pay_period: PayPeriod | None = None
    pay_notes: list[str] | None = None
    age_min: int | None = None
    age_max: int | None = None
    sex_required: Sex | None = None
    education_min: Education | None = None
    certificates_required: list[str] | None = None
    certificates_preferred: list[str] | None = None
    skills: list[str] | None = None
    experience_years: int | None = None
    meals: bool | None = None
    housing: bool | None = None
    shift_pattern: str | None = None
    job_kind: JobKind | None = None
    work_address: str | None = None
    work_adcode: str | None = None
    out_of_area: bool | None = None
    destination: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    deadline: dt.date | None = None
    site_id: int | None = None
    public_welfare: PublicWelfareTerms | None = None


@dataclass(frozen=True, slots=True)
class ParsedDraft:
    """One job read from a pasted ad: its form, the text each field was read from, the fields to confirm,
    and the saved draft when the ad was saved."""

    form: PostingForm
    evidence: dict[str, Any]
    unsure: list[str]
    posting: Posting | None


def form_of(posting: Posting) -> dict[str, Any]:
    """The posting as form values (for a change of some of its fields)."""
    data = {name: getattr(posting, name) for name in PostingForm.model_fields if name != "public_welfare"}
    data["pay_notes"] = list(posting.pay_notes or [])
    welfare = posting.public_welfare
    if welfare is not None:
        data["public_welfare"] = {name: getattr(welfare, name) for name in PublicWelfareTerms.model_fields}
    return {k: v for k, v in data.items() if v is not None}


def _checked(form: Callable[[dict[str, Any]], Any], data: dict[str, Any]) -> Any:
    try:
        return form(data)
    except ValidationError as exc:
        parts = [f"{'.'.join(str(p) for p in e['loc']) or '岗位'}: {e['msg']}" for e in exc.errors()]
        raise InvalidInput("请求内容有误，请检查以下字段：" + "；".join(parts)) from None


def openings_service(
    session: Annotated[Session, Depends(get_session)], changes: Annotated[Changes, Depends(get_changes)]
) -> Openings:
    return Openings(session, changes, default_taxonomy())


class Openings:
    def __init__(
        self, session: Session, changes: Changes, taxonomy: Taxonomy, *, today: Callable[[], dt.date] = dt.date.today
    ) -> None:
        self.session = session
        self.changes = changes
        self.service = PostingService(session, taxonomy)
        self.repo = OpeningRepository(session)
        self.today = today

    # -- employers ---------------------------------------------------------------------------------
    def register_employer(self, scope: Scope, form: EmployerForm) -> Employer:
        _staff_only(scope)
        try:  # the same unit registered by someone else at the same moment, committed after the duplicate check
            with self.session.begin_nested():
                return self.service.register_employer(form)
        except IntegrityError:
            raise Conflict("该单位刚刚已由他人登记，请在用人单位列表中查找，勿重复登记。") from None

    def employers(
        self, scope: Scope, *, q: str | None, sort: tuple[str, bool], offset: int, limit: int
    ) -> tuple[Sequence[Employer], int]:
        _staff_only(scope)
        return self.repo.employers(q=(q or "").strip() or None, sort=sort, offset=offset, limit=limit)

    def employer(self, scope: Scope, employer_id: int) -> Employer:
        if scope.role not in _STAFF and not (scope.role is Role.EMPLOYER and scope.employer_id == employer_id):
            raise NotAllowed("只能查看本单位的信息。")
        return self.service.repo.employer(employer_id)

    def update_employer(self, scope: Scope, employer_id: int, patch: EmployerPatch) -> Employer:
        employer = self.employer(scope, employer_id)
        if scope.role is Role.EMPLOYER:  # a review deciding meanwhile is waited for, and its decision seen
            self.session.refresh(employer, with_for_update=True)
        values = patch.model_dump(exclude_unset=True)
        current = {c: getattr(employer, c) for c in EmployerForm.model_fields}
        form: EmployerForm = _checked(EmployerForm.model_validate, {**current, **values})
        verified = {"name": normalise_text(form.name), "kind": form.kind.value, "credit_code": form.credit_code}
        if scope.role is Role.EMPLOYER:
            check_own_change(employer, [f for f, value in verified.items() if value != getattr(employer, f)])
        if form.credit_code and form.credit_code != employer.credit_code:
            other = self.service.repo.employer_by_credit_code(form.credit_code)
            if other is not None and other.id != employer.id:
                raise Conflict(f"统一社会信用代码已被其他单位（编号 {other.id}：{other.name}）使用，请核对。")
        for name in values:
            setattr(employer, name, getattr(form, name))
        employer.name, employer.kind = normalise_text(form.name), form.kind.value
        if "address" in values and "county_adcode" not in values and form.address:
            employer.county_adcode = county_of(form.address) or employer.county_adcode
        if "county_adcode" in values or "address" in values:
            if "longitude" not in values and employer.county_adcode:
                position = county_position(employer.county_adcode)
                employer.longitude, employer.latitude = position if position else (None, None)
        try:
            self.session.flush()
        except IntegrityError:  # the credit code taken by a unit registered at the same moment
            raise Conflict("统一社会信用代码刚刚已被其他单位登记使用，请核对。") from None
        return employer

    # -- postings ----------------------------------------------------------------------------------
    def postings(
        self, scope: Scope, where: PostingFilter, *, sort: tuple[str, bool], offset: int, limit: int
    ) -> tuple[Sequence[Posting], int]:
        """Postings ``scope`` may see, narrowed by ``where``."""
        if scope.role is Role.WORKER:
            where = _replace(where, open_only=True)
        elif scope.role is Role.EMPLOYER:
            where = _replace(where, employer_view=scope.employer_id or -1)
        return self.repo.postings(where, sort=sort, offset=offset, limit=limit)

    def posting(self, scope: Scope, posting_id: int) -> Posting:
        """One posting ``scope`` may see (others' drafts, paused or closed postings look absent)."""
        posting = self.service.repo.posting(posting_id)
        own = scope.role is Role.EMPLOYER and posting.employer_id == scope.employer_id
        if scope.role in _STAFF or own or posting.status == PostingStatus.OPEN:
            return posting
        raise NotFound(f"找不到编号为 {posting_id} 的岗位。")

    def create_posting(self, scope: Scope, body: PostingCreate) -> Posting:
        employer_id = self._employer_for(scope, body.employer_id)
        form = PostingForm.model_validate(body.model_dump(exclude={"employer_id", "open"}))
        posting = self.service.create_posting(employer_id, form)
        if body.open:
            self.service.change_status(posting.id, PostingStatus.OPEN, today=self.today())
        self.changes.posting_changed(self.session, posting.id)
        return self._loaded(posting)

    def update_posting(self, scope: Scope, posting_id: int, patch: PostingPatch) -> Posting:
        posting = self._changeable(scope, posting_id)
        values = patch.model_dump(exclude_unset=True)
        form: PostingForm = _checked(PostingForm.model_validate, {**form_of(posting), **values})
        # a field a person has now written is no longer one the parser was unsure of
        posting.unsure = [f for f in posting.unsure or [] if f not in values] or None
        updated = self.service.update_posting(posting_id, form)
        self.changes.posting_changed(self.session, posting_id)
        return updated

    def change_status(self, scope: Scope, posting_id: int, action: StatusAction) -> Posting:
        self._changeable(scope, posting_id)
        posting = self.service.change_status(posting_id, _ACTIONS[action], today=self.today())
        self.changes.posting_changed(self.session, posting_id)
        return posting

    def parse_ad(self, scope: Scope, text: str, *, employer_id: int | None, save: bool) -> list[ParsedDraft]:
        """The jobs of a pasted ad as drafts; saved (as draft postings of the employer) when ``save``."""
        if scope.role is Role.WORKER:
            raise NotAllowed("您的账号无权发布岗位。")
        if not text.strip():
            raise InvalidInput("请粘贴招聘广告的文字。")
        if not save:
            parsed = parse_posting(text, self.service.taxonomy).as_json()
            return [_draft(job, None) for job in drafts_of_ad(parsed)]
        owner = self._employer_for(scope, employer_id)
        saved = self.service.drafts_from_ad(owner, text)
        for posting in saved:
            self.changes.posting_changed(self.session, posting.id)
        return [_saved(self._loaded(p)) for p in saved]

    def _loaded(self, posting: Posting) -> Posting:
        """The posting with its public-welfare terms loaded (a new posting has not read them)."""
        if "public_welfare" in inspect(posting).unloaded:
            self.session.refresh(posting, ["public_welfare"])
        return posting

    def _employer_for(self, scope: Scope, employer_id: int | None) -> int:
        """The employer a new posting belongs to: staff name one; an employer account posts for itself."""
        if scope.role is Role.EMPLOYER:
            if employer_id is not None and employer_id != scope.employer_id:
                raise NotAllowed("只能为本单位发布岗位。")
            assert scope.employer_id is not None
            return scope.employer_id
        _staff_only(scope)
        if employer_id is None:
            raise InvalidInput("请填写用人单位编号（employer_id）。")
        return self.service.repo.employer(employer_id).id

    def _changeable(self, scope: Scope, posting_id: int) -> Posting:
        posting = self.posting(scope, posting_id)
        if scope.role in _STAFF or (scope.role is Role.EMPLOYER and posting.employer_id == scope.employer_id):
            return posting
        raise NotAllowed("只能修改本单位的岗位。")


def _staff_only(scope: Scope) -> None:
    if scope.role not in _STAFF:
        raise NotAllowed("只有管理员和劳务经纪人可以进行此操作。")


def _replace(where: PostingFilter, **changes: Any) -> PostingFilter:
    values = {name: getattr(where, name) for name in where.__slots__}
    return PostingFilter(**{**values, **changes})


def _draft(job: AdDraft, posting: Posting | None) -> ParsedDraft:
    return ParsedDraft(job.form, job.evidence, list(job.unsure), posting)


def _saved(posting: Posting) -> ParsedDraft:
    form = PostingForm.model_validate(form_of(posting))
    return ParsedDraft(form, dict(posting.evidence or {}), list(posting.unsure or []), posting)
