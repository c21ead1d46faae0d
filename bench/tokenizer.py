"""Tokenizer throughput: ``Tokenizer.tokens`` cold and warm against plain ``jieba.lcut``, and construction time.

    .venv/bin/python bench/tokenizer.py [--workers 24000] [--seed 7] [--repeat 3]

The corpus: every ad of the shared examples (/work/shared/examples/postings_dev.jsonl) and of the hold-out
set (bench/data/postings_holdout.jsonl, only loaded, when present), each whole and line by line (cells of a
structured posting are short lines), plus synthetic worker skill and wish strings made from the taxonomy's
names (``电焊、开车 会做饭 持叉车证``). Some drawn strings repeat, as skills cells do in a ledger.

"cold" clears the memo first (repeats inside the pass still hit it); "warm" is a pass over texts already
remembered; "memo_size=0" segments every text, like "jieba.lcut", the global tokenizer (already initialised)
on the same texts. Construction is timed three ways: without a dictionary cache, filling an empty cache
directory, and loading from it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from matcher.tokenizer import Tokenizer  # noqa: E402
from models.taxonomy import Taxonomy, default_taxonomy  # noqa: E402

ADS = [
    ROOT.parent / "shared" / "examples" / "postings_dev.jsonl",
    ROOT / "bench" / "data" / "postings_holdout.jsonl",
]
_SEPARATORS = ["、", "，", " ", "，", "、", ";", "/"]
_SKILL_FORMS = ["{}", "{}", "会{}", "能{}", "做过{}", "{}三年", "熟练{}"]
_CERT_FORMS = ["持{}", "有{}", "{}", "考了{}"]
_WISH_FORMS = ["想找{}工作", "希望做{}", "{}，离家近", "想去县城做{}", "{}或者{}都行", "找{}，要包吃住", "附近的{}"]


def ad_texts() -> list[str]:
    texts: list[str] = []
    for path in ADS:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                texts.append(text)
                texts.extend(part for part in text.splitlines() if part.strip())
    return texts


def worker_texts(taxonomy: Taxonomy, count: int, rng: random.Random) -> list[str]:
    """Skill and wish cells as people fill them in: a few colloquial words, certificates, 大典 names."""
    colloquial = [a.alias for a in taxonomy.occupation_aliases()]
    certificates = [n for c in taxonomy.certificates() for n in (c.name, *c.aliases)]
    occupations = [o.name for o in taxonomy.occupations() if o.level == 4]
    texts: list[str] = []
    for _ in range(count):
        if rng.random() < 0.3:
            words = rng.sample(colloquial, 2) + [rng.choice(occupations)]
            form = rng.choice(_WISH_FORMS)
            texts.append(form.format(*words[: form.count("{}")]))
            continue
        parts = [rng.choice(_SKILL_FORMS).format(rng.choice(colloquial)) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.4:
            parts.append(rng.choice(_CERT_FORMS).format(rng.choice(certificates)))
        if rng.random() < 0.15:
            parts.append(rng.choice(occupations))
        rng.shuffle(parts)
        text = ""
        for i, part in enumerate(parts):
            text += (rng.choice(_SEPARATORS) if i else "") + part
        texts.append(text)
    return texts


def best(run: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None) -> float:
    """The fastest of ``repeat`` runs (others share the machine: the minimum is the least disturbed)."""
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def row(name: str, seconds: float, texts: Sequence[str], chars: int) -> None:
    print(f"  {name:<34} {seconds:8.3f} s {len(texts) / seconds:12,.0f} texts/s {chars / seconds:14,.0f} chars/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=24_000, help="synthetic worker strings")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is shown")
    args = parser.parse_args()

    taxonomy = default_taxonomy()
    ads = ad_texts()
    texts = ads + worker_texts(taxonomy, args.workers, random.Random(args.seed))
    random.Random(args.seed).shuffle(texts)
    chars = sum(map(len, texts))
    print(f"corpus: {len(texts):,} texts ({len(ads):,} from ads), {len(set(texts)):,} distinct, {chars:,} chars")

    print(f"\nconstruction (best of {args.repeat})")
    with tempfile.TemporaryDirectory() as root:
        caches = iter(Path(root, str(i)) for i in range(args.repeat))
        print(f"  {'no cache':<34} {best(lambda: Tokenizer(cache_dir=None), args.repeat):8.3f} s")
        fill = best(lambda: Tokenizer(cache_dir=next(caches)), args.repeat)
        print(f"  {'empty cache dir (build, write)':<34} {fill:8.3f} s")
        load = best(lambda: Tokenizer(cache_dir=Path(root, "0")), args.repeat)
        print(f"  {'from cache':<34} {load:8.3f} s")
        tokenizer = Tokenizer(cache_dir=Path(root, "0"))
        unmemoised = Tokenizer(cache_dir=Path(root, "0"), memo_size=0)

    jieba.initialize()  # the global tokenizer's ~1 s start-up is not throughput
    print(f"\nthroughput (best of {args.repeat})")
    row("jieba.lcut (global)", best(lambda: [jieba.lcut(t) for t in texts], args.repeat), texts, chars)
    seconds = best(lambda: [unmemoised.tokens(t) for t in texts], args.repeat)
    row("Tokenizer.tokens, memo_size=0", seconds, texts, chars)
    seconds = best(lambda: [tokenizer.tokens(t) for t in texts], args.repeat, before=tokenizer.cache_clear)
    row("Tokenizer.tokens cold", seconds, texts, chars)
    row("Tokenizer.tokens warm", best(lambda: [tokenizer.tokens(t) for t in texts], args.repeat), texts, chars)
    print(f"\nmemo: {tokenizer.cache_info()}")
    print(f"sample: {texts[0]!r} -> {tokenizer.tokens(texts[0])}")


if __name__ == "__main__":
    main()
