"""Request and response bodies of the match-day plan routes (``api.routes.plans``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.allocation import MAX_PER_PLACE, MAX_PER_WORKER, CommitOutcome, PlanRequest, region_label
from api.allocation_outputs import NO_ONE_EMPLOYED, Message
from api.paging import Page
from models.match_plan import MatchPlan
from models.match_plan_repository import ItemRow
from models.vocab import MatchStage

__all__ = ["CommitOut", "FiguresOut", "MessageOut", "PlanDetail", "PlanIn", "ProposalOut", "SkippedOut"]


class PlanIn(BaseModel):
    adcode: str | None = Field(None, pattern=r"^\d{6}$", description="县（区）或市的 6 位行政区划代码；不填为全部地区")
    out_of_area: bool = Field(False, description="只安排外出务工（劳务输出）岗位")
    employer_ids: list[int] = Field(default_factory=list, max_length=200,
                                    description="招聘会模式：只安排这些用人单位的岗位")  # fmt: skip
    day: dt.date | None = Field(None, description="撮合日（默认今天）")
    per_place: int = Field(3, ge=1, le=MAX_PER_PLACE, description="每个空缺名额最多推荐几人")
    per_worker: int = Field(2, ge=1, le=MAX_PER_WORKER, description="每人最多同时有几条进行中的推荐")

    def request(self) -> PlanRequest:
        return PlanRequest(self.adcode, self.out_of_area, tuple(self.employer_ids), self.day, self.per_place,
                           self.per_worker)  # fmt: skip


class FiguresOut(BaseModel):
    expected_hires: float = Field(description="预计稳定就业（上岗满 3 个月）人数")
    postings: int = Field(description="参与计划的岗位数")
    places: int = Field(description="空缺名额")
    workers: int = Field(description="可推荐的劳动力")
    households_to_cover: int = Field(description="有劳动力但无人就业的户")
    households_covered: int = Field(description="其中本计划有推荐的户")
    proposals: int = Field(description="推荐条数")


class ProposalOut(BaseModel):
    item_id: int
    rank: int = Field(description="计划中的顺序")
    worker_id: int
    name: str = Field(description="姓名")
    phone_mask: str | None = Field(description="电话（脱敏）")
    site_id: int
    site_name: str = Field(description="安置点")
    household_number: str = Field(description="户编号")
    household_note: str | None = Field(description="家庭情况：家中暂无就业人员时优先")
    posting_id: int
    posting_title: str = Field(description="岗位")
    employer_name: str = Field(description="用人单位")
    probability: float = Field(description="稳定就业概率")
    reasons: list[str] = Field(description="推荐理由")
    match_id: int | None = Field(description="提交后生成的撮合记录编号")
    stage_label: str | None = Field(description="撮合记录当前环节")
    skipped: str | None = Field(description="提交时未推荐的原因")

    @classmethod
    def of(cls, r: ItemRow) -> ProposalOut:
        return cls(
            item_id=r.item.id, rank=r.item.rank, worker_id=r.worker.id, name=r.worker.name,
            phone_mask=r.worker.phone_mask, site_id=r.site.id, site_name=r.site.name,
            household_number=r.household.number, household_note=NO_ONE_EMPLOYED if r.item.covers_household else None,
            posting_id=r.posting.id, posting_title=r.posting.title, employer_name=r.employer.name,
            probability=r.item.probability, reasons=list(r.item.reasons), match_id=r.item.match_id,
            stage_label=MatchStage.of(r.match.stage).zh if r.match is not None else None, skipped=r.item.skipped,
        )  # fmt: skip


class PlanDetail(BaseModel):
    id: int
    created_by: str = Field(description="制定人")
    created_at: dt.datetime
    region_adcode: str | None
    region_label: str = Field(description="地区")
    out_of_area: bool
    employer_ids: list[int] = Field(description="招聘会的用人单位")
    day: dt.date = Field(description="撮合日")
    model_version: str = Field(description="排序模型版本")
    per_place: int
    per_worker: int
    household_weight: float = Field(description="无人就业户的优先权重：这类家庭的一个稳定就业按 1 + 权重 个计")
    min_probability: float = Field(description="最低稳定就业概率")
    figures: FiguresOut
    committed_at: dt.datetime | None = Field(description="最近一次提交时间（未提交为预览）")
    committed_by: str | None
    proposals: Page[ProposalOut] = Field(description="您负责安置点人员的推荐（分页）")

    @classmethod
    def of(cls, p: MatchPlan, proposals: Page[ProposalOut]) -> PlanDetail:
        employers = [int(e) for e in p.employer_ids or []]
        return cls(
            id=p.id, created_by=p.created_by, created_at=p.created_at, region_adcode=p.region_adcode,
            region_label=region_label(p.region_adcode, p.out_of_area, employers), out_of_area=p.out_of_area,
            employer_ids=employers, day=p.plan_day, model_version=p.model_version, per_place=p.per_place,
            per_worker=p.per_worker, household_weight=p.household_weight, min_probability=p.min_probability,
            figures=FiguresOut(**p.figures), committed_at=p.committed_at, committed_by=p.committed_by,
            proposals=proposals,
        )  # fmt: skip


class SkippedOut(BaseModel):
    item_id: int
    worker_id: int
    posting_id: int
    reason: str = Field(description="未推荐的原因")


class CommitOut(BaseModel):
    plan_id: int
    proposed: int = Field(description="本次写入撮合跟踪的推荐条数")
    skipped: list[SkippedOut] = Field(description="本次跳过的推荐及原因（如预览后已有进行中的撮合）")
    already: int = Field(description="此前已提交过的条数（不会重复推荐）")
    others: int = Field(description="其他安置点的条数，由负责的经纪人或管理员提交")

    @classmethod
    def of(cls, o: CommitOutcome) -> CommitOut:
        skipped = [SkippedOut(item_id=i.id, worker_id=i.worker_id, posting_id=i.posting_id, reason=reason)
                   for i, reason in o.skipped]  # fmt: skip
        return cls(plan_id=o.plan_id, proposed=o.proposed, skipped=skipped, already=o.already, others=o.others)


class MessageOut(BaseModel):
    item_id: int
    worker_id: int
    name: str = Field(description="姓名")
    phone_mask: str | None = Field(description="接收短信的电话（脱敏）")
    posting_id: int
    match_id: int | None = Field(description="撮合记录编号（提交后）")
    reply: int = Field(description="回复码：本人回复此数字表示有意向")
    text: str = Field(description="短信内容（不超过 70 字）")
    length: int = Field(description="字数")

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(item_id=m.item_id, worker_id=m.worker_id, name=m.name, phone_mask=m.phone_mask,
                   posting_id=m.posting_id, match_id=m.match_id, reply=m.reply, text=m.text,
                   length=len(m.text))  # fmt: skip
