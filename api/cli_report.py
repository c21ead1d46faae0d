"""``anye report ...``: the figures and lists of ``/reports``, printed as tables or written as the same
workbooks (``--xlsx``), for a site (``--site NAME``), a county (``--county ADCODE``) or the whole city."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from api.figures import Area, city_scope, period_of
from api.figures_lists import DEFAULT_RELIEF_DAYS, DEFAULT_TERM_WINDOW
from api.figures_tables import FIGURES, LISTS, Options, build_report
from api.figures_terms import Cell, Column, Report
from api.report_export import write_report
from api.settings import load_settings
from models.db import build_engine, build_session_factory
from models.errors import AnyeError

__all__ = ["format_cell", "report_app", "run_report"]

report_app = typer.Typer(
    help="统计报表与工作清单（四率、漏斗、留存、户覆盖率、公益性岗位、清单）。", no_args_is_help=True
)
console = Console(width=200)
err = Console(stderr=True)

Site = Annotated[str | None, typer.Option("--site", help="安置点名称（或编号）")]
County = Annotated[str | None, typer.Option("--county", help="县（区）行政区划代码，如 140902")]
Start = Annotated[str | None, typer.Option("--start", help="统计期开始日 YYYY-MM-DD（默认截至日前一年）")]
End = Annotated[str | None, typer.Option("--end", help="截至日 YYYY-MM-DD（默认今天）")]
Xlsx = Annotated[Path | None, typer.Option("--xlsx", help="写成 Excel 工作簿（.xlsx）", dir_okay=False)]
AsJson = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]


def format_cell(column: Column, value: Cell) -> str:
    """A value as the command prints it: shares as percentages with one decimal."""
    if value is None:
        return "-"
    if column.kind == "rate" and isinstance(value, int | float):
        return f"{value:.1%}"
    return str(value)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        err.print(f"[red]日期格式应为 YYYY-MM-DD：{text}[/red]")
        raise typer.Exit(2) from None


def run_report(
    kind: str, site: str | None, county: str | None, start: str | None, end: str | None, options: Options | None = None
) -> Report:
    """The report ``kind`` from the database of the settings, for the whole city's operator."""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            period = period_of(_date(start), _date(end), dt.date.today())
            return build_report(session, city_scope(), kind, Area(site=site, county=county), period, options)
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


def _emit(report: Report, xlsx: Path | None, as_json: bool) -> None:
    if xlsx is not None:
        write_report(report, xlsx)
        console.print(f"已写入 {xlsx}")
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json", exclude={"definitions"}), ensure_ascii=False))
        return
    for table in report.tables:
        rich = RichTable(title=f"{report.area}{table.title}（{report.start} 至 {report.end}）")
        for column in table.columns:
            rich.add_column(column.header, justify="left" if column.kind == "text" else "right")
        for row in table.rows:
            rich.add_row(*(format_cell(c, row.get(c.key)) for c in table.columns))
        console.print(rich)


def _figure(kind: str) -> None:
    title = FIGURES[kind][0]

    def command(
        site: Site = None,
        county: County = None,
        start: Start = None,
        end: End = None,
        xlsx: Xlsx = None,
        as_json: AsJson = False,
    ) -> None:
        _emit(run_report(kind, site, county, start, end), xlsx, as_json)

    command.__doc__ = f"{title}：按安置点、县（区）和合计分列。"
    report_app.command(kind)(command)


for _kind in FIGURES:
    _figure(_kind)


@report_app.command("lists")
def lists(
    name: Annotated[str, typer.Argument(help="清单：" + "、".join(f"{k} {v[0]}" for k, v in LISTS.items()))],
    site: Site = None,
    county: County = None,
    start: Start = None,
    end: End = None,
    days: Annotated[int, typer.Option(help="失业救助清单：连续未就业天数", min=1)] = DEFAULT_RELIEF_DAYS,
    within: Annotated[int, typer.Option(help="公益性岗位到期清单：多少天内到期", min=0)] = DEFAULT_TERM_WINDOW,
    xlsx: Xlsx = None,
    as_json: AsJson = False,
) -> None:
    """工作清单：零就业家庭、培训缺口、失业救助对象、公益性岗位到期（身份证号、电话已脱敏）。"""
    if name not in LISTS:
        err.print(f"[red]没有名为“{name}”的清单。可用：{'、'.join(LISTS)}。[/red]")
        raise typer.Exit(2)
    _emit(run_report(name, site, county, start, end, Options(days=days, within=within)), xlsx, as_json)
