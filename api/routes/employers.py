"""Employers (用人单位): register, list, read and change. Staff see every employer; an employer account its own."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.accounts import Scope
from api.deps import current_scope, require_roles
from api.openings import EmployerPatch, Openings, openings_service
from api.paging import Page, PageParams, page_params
from ingest.posting_form import EmployerForm
from models.employer import Employer
from models.opening_repository import EMPLOYER_SORTS
from models.vocab import EmployerKind, Role

__all__ = ["EmployerOut", "router"]

router = APIRouter(prefix="/employers", tags=["用人单位"])

Staff = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
Anyone = Annotated[Scope, Depends(current_scope)]


Service = Annotated[Openings, Depends(openings_service)]


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
