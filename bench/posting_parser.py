"""Free-text posting parser: per-field accuracy on the labelled sets, and throughput.

    .venv/bin/python bench/posting_parser.py [--passes 20] [--misses]

Scores the 11 core keys of each ad's ``expected`` (and "all fields right" per ad) on:

- shared dev: the users' own examples (/work/shared/examples/postings_dev.jsonl);
- own devset: our development set (tests/fixtures/postings_devset.jsonl);
- holdout v1 (bench/data/postings_holdout.jsonl) and holdout v2 (bench/data/postings_holdout2.jsonl): each
  written blind, measured once, and used for development since 2026-11-28, so their figures are no longer
  estimates of accuracy on unseen ads;
- holdout v3 (bench/data/postings_holdout3.jsonl), blind, when it exists: loaded and scored only. Only its
  per-field percentages and the all-fields-right figures are printed, never its texts or per-ad misses, so
  nobody tunes the parser on it.

Labels of an ad marked ``"multi": true`` (the hold-outs' convention, ``bench/data/README.md``) describe the
first job listed; they are scored against ``positions[0]``, the parser's reading of that job. Ads of our devset
with ``"positions": n`` are labelled with the ad's summary and scored against the top-level keys (see
``ingest.posting_parser``). The target (issue 3) is every field right on at least 97% of single-position ads.
``--misses`` lists expected vs got for the sets that may be looked at (never holdout v3).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.posting_parser import CORE_FIELDS, parse_posting  # noqa: E402
from models.taxonomy import Taxonomy, default_taxonomy  # noqa: E402


@dataclass(frozen=True, slots=True)
class LabelledSet:
    name: str
    path: Path
    blind: bool = False  # scores only: no texts, no per-ad misses


SETS = (
    LabelledSet("shared dev", ROOT.parent / "shared" / "examples" / "postings_dev.jsonl"),
    LabelledSet("own devset", ROOT / "tests" / "fixtures" / "postings_devset.jsonl"),
    LabelledSet(
        "holdout v1 (seen: used for development since 2026-11-28)", ROOT / "bench" / "data" / "postings_holdout.jsonl"
    ),
    LabelledSet(
        "holdout v2 (seen: used for development since 2026-11-28)", ROOT / "bench" / "data" / "postings_holdout2.jsonl"
    ),
    LabelledSet("holdout v3 (blind)", ROOT / "bench" / "data" / "postings_holdout3.jsonl", blind=True),
)


@dataclass(slots=True)
class Score:
    n: int = 0
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CORE_FIELDS, 0))
    all_right: int = 0
    single: int = 0
    single_right: int = 0
    misses: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_multi(record: dict[str, Any]) -> bool:
    return bool(record.get("multi") or record.get("positions"))


def compared(record: dict[str, Any], taxonomy: Taxonomy) -> dict[str, Any]:
    """The parser's values the record's labels describe: the first job for a ``multi`` hold-out ad."""
    out = parse_posting(record["text"], taxonomy).as_json()
    if record.get("multi") and out["positions"]:
        first: dict[str, Any] = out["positions"][0]
        return first
    return out


def score(records: list[dict[str, Any]], taxonomy: Taxonomy, keep_misses: bool) -> Score:
    result = Score(n=len(records))
    for record in records:
        out = compared(record, taxonomy)
        expected = record["expected"]
        keys = [k for k in CORE_FIELDS if k in expected]
        wrong = [(k, expected[k], out.get(k)) for k in keys if out.get(k) != expected[k]]
        for k in keys:
            result.fields[k] += out.get(k) == expected[k]
        result.all_right += not wrong
        if not is_multi(record):
            result.single += 1
            result.single_right += not wrong
        if wrong and keep_misses:
            result.misses.append((str(record.get("id")), wrong))
    return result


def report(labelled: LabelledSet, taxonomy: Taxonomy, show_misses: bool) -> None:
    if not labelled.path.exists():
        print(f"\n{labelled.name}: {labelled.path.name} not found, skipped")
        return
    try:
        records = load(labelled.path)
    except ValueError:  # a set still being written may end in a partial line; say so, show nothing of it
        print(f"\n{labelled.name}: {labelled.path.name} is not complete JSON lines yet, skipped")
        return
    result = score(records, taxonomy, keep_misses=show_misses and not labelled.blind)
    n = result.n
    print(f"\n{labelled.name}: {n} ads ({labelled.path.name})")
    for name, count in result.fields.items():
        print(f"  {name:<24} {count / n:7.1%}")
    print(f"  {'all fields right':<24} {result.all_right / n:7.1%}  ({result.all_right}/{n})")
    if result.single:
        share = result.single_right / result.single
        print(f"  {'single-position ads':<24} {share:7.1%}  ({result.single_right}/{result.single}, target 97%)")
    for ident, wrong in result.misses:
        print(f"    {ident}: " + "; ".join(f"{k} expected {e!r} got {g!r}" for k, e, g in wrong))


def _loadable(path: Path) -> list[dict[str, Any]]:
    try:
        return load(path)
    except ValueError:
        return []


def throughput(passes: int, taxonomy: Taxonomy) -> None:
    texts = [r["text"] for s in SETS if s.path.exists() for r in _loadable(s.path)]
    for text in texts:  # warm the memos and the place reader once, as a long-running process would
        parse_posting(text, taxonomy)
    start = time.perf_counter()
    for _ in range(passes):
        for text in texts:
            parse_posting(text, taxonomy)
    elapsed = time.perf_counter() - start
    rate = len(texts) * passes / elapsed
    print(f"\nthroughput: {rate:,.0f} ads/s ({len(texts)} ads x {passes} passes, {elapsed:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--misses", action="store_true", help="list the misses of the sets that are not blind")
    args = parser.parse_args()
    taxonomy = default_taxonomy()
    for labelled in SETS:
        report(labelled, taxonomy, args.misses)
    throughput(args.passes, taxonomy)


if __name__ == "__main__":
    main()
