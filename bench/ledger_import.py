"""Ledger import speed and memory: a 100,000-row workbook into PostgreSQL, beside pandas.read_excel alone.

    .venv/bin/python bench/ledger_import.py [--rows 100000] [--database-url URL]

Prints rows per second and peak memory (max RSS of a fresh process, plus its reading child's) of the
whole import (read, validate, normalise, encrypt, write) and of ``pandas.read_excel`` reading the same
file (openpyxl, pandas' default, and calamine). Target (issue 2): at least 5,000 rows/s and under 1 GB for the import.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "序号",
    "户编号",
    "户主姓名",
    "与户主关系",
    "姓名",
    "性别",
    "身份证号码",
    "出生日期",
    "联系电话",
    "安置点",
    "迁出地",
    "户类型",
    "文化程度",
    "劳动能力",
    "健康状况",
    "就业状态",
    "务工地点",
    "务工单位",
    "月收入（元）",
    "意向工种",
    "意向地点",
    "期望月薪",
    "技能特长",
    "持证情况",
    "培训意愿",
    "未就业原因",
    "备注",
]
_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国军华明伟芳秀英丽红平强兵杰涛燕玲霞桂兰凤梅海波宇浩鑫磊静"


def _id(rng: random.Random, region: str, year: int) -> str:
    body = f"{region}{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _W, strict=True))
    return body + "10X98765432"[total % 11]


def make_workbook(path: Path, rows: int, seed: int = 7) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["忻州市五台县幸福家园安置点易地扶贫搬迁劳动力就业情况台账"])
    ws.append(["填报单位：东冶镇（盖章）  填报人：张三  填报日期：2024年3月"])
    ws.append(HEADER)
    status = ["县内务工", "省内县外务工", "省外务工", "公益性岗位", "帮扶车间", "未就业", "灵活就业", "在校生"]
    seen: set[str] = set()
    n = hh = 0
    while n < rows:
        hh += 1
        head = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
        category = rng.choice(["脱贫户", "脱贫户", "监测户", "同步搬迁户"])
        for member in range(rng.randint(1, 5)):
            if n >= rows:
                break
            ident = _id(rng, "140922", rng.randint(1955, 2008))
            if ident in seen:
                continue
            seen.add(ident)
            n += 1
            name = head if member == 0 else head[0] + "".join(rng.choices(GIVEN, k=2))
            st = rng.choice(status)
            ws.append(
                [
                    n,
                    f"WT{hh:06d}",
                    head,
                    "户主" if member == 0 else rng.choice(["配偶", "之子", "之女", "儿媳"]),
                    name,
                    "男" if int(ident[16]) % 2 else "女",
                    ident,
                    f"{ident[6:10]}.{ident[10:12]}.{ident[12:14]}",
                    f"13{rng.randint(100000000, 999999999)}",
                    "幸福家园安置点",
                    "东冶镇南街村",
                    category,
                    rng.choice(["小学", "初中", "高中", "中专", "文盲或半文盲"]),
                    rng.choice(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "无劳动力"]),
                    rng.choice(["健康", "长期慢性病"]),
                    st,
                    "五台县" if st != "未就业" else None,
                    "某建材公司" if st.endswith("务工") else None,
                    rng.choice([None, 2500, 3000, 4200]),
                    rng.choice(["电焊、开车", "保洁", "厨师", None]),
                    rng.choice(["县内", "市内", "省外均可"]),
                    rng.choice([2500, 3000, 3500]),
                    rng.choice(["电焊、开车；会做饭", "养殖", None, None]),
                    rng.choice(["叉车证", "C1驾照、电工证", None, None]),
                    rng.choice(["是", "否"]),
                    "照顾家庭" if st == "未就业" else None,
                    None,
                ]
            )
    wb.save(path)


def _child_import(path: Path, url: str) -> None:
    from api.settings import Settings
    from ingest.ledger import LedgerImport
    from models.db import build_engine, build_session_factory
    from models.migrate import upgrade
    from models.taxonomy import default_taxonomy

    engine = build_engine(url)
    upgrade(engine)
    cipher = Settings(secret_key="bench-" + "s" * 40).cipher
    taxonomy = default_taxonomy()
    start = time.perf_counter()
    with build_session_factory(engine)() as session:
        report = LedgerImport(session, cipher, taxonomy).import_file(path)
        session.commit()
    seconds = time.perf_counter() - start
    _emit(
        {
            "seconds": seconds,
            "rows": report.counts.get("rows", 0),
            "created": report.counts.get("created", 0),
            "problems": len(report.problems),
        }
    )


def _child_pandas(path: Path, engine: str) -> None:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(path, engine=engine, header=2)
    _emit({"seconds": time.perf_counter() - start, "rows": len(frame)})


def _emit(result: dict[str, float | int]) -> None:
    # the import reads large files in a child process: count the parent's and the child's peaks together
    result["peak_mb"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024
    print(json.dumps(result))


def _run(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        if kind == "import":
            _child_import(Path(path), args.database_url)
        else:
            _child_pandas(Path(path), kind)
        return
    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    path = var / f"ledger_{args.rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        make_workbook(path, args.rows)
        print(f"built {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    from sqlalchemy import create_engine, text

    admin = create_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
        imp = _run("--database-url", url, "--child", "import", str(path))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(f"{'what':42} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'peak MB':>8}")
    print(
        f"{'anye import into PostgreSQL (whole job)':42} {imp['rows']:>8} {imp['seconds']:>8.1f} "
        f"{imp['rows'] / imp['seconds']:>8.0f} {imp['peak_mb']:>8.0f}"
    )
    for engine in ("openpyxl", "calamine"):
        pd_ = _run("--child", engine, str(path))
        print(
            f"{'pandas.read_excel alone (' + engine + ')':42} {pd_['rows']:>8} {pd_['seconds']:>8.1f} "
            f"{pd_['rows'] / pd_['seconds']:>8.0f} {pd_['peak_mb']:>8.0f}"
        )
    print(
        f"target: import >= 5000 rows/s and < 1024 MB; problems reported: {imp['problems']}, created: {imp['created']}"
    )


if __name__ == "__main__":
    main()
