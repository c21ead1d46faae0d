"""Free-text posting parser: per-field accuracy on the labelled sets, and throughput.

    .venv/bin/python bench/posting_parser.py [--passes 20] [--misses] [--skip-blind]

Scores the 11 core keys of each ad's ``expected`` (and "all fields right" per ad) on:

- shared dev: the users' own examples (/work/shared/examples/postings_dev.jsonl);
- own devset: our development set (tests/fixtures/postings_devset.jsonl);
- holdout v1, v2 and v3 (bench/data/postings_holdout.jsonl, postings_holdout2.jsonl, postings_holdout3.jsonl):
  each written blind, measured once, and used for development since 2026-11-28, so their figures are no longer
  estimates of accuracy on unseen ads;
- holdout v4 (bench/data/postings_holdout4.jsonl), blind, when it exists and is complete: loaded and scored only.
  Only its per-field percentages and the all-fields-right figures are printed, never its texts or per-ad misses,
  so nobody tunes the parser on it. It is scored only once complete: a section of bench/data/README.md describes
  it, every line is valid JSON and there are as many ads as that section states; a partly written file is
  reported as skipped. ``--skip-blind`` leaves it out while the parser is still being changed.

Labels of an ad marked ``"multi": true`` (the hold-outs' convention, ``bench/data/README.md``) describe the
first job listed; they are scored against ``positions[0]``, the parser's reading of that job. Ads of our devset
with ``"positions": n`` are labelled with the ad's summary and scored against the top-level keys (see
``ingest.posting_parser``). The target (issue 3) is every field right on at least 97% of single-position ads.
``--misses`` lists expected vs got for the sets that may be looked at (never holdout v4).
"""

from __future__ import annotations

import argparse
import json
import re
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
    LabelledSet(
        "holdout v3 (seen: used for development since 2026-11-28)", ROOT / "bench" / "data" / "postings_holdout3.jsonl"
    ),
    LabelledSet("holdout v4 (blind)", ROOT / "bench" / "data" / "postings_holdout4.jsonl", blind=True),
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


def complete(labelled: LabelledSet) -> str | None:
    """Why a set may not be scored yet, or None. A blind set is written line by line; it counts as complete when
    ``bench/data/README.md`` has its ``## <name>`` section and the file holds the number of ads stated there."""
    if not labelled.path.exists():
        return "not found"
    try:
        records = load(labelled.path)
    except ValueError:  # a set still being written may end in a partial line; say so, show nothing of it
        return "not complete JSON lines yet"
    if not labelled.blind:
        return None
    readme = labelled.path.parent / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    section = re.search(rf"^## {re.escape(labelled.path.name)}\b.*?$\n+(\d+) ads", text, re.MULTILINE)
    if section is None:
        return "not described in bench/data/README.md yet (still being written)"
    if int(section.group(1)) != len(records):
        return "partly written (fewer ads than its README section states)"
    return None


def report(labelled: LabelledSet, taxonomy: Taxonomy, show_misses: bool) -> None:
    problem = complete(labelled)
    if problem is not None:
        print(f"\n{labelled.name}: {labelled.path.name} {problem}, skipped")
        return
    records = load(labelled.path)
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


def throughput(passes: int, taxonomy: Taxonomy, sets: tuple[LabelledSet, ...]) -> None:
    texts = [r["text"] for s in sets if complete(s) is None for r in load(s.path)]
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
    parser.add_argument(
        "--skip-blind", action="store_true", help="do not score the blind set (while the parser is still being changed)"
    )
    args = parser.parse_args()
    taxonomy = default_taxonomy()
    sets = tuple(s for s in SETS if not (args.skip_blind and s.blind))
    for labelled in sets:
        report(labelled, taxonomy, args.misses)
    throughput(args.passes, taxonomy, sets)


if __name__ == "__main__":
    main()
