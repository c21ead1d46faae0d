"""The ``anye`` command line: database, ledger import and export, openings (``api.cli_postings``), the demo
city, the server."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.cli_allocate import allocate
from api.cli_import import import_one, write_outputs
from api.cli_matcher import candidates, evaluate, recommend, train
from api.cli_postings import ingest_ads, ingest_employers, ingest_postings, parse_posting_cmd, postings_app
from api.cli_report import report_app
from api.cli_simulate import simulate_cmd
from api.cli_tracking import ingest_placements
from api.cli_users import users_app
from api.cli_worker import worker
from api.settings import Settings, load_settings
from ingest.ledger import FileReport, LedgerImport
from ingest.ledger_export import export_ledger
from ingest.sites import load_sites
from models.audit import Actor
from models.db import build_engine, build_session_factory, session_scope
from models.errors import AnyeError
from models.migrate import upgrade
from models.repository import LedgerRepository
from models.taxonomy import default_taxonomy

app = typer.Typer(help="安业 Anye：易地扶贫搬迁劳动力就业帮扶。", no_args_is_help=True)
db_app = typer.Typer(help="数据库。", no_args_is_help=True)
ingest_app = typer.Typer(help="导入数据。", no_args_is_help=True)
export_app = typer.Typer(help="导出数据。", no_args_is_help=True)
demo_app = typer.Typer(help="演示城市（合成数据）。", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
app.add_typer(export_app, name="export")
app.add_typer(demo_app, name="demo")
app.add_typer(postings_app, name="postings")
app.add_typer(users_app, name="users")
app.add_typer(report_app, name="report")
ingest_app.command("employers")(ingest_employers)
ingest_app.command("postings")(ingest_postings)
ingest_app.command("ads")(ingest_ads)
ingest_app.command("placements")(ingest_placements)
app.command("parse-posting")(parse_posting_cmd)
app.command("candidates")(candidates)
app.command("recommend")(recommend)
app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("worker")(worker)
app.command("allocate")(allocate)
app.command("simulate")(simulate_cmd)
console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    return load_settings()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到最新（Alembic 迁移）。"""
    settings = _settings()
    engine = build_engine(settings.db_url)
    upgrade(engine)
    console.print(f"数据库已是最新结构：{engine.url.render_as_string(hide_password=True)}")
    engine.dispose()


