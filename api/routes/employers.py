"""Employers (用人单位): register, list, read and change. Staff see every employer; an employer account its own."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import current_scope, get_cache, get_client_address, get_codes, get_session, require_roles
from api.employer_review import EmployerReviews, employer_reviews_service
from api.employer_signup import EmployerSignup, request_signup_code, sign_up_employer
from api.openings import EmployerPatch, Openings, openings_service
from api.otp import OneTimeCodes
from api.paging import Page, PageParams, page_params
from api.ratelimit import CodeSendLimiter
from ingest.posting_form import EmployerForm
from models.cache import Cache
from models.employer import Employer, ReviewStatus, identity_of
from models.opening_repository import EMPLOYER_SORTS
from models.taxonomy import default_taxonomy
from models.vocab import EmployerKind, Role

__all__ = ["EmployerOut", "router"]

router = APIRouter(prefix="/employers", tags=["用人单位"])

Staff = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
Anyone = Annotated[Scope, Depends(current_scope)]


Service = Annotated[Openings, Depends(openings_service)]
Reviews = Annotated[EmployerReviews, Depends(employer_reviews_service)]
Codes = Annotated[OneTimeCodes, Depends(get_codes)]


class EmployerOut(BaseModel):
    id: int
    name: str = Field(description="单位名称")
    kind: str = Field(description="单位类型代码")
    kind_label: str = Field(description="单位类型")
    credit_code: str | None = Field(description="统一社会信用代码")
    address: str | None
    county_adcode: str | None
    longitude: float | None
    latitude: float | None
    contact_name: str | None
    contact_phone: str | None = Field(description="单位联系电话（招聘广告上公开的业务电话）")
    remarks: str | None
    review_status: ReviewStatus = Field(description="审核状态：pending 待审核，approved 已通过，rejected 不通过")
    review_label: str = Field(description="审核状态（中文）")
    reviewed_at: dt.datetime | None = Field(description="最近一次审核的时间")
    reviewed_by: str | None = Field(description="最近一次审核的工作人员（用户名）")
    review_reason: str | None = Field(description="审核意见（不通过的原因）")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, e: Employer) -> EmployerOut:
        return cls(
            id=e.id,
            name=e.name,
            kind=e.kind,
            kind_label=EmployerKind.of(e.kind).zh,
            credit_code=e.credit_code,
            address=e.address,
            county_adcode=e.county_adcode,
            longitude=e.longitude,
            latitude=e.latitude,
            contact_name=e.contact_name,
            contact_phone=e.contact_phone,
            remarks=e.remarks,
            review_status=ReviewStatus(e.review_status),
            review_label=ReviewStatus(e.review_status).zh,
            reviewed_at=e.reviewed_at,
            reviewed_by=e.reviewed_by,
            review_reason=e.review_reason,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


@router.post(
    "",
    summary="登记用人单位",
    description="管理员或劳务经纪人登记新的用人单位。统一社会信用代码或单位名称已登记的，提示勿重复登记（409）。",
    status_code=201,
    response_model=EmployerOut,
)
def register_employer(body: EmployerForm, scope: Staff, service: Service) -> EmployerOut:
    return EmployerOut.of(service.register_employer(scope, body))


@router.get(
    "",
    summary="用人单位列表",
    description="按单位名称、信用代码或地址查找（q），分页；可按 created（登记时间）或 name 排序，前加 - 表示倒序。"
    "仅管理员和劳务经纪人可用。",
    response_model=Page[EmployerOut],
)
def list_employers(
    scope: Staff,
    service: Service,
    page: Annotated[PageParams, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=100, description="单位名称、信用代码或地址中的文字")] = None,
) -> Page[EmployerOut]:
    sort = page.sort_key(EMPLOYER_SORTS, "-created")
    rows, total = service.employers(scope, q=q, sort=sort, offset=page.offset, limit=page.size)
    return Page(items=[EmployerOut.of(e) for e in rows], total=total, page=page.page, size=page.size)


class CodeRequest(BaseModel):
    phone: str = Field(description="联系人的 11 位手机号码")


class CodeSent(BaseModel):
    detail: str
    phone: str = Field(description="收到验证码的手机号（脱敏）")


class SignedUpOut(BaseModel):
    employer: EmployerOut
    username: str = Field(description="登录名（用 POST /auth/token 登录）")


class ReviewIn(BaseModel):
    decision: Literal["approve", "reject"] = Field(description="approve 通过，reject 不通过")
    reason: str | None = Field(None, max_length=500, description="审核意见；不通过时必填，单位会在首页看到")
    seen: str | None = Field(
        None,
        max_length=32,
        description="审核人看到的单位信息校验码（列表中的 identity）；"
        "给出时，单位此后改过名称、信用代码或类型的，不予审核（409）",
    )


class ReviewOut(EmployerOut):
    usernames: list[str] = Field(description="该单位的登录名")
    identity: str = Field(description="单位名称、信用代码和类型的校验码：审核时作为 seen 传回")


@router.post(
    "/register/code",
    summary="用人单位注册：获取短信验证码",
    description="用人单位自助注册前，向联系人手机号发送 6 位验证码（5 分钟内有效）。"
    "同一手机号 60 秒内只能获取一次、1 小时内最多 5 次；同一地址 1 小时内最多 30 次（429）。无须登录。",
    status_code=202,
    response_model=CodeSent,
)
def signup_code(
    body: CodeRequest,
    address: Annotated[str, Depends(get_client_address)],
    codes: Codes,
    cache: Annotated[Cache, Depends(get_cache)],
) -> CodeSent:
    masked = request_signup_code(codes, CodeSendLimiter(cache), body.phone, address)
    return CodeSent(detail=f"验证码已发送到 {masked}，5 分钟内有效。", phone=masked)


@router.post(
    "/register",
    summary="用人单位自助注册",
    description="用人单位自己注册单位和登录账号（须先获取手机验证码）。注册后即可登录、修改单位信息、把岗位存为草稿；"
    "安置点工作人员审核通过前（待审核），岗位不能发布，求职者看不到。统一社会信用代码、同名单位或登录名已登记的，"
    "按字段说明（409）；密码不合要求或验证码不对的，按字段说明（422）。无须登录。",
    status_code=201,
    response_model=SignedUpOut,
)
def sign_up(body: EmployerSignup, session: Annotated[Session, Depends(get_session)], codes: Codes) -> SignedUpOut:
    done = sign_up_employer(session, codes, default_taxonomy(), body)
    return SignedUpOut(employer=EmployerOut.of(done.employer), username=done.account.username)


@router.get(
    "/reviews",
    summary="用人单位审核列表",
    description="待审核的单位排在前面（先提交的在前），其后按登记时间倒序；可按审核状态筛选（status）。"
    "仅管理员和劳务经纪人/安置点工作人员可用。",
    response_model=Page[ReviewOut],
)
def review_list(
    scope: Staff,
    reviews: Reviews,
    page: Annotated[PageParams, Depends(page_params)],
    status: Annotated[
        ReviewStatus | None, Query(description="pending 待审核，approved 已通过，rejected 不通过")
    ] = None,
) -> Page[ReviewOut]:
    rows, total = reviews.queue(scope, status, offset=page.offset, limit=page.size)
    items = [ReviewOut(**EmployerOut.of(r.employer).model_dump(), usernames=list(r.usernames),
                       identity=identity_of(r.employer)) for r in rows]  # fmt: skip
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get(
    "/{employer_id}",
    summary="用人单位详情",
    description="管理员、劳务经纪人可查看任一单位；用人单位账号只能查看本单位。",
    response_model=EmployerOut,
)
def get_employer(employer_id: int, scope: Anyone, service: Service) -> EmployerOut:
    return EmployerOut.of(service.employer(scope, employer_id))


@router.patch(
    "/{employer_id}",
    summary="修改用人单位信息",
    description="只修改请求中给出的字段。管理员、劳务经纪人可修改任一单位；用人单位账号只能修改本单位。"
    "改了地址或所在县而未给经纬度时，按所在县重新定位。",
    response_model=EmployerOut,
)
def update_employer(employer_id: int, body: EmployerPatch, scope: Anyone, service: Service) -> EmployerOut:
    return EmployerOut.of(service.update_employer(scope, employer_id, body))


@router.post(
    "/{employer_id}/review",
    summary="审核用人单位",
    description="通过或不通过一家待审核的单位（不通过须写明原因，单位会在首页看到）；已审核的再审为 409。"
    "每次审核都记入审计日志。仅管理员和劳务经纪人/安置点工作人员可用。",
    response_model=EmployerOut,
)
def review(employer_id: int, body: ReviewIn, scope: Staff, reviews: Reviews) -> EmployerOut:
    employer = reviews.decide(scope, employer_id, approve=body.decision == "approve", reason=body.reason,
                              seen=body.seen)  # fmt: skip
    return EmployerOut.of(employer)


@router.post(
    "/{employer_id}/resubmit",
    summary="重新提交审核",
    description="审核未通过的单位按原因修改单位信息后，用本单位账号重新提交审核（回到待审核）。记入审计日志。",
    response_model=EmployerOut,
)
def resubmit(employer_id: int, scope: Anyone, reviews: Reviews) -> EmployerOut:
    return EmployerOut.of(reviews.resubmit(scope, employer_id))
