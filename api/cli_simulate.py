"""``anye simulate``: weeks of match days on the demo city for the plan, greedy ranking and keywords, as a table.

Without ``--database`` the demo city of ``--scale`` and ``--seed`` is built once into
``var/simulate/city2-<scale>-<seed>-<start>.sqlite3`` (with its yearly ledger snapshots and its history up to
``--start``) and reused after.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.figures_demo import build_demo_database
from api.settings import load_settings
from api.simulation import TARGET_COVERAGE, TARGET_RATIO, Simulation, simulate
from api.simulation_report import LABELS, PolicyFigures
from api.simulation_run import RunOptions
from api.simulation_world import load_world
from matcher.allocation import Limits
from matcher.tokenizer import Tokenizer
from models.db import build_engine, build_session_factory
from models.errors import AnyeError, InvalidInput
from models.taxonomy import default_taxonomy

__all__ = ["as_dict", "print_simulation", "simulate_cmd"]

console = Console()
err = Console(stderr=True)
_START = "2026-11-28"
_CITY_FORMAT = 2  # raised when the built city changes (2: with the yearly ledger snapshots), so none is reused
_WIDTH = 170  # the table's width when the output is not a terminal (a file, a pipe)
_HEADINGS = (
    "策略\npolicy",
    "推荐\nproposals",
    "上岗\nhires",
    "3个月在岗\nlasting 3 mo",
    "有人就业户\nhouseholds\ncovered",
    "名额允许\n时覆盖\nwhere places\nallow",
    "无人就业户\n新覆盖\nidle ones\nnewly covered",
    "计划触达\nplan reach",
    "人均推荐\nper worker",
    "最多\nmax",
    "基尼\nGini",
    "每名额推荐\nper place",
    "每百次推荐\n稳定就业\nlasting per\n100 proposals",
    "最多进行中\nmax open",
)


_WEIGHT = Limits().household_weight


def simulate_cmd(
    weeks: Annotated[int, typer.Option(help="模拟几周（每周一个撮合日）")] = 12,
    scale: Annotated[str, typer.Option(help="演示城市规模：small（约2000人）或 full（忻州市规模）")] = "small",
    seed: Annotated[int, typer.Option(help="随机种子：演示城市、历史和模拟抽样都由它决定")] = 20261128,
    per_place: Annotated[int, typer.Option("--per-place", help="每个空缺名额最多推荐几人（k）")] = 3,
    per_worker: Annotated[int, typer.Option("--per-worker", help="每人最多同时几条进行中的推荐（m）")] = 2,
    household_weight: Annotated[float, typer.Option(help="无人就业户的一个稳定就业按 1 + 权重 个计")] = _WEIGHT,
    region: Annotated[int | None, typer.Option(help="只模拟这个县（区）或市（6 位行政区划代码）")] = None,
    retrain_every: Annotated[int, typer.Option(help="每隔几周重新训练排序模型（0：不重新训练）")] = 4,
    start: Annotated[str, typer.Option(help="第一个撮合日 YYYY-MM-DD（演示历史截至这一天）")] = _START,
    database: Annotated[str | None, typer.Option(help="已导入演示城市的数据库 URL（默认自动生成 SQLite）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """模拟若干周的撮合日：统一计划、逐岗排序和关键词匹配三种做法从同一起点出发，比较上岗、稳定就业和家庭覆盖。"""
    try:
        on = dt.date.fromisoformat(start)
        limits = Limits(per_place, per_worker, household_weight)
        if weeks < 1 or scale not in ("small", "full"):
            raise InvalidInput("周数至少为 1，规模只能是 small 或 full，请改正后重试。")
        options = RunOptions(weeks, seed, limits, region, retrain_every)
        url = database or _cached_city(scale, seed, on)
        result = _run(url, options, on)
    except ValueError:
        err.print("[red]日期格式应为 YYYY-MM-DD，请改正后重试。[/red]")
        raise typer.Exit(2) from None
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(as_dict(result), ensure_ascii=False, indent=2) + "\n")
    else:
        print_simulation(result, console if console.is_terminal else Console(width=_WIDTH))


def _cached_city(scale: str, seed: int, on: dt.date) -> str:
    """The demo city's SQLite database under ``var/simulate``, built the first time (into a scratch file, then
    moved, so an interrupted build leaves nothing half made)."""
    folder = load_settings().var_dir / "simulate"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"city{_CITY_FORMAT}-{scale}-{seed}-{on.isoformat()}.sqlite3"
    if not path.exists():
        scratch = path.with_suffix(".building")
        scratch.unlink(missing_ok=True)
        err.print(f"正在生成演示城市（{scale}）及其历史：{path}")
        summary = build_demo_database(f"sqlite:///{scratch}", today=on, seed=seed, scale=scale)
        err.print(summary.message)
        Path(scratch).rename(path)
    return f"sqlite:///{path}"


def _run(url: str, options: RunOptions, on: dt.date) -> Simulation:
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            world = load_world(session, Tokenizer().tokens, default_taxonomy(), start=on, seed=options.seed)
    finally:
        engine.dispose()
    steps = {**LABELS, "truth": "真实概率参考（计划、逐岗排序）"}
    return simulate(world, options, progress=lambda step: err.print(f"模拟：{steps[step]}"))


def as_dict(result: Simulation) -> dict[str, Any]:
    """The simulation as JSON-ready data."""
    options = dataclasses.asdict(result.options)
    return {
        "start": result.start.isoformat(),
        "options": options,
        "model": result.model,
        "policies": [f.as_dict() for f in result.figures],
        "ratio_lasting_plan_greedy": result.ratio,
        "hindsight_reference": result.reference,
        "true_chance_reference": None
        if result.truth is None
        else {
            "plan": result.truth.plan,
            "greedy": result.truth.greedy,
            "ratio": result.truth.ratio,
        },
        "coverage_where_places_allow": result.coverage,
        "targets": {"ratio": TARGET_RATIO, "coverage": TARGET_COVERAGE, "max_open": result.options.limits.per_worker},
        "verdicts": result.verdicts(),
    }


def _share(n: int, of: int) -> str:
    return f"{n / of:.1%}" if of else "-"


def _row(f: PolicyFigures) -> list[str]:
    reach = "-" if f.reach is None else f"{f.reach:.1%}"
    idle = f.allowed - f.covered_start
    newly = f"{f.covered_allowed - f.covered_start}/{idle}" if idle else "-"
    per_call = f"{100 * f.lasting / f.proposals:.1f}" if f.proposals else "-"
    return [LABELS[f.policy], str(f.proposals), str(f.hires), str(f.lasting), str(f.covered_end),
            _share(f.covered_allowed, f.allowed), newly, reach, f"{f.per_worker_mean:.2f}", str(f.per_worker_max),
            f"{f.per_worker_gini:.3f}", f"{f.per_place:.2f}", per_call, str(f.max_open)]  # fmt: skip


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else "[green]PASS[/green]" if ok else "[red]MISS[/red]"


def print_simulation(result: Simulation, out: Console) -> None:
    """The table of the policies, the targets' verdicts and what the retrainings learned from."""
    o = result.options
    where = "全市" if o.region is None else f"地区 {o.region}"
    title = f"{where}，{result.start} 起 {o.weeks} 周（k={o.limits.per_place}，m={o.limits.per_worker}，种子 {o.seed}）"
    table = Table(title=title)
    for n, heading in enumerate(_HEADINGS):
        table.add_column(heading, justify="left" if n == 0 else "right")
    for f in result.figures:
        table.add_row(*_row(f))
    out.print(table)
    first = result.figures[0] if result.figures else None
    if first is not None:
        out.print(f"劳动力户 {first.households} 户，起始有人就业 {first.covered_start} 户；名额允许覆盖的范围 "
                  f"{first.allowed} 户（起始有人就业的，加上第一个撮合日有可推荐岗位的无人就业户）；"
                  f"起始可推荐的劳动力 {first.workers} 人，空缺名额 {first.places} 个。")  # fmt: skip
    out.print("规则：劳动力一周内收到的录用，按自己想要的程度（兴趣效用）依次考虑，只接受第一个仍有名额且本人去上岗的；"
              "岗位按录用先后招到名额为止；期间没有新岗位发布。")  # fmt: skip
    _print_verdicts(result, out)
    _print_retrainings(result, out)


