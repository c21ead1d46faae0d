"""Background jobs (后台任务): ledger import upload, retraining, batch recommendations, and their status.

Each submission answers at once (202) with the job; its progress and result are read from ``/jobs/{id}``.
A job is visible to the account that submitted it (or submitted the same file) and to administrators.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi import Path as Path_
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.accounts import Scope
from api.deps import current_scope, require_roles
from api.job_service import (
    MAX_UPLOAD_BYTES,
    job_file,
    retry_job,
    submit_batch,
    submit_ledger_import,
    submit_retrain,
    visible_job,
)
from api.queue import KIND_LABELS, JobInfo, JobQueue, JobStatus, get_queue
from api.settings import Settings
from models.errors import InvalidInput
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(tags=["后台任务"])

JobId = Annotated[str, Path_(pattern=r"^[A-Za-z0-9_-]{1,120}$", description="任务编号")]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Queue = Annotated[JobQueue, Depends(get_queue)]
Staff = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
Admin = Annotated[Scope, Depends(require_roles(Role.ADMIN))]
Anyone = Annotated[Scope, Depends(current_scope)]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Config = Annotated[Settings, Depends(get_settings)]


class JobOut(BaseModel):
    id: str = Field(description="任务编号")
    kind: str = Field(description="任务类型：import_ledger / retrain / recommend_all / allocate")
    kind_label: str = Field(description="任务类型（中文）")
    status: JobStatus = Field(description="状态：queued / started / finished / failed")
    status_label: str = Field(description="状态（中文）：排队中 / 运行中 / 已完成 / 失败")
    enqueued_at: dt.datetime | None = Field(description="排队时间")
    started_at: dt.datetime | None = Field(description="开始运行时间")
    ended_at: dt.datetime | None = Field(description="结束时间")
    attempts: int = Field(description="已运行次数（重试后增加）")
    result: dict[str, Any] | None = Field(description="结果（完成后）：导入的计数、模型版本和指标、推荐文件等")
    error: str | None = Field(description="失败原因（中文）；失败的任务可以重试")
    links: dict[str, str] = Field(description="可下载的文件：导入报告、未导入的行、批量推荐结果；撮合日计划")

    @classmethod
    def of(cls, info: JobInfo) -> JobOut:
        return cls(
            id=info.id,
            kind=info.kind,
            kind_label=KIND_LABELS.get(info.kind, info.kind),
            status=info.status,
            status_label=info.status.label,
            enqueued_at=info.enqueued_at,
            started_at=info.started_at,
            ended_at=info.ended_at,
            attempts=info.attempts,
            result=info.result,
            error=info.error,
            links=_links(info),
        )


def _links(info: JobInfo) -> dict[str, str]:
    if info.kind == "import_ledger" and info.status in (JobStatus.FINISHED, JobStatus.FAILED):
        return {"report": f"/imports/{info.id}/report", "rejects": f"/imports/{info.id}/rejects"}
    if info.kind == "recommend_all" and info.status is JobStatus.FINISHED:
        return {"recommendations": f"/recommendations/batch/{info.id}"}
    if info.kind == "allocate" and info.status is JobStatus.FINISHED and info.result:
        return {"plan": f"/plans/{info.result['plan_id']}"}
    return {}


class BatchIn(BaseModel):
    top: int = Field(10, ge=1, le=50, description="每人推荐的岗位数（1–50）")


@router.post(
    "/imports/ledger",
    summary="上传台账并导入",
    description=f"上传搬迁劳动力台账（.xlsx / .xls / .csv，不超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB），"
    "在后台导入，立即返回任务；用 /jobs/{id} 查看进度和结果，完成后可下载导入报告和未导入的行。"
    "同一个文件重复上传只导入一次（返回同一个任务）。劳务经纪人/安置点工作人员只能导入所负责安置点的人员，"
    "其他安置点的行记为问题“不属于您负责的安置点”，不导入。",
    status_code=202,
    response_model=JobOut,
)
def import_ledger(
    file: Annotated[UploadFile, File(description="台账文件")],
    scope: Staff,
    queue: Queue,
    settings: Config,
) -> JobOut:
    if not file.filename:
        raise InvalidInput("请选择要上传的台账文件。")
    return JobOut.of(submit_ledger_import(queue, settings, scope, file.file, file.filename))


@router.post(
    "/model/retrain",
    summary="重新训练排序模型",
    description="用已记录的推荐结果在后台训练新版本的排序模型（预测上岗并稳定就业 3 个月以上的概率）。"
    "已知结果太少时任务失败并说明原因，系统继续按加权评分排序。仅管理员。",
    status_code=202,
    response_model=JobOut,
)
def retrain(scope: Admin, queue: Queue) -> JobOut:
    return JobOut.of(submit_retrain(queue, scope))


@router.post(
    "/recommendations/batch",
    summary="批量推荐岗位",
    description="在后台为可推荐的劳动力各推荐若干岗位（经纪人：所负责安置点的劳动力；管理员：所辖范围），"
    "完成后下载结果文件（每行一人的 JSON）。",
    status_code=202,
    response_model=JobOut,
)
def recommend_batch(body: BatchIn, scope: Staff, queue: Queue) -> JobOut:
    return JobOut.of(submit_batch(queue, scope, body.top))


@router.get(
    "/recommendations/batch/{job_id}",
    summary="下载批量推荐结果",
    description="批量推荐任务完成后的结果文件（JSON Lines：每行一位劳动力及其推荐岗位）。",
    response_class=FileResponse,
)
def batch_file(job_id: JobId, scope: Staff, queue: Queue, settings: Config) -> FileResponse:
    path = job_file(queue, settings, scope, job_id, "recommendations")
    return FileResponse(path, media_type="application/x-ndjson", filename="批量推荐.jsonl")


@router.get(
    "/jobs/{job_id}",
    summary="查看任务状态和结果",
    description="任务的状态（排队中、运行中、已完成、失败）、结果或失败原因。只有提交任务的账号和管理员可以查看。",
    response_model=JobOut,
)
def get_job(job_id: JobId, scope: Anyone, queue: Queue) -> JobOut:
    return JobOut.of(visible_job(queue, scope, job_id))


@router.post(
    "/jobs/{job_id}/retry",
    summary="重试失败的任务",
    description="把失败的任务重新排队运行（例如改正数据或补足训练数据之后）。只能重试失败的任务。",
    status_code=202,
    response_model=JobOut,
)
def retry(job_id: JobId, scope: Anyone, queue: Queue) -> JobOut:
    return JobOut.of(retry_job(queue, scope, job_id))


@router.get(
    "/imports/{job_id}/report",
    summary="下载导入报告",
    description="导入任务的报告（JSON）：各工作表识别的列、计数，以及每个问题所在的工作表、行、列和原因。",
    response_class=FileResponse,
)
def import_report(job_id: JobId, scope: Staff, queue: Queue, settings: Config) -> FileResponse:
    path = job_file(queue, settings, scope, job_id, "report")
    return FileResponse(path, media_type="application/json", filename="导入报告.json")


@router.get(
    "/imports/{job_id}/rejects",
    summary="下载未导入的行",
    description="导入任务中未导入的行（.xlsx，保持原样，第一列为原因），改正后可重新上传导入。",
    response_class=FileResponse,
)
def import_rejects(job_id: JobId, scope: Staff, queue: Queue, settings: Config) -> FileResponse:
    path = job_file(queue, settings, scope, job_id, "rejects")
    return FileResponse(path, media_type=_XLSX, filename="未导入的行.xlsx")
