"""Postings (招聘岗位): openings, public-welfare posts, paste-an-ad drafts, status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.accounts import Scope
from api.deps import current_scope, require_roles
from api.openings import Openings, ParsedDraft, PostingCreate, PostingPatch, StatusAction, openings_service
from api.paging import Page, PageParams, page_params
from api.response_cache import Responses, viewer_of
from models.opening_repository import POSTING_SORTS, PostingFilter
from models.posting import Posting, missing_for_opening, pay_text
from models.vocab import PostingStatus, Role

__all__ = ["PostingOut", "PostingSummary", "router"]

router = APIRouter(prefix="/postings", tags=["招聘岗位"])

Anyone = Annotated[Scope, Depends(current_scope)]
Publisher = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER, Role.EMPLOYER))]
Service = Annotated[Openings, Depends(openings_service)]


_WELFARE_TERMS = (
    "category",
    "funding_source",
    "term_months",
    "max_renewals",
    "hire_age_min",
    "hire_age_max",
    "local_registration_required",
    "exclude_village_cadres",
    "photovoltaic_funded",
    "eligible_groups",
)


class PostingSummary(BaseModel):
    id: int
    employer_id: int
    employer_name: str | None = Field(description="用人单位名称")
    title: str = Field(description="岗位名称")
    status: str = Field(description="状态代码：draft/open/paused/filled/closed/expired")
    status_label: str = Field(description="状态")
    occupation_code: str | None
    occupation_name: str | None
    headcount: int | None = Field(description="招聘人数（空表示若干）")
    filled_count: int = Field(description="已录用人数")
    pay_text: str = Field(description="薪资，如 3500-4500元/月")
    work_adcode: str | None
    work_address: str | None
    out_of_area: bool
    deadline: dt.date | None
    public_welfare: bool = Field(description="是否公益性岗位")
    created_at: dt.datetime

    @classmethod
    def of(cls, p: Posting, employer_name: str | None) -> PostingSummary:
        return cls(
            id=p.id,
            employer_id=p.employer_id,
            employer_name=employer_name,
            title=p.title,
            status=p.status,
            status_label=PostingStatus.of(p.status).zh,
            occupation_code=p.occupation_code,
            occupation_name=p.occupation_name,
            headcount=p.headcount,
            filled_count=p.filled_count,
            pay_text=pay_text(p.pay_min, p.pay_max, p.pay_period),
            work_adcode=p.work_adcode,
            work_address=p.work_address or p.destination,
            out_of_area=p.out_of_area,
            deadline=p.deadline,
            public_welfare=p.public_welfare is not None,
            created_at=p.created_at,
        )


class PostingOut(PostingSummary):
    description: str | None
    pay_min: Decimal | None
    pay_max: Decimal | None
    pay_period: str | None
    pay_notes: list[str]
    age_min: int | None
    age_max: int | None
    sex_required: str | None = Field(description="性别要求（可能构成就业歧视，见 sex_flagged）")
    sex_flagged: bool
    education_min: str | None
    certificates_required: list[str]
    certificates_preferred: list[str]
    skills: list[str]
    experience_years: int | None
    meals: bool | None
    housing: bool | None
    shift_pattern: str | None
    job_kind: str | None
    destination: str | None
    contact_name: str | None
    contact_phone: str | None
    site_id: int | None
    public_welfare_terms: dict[str, Any] | None = Field(description="公益性岗位条款")
    source: str = Field(description="来源：form 表单、import 表格导入、ad 粘贴广告")
    evidence: dict[str, Any] | None = Field(description="各字段读自广告原文的位置")
    unsure: list[str] = Field(description="待人工确认的字段")
    missing_for_opening: list[str] = Field(description="发布前还须补全的内容")
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    updated_at: dt.datetime

    @classmethod
    def full(cls, p: Posting, employer_name: str | None) -> PostingOut:
        welfare = p.public_welfare
        terms = None
        if welfare is not None:
            terms = {n: getattr(welfare, n) for n in _WELFARE_TERMS}
        return cls(
            **PostingSummary.of(p, employer_name).model_dump(),
            description=p.description,
            pay_min=p.pay_min,
            pay_max=p.pay_max,
            pay_period=p.pay_period,
            pay_notes=list(p.pay_notes or []),
            age_min=p.age_min,
            age_max=p.age_max,
            sex_required=p.sex_required,
            sex_flagged=p.sex_flagged,
            education_min=p.education_min,
            certificates_required=list(p.certificates_required or []),
            certificates_preferred=list(p.certificates_preferred or []),
            skills=list(p.skills or []),
            experience_years=p.experience_years,
            meals=p.meals,
            housing=p.housing,
            shift_pattern=p.shift_pattern,
            job_kind=p.job_kind,
            destination=p.destination,
            contact_name=p.contact_name,
            contact_phone=p.contact_phone,
            site_id=p.site_id,
            public_welfare_terms=terms,
            source=p.source,
            evidence=p.evidence,
            unsure=list(p.unsure or []),
            missing_for_opening=missing_for_opening(p),
            opened_at=p.opened_at,
            closed_at=p.closed_at,
            updated_at=p.updated_at,
        )


class StatusChange(BaseModel):
    action: StatusAction = Field(description="open 发布/恢复招聘，pause 暂停，close 关闭（不可恢复）")


class ParseRequest(BaseModel):
    text: str = Field(min_length=1, max_length=20000, description="招聘广告原文")
    save: bool = Field(False, description="存为岗位草稿（须指定用人单位；用人单位账号即本单位）")
    employer_id: int | None = Field(None, description="用人单位编号（save 为 true 时需要）")


class DraftOut(BaseModel):
    fields: dict[str, Any] = Field(description="读出的岗位字段（同新建岗位的表单）")
    evidence: dict[str, Any] = Field(description="各字段读自原文的位置和文字")
    unsure: list[str] = Field(description="存疑、待人工确认的字段")
    posting_id: int | None = Field(description="已存为草稿时的岗位编号")

    @classmethod
    def of(cls, draft: ParsedDraft) -> DraftOut:
        return cls(
            fields=draft.form.model_dump(mode="json"),
            evidence=draft.evidence,
            unsure=draft.unsure,
            posting_id=draft.posting.id if draft.posting is not None else None,
        )


class ParseOut(BaseModel):
    drafts: list[DraftOut] = Field(description="广告中的每个岗位一份草稿")
    saved: bool


def _names(service: Openings, postings: list[Posting]) -> dict[int, str]:
    return service.repo.employer_names({p.employer_id for p in postings})


def _out(service: Openings, posting: Posting) -> PostingOut:
    return PostingOut.full(posting, _names(service, [posting]).get(posting.employer_id))


@router.get(
    "",
    summary="岗位列表",
    description="按状态、工作地县（区）代码（前缀）、职业编码前缀、是否公益性岗位、用人单位、关键词筛选，分页；"
    "可按 created（发布时间）、deadline（截止日期）、pay（薪资）排序，前加 - 表示倒序。"
    "搬迁劳动力只看到招聘中的岗位；用人单位看到本单位全部岗位和其他单位招聘中的岗位。",
    response_model=Page[PostingSummary],
)
def list_postings(
    scope: Anyone,
    service: Service,
    page: Annotated[PageParams, Depends(page_params)],
    status: Annotated[list[PostingStatus] | None, Query(description="状态，可多选")] = None,
    county: Annotated[str | None, Query(pattern=r"^\d{2,12}$", description="工作地行政区划代码或其前缀")] = None,
    occupation: Annotated[str | None, Query(max_length=16, description="职业编码（大典2022）前缀")] = None,
    public_welfare: Annotated[bool | None, Query(description="只看（true）或不看（false）公益性岗位")] = None,
    employer_id: Annotated[int | None, Query(description="用人单位编号")] = None,
    q: Annotated[str | None, Query(max_length=100, description="岗位名称、描述或单位名称中的文字")] = None,
) -> Page[PostingSummary]:
    where = PostingFilter(
        statuses=[s.value for s in status or ()],
        county_adcode=county,
        occupation_prefix=occupation,
        public_welfare=public_welfare,
        employer_id=employer_id,
        q=(q or "").strip() or None,
    )
    sort = page.sort_key(POSTING_SORTS, "-created")
    rows, total = service.postings(scope, where, sort=sort, offset=page.offset, limit=page.size)
    names = _names(service, list(rows))
    items = [PostingSummary.of(p, names.get(p.employer_id)) for p in rows]
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post(
    "",
    summary="新建岗位",
    description="管理员、劳务经纪人为指定单位新建岗位；用人单位账号只能为本单位新建。默认存为草稿，"
    "open 为 true 时立即发布（须已填岗位名称、招聘人数和薪资）。",
    status_code=201,
    response_model=PostingOut,
)
def create_posting(body: PostingCreate, scope: Publisher, service: Service) -> PostingOut:
    return _out(service, service.create_posting(scope, body))


@router.post(
    "/parse",
    summary="解析招聘广告（粘贴广告建岗）",
    description="把粘贴的招聘广告读成岗位字段，附每个字段读自原文的位置和待确认的字段；一条广告列了几个岗位就给几份草稿。"
    "save 为 true 时存为岗位草稿（确认后再发布）。",
    response_model=ParseOut,
)
def parse_ad(body: ParseRequest, scope: Publisher, service: Service) -> ParseOut:
    drafts = service.parse_ad(scope, body.text, employer_id=body.employer_id, save=body.save)
    return ParseOut(drafts=[DraftOut.of(d) for d in drafts], saved=body.save)


@router.get(
    "/{posting_id}",
    summary="岗位详情",
    description="搬迁劳动力只能查看招聘中的岗位；用人单位可查看本单位的全部岗位和其他单位招聘中的岗位。",
    response_model=PostingOut,
)
def get_posting(posting_id: int, scope: Anyone, service: Service, answers: Responses) -> Response:
    def build() -> PostingOut:
        return _out(service, service.posting(scope, posting_id))

    return answers.answer("posting", f"{posting_id}:{viewer_of(scope)}", build, today=dt.date.today())


@router.patch(
    "/{posting_id}",
    summary="修改岗位",
    description="只修改请求中给出的字段；已关闭的岗位不能修改。人工改过的字段不再标为待确认。"
    "管理员、劳务经纪人可修改任一岗位；用人单位只能修改本单位岗位。",
    response_model=PostingOut,
)
def update_posting(posting_id: int, body: PostingPatch, scope: Publisher, service: Service) -> PostingOut:
    return _out(service, service.update_posting(scope, posting_id, body))


@router.post(
    "/{posting_id}/status",
    summary="发布、暂停或关闭岗位",
    description="action 为 open（发布或恢复招聘）、pause（暂停）、close（关闭，不可恢复）。"
    "不符合岗位状态规则时说明原因，如草稿须补全岗位名称、招聘人数和薪资才能发布。",
    response_model=PostingOut,
)
def change_status(posting_id: int, body: StatusChange, scope: Publisher, service: Service) -> PostingOut:
    return _out(service, service.change_status(scope, posting_id, body.action))
