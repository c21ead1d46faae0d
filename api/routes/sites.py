"""Settlement sites (安置点) an account may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import get_session, require_roles
from api.paging import Page, PageParams, page_params
from api.people import site_detail, site_page
from api.people_schemas import SiteOut
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(prefix="/sites", tags=["安置点"])

StaffScope = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
SessionDep = Annotated[Session, Depends(get_session)]


@router.get(
    "",
    summary="安置点列表",
    description="管理员看到所辖县（区）或全市的安置点，劳务经纪人/安置点工作人员看到自己负责的安置点；"
    "每个安置点附户数、人数、劳动力人数和已就业人数。可按县（区）筛选，按 name、county、id 排序。",
    response_model=Page[SiteOut],
)
def list_sites(
    scope: StaffScope,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    county: Annotated[str | None, Query(description="县（区）行政区划代码，如 140902")] = None,
) -> Page[SiteOut]:
    return site_page(session, scope, county, page)


@router.get(
    "/{site_id}",
    summary="安置点详情",
    description="一个安置点的基本信息与户数、人数、劳动力人数、已就业人数。不存在或无权查看时返回 404。",
    response_model=SiteOut,
)
def get_site(site_id: int, scope: StaffScope, session: SessionDep) -> SiteOut:
    return site_detail(session, scope, site_id)
