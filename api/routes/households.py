"""Households (搬迁户) of the sites an account may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import get_session, require_roles
from api.paging import Page, PageParams, page_params
from api.people import HouseholdQuery, household_detail, household_page
from api.people_schemas import HouseholdDetail, HouseholdOut
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(prefix="/households", tags=["搬迁户"])

StaffScope = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
SessionDep = Annotated[Session, Depends(get_session)]


def household_query(
    site_id: Annotated[int | None, Query(description="安置点编号")] = None,
    county: Annotated[str | None, Query(description="县（区）行政区划代码，如 140902")] = None,
    category: Annotated[str | None, Query(description="户类型：脱贫户、监测户、同步搬迁户（或代码）")] = None,
    no_one_employed: Annotated[
        bool | None, Query(description="true：只看有劳动力但无人就业的户（零就业）；false：排除这些户")
    ] = None,
) -> HouseholdQuery:
    return HouseholdQuery(site_id, county, category, no_one_employed)


@router.get(
    "",
    summary="搬迁户列表",
    description="所辖安置点的搬迁户，附家庭成员数、劳动力人数、已就业人数。可按安置点、县（区）、户类型、"
    "是否零就业筛选；按 number、head_name、site、members、updated_at 排序（前加 - 倒序）。",
    response_model=Page[HouseholdOut],
)
def list_households(
    scope: StaffScope,
    session: SessionDep,
    query: Annotated[HouseholdQuery, Depends(household_query)],
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[HouseholdOut]:
    return household_page(session, scope, query, page)


@router.get(
    "/{household_id}",
    summary="搬迁户详情",
    description="一户的基本信息与家庭成员（身份证号、电话已脱敏）。不存在或无权查看时返回 404。",
    response_model=HouseholdDetail,
)
def get_household(household_id: int, scope: StaffScope, session: SessionDep) -> HouseholdDetail:
    return household_detail(session, scope, household_id)
