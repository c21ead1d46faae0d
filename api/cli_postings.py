"""The ``anye`` commands of openings: import postings and ads, parse an ad, move postings through their life."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli_import import import_one, write_outputs
from api.settings import load_settings
from ingest.ledger import FileReport
from ingest.posting_cell import parse_employer_kind
from ingest.posting_form import EmployerForm
from ingest.posting_import import EmployerImport, PostingImport
from ingest.posting_parser import parse_posting, parse_posting_lines
from ingest.posting_service import PostingService
from models.db import build_engine, build_session_factory, session_scope
from models.errors import AnyeError
from models.posting import missing_for_opening, pay_text
from models.posting_repository import PostingRepository
from models.taxonomy import default_taxonomy
from models.vocab import EmployerKind, PostingStatus

__all__ = ["ingest_ads", "ingest_employers", "ingest_postings", "parse_posting_cmd", "postings_app"]

postings_app = typer.Typer(help="招聘岗位。", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def ingest_postings(
    files: Annotated[list[Path], typer.Argument(help="岗位表（.xlsx / .xls / .csv）", exists=True, dir_okay=False)],
    report: Annotated[Path | None, typer.Option(help="把导入报告写成 JSON")] = None,
    rejects: Annotated[Path | None, typer.Option(help="把未导入的行写成 .xlsx，改正后可重新导入")] = None,
    drafts: Annotated[bool, typer.Option("--drafts", help="全部存为草稿，不直接发布")] = False,
) -> None:
    """导入岗位表：每行一个岗位；同一岗位重复导入或略有改动时更新原岗位，不重复建岗。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    reports: list[FileReport] = []
    with build_session_factory(engine)() as session:
        importer = PostingImport(session, default_taxonomy(), actor=getpass.getuser(), open_complete=not drafts)
        try:
            for path in files:
                reports.append(import_one(importer, session, path))
        finally:
            engine.dispose()
            _print_reports(reports)
            write_outputs(reports, report, rejects)
    if any(r.error for r in reports):
        raise typer.Exit(1)


def ingest_employers(
    files: Annotated[list[Path], typer.Argument(help="单位名录（.xlsx / .xls / .csv）", exists=True, dir_okay=False)],
    report: Annotated[Path | None, typer.Option(help="把导入报告写成 JSON")] = None,
) -> None:
    """导入用人单位名录：新单位登记，已登记的单位补全地址、联系人等信息。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    reports: list[FileReport] = []
    with build_session_factory(engine)() as session:
        importer = EmployerImport(session, default_taxonomy(), actor=getpass.getuser())
        try:
            for path in files:
                reports.append(import_one(importer, session, path))
        finally:
            engine.dispose()
            _print_reports(reports, "单位名录导入结果", ("rows", "created", "updated", "rejected", "problems"))
            write_outputs(reports, report, None)
    if any(r.error for r in reports):
        raise typer.Exit(1)


_COLUMN_NAMES = {
    "rows": "行数",
    "created": "新增",
    "updated": "更新",
    "opened": "已发布",
    "drafts": "草稿",
    "rejected": "未导入",
    "problems": "问题",
}


def _print_reports(
    reports: list[FileReport],
    title: str = "岗位导入结果",
    keys: tuple[str, ...] = ("rows", "created", "updated", "opened", "drafts", "rejected", "problems"),
) -> None:
    table = Table(title=title)
    table.add_column("文件")
    for key in keys:
        table.add_column(_COLUMN_NAMES[key], justify="right")
    for r in reports:
        if r.error:
            table.add_row(r.file, *("-" for _ in keys[:-1]), f"[red]{r.error}[/red]")
        else:
            table.add_row(r.file, *(str(r.counts.get(k, 0)) for k in keys))
    console.print(table)


def ingest_ads(
    path: Annotated[Path, typer.Argument(help='每行一条 JSON：{"id", "employer", "text"}', exists=True)],
    open_sure: Annotated[bool, typer.Option("--open-sure", help="解析结果完整且没有存疑字段的草稿直接发布")] = False,
) -> None:
    """把粘贴的招聘广告（文字）存为岗位草稿，记下每个字段读自原文哪一处，存疑字段待人工确认。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    created = opened = bad = 0
    today = dt.date.today()
    with session_scope(build_session_factory(engine)) as session:
        service = PostingService(session, default_taxonomy())
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                name, text = str(item["employer"]).strip(), str(item["text"])
            except (ValueError, KeyError, TypeError):
                err.print(f'[yellow]第 {n} 行不是 {{"employer", "text"}} 格式的 JSON，已跳过。[/yellow]')
                bad += 1
                continue
            kind = parse_employer_kind(None, name).value or EmployerKind.ENTERPRISE.value
            employer, _ = service.employer_for(EmployerForm(name=name, kind=EmployerKind.of(kind)))
            for draft in service.drafts_from_ad(employer.id, text):
                created += 1
                if open_sure and not draft.unsure and not missing_for_opening(draft):
                    service.change_status(draft.id, PostingStatus.OPEN, today=today)
                    opened += 1
    engine.dispose()
    console.print(f"广告：新建草稿 {created} 个，其中直接发布 {opened} 个；无法读取的行 {bad} 行。")


