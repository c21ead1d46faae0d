"""Figures and lists (统计报表与工作清单) of the sites an account may see, as JSON and as Excel workbooks.

Administrators see their counties or the whole city, brokers their own sites; a site or county outside the
account's scope answers 404 like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import get_session, require_roles
from api.figures import Area, Period, period_of
from api.figures_lists import DEFAULT_RELIEF_DAYS, DEFAULT_TERM_WINDOW
from api.figures_tables import FIGURES, LISTS, Options, build_report
from api.figures_terms import Report
from api.report_export import report_bytes
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(prefix="/reports", tags=["统计报表"])

StaffScope = Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))]
SessionDep = Annotated[Session, Depends(get_session)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def area_query(
    site: Annotated[str | None, Query(description="安置点编号或名称")] = None,
    county: Annotated[str | None, Query(description="县（区）行政区划代码，如 140902")] = None,
) -> Area:
    return Area(site=site, county=county)


def period_query(
    start: Annotated[dt.date | None, Query(description="统计期开始日 YYYY-MM-DD（默认截至日前一年）")] = None,
    end: Annotated[dt.date | None, Query(description="统计期截至日 YYYY-MM-DD（默认今天）")] = None,
) -> Period:
    return period_of(start, end, dt.date.today())


def options_query(
    days: Annotated[int, Query(ge=1, le=3650, description="失业救助清单：连续未就业天数")] = DEFAULT_RELIEF_DAYS,
    within: Annotated[int, Query(ge=0, le=3650, description="公益性岗位到期清单：多少天内到期")] = DEFAULT_TERM_WINDOW,
) -> Options:
    return Options(days=days, within=within)


AreaDep = Annotated[Area, Depends(area_query)]
PeriodDep = Annotated[Period, Depends(period_query)]
OptionsDep = Annotated[Options, Depends(options_query)]


def _workbook(report: Report, name: str) -> Response:
    filename = f"{report.title}_{report.end.isoformat()}.xlsx"
    disposition = f"attachment; filename=\"{name}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return Response(report_bytes(report), media_type=XLSX, headers={"Content-Disposition": disposition})


def _figure_json(kind: str) -> Callable[..., Report]:
    def figure(scope: StaffScope, session: SessionDep, area: AreaDep, period: PeriodDep) -> Report:
        return build_report(session, scope, kind, area, period)

    return figure


def _figure_xlsx(kind: str) -> Callable[..., Response]:
    def figure(scope: StaffScope, session: SessionDep, area: AreaDep, period: PeriodDep) -> Response:
        return _workbook(build_report(session, scope, kind, area, period), kind)

    return figure


_SCOPE_NOTE = "按安置点、县（区）和合计（全市）分列。管理员看到所辖县（区）或全市，劳务经纪人看到自己负责的安置点。"
for _kind, (_title, _) in FIGURES.items():
    router.add_api_route(
        f"/{_kind}.xlsx",
        _figure_xlsx(_kind),
        methods=["GET"],
        summary=f"{_title}（Excel 导出）",
        description=f"{_title}导出为 .xlsx：标题行、统计范围与统计期、中文表头，另附“指标说明”工作表。{_SCOPE_NOTE}",
        response_class=Response,
        responses={200: {"content": {XLSX: {}}}},
    )
    router.add_api_route(
        f"/{_kind}",
        _figure_json(_kind),
        methods=["GET"],
        summary=_title,
        description=f"{_title}，附各指标的口径说明。{_SCOPE_NOTE}",
        response_model=Report,
    )


@router.get(
    "/lists/{name}.xlsx",
    summary="工作清单（Excel 导出）",
    description="清单导出为 .xlsx。name：zero_employment 零就业家庭、training_gap 培训缺口、relief 失业救助对象、"
    "welfare_term 公益性岗位到期。身份证号、电话均已脱敏。",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def list_xlsx(
    name: str, scope: StaffScope, session: SessionDep, area: AreaDep, period: PeriodDep, options: OptionsDep
) -> Response:
    return _workbook(build_report(session, scope, _list_kind(name), area, period, options), name)


@router.get(
    "/lists/{name}",
    summary="工作清单",
    description="安置点工作人员据以行动的清单。name：zero_employment 零就业家庭（有劳动力无人就业）、training_gap "
    "培训缺口、relief 失业救助对象（days：连续未就业天数）、welfare_term 公益性岗位到期（within：天数）。"
    "按截至日统计，可按安置点、县（区）筛选。",
    response_model=Report,
)
def list_json(
    name: str, scope: StaffScope, session: SessionDep, area: AreaDep, period: PeriodDep, options: OptionsDep
) -> Report:
    return build_report(session, scope, _list_kind(name), area, period, options)


def _list_kind(name: str) -> str:
    """Only list names under /lists (a figure's name there is not a list)."""
    return name if name in LISTS else f"lists/{name}"
