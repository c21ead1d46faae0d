"""Request and response bodies of the placement pipeline's routes (``api.routes.matches``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from api.tracking_effects import Situation
from api.tracking_lists import FollowUp
from models.match import MatchEvent
from models.pipeline import ContractKind, event_kind
from models.pipeline_repository import AlertRow, MatchRow
from models.vocab import EmploymentStatus, MatchSource, MatchStage

__all__ = [
    "AlertOut",
    "BrokerOut",
    "BrokerReport",
    "CheckpointIn",
    "CheckpointOut",
    "CorrectionIn",
    "EventOut",
    "FollowUpOut",
    "HouseholdSituation",
    "MatchDetail",
    "MatchOut",
    "ProposeIn",
    "StepIn",
]


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
