"""The placement pipeline (撮合跟踪): matches and their steps, corrections, follow-up visits (回访), household
alerts (防返贫风险提示) and broker placements."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.deps import current_scope, get_changes, get_session, require_roles
from api.paging import Page, PageParams, page_params
from api.tracking import Correction, Tracking, Visit
from api.tracking_lists import alerts, broker_placements, followups
from api.tracking_schemas import (
    AlertOut,
    BrokerOut,
    BrokerReport,
    CheckpointIn,
    CheckpointOut,
    CorrectionIn,
    EventOut,
    FollowUpOut,
    HouseholdSituation,
    MatchDetail,
    MatchOut,
    ProposeIn,
    StepIn,
)
from models.match import MatchEvent
from models.pipeline import Step
from models.pipeline_repository import MatchFilter, MatchRow
from models.vocab import MatchStage, Role

__all__ = ["router"]

router = APIRouter(tags=["撮合跟踪"])

Anyone = Annotated[Scope, Depends(current_scope)]
Staff = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
Admin = Annotated[Scope, Depends(require_roles(Role.ADMIN))]
Paging = Annotated[PageParams, Depends(page_params)]
DB = Annotated[Session, Depends(get_session)]


def tracking_service(
    session: Annotated[Session, Depends(get_session)], changes: Annotated[Changes, Depends(get_changes)]
) -> Tracking:
    return Tracking(session, changes)


Service = Annotated[Tracking, Depends(tracking_service)]


def _page(items: list[Any], total: int, page: PageParams) -> Page[Any]:
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post(
    "/matches",
    status_code=201,
    summary="推荐人选",
    response_model=MatchOut,
    description="劳务经纪人或管理员把所辖安置点的劳动力推荐给招聘中的岗位（来源：经纪人推荐）。",
)
def propose(body: ProposeIn, scope: Staff, service: Service) -> MatchOut:
    return MatchOut.of(service.propose(scope, body.worker_id, body.posting_id, body.note))


@router.get(
    "/matches",
    summary="撮合记录列表",
    response_model=Page[MatchOut],
    description="管理员、经纪人看到所辖安置点劳动力的撮合记录；用人单位看到本单位岗位中本人已同意推荐的；"
    "劳动力看到本人的。可按岗位、劳动力、环节、安置点筛选。",
)
def list_matches(
    scope: Anyone,
    service: Service,
    page: Paging,
    posting_id: int | None = None,
    worker_id: int | None = None,
    stage: Annotated[MatchStage | None, Query(description="环节")] = None,
    site_id: int | None = None,
) -> Page[MatchOut]:
    where = MatchFilter(
        posting_id=posting_id, worker_id=worker_id, stage=stage.value if stage else None, site_id=site_id
    )
    rows, total = service.list(scope, where, offset=page.offset, limit=page.size)
    return _page([MatchOut.of(r) for r in rows], total, page)


def _detail(row: MatchRow, events: list[MatchEvent]) -> MatchDetail:
    return MatchDetail(**MatchOut.of(row).model_dump(), events=[EventOut.of(e) for e in events])


@router.get(
    "/matches/{match_id}",
    summary="撮合记录详情",
    response_model=MatchDetail,
    description="一条撮合记录及其全部事件（每一步的操作人和时间，更正记录）。",
)
def get_match(match_id: int, scope: Anyone, service: Service) -> MatchDetail:
    return _detail(*service.get(scope, match_id))


@router.post(
    "/matches/{match_id}/events",
    summary="登记撮合进展",
    response_model=MatchOut,
    description="把撮合记录推进到下一环节：已联系、有意向、不合适（须写原因）、面试、已录用、已上岗（上岗日期、"
    "用工协议、月工资、地点；占用岗位名额）、已离职（日期、原因；岗位仍在招聘期内时退回名额）。只允许合法的环节"
    "变化。用人单位可登记本单位岗位中本人已同意推荐者的面试、录用、上岗；劳动力可对本人的记录登记不合适。",
)
def add_event(match_id: int, body: StepIn, scope: Anyone, service: Service) -> MatchOut:
    step = Step(
        body.stage,
        on=body.on,
        reason=body.reason,
        wage=body.wage,
        contract_kind=body.contract_kind,
        place=body.place,
        note=body.note,
    )
    row = service.step(scope, match_id, step, worker_agreed=body.worker_agreed, status=body.employment_status)
    return MatchOut.of(row)


@router.post(
    "/matches/{match_id}/corrections",
    summary="更正撮合记录",
    response_model=MatchDetail,
    description="更正某条事件的内容或撤销最近一步：新增一条引用原事件的更正记录，原记录不改。",
)
def add_correction(match_id: int, body: CorrectionIn, scope: Staff, service: Service) -> MatchDetail:
    service.correct(scope, match_id, Correction(**body.model_dump()))
    return _detail(*service.get(scope, match_id))


@router.post(
    "/matches/{match_id}/checkpoints",
    summary="登记回访",
    response_model=CheckpointOut,
    description="登记上岗后第 1、3、6、12 个月的回访：仍在岗时记录工资（更新本人月收入）；已离职时登记离职"
    "（日期、原因），更新本人就业状态，全户无人就业时立即生成防返贫风险提示。",
)
def add_checkpoint(match_id: int, body: CheckpointIn, scope: Staff, service: Service) -> CheckpointOut:
    row, situation = service.checkpoint(scope, match_id, Visit(**body.model_dump()))
    return CheckpointOut(match=MatchOut.of(row), household=HouseholdSituation.of(situation))


@router.get(
    "/followups",
    summary="回访清单",
    response_model=Page[FollowUpOut],
    description="所辖安置点已上岗劳动力在 due_before 之前应做而未做的回访（上岗后 1、3、6、12 个月），"
    "含已逾期的，按应回访日期排序，并列出要问的问题。",
)
def list_followups(
    scope: Staff,
    session: DB,
    page: Paging,
    due_before: Annotated[dt.date | None, Query(description="截至日期（不含），默认 7 天后")] = None,
    site_id: int | None = None,
) -> Page[FollowUpOut]:
    today = dt.date.today()
    found = followups(
        session, scope, due_before=due_before or today + dt.timedelta(days=7), today=today, site_id=site_id
    )
    items = [FollowUpOut.of(f) for f in found[page.offset : page.offset + page.size]]
    return _page(items, len(found), page)


@router.get(
    "/alerts",
    summary="防返贫风险提示",
    response_model=Page[AlertOut],
    description="有劳动力但无人就业的家庭（离职后立即生成，家中有人重新上岗时解除）。经纪人看到所辖安置点的，"
    "管理员看到所辖县的。",
)
def list_alerts(
    scope: Staff,
    session: DB,
    page: Paging,
    state: Annotated[
        Literal["open", "cleared", "all"], Query(description="open 未解除，cleared 已解除，all 全部")
    ] = "open",
    site_id: int | None = None,
) -> Page[AlertOut]:
    rows, total = alerts(session, scope, state=state, site_id=site_id, offset=page.offset, limit=page.size)
    return _page([AlertOut.of(r) for r in rows], total, page)


@router.get(
    "/reports/brokers",
    summary="经纪人稳定就业业绩",
    response_model=BrokerReport,
    description="期间内（按上岗日期）每位劳务经纪人促成的上岗人数，以及稳定就业满 3 个月、满 6 个月的人数"
    "（经纪人奖励的依据）。推荐人是经纪人时记在推荐人名下，否则记在登记上岗的经纪人名下。",
)
def broker_report(
    scope: Admin,
    session: DB,
    start: Annotated[dt.date, Query(description="开始日期（含）")],
    end: Annotated[dt.date, Query(description="结束日期（不含）")],
) -> BrokerReport:
    found = broker_placements(session, scope, start=start, end=end, today=dt.date.today())
    brokers = [BrokerOut(username=b.username, display_name=b.display_name, placements=b.placements,
                         lasted_3=b.lasted_3, lasted_6=b.lasted_6, pending_3=b.pending_3, pending_6=b.pending_6,
                         match_ids=b.match_ids) for b in found]  # fmt: skip
    return BrokerReport(start=start, end=end, brokers=brokers)