def parse_posting_cmd(
    text: Annotated[str | None, typer.Argument(help="招聘广告原文（省略时从标准输入读取）")] = None,
    jsonl: Annotated[
        Path | None, typer.Option(help='逐行读取 {"id", "text"}，每行输出一个 JSON；用 - 表示标准输入')
    ] = None,
) -> None:
    """解析一条招聘广告，输出结构化字段（JSON），含每个字段的原文出处和存疑字段。"""
    taxonomy = default_taxonomy()
    if jsonl is not None:
        source = sys.stdin if str(jsonl) == "-" else jsonl.open(encoding="utf-8")
        with source:
            for result in parse_posting_lines(source, taxonomy):
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    body = text if text is not None else sys.stdin.read()
    sys.stdout.write(json.dumps(parse_posting(body, taxonomy).as_json(), ensure_ascii=False, indent=2) + "\n")


@postings_app.command("list")
def postings_list(
    status: Annotated[list[str] | None, typer.Option(help="状态：draft/open/paused/filled/closed/expired")] = None,
    limit: Annotated[int, typer.Option(help="最多显示多少条")] = 50,
) -> None:
    """列出岗位。"""
    engine = build_engine(load_settings().db_url)
    with build_session_factory(engine)() as session:
        repo = PostingRepository(session)
        table = Table(title="招聘岗位")
        for col in ("编号", "岗位", "人数", "已录用", "薪资", "状态", "存疑字段"):
            table.add_column(col)
        for p in repo.list_postings(status=status or (), limit=limit):
            table.add_row(
                str(p.id),
                p.title,
                str(p.headcount or "若干"),
                str(p.filled_count),
                pay_text(p.pay_min, p.pay_max, p.pay_period),
                PostingStatus.of(p.status).zh,
                "、".join(p.unsure or []),
            )
        console.print(table)
    engine.dispose()


def _change(posting_id: int, to: PostingStatus) -> None:
    engine = build_engine(load_settings().db_url)
    try:
        with session_scope(build_session_factory(engine)) as session:
            posting = PostingService(session, default_taxonomy()).change_status(posting_id, to, today=dt.date.today())
            console.print(f"岗位 {posting.id}（{posting.title}）：{PostingStatus.of(posting.status).zh}")
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


@postings_app.command("open")
def postings_open(posting_id: Annotated[int, typer.Argument(help="岗位编号")]) -> None:
    """发布岗位（草稿须补全岗位名称、招聘人数和薪资）。"""
    _change(posting_id, PostingStatus.OPEN)


@postings_app.command("pause")
def postings_pause(posting_id: Annotated[int, typer.Argument(help="岗位编号")]) -> None:
    """暂停招聘。"""
    _change(posting_id, PostingStatus.PAUSED)


@postings_app.command("close")
def postings_close(posting_id: Annotated[int, typer.Argument(help="岗位编号")]) -> None:
    """关闭岗位（不可恢复）。"""
    _change(posting_id, PostingStatus.CLOSED)


@postings_app.command("expire")
def postings_expire() -> None:
    """把已过截止日期的岗位标记为已过期（可每天定时运行）。"""
    engine = build_engine(load_settings().db_url)
    with session_scope(build_session_factory(engine)) as session:
        n = PostingService(session, default_taxonomy()).expire_due(dt.date.today())
    engine.dispose()
    console.print(f"已过期岗位：{n} 个。")
