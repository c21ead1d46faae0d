"""The match-day plan of a whole city (issue 7): time of scoring the eligible pairs alone and of the whole plan.

    .venv/bin/python bench/allocate.py [--scale small|city] [--seed 4] [--fallback] [--baselines]

The city is drawn in memory as ``bench/search.py`` draws it (seeded, Xinzhou's 68 settlement sites, the demo's
shares and posting templates): ``city`` 50,000 workers with labour and 5,000 postings, ``small`` 5,000 and 500.
The ranking model is a ``HireModel`` fitted on 20,000 drawn outcomes of random eligible pairs, labelled by a
hidden rule (a logistic function of text similarity, 大典 level, pay against the wish, distance and the
employer's retention; about one in ten lasts), so scoring costs what it costs with a trained model; with
``--fallback`` the transparent weighted score ranks instead.

Timed (wall time, after a warm-up plan of a few postings so compiled code is loaded): scoring the eligible
pairs alone (``matcher.allocation.eligible_pairs``: rules, text, features, the model), and the whole plan
(``plan``: the same scoring, the graph, the exact min-cost flow and the reasons of the chosen proposals); their
ratio against the target of 2. Peak memory is the process's peak resident set (``ru_maxrss``). ``--baselines``
also plans greedily per posting and by keywords and prints their figures.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import TODAY, frames  # noqa: E402
from matcher.allocation import Limits, Plan, Region, eligible_pairs, greedy_plan, keyword_plan, plan  # noqa: E402
from matcher.context import context_features  # noqa: E402
from matcher.features import COLUMN, pair_features  # noqa: E402
from matcher.policy import RuleContext  # noqa: E402
from matcher.ranker import HireModel  # noqa: E402
from matcher.search import Matcher, ModelScorer  # noqa: E402
from matcher.tokenizer import Tokenizer  # noqa: E402

SCALES = {"small": (5_000, 500), "city": (50_000, 5_000)}
OUTCOMES = 20_000


def fit_model(matcher: Matcher, seed: int) -> ModelScorer:
    """A ``HireModel`` fitted on drawn outcomes of random eligible pairs (the hidden rule of the docstring)."""
    assert matcher.workers is not None and matcher.postings is not None
    w, p = matcher.workers, matcher.postings
    pairs = eligible_pairs(matcher, Region(), Limits(min_probability=0.0), today=TODAY)
    g = np.random.default_rng(seed)
    pick = g.choice(len(pairs), min(OUTCOMES, len(pairs)), replace=False)
    wi, pi = pairs.wi[pick].astype(np.intp), pairs.pi[pick].astype(np.intp)
    ctx = RuleContext(TODAY, matcher.policy, matcher.names.certificates)
    features = pair_features(w, wi, p, pi, pairs.text[pick], ctx, matcher.names.occupations)
    x = np.hstack([features, context_features(w, wi, p, pi, ctx)])
    c = COLUMN
    z = (-3.0 + 2.0 * x[:, c["text_similarity"]] + 0.5 * x[:, c["occupation_level"]]
         + 0.8 * np.minimum(x[:, c["wage_ratio"]], 1.5) - 0.01 * x[:, c["distance_km"]]
         + 0.6 * x[:, c["employer_retention"]])  # fmt: skip
    y = (g.random(len(z)) < 1 / (1 + np.exp(-z))).astype(np.int8)
    return ModelScorer(HireModel().fit(x, y), "bench-hidden-rule")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def line(label: str, value: str) -> None:
    print(f"  {label:<46} {value}", flush=True)


def figures(name: str, result: Plan) -> None:
    per_worker = np.bincount([x.worker_id for x in result.proposals]) if result.proposals else np.zeros(1)
    line(f"{name}: proposals", f"{len(result.proposals):,} (max {int(per_worker.max())} per worker)")
    line(f"{name}: expected hires lasting 3 months", f"{result.expected_hires:,.1f}")
    line(f"{name}: households covered / to cover",
         f"{result.households_covered:,} / {result.households_to_cover:,}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="city", choices=sorted(SCALES))
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--fallback", action="store_true", help="rank by the weighted score, not a fitted model")
    parser.add_argument("--baselines", action="store_true", help="also plan greedily and by keywords")
    args = parser.parse_args()
    w, p, names = frames(args.scale, args.seed, SCALES)
    tokenizer = Tokenizer(memo_size=2**21)
    matcher = Matcher(tokenizer.tokens, names)
    build, _ = timed(lambda: matcher.load(w, p))
    print(f"\n== {args.scale}: {len(w):,} workers ({int(w.available.sum()):,} available), {len(p):,} postings "
          f"({int(p.out_of_area.sum()):,} out-of-area); matcher built in {build:.1f} s", flush=True)  # fmt: skip
    if not args.fallback:
        fit, matcher.scorer = timed(lambda: fit_model(matcher, args.seed))  # type: ignore[assignment]
        line("ranking model", f"HireModel fitted on {OUTCOMES:,} drawn outcomes in {fit:.1f} s")
    region, limits = Region(), Limits()
    plan(matcher, Region(employer_ids=frozenset(p.employer_id[:5].tolist())), limits, today=TODAY)  # warm-up
    before = peak_mb()
    scoring, pairs = timed(lambda: eligible_pairs(matcher, region, limits, today=TODAY))
    line("eligible pairs (at least min_probability)", f"{len(pairs):,}")  # type: ignore[arg-type]
    line("scoring the eligible pairs alone", f"{scoring:.2f} s")
    del pairs
    whole, result = timed(lambda: plan(matcher, region, limits, today=TODAY))
    assert isinstance(result, Plan)
    line("whole plan (scoring, graph, solve, reasons)", f"{whole:.2f} s")
    line("peak memory (RSS)", f"{peak_mb():,.0f} MB (before scoring {before:,.0f} MB)")
    ratio = whole / scoring
    line("whole / scoring <= 2", f"{ratio:.2f}  {'PASS' if ratio <= 2 else 'MISS'}")
    line("postings / places / workers taking part", f"{result.postings:,} / {result.places:,} / {result.workers:,}")
    figures("plan", result)
    if args.baselines:
        for name, baseline in (("greedy", greedy_plan), ("keyword", keyword_plan)):
            seconds, other = timed(lambda b=baseline: b(matcher, region, limits, today=TODAY))  # type: ignore[misc]
            assert isinstance(other, Plan)
            line(f"{name}: time", f"{seconds:.2f} s")
            figures(name, other)


if __name__ == "__main__":
    main()
