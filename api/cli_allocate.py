"""``anye allocate``: a match-day plan (撮合日计划) for a region from the command line, as ``POST /plans`` makes it,
and its materials written to a folder::

    外呼名单-<经纪人>.xlsx       per broker, the people of their sites to call (phones in full once committed, audited)
    外呼名单-无负责经纪人.xlsx    people of sites no broker serves (phones masked)
    短信.jsonl                  one short message per proposal (at most 70 characters), phone masked
    推荐人选-<用人单位>.xlsx     per employer, the proposed candidates who agreed (once some have)

The command acts for the whole city, as the system user running it (recorded as such in the pipeline and the
audit log). Without ``--commit`` the plan is a preview only; ``--plan ID`` takes a stored plan (to commit it,
or to write its materials again after workers replied).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.allocation import CommitOutcome, PlanRequest, Plans, make_plan, region_label
from api.allocation_outputs import call_list, employer_list, messages
from api.changes import Changes
from api.live_matcher import default_build
from api.settings import Settings, load_settings
from models.audit import Actor
from models.cache import build_cache
from models.crypto import PersonalDataCipher
from models.db import build_engine, build_session_factory
from models.errors import AnyeError, InvalidInput
from models.match_plan import MatchPlan
from models.match_plan_repository import ItemRow, MatchPlanRepository
from models.vocab import Role

__all__ = ["allocate", "write_materials"]

console = Console()
err = Console(stderr=True)
_UNSAFE = str.maketrans({c: "_" for c in '\\/:*?"<>| '})


def _system_scope() -> Scope:
    return Scope(0, Role.ADMIN, None, frozenset(), username=getpass.getuser())


def _file(name: str) -> str:
    return name.translate(_UNSAFE)


def allocate(
    region: Annotated[str | None, typer.Option("--region", help="县（区）或市的 6 位行政区划代码，如 140902")] = None,
    out_of_area: Annotated[bool, typer.Option("--out-of-area", help="只安排外出务工（劳务输出）岗位")] = False,
    fair: Annotated[list[int] | None, typer.Option("--fair", help="招聘会：参会用人单位编号（可重复）")] = None,
    per_place: Annotated[int, typer.Option("--per-place", help="每个空缺名额最多推荐几人")] = 3,
    per_worker: Annotated[int, typer.Option("--per-worker", help="每人最多同时几条进行中的推荐")] = 2,
    day: Annotated[str | None, typer.Option("--day", help="撮合日 YYYY-MM-DD（默认今天）")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="提交：把推荐写入撮合跟踪（否则只是预览）")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="材料输出目录（默认 var/plans/<计划编号>）")] = None,
    plan_id: Annotated[int | None, typer.Option("--plan", help="已保存的计划编号：提交它，或重新生成材料")] = None,
) -> None:
    """撮合日计划：统一安排一个地区的推荐，输出经纪人外呼名单、短信和用人单位推荐人选。"""
    settings = load_settings()
    if region is None and plan_id is None and not out_of_area and not fair:
        err.print("[red]请用 --region 指定地区（县或市的行政区划代码），或用 --plan 指定已保存的计划。[/red]")
        raise typer.Exit(2)
    on = dt.date.fromisoformat(day) if day else dt.date.today()
    request = PlanRequest(region, out_of_area, tuple(fair or ()), on, per_place, per_worker)
    engine = build_engine(settings.db_url)
    try:
        cipher = settings.cipher  # a missing key is said before anything is planned or committed
        with build_session_factory(engine)() as session:
            stored, outcome = _run(session, settings, request, plan_id, commit=commit)
            folder = out or settings.var_dir / "plans" / str(stored.id)
            written = write_materials(session, cipher, stored, folder)
            session.commit()
    except AnyeError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    _print(stored, outcome, folder, written)


def _run(
    session: Session, settings: Settings, request: PlanRequest, plan_id: int | None, *, commit: bool
) -> tuple[MatchPlan, CommitOutcome | None]:
    """The plan (made and stored, or the stored one) and, with ``commit``, what committing it did."""
    scope = _system_scope()
    changes = Changes(build_cache(settings.redis_url))
    plans = Plans(session, changes)
    if plan_id is not None:
        stored = plans.get(scope, plan_id)
    else:
        if request.day is None:
            raise InvalidInput("请指定撮合日。")
        with console.status("正在建立匹配索引并计算计划……"):
            matcher = default_build(settings.var_dir / "models")(session, request.day)
            stored = make_plan(session, matcher, scope, request, request.day)
        session.commit()  # the preview is kept even if what follows fails
    outcome = plans.commit(scope, stored.id) if commit else None
    if outcome is not None:
        session.commit()
        changes.flush(session)
    return stored, outcome


def write_materials(session: Session, cipher: PersonalDataCipher, stored: MatchPlan, folder: Path) -> list[Path]:
    """Write the plan's call lists, messages and employer lists into ``folder`` (see the module docstring);
    each phone shown in full is audited in ``session`` (the caller commits)."""
    folder.mkdir(parents=True, exist_ok=True)
    repo = MatchPlanRepository(session)
    rows, _ = repo.items(stored.id, None)
    actor = Actor(getpass.getuser(), "system")
    written: list[Path] = []
    by_site: dict[int, list[ItemRow]] = defaultdict(list)
    for row in rows:
        by_site[row.site.id].append(row)
    brokers = repo.brokers(frozenset(by_site))
    served: dict[tuple[str, str], list[ItemRow]] = defaultdict(list)
    for broker in brokers:
        served[(broker.username, broker.display_name)].extend(by_site[broker.site_id])
    for (username, name), mine in sorted(served.items()):
        path = folder / _file(f"外呼名单-{name}-{username}.xlsx")
        path.write_bytes(call_list(session, cipher, stored, _ordered(mine), actor=actor, broker=name))
        written.append(path)
    served_sites = {b.site_id for b in brokers}
    orphans = [r for site, found in by_site.items() if site not in served_sites for r in found]
    if orphans:
        path = folder / "外呼名单-无负责经纪人.xlsx"
        content = call_list(
            session, cipher, stored, _ordered(orphans), actor=actor, broker="无负责经纪人", reveal=False
        )
        path.write_bytes(content)
        written.append(path)
    written.append(_messages(session, cipher, rows, folder / "短信.jsonl"))
    written += _employer_lists(session, cipher, stored, rows, folder, actor)
    return written


def _ordered(rows: list[ItemRow]) -> list[ItemRow]:
    return sorted(rows, key=lambda r: (r.site.name, r.household.number, r.worker.id, r.item.rank))


def _messages(session: Session, cipher: PersonalDataCipher, rows: list[ItemRow], path: Path) -> Path:
    kept = [r for r in rows if r.item.skipped is None]
    with path.open("w", encoding="utf-8") as fh:
        for m in messages(session, cipher, kept):
            line = {"worker_id": m.worker_id, "name": m.name, "phone_mask": m.phone_mask, "posting_id": m.posting_id,
                    "match_id": m.match_id, "reply": m.reply, "text": m.text, "length": len(m.text)}  # fmt: skip
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def _employer_lists(
    session: Session, cipher: PersonalDataCipher, stored: MatchPlan, rows: list[ItemRow], folder: Path, actor: Actor
) -> list[Path]:
    """One workbook per employer with at least one candidate who agreed."""
    by_employer: dict[tuple[int, str], list[ItemRow]] = defaultdict(list)
    for row in rows:
        if row.match is not None and row.match.agreed_at is not None:
            by_employer[(row.employer.id, row.employer.name)].append(row)
    written = []
    for (employer_id, name), found in sorted(by_employer.items()):
        path = folder / _file(f"推荐人选-{name}-{employer_id}.xlsx")
        path.write_bytes(employer_list(session, cipher, stored, found, actor=actor, employer=name))
        written.append(path)
    return written


def _print(stored: MatchPlan, outcome: CommitOutcome | None, folder: Path, written: list[Path]) -> None:
    f = stored.figures
    table = Table(title=f"撮合日计划 {stored.id}（{'已提交' if stored.committed_at else '预览'}）")
    table.add_column("项目")
    table.add_column("数值", justify="right")
    rows = [
        ("地区", region_label(stored.region_adcode, stored.out_of_area, stored.employer_ids)),
        ("撮合日", stored.plan_day.isoformat()),
        ("排序模型", stored.model_version),
        ("每个名额最多推荐 / 每人最多推荐", f"{stored.per_place} / {stored.per_worker}"),
        ("参与岗位 / 空缺名额", f"{f['postings']} / {f['places']}"),
        ("可推荐劳动力", str(f["workers"])),
        ("推荐条数", str(f["proposals"])),
        ("预计稳定就业（满 3 个月）人数", f"{f['expected_hires']:.1f}"),
        ("无人就业户：已覆盖 / 可覆盖", f"{f['households_covered']} / {f['households_to_cover']}"),
    ]
    if outcome is not None:
        rows += [("本次写入撮合跟踪", str(outcome.proposed)), ("跳过（原因见外呼名单备注）", str(len(outcome.skipped))),
                 ("此前已提交", str(outcome.already))]  # fmt: skip
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    if outcome is None and stored.committed_at is None:
        console.print(f"这是预览，尚未写入撮合跟踪；确认后运行：anye allocate --plan {stored.id} --commit")
    console.print(f"材料已写入 {folder}：{len(written)} 个文件")
