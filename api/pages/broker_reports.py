"""Broker report pages (统计报表): a figure of the sites the account sees over a period, drawn as an SVG chart
beside its table, with the same workbook ``GET /reports/{kind}.xlsx`` gives. Match-day plans are in
``broker_plans``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.figures import Area, period_of
from api.figures_tables import FIGURES, build_report
from api.pages.broker import DB, Staff
from api.pages.chart import rate_chart
from api.pages.web import render
from api.report_export import report_bytes
from models.errors import InvalidInput

__all__ = ["router"]

router = APIRouter(prefix="/web/staff")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(raw: str, name: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}应为日期，如 2026-11-28。") from None


def _kind(raw: str) -> str:
    return raw if raw in FIGURES else "rates"


@router.get("/reports")
def reports(request: Request, scope: Staff, session: DB, kind: str = "rates", start: str = "",
            end: str = "") -> Response:  # fmt: skip
    """One figure (四率, 漏斗, 留存, 户覆盖率, 公益性岗位) as chart, tables and definitions."""
    values = {"kind": _kind(kind), "start": start, "end": end}
    errors: dict[str, str] = {}
    try:
        period = period_of(_date(start, "开始日期"), _date(end, "截至日期"), dt.date.today())
    except InvalidInput as exc:
        errors, period = {"start": exc.detail}, period_of(None, None, dt.date.today())
    report = build_report(session, scope, values["kind"], Area(), period)
    chart = rate_chart(report.tables[0], title=f"{report.title}（{report.start} 至 {report.end}）")
    kinds = [(k, title) for k, (title, _) in FIGURES.items()]
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    context = {"me": scope, "report": report, "chart": chart, "kinds": kinds, "values": values, "errors": errors,
               "download": f"/web/staff/reports/{values['kind']}.xlsx?{query}"}  # fmt: skip
    return render(request, "staff_reports.html", context, status=422 if errors else 200)


@router.get("/reports/{kind}.xlsx")
def workbook(kind: str, scope: Staff, session: DB, start: str = "", end: str = "") -> Response:
    """The figure as the workbook of ``GET /reports/{kind}.xlsx`` (Chinese headers, 指标说明 sheet)."""
    period = period_of(_date(start, "开始日期"), _date(end, "截至日期"), dt.date.today())
    report = build_report(session, scope, _kind(kind), Area(), period)
    filename = f"{report.title}_{report.end.isoformat()}.xlsx"
    disposition = f"attachment; filename=\"{_kind(kind)}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return Response(report_bytes(report), media_type=_XLSX, headers={"Content-Disposition": disposition})
