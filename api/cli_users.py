"""``anye users``: accounts from the command line, above all the first administrator. No default passwords."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.accounts import create_account
from api.settings import load_settings
from models.account_repository import AccountRepository
from models.db import build_engine, build_session_factory, session_scope
from models.errors import AnyeError, InvalidInput
from models.password import check_policy
from models.vocab import Role, label

__all__ = ["users_app"]

users_app = typer.Typer(help="账号。", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@users_app.command("create")
def create(
    username: Annotated[str, typer.Option(help="用户名（登录用）")],
    role: Annotated[Role, typer.Option(help="角色：admin / broker / employer / worker")],
    display_name: Annotated[str | None, typer.Option(help="显示的姓名（默认同用户名）")] = None,
    site: Annotated[list[int] | None, typer.Option(help="经纪人服务的安置点编号，可重复")] = None,
    county: Annotated[list[str] | None, typer.Option(help="管理员所辖县（区）代码，可重复；不填为全市")] = None,
    employer: Annotated[int | None, typer.Option(help="用人单位账号所属单位编号")] = None,
    worker: Annotated[int | None, typer.Option(help="搬迁劳动力账号对应的人员编号")] = None,
) -> None:
    """新建账号：密码输入两次（不回显），不符合要求时说明原因。"""
    password = _ask_password(username)
    settings = load_settings()
    engine = build_engine(settings.db_url)
    try:
        with session_scope(build_session_factory(engine)) as session:
            account = create_account(
                session,
                settings.cipher,
                username=username,
                role=role,
                display_name=display_name,
                password=password,
                site_ids=site or (),
                county_adcodes=county or (),
                employer_id=employer,
                worker_id=worker,
            )
            name = account.username
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(f"已创建账号：{name}（{role.zh}）")


def _ask_password(username: str) -> str:
    password: str = typer.prompt("密码", hide_input=True)
    try:
        check_policy(password, username)
    except InvalidInput as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    again: str = typer.prompt("再次输入密码", hide_input=True)
    if again != password:
        err.print("[red]两次输入的密码不一致，未创建账号。[/red]")
        raise typer.Exit(2)
    return password


@users_app.command("list")
def list_users(role: Annotated[Role | None, typer.Option(help="只列出这个角色")] = None) -> None:
    """列出账号（手机号脱敏）。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    table = Table(title="账号")
    for col in ("用户名", "姓名", "角色", "手机", "状态", "最近登录"):
        table.add_column(col)
    with session_scope(build_session_factory(engine)) as session:
        for a in AccountRepository(session).list_accounts(role.value if role else None):
            last = a.last_login_at.strftime("%Y-%m-%d %H:%M") if a.last_login_at else "-"
            state = "启用" if a.active else "停用"
            table.add_row(a.username, a.display_name, label(a.role, Role), a.phone_mask or "-", state, last)
    engine.dispose()
    console.print(table)
