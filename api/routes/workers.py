"""Workers (搬迁劳动力): lists, profiles, reveal for a reason, corrections, consent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.deps import get_changes, get_cipher, get_session, require_roles
from api.paging import Page, PageParams, page_params
from api.people import WorkerQuery, worker_detail, worker_page
from api.people_changes import own_profile, reveal, set_consent, update_own, update_worker
from api.people_schemas import (
    ConsentIn,
    ConsentOut,
    OwnProfile,
    OwnWorkerPatch,
    RevealIn,
    RevealOut,
    WorkerDetail,
    WorkerItem,
    WorkerPatch,
)
from models.crypto import PersonalDataCipher
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(prefix="/workers", tags=["搬迁劳动力"])

StaffScope = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
WorkerScope = Annotated[Scope, Depends(require_roles(Role.WORKER))]
SessionDep = Annotated[Session, Depends(get_session)]
CipherDep = Annotated[PersonalDataCipher, Depends(get_cipher)]
ChangesDep = Annotated[Changes, Depends(get_changes)]
_NO_STORE = "no-store"  # answers with plain personal data must not stay in any cache on the way


def worker_query(
    site_id: Annotated[int | None, Query(description="安置点编号")] = None,
    county: Annotated[str | None, Query(description="县（区）行政区划代码，如 140902")] = None,
    status: Annotated[list[str] | None, Query(description="就业状态，可多个：未就业、县内务工……（或代码）")] = None,
    occupation: Annotated[
        str | None, Query(description="职业（技能或意向工种）：大典编码或其前缀如 6-18，或工种名称如 电焊工")
    ] = None,
    certificate: Annotated[str | None, Query(description="持有的证书，如 叉车司机、电工证")] = None,
    age_min: Annotated[int | None, Query(ge=0, le=120, description="最小年龄（周岁，按今天计算）")] = None,
    age_max: Annotated[int | None, Query(ge=0, le=120, description="最大年龄（周岁，按今天计算）")] = None,
    labour_capacity: Annotated[list[str] | None, Query(description="劳动能力，可多个：普通劳动力……")] = None,
    available: Annotated[bool | None, Query(description="true：有就业意愿、有劳动能力且未就业")] = None,
    q: Annotated[str | None, Query(max_length=50, description="姓名包含")] = None,
) -> WorkerQuery:
    return WorkerQuery(site_id, county, tuple(status or ()), occupation, certificate, age_min, age_max,
                       tuple(labour_capacity or ()), available, q)  # fmt: skip


# the worker's own record (before /{worker_id}, which would otherwise take "me" for an id) ----------------
@router.get(
    "/me",
    summary="本人信息",
    description="搬迁劳动力查看本人的台账信息、技能、证书与求职意向；本人电话完整显示，身份证号脱敏。",
    response_model=OwnProfile,
)
def get_me(scope: WorkerScope, session: SessionDep, cipher: CipherDep, response: Response) -> OwnProfile:
    response.headers["Cache-Control"] = _NO_STORE
    return own_profile(session, cipher, scope)


@router.patch(
    "/me",
    summary="更正本人信息",
    description="搬迁劳动力更正本人的电话、就业意愿、求职意向、意向地点、期望月薪和培训意愿；"
    "其他信息请联系安置点工作人员更正。每次更正都记入审计日志。",
    response_model=OwnProfile,
)
def patch_me(
    body: OwnWorkerPatch,
    scope: WorkerScope,
    session: SessionDep,
    cipher: CipherDep,
    changes: ChangesDep,
    response: Response,
) -> OwnProfile:
    response.headers["Cache-Control"] = _NO_STORE
    return update_own(session, cipher, changes, scope, body)


@router.post(
    "/me/consent",
    summary="同意或撤回被推荐",
    description="consent=false 撤回同意：此后不再把本人推荐或提交给用人单位；consent=true 恢复同意。记入审计日志。",
    response_model=ConsentOut,
)
def post_consent(body: ConsentIn, scope: WorkerScope, session: SessionDep, changes: ChangesDep) -> ConsentOut:
    return set_consent(session, changes, scope, body.consent)


# staff -----------------------------------------------------------------------------------------------
@router.get(
    "",
    summary="搬迁劳动力列表",
    description="所辖安置点的人员（身份证号、电话已脱敏）。可按安置点、县（区）、就业状态、职业、证书、年龄、"
    "劳动能力、是否可就业、姓名筛选；按 name、age、site、updated_at 排序（前加 - 倒序）。",
    response_model=Page[WorkerItem],
)
def list_workers(
    scope: StaffScope,
    session: SessionDep,
    query: Annotated[WorkerQuery, Depends(worker_query)],
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[WorkerItem]:
    return worker_page(session, scope, query, page)


@router.get(
    "/{worker_id}",
    summary="人员详情",
    description="一人的台账信息（已脱敏）与技能、求职意向、证书（含有效期）和所在户概况。不存在或无权查看时返回 404。",
    response_model=WorkerDetail,
)
def get_worker(worker_id: int, scope: StaffScope, session: SessionDep) -> WorkerDetail:
    return worker_detail(session, scope, worker_id)


@router.post(
    "/{worker_id}/reveal",
    summary="查看完整身份证号和电话",
    description="劳务经纪人或管理员说明原因（至少 4 个字）后查看一人的完整身份证号和电话；"
    "每次查看都记入审计日志（谁、查看了谁、何时、为什么）。",
    response_model=RevealOut,
)
def post_reveal(
    worker_id: int, body: RevealIn, scope: StaffScope, session: SessionDep, cipher: CipherDep, response: Response
) -> RevealOut:
    response.headers["Cache-Control"] = _NO_STORE
    return reveal(session, cipher, scope, worker_id, body)


@router.patch(
    "/{worker_id}",
    summary="更正人员信息",
    description="劳务经纪人或管理员更正电话、就业意愿与求职意向、劳动能力、健康状况、就业状态、文化程度、技能和证书；"
    "填写方式与台账相同（如 普通劳动力、3000、电焊、开车）。每次更正都记入审计日志。",
    response_model=WorkerDetail,
)
def patch_worker(
    worker_id: int, body: WorkerPatch, scope: StaffScope, session: SessionDep, cipher: CipherDep, changes: ChangesDep
) -> WorkerDetail:
    return update_worker(session, cipher, changes, scope, worker_id, body)
