"""Search speed at city and province scale (issue 4): the matcher against Whoosh, rank_bm25 and the bare product.

    .venv/bin/python bench/search.py [--scales city,province] [--queries 200] [--seed 4]

Frames are drawn in memory (seeded, no workbooks), like the demo city of Xinzhou: workers at its 68 settlement
sites (``ingest.demo.sites``, real coordinates), aged 16-65, labour capacity, availability, place and wage
wishes in the shares of ``ingest.demo.work``; skills, wished jobs and certificates from the same lists, coded
with the taxonomy (大典 codes, canonical certificates); postings from the templates of
``ingest/demo/data/openings.json`` (pay, ages, certificates), ~20% public-welfare, ~15% out-of-area.
City: 50,000 workers with labour and 5,000 open postings; province: 1,000,000 workers and 10,000 postings.

Timed per scale: the matcher's build (wall time, and memory as the growth of the process's resident set,
RSS, which also holds the tokenizer's memo), ``candidates(top=50)`` over random postings and
``recommend(top=10)`` over random available workers (full searches: rules, scores, explanations); the same
posting texts as queries on Whoosh (jieba's ``ChineseAnalyzer``, an OR of the query's terms, BM25F, top 50)
and on rank_bm25 (``BM25Okapi`` over our tokenizer's tokens, ``get_scores`` + top 50); and the bare cost:
the worker matrix times the query vector (precomputed) plus ``argpartition`` top 50. Latencies are wall
time on a shared machine: expect noise.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gc
import logging
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.demo.employers import openings_data  # noqa: E402
from ingest.demo.sites import plan_sites  # noqa: E402
from matcher.explain import Names  # noqa: E402
from matcher.frame import (  # noqa: E402
    HEALTH_ORDER,
    JOB_KIND_ORDER,
    LABOUR_ORDER,
    MONTHLY,
    NO_DATE,
    STATUS_ORDER,
    PostingFrame,
    Vocabulary,
    WorkerFrame,
)
from matcher.load import day, demand_of  # noqa: E402
from matcher.search import Matcher  # noqa: E402
from matcher.tokenizer import Tokenizer  # noqa: E402
from models.taxonomy import Taxonomy, default_taxonomy  # noqa: E402
from models.vocab import Health, LabourCapacity, PostingStatus  # noqa: E402

VAR = ROOT / "var" / "bench"
ADCODES = Path("/work/shared/data/adcodes.csv")
TODAY = day(__import__("datetime").date(2026, 11, 28))
SCALES = {"city": (50_000, 5_000), "province": (1_000_000, 10_000)}
TOP = 50
Floats = npt.NDArray[np.float32]

# from ingest.demo.work: what staff write down, and how often
SKILLS = (
    "电焊 开车 会做饭 砌墙 瓦工 木工 电工 缝纫 养殖 种植 开挖掘机 修车 理发 家政 护理 厨师 装修 刮大白 面点 编织 "
    "开叉车 剪纸"
).split()
WISH_JOBS = (
    "保洁 电焊工 厨师 叉车司机 建筑工 家政服务 保安 快递员 服装加工 养老护理 货车司机 电工 超市收银 餐厅服务员 "
    "挖掘机司机 仓库管理 月嫂 装修工"
).split()
PLACES = np.array([25, 30, 15, 15, 15], dtype=np.float64)  # 本地 县内 市内 省内 省外均可
AGE_WEIGHTS = np.array([0.8] * 14 + [1.0] * 15 + [1.2] * 15 + [0.6] * 6, dtype=np.float64)  # ages 16..65


@dataclass(frozen=True, slots=True)
class Pool:
    """Texts to draw from: each entry a text and its vocabulary ids (codes or canonical certificates)."""

    texts: list[str]
    items: sparse.csr_matrix


def _pool(entries: Sequence[tuple[str, Sequence[int]]], width: int) -> Pool:
    indptr = np.cumsum([0, *(len(ids) for _, ids in entries)])
    indices = np.array([i for _, ids in entries for i in ids], dtype=np.int32)
    items = sparse.csr_matrix((np.ones(len(indices), np.int32), indices, indptr), shape=(len(entries), width))
    return Pool([t for t, _ in entries], items)


def _occupation_ids(taxonomy: Taxonomy, vocab: Vocabulary, text: str) -> list[int]:
    found = taxonomy.match_occupation(text)
    return [vocab.id(found[0])] if found else []


def _pools(rng: random.Random, taxonomy: Taxonomy, occupations: Vocabulary, certs: Vocabulary) -> list[Pool]:
    """Skill texts (2,000 combinations), wished jobs (one each) and certificate texts (500 combinations);
    entry 0 of each is the empty one."""
    skills: list[tuple[str, Sequence[int]]] = [("", [])]
    for _ in range(2000):
        picked = rng.sample(SKILLS, rng.choice((1, 1, 2, 3)))
        text = picked[0] + "".join(rng.choice("、、；， ") + s for s in picked[1:])
        skills.append((text, [i for s in picked for i in _occupation_ids(taxonomy, occupations, s)]))
    wishes: list[tuple[str, Sequence[int]]] = [("", [])]
    wishes += [(w, _occupation_ids(taxonomy, occupations, w)) for w in WISH_JOBS]
    names = [(c.name, (c.name, *c.aliases)) for c in taxonomy.certificates()]
    held: list[tuple[str, Sequence[int]]] = [("", [])]
    for _ in range(500):
        chosen = rng.sample(names, rng.choice((1, 1, 1, 2)))
        held.append((" ".join(rng.choice(texts) for _, texts in chosen), [certs.id(c) for c, _ in chosen]))
    width = len(occupations) + 64  # the postings add codes later: keep room
    return [_pool(skills, width), _pool(wishes, width), _pool(held, len(certs) + 16)]


def _labour_health(g: np.random.Generator, age: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int8], ...]:
    """Health by age band and labour capacity (among people with labour) as ``ingest.demo.work`` draws them."""
    n, lo = len(age), LABOUR_ORDER.index
    band = np.where(age < 40, 0, np.where(age < 60, 1, 2))
    tables = np.array([[94, 2, 1, 3], [82, 10, 3, 5], [55, 33, 5, 7]], dtype=np.float64)
    cum = (tables / tables.sum(axis=1, keepdims=True)).cumsum(axis=1)[band]
    health_rank = (g.random(n)[:, None] > cum).sum(axis=1)
    order = [Health.HEALTHY, Health.CHRONIC, Health.SERIOUS, Health.DISABLED]
    health = np.array([HEALTH_ORDER.index(h) for h in order], dtype=np.int8)[health_rank]
    roll = g.random(n)
    adult = np.where(roll < 0.78, lo(LabourCapacity.FULL), np.where(roll < 0.94, lo(LabourCapacity.SKILLED), -2))
    labour = np.where(health_rank > 0, np.where(roll < 0.6, -2, lo(LabourCapacity.FULL)), adult)
    labour = np.where(age >= 60, np.where(roll < 0.45, lo(LabourCapacity.FULL), -2), labour)
    labour = np.where(labour == -2, lo(LabourCapacity.WEAK), labour)
    labour = np.where(g.random(n) < 0.01, -1, labour)  # not recorded
    return health, labour.astype(np.int8)


def workers(g: np.random.Generator, n: int, sites: list[Any], pools: list[Pool]) -> WorkerFrame:
    """``n`` workers with labour at the demo city's sites; see the module docstring."""
    weight = np.array([s.household_count for s in sites], dtype=np.float64)
    site = g.choice(len(sites), n, p=weight / weight.sum())
    age = g.choice(np.arange(16, 66), n, p=AGE_WEIGHTS / AGE_WEIGHTS.sum())
    health, labour = _labour_health(g, age)
    weak = labour == LABOUR_ORDER.index(LabourCapacity.WEAK)
    skilled = labour == LABOUR_ORDER.index(LabourCapacity.SKILLED)
    # 未就业 or 灵活就业 (10+12% of full labour, 22+15% of weak labour), nine in ten of them want work
    available = g.random(n) < np.where(weak, 0.37, 0.22) * 0.9
    skills, wishes, certs = pools
    skill = np.where(g.random(n) < np.where(skilled, 0.8, 0.25), g.integers(1, len(skills.texts), n), 0)
    wish = np.where(g.random(n) < 0.6 * 0.9, g.integers(1, len(wishes.texts), n), 0)
    cert = np.where(g.random(n) < np.where(skilled, 0.55, 0.07), g.integers(1, len(certs.texts), n), 0)
    held = certs.items[cert]
    expiry = TODAY + g.integers(-400, 3000, held.nnz)
    held.data = np.where(g.random(held.nnz) < 0.15, NO_DATE, expiry).astype(np.int32)
    coords = np.array([(s.longitude, s.latitude, int(s.county.adcode)) for s in sites], dtype=np.float64)[site]
    wish_place = np.where(g.random(n) < 0.6, g.choice(5, n, p=PLACES / PLACES.sum()), -1)
    wage = np.where(g.random(n) < 0.5, 500.0 * g.integers(4, 13, n), np.nan)
    text = [
        " ".join(t for t in (certs.texts[c], skills.texts[s], wishes.texts[w]) if t)
        for c, s, w in zip(cert.tolist(), skill.tolist(), wish.tolist(), strict=True)
    ]
    return WorkerFrame(
        worker_id=np.arange(1, n + 1, dtype=np.int64),
        household_id=g.integers(1, max(2, n // 2), n).astype(np.int64),
        site_id=(site + 1).astype(np.int32),
        birth_day=(TODAY - age * 365.25 - g.integers(0, 365, n)).astype(np.int32),
        sex=g.integers(0, 2, n).astype(np.int8),
        education=g.integers(0, 6, n).astype(np.int8),
        labour=labour,
        health=health,
        available=available,
        household_employed=g.random(n) < 0.75,
        household_monitored=g.random(n) < 0.12,
        household_lifted=g.random(n) < 0.8,
        village_cadre=g.random(n) < 0.01,
        longitude=coords[:, 0].astype(np.float32),
        latitude=coords[:, 1].astype(np.float32),
        local_county=coords[:, 2].astype(np.int32),
        wish_place=wish_place.astype(np.int8),
        wish_min_wage=wage.astype(np.float32),
        wish_job_kind=np.full(n, -1, dtype=np.int8),  # ledgers do not record it
        experience_years=np.where(g.random(n) < 0.6, g.integers(0, 21, n), np.nan).astype(np.float32),
        placements=g.poisson(0.3, n).astype(np.int16),
        public_welfare_terms=np.where(g.random(n) < 0.05, g.integers(1, 4, n), 0).astype(np.int8),
        certificates=held,
        skills=skills.items[skill],
        wishes=wishes.items[wish],
        text=text,
    )


@functools.cache
def _places() -> dict[str, tuple[float, float]]:
    with ADCODES.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["longitude"] and r["latitude"]]
    return {r["adcode"][:6]: (float(r["longitude"]), float(r["latitude"])) for r in rows}


def _draw_posting(rng: random.Random, sites: list[Any]) -> dict[str, Any]:
    """One posting's fields as the demo's templates give them (a public-welfare post one in five times, an
    out-of-area group recruitment about one in seven)."""
    data, roll = openings_data(), rng.random()
    site = rng.choice(sites)
    place = (site.longitude + rng.gauss(0, 0.05), site.latitude + rng.gauss(0, 0.05), site.county.adcode)
    if roll < 0.2:
        category = rng.choice(list(data["welfare"]))
        w = data["welfare"][category]
        funding = rng.choices([f for f, _ in data["funding"]], [x for _, x in data["funding"]])[0]
        pay = 100 * rng.randint(w["pay"][0] // 100, w["pay"][1] // 100)
        ages = rng.choice(((16, 60), (18, 60), (None, 60), (18, 65)))
        return {"t": w, "title": rng.choice(w["titles"]), "duty": w["duties"][0], "pay": (pay, pay, "month"),
                "ages": ages, "welfare": funding, "place": place, "required": [], "preferred": []}  # fmt: skip
    out_of_area = roll < 0.2 + 0.15
    keys = [k for k, t in data["templates"].items() if bool(t["destinations"]) == out_of_area]
    t = data["templates"][rng.choice(keys)]
    p = t["pay"]
    low = p["low"][0] + p["step"] * rng.randint(0, round((p["low"][1] - p["low"][0]) / p["step"]))
    high = None if rng.random() < p["forms"][2] else low + max(p["step"], p["spread"][1] * rng.random())
    if out_of_area:
        adcode = data["destinations"][rng.choice(t["destinations"])][1]
        place = (*_places().get(adcode[:6], (np.nan, np.nan)), adcode)
    return {"t": t, "title": rng.choice(t["titles"]), "duty": rng.choice(t["duties"]), "ages": rng.choice(t["ages"]),
            "pay": (low, high, p["period"]), "welfare": None, "place": place, "out": out_of_area,
            "required": [c for c, x in t["required"] if rng.random() < x],
            "preferred": [c for c, x in t["preferred"] if rng.random() < x]}  # fmt: skip


def _certificate_ids(taxonomy: Taxonomy, vocab: Vocabulary, texts: list[str]) -> list[int]:
    return sorted({vocab.id(taxonomy.match_certificate(c) or c) for c in texts})


def postings(rng: random.Random, m: int, sites: list[Any], taxonomy: Taxonomy, vocabs: Names) -> PostingFrame:
    """``m`` open postings; see the module docstring."""
    drawn = [_draw_posting(rng, sites) for _ in range(m)]
    extra = ("身体健康，能吃苦耐劳。", "有相关经验者优先。", "工资按月足额发放。", "欢迎搬迁群众报名。")
    required = [_certificate_ids(taxonomy, vocabs.certificates, d["required"]) for d in drawn]
    preferred = [_certificate_ids(taxonomy, vocabs.certificates, d["preferred"]) for d in drawn]
    kinds = {k.zh: i for i, k in enumerate(JOB_KIND_ORDER)}
    welfare = np.array([d["welfare"] is not None for d in drawn])

    def col(f: Callable[[dict[str, Any]], Any], dtype: Any) -> npt.NDArray[Any]:
        return np.array([f(d) for d in drawn], dtype=dtype)

    def csr(rows: list[list[int]]) -> sparse.csr_matrix:
        indptr = np.cumsum([0, *map(len, rows)])
        data = np.ones(indptr[-1], dtype=np.int32)
        indices = np.array([i for r in rows for i in r], dtype=np.int32)
        return sparse.csr_matrix((data, indices, indptr), shape=(m, len(vocabs.certificates)))

    def monthly(d: dict[str, Any], k: int) -> float:
        v, period = d["pay"][k], d["pay"][2]
        return float("nan") if v is None or period not in MONTHLY else float(v) * MONTHLY[period]

    return PostingFrame(
        posting_id=np.arange(1, m + 1, dtype=np.int64),
        employer_id=np.array([rng.randint(1, max(2, m // 4)) for _ in drawn], dtype=np.int64),
        status=np.full(m, STATUS_ORDER.index(PostingStatus.OPEN), dtype=np.int8),
        places_left=col(lambda d: -1 if rng.random() < 0.08 else rng.randint(1, 8), np.int32),
        age_min=col(lambda d: d["ages"][0] or -1, np.int8),
        age_max=col(lambda d: d["ages"][1] or -1, np.int8),
        sex_required=col(
            lambda d: (
                (1 if d["t"]["sex"][0] == "女" else 0) if d["t"].get("sex") and rng.random() < d["t"]["sex"][1] else -1
            ),
            np.int8,
        ),  # fmt: skip
        education_min=np.full(m, -1, dtype=np.int8),
        demand=col(lambda d: demand_of(d["title"], d["t"]["occupation"]), np.int8),
        occupation=col(lambda d: vocabs.occupations.id(d["t"]["code"]), np.int32),
        longitude=col(lambda d: d["place"][0], np.float32),
        latitude=col(lambda d: d["place"][1], np.float32),
        work_county=col(lambda d: int(d["place"][2][:6]), np.int32),
        out_of_area=col(lambda d: d.get("out", False), np.bool_),
        job_kind=col(lambda d: kinds.get(d["t"]["kind"], -1), np.int8),
        pay_min_month=col(lambda d: monthly(d, 0), np.float32),
        pay_max_month=col(lambda d: monthly(d, 1), np.float32),
        deadline=col(lambda d: TODAY + rng.randint(7, 110), np.int32),
        public_welfare=welfare,
        hire_age_min=np.where(welfare, col(lambda d: d["ages"][0] or -1, np.int8), -1).astype(np.int8),
        hire_age_max=np.where(welfare, col(lambda d: d["ages"][1] or -1, np.int8), -1).astype(np.int8),
        local_registration=welfare.copy(),
        exclude_cadres=welfare.copy(),
        photovoltaic=col(lambda d: d["welfare"] == "光伏收益", np.bool_),
        max_terms=np.where(welfare, 3, -1).astype(np.int8),
        employer_retention=col(lambda d: rng.uniform(0.3, 0.95) if rng.random() < 0.4 else np.nan, np.float32),
        certificates_required=csr(required),
        certificates_preferred=csr(preferred),
        text=[f"{d['title']} {d['t']['occupation']} {d['duty']}。{rng.choice(extra)}" for d in drawn],
        pay_text=[
            f"{d['pay'][0]:.0f}元/{ {'day': '天', 'hour': '小时', 'piece': '件'}.get(d['pay'][2], '月') }"
            for d in drawn
        ],  # fmt: skip
    )


# --- measuring ------------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def _timed(run: Callable[[Any], object], args: Sequence[Any], warm: int = 5) -> tuple[float, float]:
    """p50 and p95 of ``run(a)`` over ``args``, in milliseconds (a few warm-up calls first)."""
    for a in args[:warm]:
        run(a)
    times = []
    for a in args:
        start = time.perf_counter()
        run(a)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _line(label: str, value: str) -> None:
    print(f"  {label:<44} {value}", flush=True)


def _lat(p: tuple[float, float]) -> str:
    return f"p50 {p[0]:8.3f} ms   p95 {p[1]:8.3f} ms"


@dataclass(slots=True)
class Result:
    build_s: float = 0.0
    memory_mb: float = 0.0
    candidates: tuple[float, float] = (0.0, 0.0)
    recommend: tuple[float, float] = (0.0, 0.0)
    bare: tuple[float, float] = (0.0, 0.0)
    whoosh: tuple[float, float] | None = None
    bm25: tuple[float, float] | None = None


def bare_cost(matrix: sparse.csr_matrix, queries: list[sparse.csr_matrix]) -> tuple[float, float]:
    """The worker matrix times the (precomputed, dense float32) query vector, then ``argpartition`` top 50."""
    dense = np.zeros(matrix.shape[1], dtype=np.float32)

    def run(q: sparse.csr_matrix) -> None:
        dense[q.indices] = q.data
        scores = matrix @ dense
        np.argpartition(-scores, TOP)[:TOP]
        dense[q.indices] = 0.0

    return _timed(run, queries)


def whoosh_cost(texts: list[str], queries: list[str], out: Result, budget_s: float) -> str | None:
    """Build a Whoosh index of ``texts`` (in a temp dir under var/bench) and time OR queries; a reason if not."""
    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index as windex
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.query import Or, Term

    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict ..." in the middle of the table
    analyzer = ChineseAnalyzer()
    VAR.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="whoosh-", dir=VAR)
    try:
        ix = windex.create_in(folder, Schema(id=ID(stored=True), text=TEXT(analyzer=analyzer)))
        start, writer = time.perf_counter(), ix.writer(limitmb=256)
        for i, text in enumerate(texts):
            writer.add_document(id=str(i), text=text)
            if i == 20_000 and (time.perf_counter() - start) * len(texts) / i > budget_s:
                writer.cancel()
                return f"skipped (building {len(texts):,} documents would take ~{budget_s / 60:.0f}+ min)"
        writer.commit()
        build = time.perf_counter() - start
        with ix.searcher() as searcher:

            def run(text: str) -> None:
                terms = {t.text for t in analyzer(text)}
                searcher.search(Or([Term("text", t) for t in terms]), limit=TOP)

            out.whoosh = _timed(run, queries)
        return f"build {build:.1f} s"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bm25_cost(
    tokens: Callable[[str], Sequence[str]], texts: list[str], queries: list[str], out: Result, budget_s: float
) -> str:
    """``BM25Okapi`` over our tokens: build, then ``get_scores`` + top 50; a reason when it would take too long."""
    from rank_bm25 import BM25Okapi

    start = time.perf_counter()
    bm25 = BM25Okapi([list(tokens(t)) for t in texts])
    build = time.perf_counter() - start

    def run(text: str) -> None:
        scores = bm25.get_scores(list(tokens(text)))
        np.argpartition(-scores, TOP)[:TOP]

    start = time.perf_counter()
    run(queries[0])
    one = time.perf_counter() - start
    if one * len(queries) > budget_s:
        return f"skipped (one query takes {one:.1f} s: {len(queries)} would take ~{one * len(queries) / 60:.0f} min)"
    out.bm25 = _timed(run, queries)
    return f"build {build:.1f} s"


# --- one scale ------------------------------------------------------------------------------------------------


def frames(
    scale: str, seed: int, sizes: dict[str, tuple[int, int]] = SCALES
) -> tuple[WorkerFrame, PostingFrame, Names]:
    """The drawn city at ``scale`` (``sizes``: workers and postings of each scale)."""
    n, m = sizes[scale]
    rng, g = random.Random(seed), np.random.default_rng(seed)
    taxonomy = default_taxonomy()
    names = Names(Vocabulary(), Vocabulary(), {o.code: o.name for o in taxonomy.occupations()})
    sites = plan_sites(random.Random(seed), 20_000, small=False)
    pools = _pools(rng, taxonomy, names.occupations, names.certificates)
    return workers(g, n, sites, pools), postings(rng, m, sites, taxonomy, names), names


def run_scale(scale: str, seed: int, n_queries: int, tokenizer: Tokenizer, budget_s: float) -> Result:
    start = time.perf_counter()
    w, p, names = frames(scale, seed)
    print(f"\n== {scale}: {len(w):,} workers ({int(w.available.sum()):,} available), {len(p):,} postings "
          f"({int(p.public_welfare.sum()):,} public-welfare, {int(p.out_of_area.sum()):,} out-of-area); "
          f"drawn in {time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
    out, g = Result(), np.random.default_rng(seed + 1)
    gc.collect()
    rss, start = _rss_mb(), time.perf_counter()
    matcher = Matcher(tokenizer.tokens, names)
    matcher.load(w, p)
    out.build_s, out.memory_mb = time.perf_counter() - start, _rss_mb() - rss
    matrix = matcher.worker_text.matrix
    index_mb = (matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes) / 2**20
    _line("matcher build", f"{out.build_s:.1f} s, RSS delta {out.memory_mb:.0f} MB (worker matrix {index_mb:.0f} MB)")
    posting_ids = g.choice(p.posting_id, n_queries).tolist()
    worker_ids = g.choice(w.worker_id[w.available], n_queries).tolist()
    out.candidates = _timed(lambda i: matcher.candidates(i, today=TODAY, top=TOP), posting_ids)
    _line(f"candidates(top={TOP}), {n_queries} postings", _lat(out.candidates))
    out.recommend = _timed(lambda i: matcher.recommend(i, today=TODAY, top=10), worker_ids)
    _line(f"recommend(top=10), {n_queries} available workers", _lat(out.recommend))
    rows = (p.posting_id.searchsorted(i) for i in posting_ids)
    texts = [p.text[r] for r in rows]
    out.bare = bare_cost(matrix, [matcher.worker_text.vectorize([t]) for t in texts])
    _line("bare: matrix x query + argpartition", _lat(out.bare))
    note = whoosh_cost(w.text, texts, out, budget_s)
    _line("whoosh (jieba ChineseAnalyzer, OR, top 50)", (_lat(out.whoosh) + ", " if out.whoosh else "") + str(note))
    note = bm25_cost(tokenizer.tokens, w.text, texts, out, budget_s)
    _line("rank_bm25 BM25Okapi (get_scores + top 50)", (_lat(out.bm25) + ", " if out.bm25 else "") + note)
    return out


def verdicts(results: dict[str, Result]) -> None:
    print("\n== targets", flush=True)
    city = results.get("city")
    if city is not None and city.whoosh is not None:
        ratio = city.candidates[0] / city.whoosh[0]
        verdict = "PASS" if ratio <= 1 / 25 else "MISS"
        _line("city: candidates p50 / whoosh p50 <= 1/25", f"1/{1 / ratio:.1f}  {verdict}")
    province = results.get("province")
    if province is not None and province.whoosh is not None:  # no target: for comparison
        _line("province: candidates p50 / whoosh p50", f"1/{province.whoosh[0] / province.candidates[0]:.1f}")
    for scale, r in results.items():
        ratio = r.candidates[0] / r.bare[0]
        _line(f"{scale}: candidates p50 / bare p50 <= 3", f"{ratio:.2f}  {'PASS' if ratio <= 3 else 'MISS'}")
    if province is not None:
        gb = province.memory_mb / 1024
        _line("province: index memory (RSS delta) < 4 GB", f"{gb:.2f} GB  {'PASS' if gb < 4 else 'MISS'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="city,province")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--budget", type=float, default=180.0, help="seconds a baseline may take at a scale")
    args = parser.parse_args()
    tokenizer = Tokenizer(memo_size=2**21)
    results = {s: run_scale(s, args.seed, args.queries, tokenizer, args.budget) for s in args.scales.split(",")}
    verdicts(results)


if __name__ == "__main__":
    main()