def _print_verdicts(result: Simulation, out: Console) -> None:
    verdicts, m = result.verdicts(), result.options.limits.per_worker
    ratio = "-" if result.ratio is None else f"{result.ratio:.2f}×"
    coverage = "-" if result.coverage is None else f"{result.coverage:.1%}"
    plan = result.of("plan")
    out.print(f"3个月在岗 plan/greedy：{ratio}（目标 ≥ {TARGET_RATIO}×）{_verdict(verdicts['ratio'])}")
    out.print(
        f"名额允许时劳动力户覆盖（计划）：{coverage}（目标 ≥ {TARGET_COVERAGE:.0%}）{_verdict(verdicts['coverage'])}"
    )
    if plan is not None:
        out.print(f"计划下每人最多进行中的推荐：{plan.max_open}（上限 m = {m}）{_verdict(verdicts['open'])}")
    if result.reference is not None:
        shares = "，".join(f"{LABELS[f.policy].split()[0]} {f.lasting / result.reference:.0%}"
                          for f in result.figures if result.reference)  # fmt: skip
        reached = f"；各做法达到 {shares}" if shares else ""
        out.print(f"事后最优参考（若事先知道第一个撮合日每对人岗推荐的结果，按起始名额）：{result.reference} 个"
                  f" 3 个月在岗{reached}。这不是目标，只是衡量还差多少。")  # fmt: skip
    truth = result.truth
    if truth is not None:
        ratio = "-" if truth.ratio is None else f"{truth.ratio:.2f}×"
        out.print(f"真实概率参考（两种做法都用行为模型自身的真实成功概率代替排序模型，不重新训练）：3 个月在岗"
                  f" 计划 {truth.plan}，逐岗排序 {truth.greedy}，plan/greedy {ratio}"
                  "：排序模型完美时，统筹计划本身能多得的。")  # fmt: skip


def _print_retrainings(result: Simulation, out: Console) -> None:
    out.print(f"起始排序模型：{result.model}（按历史记录训练）")
    if any(r.run_labels and not r.run_positives for f in result.figures for r in f.retrainings):
        out.print(
            "说明：上岗满 90 天才知道是否稳定就业，模拟期内的推荐能知道的只有未成功的结果（婉拒、未到岗、早早离职）。"
        )
    for f in result.figures:
        for failure in f.retraining_failures:
            out.print(f"{LABELS[f.policy]}：{failure}")
        for r in f.retrainings:
            out.print(f"{LABELS[f.policy]} 第 {r.week} 周重新训练：样本 {r.n_train} 条（稳定就业 {r.positives} 条）；"
                      f"其中本次模拟的推荐 {r.run_labels} 条（稳定就业 {r.run_positives} 条），"
                      f"历史中新近可知结果 {r.history_new} 条")  # fmt: skip
