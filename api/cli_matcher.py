"""The ``anye`` commands of the matching engine: candidates, recommendations, training and evaluation."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings, load_settings
from matcher.load import day
from matcher.search import Matcher, Proposal
from matcher.service import build_matcher, evaluate_model, train_model
from matcher.tokenizer import Tokenizer
from models.db import build_engine, build_session_factory
from models.errors import AnyeError
from models.taxonomy import default_taxonomy

__all__ = ["candidates", "evaluate", "recommend", "train"]

console = Console()
err = Console(stderr=True)


def _models_dir(settings: Settings) -> Path:
    return settings.var_dir / "models"


def _matcher(settings: Settings, today: dt.date) -> Matcher:
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            return build_matcher(
                session, Tokenizer().tokens, default_taxonomy(), today=today, models_dir=_models_dir(settings)
            )
    finally:
        engine.dispose()


def _as_dict(p: Proposal) -> dict[str, Any]:
    return p._asdict()


def _print(items: list[Proposal], title: str, side: str) -> None:
    table = Table(title=title)
    for col in (side, "得分", "稳定就业概率", "符合条件", "理由 / 不符合的条件"):
        table.add_column(col)
    for p in items:
        why = "；".join(p.reasons) if p.eligible else "；".join(p.failed)
        probability = "-" if p.probability is None else f"{p.probability:.0%}"
        table.add_row(str(p.id), f"{p.score:.3f}", probability, "是" if p.eligible else "否", why)
    console.print(table)


def candidates(
    posting: Annotated[int, typer.Option("--posting", help="岗位编号")],
    top: Annotated[int, typer.Option(help="推荐人数")] = 50,
    near_misses: Annotated[int, typer.Option(help="另列出只差一项条件的人数")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """为岗位推荐候选人：符合条件的人按稳定就业的可能性排序，并说明理由。"""
    settings = load_settings()
    today = dt.date.today()
    try:
        items = _matcher(settings, today).candidates(posting, today=day(today), top=top, near_misses=near_misses)
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps([_as_dict(p) for p in items], ensure_ascii=False, indent=2) + "\n")
    else:
        _print(items, f"岗位 {posting} 的候选人", "劳动力编号")


def recommend(
    worker: Annotated[int | None, typer.Option("--worker", help="劳动力编号")] = None,
    all_workers: Annotated[bool, typer.Option("--all", help="为所有可推荐的劳动力各推荐岗位（批量）")] = False,
    top: Annotated[int, typer.Option(help="推荐岗位数")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="每人一行 JSON（与 --all 同用）")] = False,
) -> None:
    """为劳动力推荐岗位；--all --jsonl 为每位可推荐的劳动力输出一行。"""
    if (worker is None) == (not all_workers):
        err.print("[red]请指定 --worker 编号，或使用 --all。[/red]")
        raise typer.Exit(2)
    settings = load_settings()
    today = dt.date.today()
    matcher = _matcher(settings, today)
    if all_workers:
        _recommend_all(matcher, today, top)
        return
    assert worker is not None
    try:
        items = matcher.recommend(worker, today=day(today), top=top)
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    if as_json or jsonl:
        sys.stdout.write(json.dumps([_as_dict(p) for p in items], ensure_ascii=False, indent=2) + "\n")
    else:
        _print(items, f"劳动力 {worker} 的推荐岗位", "岗位编号")


def _recommend_all(matcher: Matcher, today: dt.date, top: int) -> None:
    workers = matcher.workers
    assert workers is not None
    live = matcher.worker_text.live
    for row in range(len(workers)):
        if not (live[row] and workers.available[row]):
            continue
        worker_id = int(workers.worker_id[row])
        items = matcher.recommend(worker_id, today=day(today), top=top)
        line = {"worker_id": worker_id, "recommendations": [_as_dict(p) for p in items]}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


def train() -> None:
    """用已记录的推荐结果训练排序模型（预测上岗并稳定就业3个月以上的概率），存为新版本。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            folder, meta = train_model(
                session, Tokenizer().tokens, today=dt.date.today(), models_dir=_models_dir(settings)
            )
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(f"模型 {meta.version}：训练样本 {meta.n_train} 条（稳定就业 {meta.n_positive} 条），保存在 {folder}")
    console.print(f"按时间留出的检验：{json.dumps(meta.metrics, ensure_ascii=False)}")


def evaluate(
    split: Annotated[str | None, typer.Option(help="划分日期 YYYY-MM-DD（默认：推荐记录的前75%之后）")] = None,
) -> None:
    """按时间划分推荐记录，比较排序模型、加权评分与关键词基线（BM25）的 AUC、NDCG@10 和 recall@10。"""
    settings = load_settings()
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            when = dt.date.fromisoformat(split) if split else None
            result = evaluate_model(session, Tokenizer().tokens, today=dt.date.today(), split=when)
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    counts = f"训练 {result.n_train} 条，检验 {result.n_test} 条（稳定就业 {result.positives_test} 条）"
    table = Table(title=f"时间划分 {result.split}：{counts}")
    metrics = list(next(iter(result.rows.values())))
    table.add_column("方法")
    for m in metrics:
        table.add_column(m, justify="right")
    labels = {"model": "排序模型 (HireModel)", "weighted": "加权评分", "bm25": "关键词基线 (BM25)"}
    for method, values in result.rows.items():
        table.add_row(labels.get(method, method), *(f"{values[m]:.4f}" for m in metrics))
    console.print(table)
    model = result.rows["model"]
    beaten = all(model[m] > result.rows["bm25"][m] for m in metrics)
    console.print(
        "排序模型在每项指标上都优于关键词基线。"
        if beaten
        else "[yellow]排序模型并非每项指标都优于关键词基线。[/yellow]"
    )
