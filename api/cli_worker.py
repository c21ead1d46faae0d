"""``anye worker``: the process that runs background jobs (imports, retraining, batch recommendations)
from the Redis queue ``anye`` (``api.queue_redis``)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

from api.settings import load_settings
from models.errors import AnyeError

__all__ = ["worker"]

err = Console(stderr=True)

NO_REDIS = (
    "未设置 ANYE_REDIS_URL：后台任务进程需要 Redis 队列。"
    "不使用 Redis 时（嵌入模式），任务在网页服务进程内的后台线程中运行，无需启动 anye worker。"
)


def worker(
    burst: Annotated[bool, typer.Option("--burst", help="处理完队列中已有的任务后退出")] = False,
    queue: Annotated[str, typer.Option(help="队列名（测试时用，平时不必指定）")] = "anye",
) -> None:
    """运行后台任务进程：台账导入、重新训练排序模型、批量推荐（Redis 队列 anye）。"""
    settings = load_settings()
    if not settings.redis_url:
        err.print(f"[red]{NO_REDIS}[/red]")
        raise typer.Exit(2)
    from api.queue_redis import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        run_worker(settings.redis_url, burst=burst, name=queue)
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
