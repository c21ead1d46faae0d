"""Candidate search, recommendations and a worker's interest (人岗匹配)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.accounts import Scope
from api.deps import require_roles
from api.matching import (
    Applicant,
    Applications,
    Candidate,
    Matching,
    Recommendation,
    applications_service,
    matching_service,
)
from api.paging import Page, PageParams, page_params
from api.response_cache import ResponseCache, Responses, viewer_of
from models.errors import InvalidInput, NotAllowed
from models.match import Match
from models.posting import pay_text
from models.vocab import MatchStage, Role, Sex

__all__ = ["router"]

router = APIRouter(tags=["人岗匹配"])

Staff = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
WorkerSelf = Annotated[Scope, Depends(require_roles(Role.WORKER))]
Readers = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER, Role.EMPLOYER))]
MatchingService = Annotated[Matching, Depends(matching_service)]
ApplicationsService = Annotated[Applications, Depends(applications_service)]
Top = Query(ge=1, le=200, description="返回条数")


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _sex(code: str) -> str:
    try:
        return Sex.of(code).zh
    except ValueError:
        return code


class CandidateOut(BaseModel):
    worker_id: int
    name: str = Field(description="姓名")
    sex: str
    age: int
    id_number: str = Field(description="身份证号（脱敏）")
    phone: str | None = Field(description="手机号（脱敏）")
    site_id: int
    site_name: str = Field(description="安置点")
    score: float = Field(description="排序得分（含家庭优先）")
    probability: float | None = Field(description="上岗并稳定就业 3 个月的概率（模型训练前为空）")
    eligible: bool = Field(description="是否符合全部硬性条件；false 为只差一项条件的人")
    reasons: list[str] = Field(description="推荐理由")
    failed: list[str] = Field(description="不符合的条件")

    @classmethod
    def of(cls, c: Candidate, today: dt.date) -> CandidateOut:
        w, p = c.person.worker, c.proposal
        return cls(
            worker_id=w.id,
            name=w.name,
            sex=_sex(w.sex),
            age=_age(w.birth_date, today),
            id_number=w.id_number_mask,
            phone=w.phone_mask,
            site_id=c.person.site.id,
            site_name=c.person.site.name,
            score=p.score,
            probability=p.probability,
            eligible=p.eligible,
            reasons=p.reasons,
            failed=p.failed,
        )


class CandidateList(BaseModel):
    posting_id: int
    items: list[CandidateOut]


class RecommendationOut(BaseModel):
    posting_id: int
    title: str = Field(description="岗位名称")
    employer_id: int
    employer_name: str = Field(description="用人单位")
    pay_text: str = Field(description="薪资")
    place: str | None = Field(description="工作地点")
    distance_km: float | None = Field(description="距本人安置点的直线距离（公里）")
    public_welfare: bool = Field(description="是否公益性岗位")
    deadline: dt.date | None
    score: float
    probability: float | None
    reasons: list[str] = Field(description="推荐理由")

    @classmethod
    def of(cls, r: Recommendation) -> RecommendationOut:
        posting, p = r.row.posting, r.proposal
        return cls(
            posting_id=posting.id,
            title=posting.title,
            employer_id=r.row.employer.id,
            employer_name=r.row.employer.name,
            pay_text=pay_text(posting.pay_min, posting.pay_max, posting.pay_period),
            place=posting.work_address or posting.destination,
            distance_km=r.distance_km,
            public_welfare=posting.public_welfare is not None,
            deadline=posting.deadline,
            score=p.score,
            probability=p.probability,
            reasons=p.reasons,
        )


class RecommendationList(BaseModel):
    worker_id: int
    items: list[RecommendationOut]


class InterestIn(BaseModel):
    interested: bool = Field(description="true 有意向（同意把本人信息推荐给用人单位），false 不感兴趣")
    reason: str | None = Field(None, max_length=500, description="不感兴趣的原因（可选）")


class InterestOnBehalf(InterestIn):
    worker_agreed: bool = Field(
        False, description="已当面或电话向本人确认：本人同意报名并同意把姓名和电话提供给用人单位（有意向时必须为 true）"
    )


class InterestOut(BaseModel):
    match_id: int
    worker_id: int
    posting_id: int
    stage: str
    stage_label: str = Field(description="撮合环节")
    agreed_at: dt.datetime | None = Field(description="本人同意推荐给用人单位的时间")
    declined_reason: str | None

    @classmethod
    def of(cls, m: Match) -> InterestOut:
        return cls(
            match_id=m.id,
            worker_id=m.worker_id,
            posting_id=m.posting_id,
            stage=m.stage,
            stage_label=MatchStage.of(m.stage).zh,
            agreed_at=m.agreed_at,
            declined_reason=m.declined_reason,
        )


class ApplicantOut(BaseModel):
    match_id: int
    worker_id: int
    name: str = Field(description="姓名")
    sex: str
    age: int
    phone: str | None = Field(description="手机号：用人单位看到完整号码，其他人看到脱敏号码")
    id_number: str | None = Field(description="身份证号（脱敏；用人单位不显示）")
    site_name: str = Field(description="安置点")
    stage: str
    stage_label: str
    agreed_at: dt.datetime | None

    @classmethod
    def of(cls, a: Applicant, today: dt.date) -> ApplicantOut:
        w, m = a.person.worker, a.match
        return cls(
            match_id=m.id,
            worker_id=w.id,
            name=w.name,
            sex=_sex(w.sex),
            age=_age(w.birth_date, today),
            phone=a.phone,
            id_number=None if a.revealed else w.id_number_mask,
            site_name=a.person.site.name,
            stage=m.stage,
            stage_label=MatchStage.of(m.stage).zh,
            agreed_at=m.agreed_at,
        )


@router.get(
    "/postings/{posting_id}/candidates",
    summary="岗位候选人",
    description="为招聘中的岗位推荐候选人：符合全部硬性条件的人按稳定就业的可能性排序并说明理由；"
    "near_misses 另列只差一项条件的人及其不符合的条件。劳务经纪人只看到本人负责安置点的候选人；"
    "身份证号和手机号脱敏。用人单位不能调用，只能在“报名人员”中看到本人同意推荐的人。",
    response_model=CandidateList,
)
def candidates(
    posting_id: int,
    scope: Staff,
    service: MatchingService,
    answers: Responses,
    top: Annotated[int, Top] = 50,
    near_misses: Annotated[int, Query(ge=0, le=50, description="另列只差一项条件的人数")] = 0,
) -> Response:
    today = service.live.clock()

    def build() -> CandidateList:
        found = service.candidates(scope, posting_id, top=top, near_misses=near_misses)
        return CandidateList(posting_id=posting_id, items=[CandidateOut.of(c, today) for c in found])

    parts = f"{posting_id}:{top}:{near_misses}:{viewer_of(scope)}"
    return answers.answer("candidates", parts, build, today=today, version=service.live.version)


@router.get(
    "/workers/me/recommendations",
    summary="我的推荐岗位",
    description="搬迁劳动力查看为本人推荐的招聘中岗位，含薪资、地点、距离和推荐理由。",
    response_model=RecommendationList,
)
def my_recommendations(
    scope: WorkerSelf, service: MatchingService, answers: Responses, top: Annotated[int, Top] = 10
) -> Response:
    worker_id = scope.worker_id
    if worker_id is None:
        raise NotAllowed("您的账号没有关联人员记录，请联系安置点工作人员。")
    return _recommendations(scope, worker_id, top, service, answers)


@router.get(
    "/workers/{worker_id}/recommendations",
    summary="为劳动力推荐岗位",
    description="管理员、劳务经纪人为所辖安置点的劳动力查看推荐岗位，含薪资、地点、距离和推荐理由。",
    response_model=RecommendationList,
)
def worker_recommendations(
    worker_id: int, scope: Staff, service: MatchingService, answers: Responses, top: Annotated[int, Top] = 10
) -> Response:
    return _recommendations(scope, worker_id, top, service, answers)


def _recommendations(scope: Scope, worker_id: int, top: int, service: Matching, answers: ResponseCache) -> Response:
    def build() -> RecommendationList:
        found = service.recommendations(scope, worker_id, top=top)
        return RecommendationList(worker_id=worker_id, items=[RecommendationOut.of(r) for r in found])

    parts = f"{worker_id}:{top}:{viewer_of(scope)}"
    today = service.live.clock()
    return answers.answer("recommendations", parts, build, today=today, version=service.live.version)


@router.post(
    "/postings/{posting_id}/interest",
    summary="我对岗位有意向 / 不感兴趣",
    description="搬迁劳动力对招聘中的岗位表示有意向（即同意把本人姓名和电话提供给该用人单位），或表示不感兴趣"
    "（可说明原因；之前表示过有意向的，用人单位从此看不到本人）。",
    response_model=InterestOut,
)
def my_interest(
    posting_id: int,
    body: InterestIn,
    scope: WorkerSelf,
    matching: MatchingService,
    service: ApplicationsService,
) -> InterestOut:
    if scope.worker_id is None:
        raise NotAllowed("您的账号没有关联人员记录，请联系安置点工作人员。")
    person = matching.person_in_scope(scope, scope.worker_id)
    match = service.interest(scope, person, posting_id, interested=body.interested, reason=body.reason)
    return InterestOut.of(match)


@router.post(
    "/workers/{worker_id}/interest/{posting_id}",
    summary="代劳动力登记意向",
    description="劳务经纪人或管理员替所辖安置点的劳动力登记对岗位的意向。登记“有意向”前须向本人确认同意报名并同意把"
    "姓名和电话提供给用人单位（worker_agreed 为 true）。",
    response_model=InterestOut,
)
def interest_on_behalf(
    worker_id: int,
    posting_id: int,
    body: InterestOnBehalf,
    scope: Staff,
    matching: MatchingService,
    service: ApplicationsService,
) -> InterestOut:
    if body.interested and not body.worker_agreed:
        raise InvalidInput("登记“有意向”前请先向本人确认同意，并把 worker_agreed 设为 true。")
    person = matching.person_in_scope(scope, worker_id)
    match = service.interest(scope, person, posting_id, interested=body.interested, reason=body.reason)
    return InterestOut.of(match)


@router.get(
    "/postings/{posting_id}/applicants",
    summary="岗位报名人员",
    description="本人已表示有意向（同意推荐给用人单位）且未撤回同意的人员。该岗位的用人单位看到完整姓名和电话，"
    "每次查看都记入审计日志；管理员、劳务经纪人看到脱敏信息（经纪人只看到本人负责安置点的人）。",
    response_model=Page[ApplicantOut],
)
def applicants(
    posting_id: int,
    scope: Readers,
    service: ApplicationsService,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[ApplicantOut]:
    rows, total = service.applicants(scope, posting_id, offset=page.offset, limit=page.size)
    today = dt.date.today()
    return Page(items=[ApplicantOut.of(a, today) for a in rows], total=total, page=page.page, size=page.size)
