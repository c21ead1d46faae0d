"""Match-day plans (撮合日计划): plan a region's proposals at once in the background, look at the preview,
commit it into the pipeline, download a broker's call list and the short messages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.allocation import Plans
from api.allocation_outputs import broker_call_list, plan_messages
from api.allocation_schemas import CommitOut, MessageOut, PlanDetail, PlanIn, ProposalOut
from api.changes import Changes
from api.deps import get_changes, get_cipher, get_session, require_roles
from api.job_service import submit_plan
from api.paging import Page, PageParams, page_params
from api.queue import JobQueue, get_queue
from api.routes.jobs import JobOut
from models.crypto import PersonalDataCipher
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(tags=["撮合日计划"])

Staff = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
Paging = Annotated[PageParams, Depends(page_params)]
DB = Annotated[Session, Depends(get_session)]
Cipher = Annotated[PersonalDataCipher, Depends(get_cipher)]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plans_service(
    session: Annotated[Session, Depends(get_session)], changes: Annotated[Changes, Depends(get_changes)]
) -> Plans:
    return Plans(session, changes)


Service = Annotated[Plans, Depends(plans_service)]


@router.post(
    "/plans",
    status_code=202,
    summary="制定撮合日计划（预览）",
    response_model=JobOut,
    description="在后台为一个地区（县、市，或外出务工岗位；招聘会模式：指定的用人单位）统一安排推荐：在每个空缺名额"
    "最多推荐 per_place 人、每人最多 per_worker 条进行中的推荐的限制下，使预计稳定就业人数最多，并优先覆盖有劳动力"
    "但无人就业的户。立即返回任务；完成后任务结果中的 plan_id 即计划编号，计划先作为预览保存，提交后才写入撮合跟踪。"
    "管理员和劳务经纪人可用（地区内须有本人负责的安置点）。",
)
def create_plan(body: PlanIn, scope: Staff, session: DB, queue: Annotated[JobQueue, Depends(get_queue)]) -> JobOut:
    return JobOut.of(submit_plan(queue, session, scope, body.request()))


@router.get(
    "/plans/{plan_id}",
    summary="查看撮合日计划",
    response_model=PlanDetail,
    description="计划的地区、撮合日、模型版本、限制条件和总体数字，以及您负责安置点人员的推荐（分页；市级管理员看全部）。",
)
def get_plan(plan_id: int, scope: Staff, service: Service, page: Paging) -> PlanDetail:
    stored = service.get(scope, plan_id)
    rows, total = service.items(scope, plan_id, offset=page.offset, limit=page.size)
    proposals: Page[ProposalOut] = Page(
        items=[ProposalOut.of(r) for r in rows], total=total, page=page.page, size=page.size
    )
    return PlanDetail.of(stored, proposals)


@router.post(
    "/plans/{plan_id}/commit",
    summary="提交撮合日计划",
    response_model=CommitOut,
    description="把计划中您负责安置点人员的推荐写入撮合跟踪（环节“已推荐”，与经纪人手工推荐相同）。预览后已有进行中"
    "撮合记录的人岗、已不在招聘中的岗位、已撤回推荐同意的人会跳过并说明原因。重复提交不会重复推荐。",
)
def commit_plan(plan_id: int, scope: Staff, service: Service) -> CommitOut:
    return CommitOut.of(service.commit(scope, plan_id))


@router.get(
    "/plans/{plan_id}/call-list.xlsx",
    summary="下载外呼名单",
    description="劳务经纪人本人的外呼名单（.xlsx）：已提交计划中其负责安置点人员的推荐，含推荐理由、家庭情况和完整电话；"
    "每个显示的电话都记入审计日志（原因：撮合日外呼名单）。仅劳务经纪人。",
    response_class=Response,
    responses={200: {"content": {_XLSX: {}}, "description": "外呼名单工作簿"}},
)
def call_list(plan_id: int, scope: Staff, service: Service, cipher: Cipher) -> Response:
    name, content = broker_call_list(service, cipher, scope, plan_id)
    disposition = f"attachment; filename=\"call-list-{plan_id}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=_XLSX, headers={"Content-Disposition": disposition})


@router.get(
    "/plans/{plan_id}/messages",
    summary="撮合日短信",
    response_model=Page[MessageOut],
    description="计划中您负责安置点人员的推荐短信（每条不超过 70 字，一条短信），接收电话脱敏显示。",
)
def messages(plan_id: int, scope: Staff, service: Service, cipher: Cipher, page: Paging) -> Page[MessageOut]:
    found = plan_messages(service, cipher, scope, plan_id)
    items = [MessageOut.of(m) for m in found[page.offset : page.offset + page.size]]
    return Page(items=items, total=len(found), page=page.page, size=page.size)
