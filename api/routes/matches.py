"""The placement pipeline (撮合跟踪): matches and their steps, corrections, follow-up visits (回访), household
alerts (防返贫风险提示) and broker placements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.deps import current_scope, get_changes, get_session, require_roles
from api.paging import Page, PageParams, page_params
from api.tracking import Correction, Tracking, Visit
from api.tracking_effects import Situation
from api.tracking_lists import FollowUp, alerts, broker_placements, followups
from models.match import MatchEvent
from models.pipeline import ContractKind, Step, event_kind
from models.pipeline_repository import AlertRow, MatchFilter, MatchRow
from models.vocab import EmploymentStatus, MatchSource, MatchStage, Role

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


class MatchOut(BaseModel):
    id: int
    worker_id: int
    worker_name: str = Field(description="姓名")
    site_id: int
    site_name: str = Field(description="安置点")
    household_id: int
    posting_id: int
    posting_title: str = Field(description="岗位")
    employer_id: int
    employer_name: str = Field(description="用人单位")
    source: str
    source_label: str = Field(description="来源")
    stage: str
    stage_label: str = Field(description="当前环节")
    stage_at: dt.datetime
    proposed_at: dt.datetime
    proposed_by: str | None = Field(description="推荐人")
    agreed_at: dt.datetime | None = Field(description="本人同意推荐给用人单位的时间")
    declined_reason: str | None = Field(description="不合适的原因")
    hired_on: dt.date | None = Field(description="上岗日期")
    wage: Decimal | None = Field(description="月工资（元）")
    separated_on: dt.date | None = Field(description="离职日期")
    separation_reason: str | None = Field(description="离职原因")

    @classmethod
    def of(cls, r: MatchRow) -> MatchOut:
        m = r.match
        return cls(
            id=m.id,
            worker_id=r.worker.id,
            worker_name=r.worker.name,
            site_id=r.site.id,
            site_name=r.site.name,
            household_id=r.household.id,
            posting_id=r.posting.id,
            posting_title=r.posting.title,
            employer_id=r.employer.id,
            employer_name=r.employer.name,
            source=m.source,
            source_label=MatchSource.of(m.source).zh,
            stage=m.stage,
            stage_label=MatchStage.of(m.stage).zh,
            stage_at=m.stage_at,
            proposed_at=m.proposed_at,
            proposed_by=m.proposed_by,
            agreed_at=m.agreed_at,
            declined_reason=m.declined_reason,
            hired_on=m.hired_on,
            wage=m.wage,
            separated_on=m.separated_on,
            separation_reason=m.separation_reason,
        )


class EventOut(BaseModel):
    id: int
    stage: str
    stage_label: str = Field(description="环节")
    kind: str = Field(description="step 环节变化，checkpoint 回访，correction 更正")
    at: dt.datetime
    actor: str | None = Field(description="操作人")
    detail: dict[str, Any] | None = Field(description="工资、原因、用工协议、回访月份等")
    corrects_id: int | None = Field(description="更正的是哪一条事件")

    @classmethod
    def of(cls, e: MatchEvent) -> EventOut:
        return cls(
            id=e.id,
            stage=e.stage,
            stage_label=MatchStage.of(e.stage).zh,
            kind=event_kind(e).value,
            at=e.at,
            actor=e.actor,
            detail=e.detail,
            corrects_id=e.corrects_id,
        )


class MatchDetail(MatchOut):
    events: list[EventOut] = Field(description="每一步：谁、何时、做了什么（更正为新增事件，不改原记录）")


class ProposeIn(BaseModel):
    worker_id: int
    posting_id: int
    note: str | None = Field(None, max_length=500, description="备注")


class StepIn(BaseModel):
    stage: MatchStage = Field(description="要进入的环节")
    on: dt.date | None = Field(None, description="上岗日期（已上岗）或离职日期（已离职）")
    reason: str | None = Field(None, max_length=500, description="不合适的原因，或离职原因（工资低、离家远……）")
    wage: Decimal | None = Field(None, ge=0, le=1_000_000, description="月工资（元）")
    contract_kind: ContractKind | None = Field(None, description="用工协议：劳动合同、劳务协议或未签订")
    place: str | None = Field(None, max_length=200, description="工作地点")
    note: str | None = Field(None, max_length=500, description="备注")
    worker_agreed: bool = Field(False, description="登记“有意向”时：已向本人确认同意报名并同意提供姓名和电话")
    employment_status: EmploymentStatus | None = Field(None, description="上岗后的就业状态（默认按岗位推断）")


class CorrectionIn(BaseModel):
    event_id: int = Field(description="要更正的事件")
    reason: str = Field(min_length=2, max_length=500, description="更正原因")
    void: bool = Field(False, description="撤销这一步（只能撤销最近的一步）")
    hired_on: dt.date | None = None
    separated_on: dt.date | None = None
    wage: Decimal | None = Field(None, ge=0, le=1_000_000)
    contract_kind: ContractKind | None = None
    place: str | None = Field(None, max_length=200)
    separation_reason: str | None = Field(None, max_length=100)
    declined_reason: str | None = Field(None, max_length=500)


class CheckpointIn(BaseModel):
    month: int = Field(description="回访节点：上岗后第 1、3、6 或 12 个月")
    still_employed: bool = Field(description="是否仍在岗")
    wage: Decimal | None = Field(None, ge=0, le=1_000_000, description="当前月工资（元）")
    note: str | None = Field(None, max_length=500, description="回访记录")
    separated_on: dt.date | None = Field(None, description="已离职时：离职日期（默认今天）")
    reason: str | None = Field(None, max_length=100, description="已离职时：离职原因")


class HouseholdSituation(BaseModel):
    household_id: int
    labour: int = Field(description="劳动力人数")
    employed: int = Field(description="就业人数")
    monthly_income: int = Field(description="家庭成员月收入合计（元）")
    alert_open: bool = Field(description="是否有未解除的防返贫风险提示")

    @classmethod
    def of(cls, s: Situation) -> HouseholdSituation:
        return cls(
            household_id=s.household_id,
            labour=s.labour,
            employed=s.employed,
            monthly_income=s.income,
            alert_open=s.alert is not None,
        )


class CheckpointOut(BaseModel):
    match: MatchOut
    household: HouseholdSituation


class FollowUpOut(BaseModel):
    match_id: int
    worker_id: int
    worker_name: str
    site_name: str
    household_id: int
    employer_name: str
    posting_title: str
    hired_on: dt.date
    month: int = Field(description="回访节点（月）")
    due_on: dt.date = Field(description="应回访日期")
    overdue: bool
    overdue_days: int
    questions: str = Field(description="回访要问的问题")

    @classmethod
    def of(cls, f: FollowUp) -> FollowUpOut:
        r = f.row
        assert r.match.hired_on is not None
        return cls(
            match_id=r.match.id,
            worker_id=r.worker.id,
            worker_name=r.worker.name,
            site_name=r.site.name,
            household_id=r.household.id,
            employer_name=r.employer.name,
            posting_title=r.posting.title,
            hired_on=r.match.hired_on,
            month=f.month,
            due_on=f.due_on,
            overdue=f.overdue_days > 0,
            overdue_days=f.overdue_days,
            questions=f.questions,
        )


class AlertOut(BaseModel):
    id: int
    site_id: int
    site_name: str
    household_id: int
    household_number: str = Field(description="户编号")
    head_name: str | None = Field(description="户主")
    reason: str
    raised_at: dt.datetime
    raised_by: str | None
    match_id: int | None = Field(description="引起提示的离职（撮合记录）")
    cleared_at: dt.datetime | None
    cleared_by: str | None
    cleared_by_match_id: int | None = Field(description="解除提示的上岗（撮合记录）")

    @classmethod
    def of(cls, r: AlertRow) -> AlertOut:
        a = r.alert
        return cls(
            id=a.id,
            site_id=a.site_id,
            site_name=r.site_name,
            household_id=a.household_id,
            household_number=r.household_number,
            head_name=r.head_name,
            reason=a.reason,
            raised_at=a.raised_at,
            raised_by=a.raised_by,
            match_id=a.match_id,
            cleared_at=a.cleared_at,
            cleared_by=a.cleared_by,
            cleared_by_match_id=a.cleared_by_match_id,
        )


class BrokerOut(BaseModel):
    username: str
    display_name: str
    placements: int = Field(description="期间上岗人数")
    lasted_3: int = Field(description="其中稳定就业满 3 个月")
    lasted_6: int = Field(description="其中稳定就业满 6 个月")
    pending_3: int = Field(description="上岗未满 3 个月、尚在岗")
    pending_6: int = Field(description="上岗未满 6 个月、尚在岗")
    match_ids: list[int]


class BrokerReport(BaseModel):
    start: dt.date
    end: dt.date
    brokers: list[BrokerOut]


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