@ingest_app.command("ledger")
def ingest_ledger(
    files: Annotated[list[Path], typer.Argument(help="台账文件（.xlsx / .xls / .csv）", exists=True, dir_okay=False)],
    report: Annotated[Path | None, typer.Option(help="把导入报告写成 JSON")] = None,
    rejects: Annotated[Path | None, typer.Option(help="把未导入的行写成 .xlsx，改正后可重新导入")] = None,
    site: Annotated[str | None, typer.Option(help="表中和标题中都没写安置点时使用的安置点名称")] = None,
    as_of: Annotated[str | None, typer.Option(help="台账日期 YYYY-MM-DD（默认取标题中的填报日期）")] = None,
) -> None:
    """导入搬迁劳动力台账：每个文件单独成事务，重复导入不会重复记录。"""
    settings = _settings()
    engine = build_engine(settings.db_url)
    sessions = build_session_factory(engine)
    reports: list[FileReport] = []
    when = dt.date.fromisoformat(as_of) if as_of else None
    with _progress() as bar, sessions() as session:
        task = bar.add_task("导入", total=None)
        importer = LedgerImport(
            session,
            settings.cipher,
            default_taxonomy(),
            actor=getpass.getuser(),
            default_site=site,
            as_of=when,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
        try:
            for path in files:
                bar.update(task, description=path.name, completed=0, total=None)
                reports.append(import_one(importer, session, path))
        finally:
            # also after Ctrl-C: what was committed is reported
            engine.dispose()
            _print_reports(reports)
            write_outputs(reports, report, rejects)
    if any(r.error for r in reports):
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _print_reports(reports: list[FileReport]) -> None:
    table = Table(title="台账导入结果")
    for col in ("文件", "行数", "新增", "更新", "未变", "较旧未用", "重复", "未导入", "问题"):
        table.add_column(col, justify="right" if col != "文件" else "left")
    for r in reports:
        c = r.counts
        if r.error:
            table.add_row(r.file, "-", "-", "-", "-", "-", "-", "-", f"[red]{r.error}[/red]")
            continue
        table.add_row(
            r.file,
            *(
                str(c.get(k, 0))
                for k in ("rows", "created", "updated", "unchanged", "stale", "duplicates", "rejected", "problems")
            ),
        )
    console.print(table)


@ingest_app.command("sites")
def ingest_sites(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """导入安置点（CSV：name, county_adcode, longitude, latitude, address）。"""
    settings = _settings()
    engine = build_engine(settings.db_url)
    with session_scope(build_session_factory(engine)) as session:
        created, updated = load_sites(session, path)
    console.print(f"安置点：新增 {created}，更新 {updated}。")
    engine.dispose()


@export_app.command("ledger")
def export_ledger_cmd(
    path: Annotated[Path, typer.Argument(help="输出的 .xlsx 文件")],
    site: Annotated[str | None, typer.Option(help="只导出这个安置点")] = None,
    full_ids: Annotated[
        bool, typer.Option("--full-ids", help="导出完整身份证号和电话（仅管理员，须写明用途）")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="导出完整信息的用途，记入审计日志")] = None,
    actor: Annotated[str | None, typer.Option(help="操作人（默认当前系统用户）")] = None,
    role: Annotated[str, typer.Option(help="操作人角色：admin / broker")] = "broker",
) -> None:
    """按县级报送格式导出台账（默认身份证号、电话脱敏）。"""
    settings = _settings()
    engine = build_engine(settings.db_url)
    system_user = getpass.getuser()
    # the name given is recorded beside the system account that ran the command
    who = Actor(f"{actor}（系统用户 {system_user}）" if actor and actor != system_user else system_user, role)
    try:
        with session_scope(build_session_factory(engine)) as session:
            n = export_ledger(session, settings.cipher, path, actor=who, site=site, full_ids=full_ids, reason=reason)
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    console.print(f"已导出 {n} 人：{path}（已记入审计日志）")
    engine.dispose()


@demo_app.command("generate")
def demo_generate(
    out: Annotated[Path, typer.Argument(help="输出目录")],
    scale: Annotated[str, typer.Option(help="full（忻州市规模）或 small（约2000人）")] = "full",
    seed: Annotated[int, typer.Option(help="随机种子（同一种子生成同样的数据）")] = 20261128,
) -> None:
    """生成演示城市：安置点、各种格式的台账工作簿，以及故意埋入的错误清单（answer_key.json）。"""
    from ingest.demo import generate_city

    summary = generate_city(out, scale=scale, seed=seed)
    console.print(summary)


@demo_app.command("load")
def demo_load(
    scale: Annotated[str, typer.Option(help="full 或 small")] = "small",
    if_empty: Annotated[bool, typer.Option("--if-empty", help="数据库里已有人员时什么也不做")] = False,
    seed: Annotated[int, typer.Option()] = 20261128,
) -> None:
    """生成演示城市并导入数据库，生成历史推荐记录并训练排序模型（make run 使用）。"""
    from ingest.demo import generate_city
    from ingest.demo.load import backdate_ledger, ledger_sets

    settings = _settings()
    engine = build_engine(settings.db_url)
    sessions = build_session_factory(engine)
    with sessions() as session:
        if if_empty and LedgerRepository(session).count_workers() > 0:
            console.print("数据库中已有人员数据，跳过演示数据导入。")
            return
    out = settings.var_dir / "demo" / scale
    generate_city(out, scale=scale, seed=seed)
    with session_scope(sessions) as session:
        load_sites(session, out / "sites.csv")
    for as_of, files in ledger_sets(out):  # the earlier yearly snapshots oldest first, then the current ledgers
        name = "" if as_of is None else f"_{as_of:%Y-%m}"
        report, rejects = out / f"import_report{name}.json", out / f"rejects{name}.xlsx"
        ingest_ledger(files, report=report, rejects=rejects, site=None, as_of=None)
        if as_of is not None:
            with session_scope(sessions) as session:
                backdate_ledger(session, as_of)
    ingest_employers([out / "employers.csv"], report=out / "employers_report.json")
    postings = out / "postings_report.json"
    ingest_postings([out / "postings.xlsx"], report=postings, rejects=out / "postings_rejects.xlsx", drafts=False)
    ingest_ads(out / "ads.jsonl", open_sure=True)
    demo_history(seed=seed)
    try:
        train()  # the demo ranks with a model trained on its history
    except typer.Exit:
        err.print("[yellow]未能训练排序模型，推荐将按加权评分排序。[/yellow]")
    engine.dispose()


@demo_app.command("history")
def demo_history(seed: Annotated[int, typer.Option()] = 20261128) -> None:
    """为演示城市生成过去三年的推荐、上岗和留存记录（排序模型的训练数据）。"""
    from ingest.demo.history import generate_history

    settings = _settings()
    engine = build_engine(settings.db_url)
    try:
        with session_scope(build_session_factory(engine)) as session:
            summary = generate_history(session, seed=seed, today=dt.date.today())
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(summary.message)


@app.command("serve")
def serve(port: Annotated[int | None, typer.Option(help="端口（默认 ANYE_PORT 或 8000）")] = None) -> None:
    """启动网页服务（http://127.0.0.1:8000，接口文档在 /docs）。"""
    import uvicorn

    uvicorn.run("api.app:app", host="127.0.0.1", port=port or _settings().port)


if __name__ == "__main__":
    app()
