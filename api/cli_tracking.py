"""``anye ingest placements FILE``: past jobs (往期就业记录) from workbooks, as matches of source history."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli_import import import_one, write_outputs
from api.settings import load_settings
from ingest.ledger import FileReport
from ingest.placement_import import PlacementImport
from models.db import build_engine, build_session_factory
from models.taxonomy import default_taxonomy

__all__ = ["ingest_placements"]

console = Console()
_COLUMNS = {
    "rows": "行数",
    "created": "新增",
    "unchanged": "已有（未重复导入）",
    "rejected": "未导入",
    "problems": "问题",
}


def ingest_placements(
    files: Annotated[list[Path], typer.Argument(help="往期就业表（.xlsx / .xls / .csv）", exists=True, dir_okay=False)],
    report: Annotated[Path | None, typer.Option(help="把导入报告写成 JSON")] = None,
    rejects: Annotated[Path | None, typer.Option(help="把未导入的行写成 .xlsx，改正后可重新导入")] = None,
) -> None:
    """导入往期就业记录（身份证号、用人单位、岗位、入职和离职日期、月工资、离职原因）：每行记为一条历史撮合记录；
    同一文件重复导入不会重复记录。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    reports: list[FileReport] = []
    with build_session_factory(engine)() as session:
        importer = PlacementImport(session, settings.cipher, default_taxonomy(), actor=getpass.getuser())
        try:
            for path in files:
                reports.append(import_one(importer, session, path))
        finally:
            engine.dispose()
            _print(reports)
            write_outputs(reports, report, rejects)
    if any(r.error for r in reports):
        raise typer.Exit(1)


def _print(reports: list[FileReport]) -> None:
    table = Table(title="往期就业记录导入结果")
    table.add_column("文件")
    for label in _COLUMNS.values():
        table.add_column(label, justify="right")
    for r in reports:
        if r.error:
            table.add_row(r.file, *("-" for _ in list(_COLUMNS)[:-1]), f"[red]{r.error}[/red]")
        else:
            table.add_row(r.file, *(str(r.counts.get(k, 0)) for k in _COLUMNS))
    console.print(table)
