"""The matching engine's tokenizer (分词): free text to the tokens that indexes and features compare.

``Tokenizer.tokens`` runs, in order:

1. ``normalise_text`` (NFKC: full-width to half-width, whitespace collapsed), then Latin letters lower-cased;
2. segmentation by a private ``jieba.Tokenizer`` (never the global ``jieba.dt``) whose user dictionary holds
   the taxonomy's occupation and certificate names and aliases, the colloquial occupation words, the hand list
   ``data/userdict.txt``, every word of ``data/synonyms.csv`` and the stop phrases, so 叉车证, 养老护理员 and
   公益性岗位 stay whole and 男女不限 can be dropped whole;
3. stop words (``data/stopwords.txt``), punctuation, whitespace and quantities (``2200``, ``三千``, ``十名``,
   ``一个月``: numerals followed only by stop words such as units) are dropped; letter-digit codes such as
   driving licence classes (``b2``, ``a2``) and ``n1`` stay;
4. synonyms become their canonical word (保洁员, 清洁工 -> 保洁).

Start-up: building jieba's prefix dictionary (~500k entries) and adding ~4,000 user words takes 1-2 s (jieba's
own cache saves only the first part), so the finished dictionary is kept in ``cache_dir`` (default
``var/cache/jieba`` of the checkout, ignored by git) as one marshal file named by a hash of the jieba and
Python versions and the user words; loading it takes ~0.25 s. A cache that cannot be read or written (a
read-only checkout) is skipped, never an error; a new word list replaces the old file.

Thread safety: the dictionary is complete when ``__init__`` returns and only read afterwards; the memo of
``tokens`` is a ``functools.lru_cache``, which stays consistent under concurrent calls (a race may segment
one text twice). One instance serves the whole process; FastAPI's thread pool may share it.
"""

from __future__ import annotations

import array
import contextlib
import csv
import functools
import hashlib
import io
import logging
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import jieba

from models.taxonomy import Taxonomy, default_taxonomy
from models.text import normalise_text

__all__ = ["DEFAULT_CACHE_DIR", "DEFAULT_MEMO_SIZE", "Tokenizer"]

logger = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR: Final[Path | None] = (
    _ROOT / "var" / "cache" / "jieba" if (_ROOT / "pyproject.toml").is_file() else None
)
# Distinct texts of one matching run (skills cells, wishes, ads) are far fewer; a runaway stream is not.
DEFAULT_MEMO_SIZE: Final = 200_000

# jieba's Chinese range; a mixed word such as "b2驾照" needs no entry, jieba keeps the run "b2" whole anyway.
_DICTIONARY_WORD = re.compile("[\u4e00-\u9fd5]{2,}")
_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script, Chinese characters included
_NUMERALS = re.compile(r"[\d.〇零一二两三四五六七八九十百千万亿]+")
_CACHE_PREFIX = "anye-jieba-"
# Words joined by newlines plus an int64 array load in ~40% less time than a marshalled dict.
_CACHE_FORMAT = "anye-jieba-prefix-dict/1"


class Tokenizer:
    """Segments, cleans and canonicalises Chinese text; build one per process (~0.25 s from the cache).

    ``taxonomy`` defaults to ``default_taxonomy()``; ``cache_dir=None`` disables the dictionary file cache;
    ``memo_size`` bounds the memo of ``tokens``.
    """

    def __init__(
        self,
        *,
        taxonomy: Taxonomy | None = None,
        cache_dir: str | os.PathLike[str] | None = DEFAULT_CACHE_DIR,
        memo_size: int = DEFAULT_MEMO_SIZE,
    ) -> None:
        self._params: dict[str, Any] = {"taxonomy": taxonomy, "memo_size": memo_size}
        if cache_dir != DEFAULT_CACHE_DIR:  # the default is a path of this checkout: unpickling uses its own
            self._params["cache_dir"] = cache_dir
        self._stop_words = _load_stop_words()
        self._synonyms = _load_synonyms()
        self._words = _dictionary_words(taxonomy or default_taxonomy(), self._synonyms, self._stop_words)
        self._jieba = _build_jieba(self._words, None if cache_dir is None else Path(cache_dir))
        self._memo = functools.lru_cache(maxsize=memo_size)(self._analyse)

    def tokens(self, text: str) -> tuple[str, ...]:
        """The tokens of ``text``, in order, repeats kept; remembered, so repeated texts cost a look-up."""
        return self._memo(text)

    @property
    def analyzer(self) -> Callable[[str], tuple[str, ...]]:
        """``tokens``, for ``TfidfVectorizer(analyzer=tokenizer.analyzer)``."""
        return self.tokens

    def segmented(self, text: str) -> str:
        """The tokens joined by single spaces: the input rapidfuzz's ``token_*`` scorers expect."""
        return " ".join(self._memo(text))

    def normalise(self, text: str) -> str:
        """The text jieba sees: ``normalise_text`` (NFKC, whitespace collapsed), Latin letters lower-cased."""
        return _normal(text)

    def cache_clear(self) -> None:
        """Forget the remembered texts (benchmarks measure the cold path with this)."""
        self._memo.cache_clear()

    def cache_info(self) -> functools._CacheInfo:
        return self._memo.cache_info()

    @property
    def stop_words(self) -> frozenset[str]:
        return self._stop_words

    @property
    def synonyms(self) -> Mapping[str, str]:
        """Synonym -> canonical word, both normalised."""
        return self._synonyms

    @property
    def dictionary_words(self) -> tuple[str, ...]:
        """The user dictionary: every word added to jieba, in the order added."""
        return self._words

    def __reduce__(self) -> tuple[Any, ...]:
        # jieba's Tokenizer holds a lock and cannot be pickled; a fitted TfidfVectorizer whose analyzer is
        # ``tokens`` can, because unpickling builds a new Tokenizer from the same arguments.
        return (functools.partial(Tokenizer, **self._params), ())

    def __repr__(self) -> str:
        return f"Tokenizer(words={len(self._words)}, synonyms={len(self._synonyms)}, stop={len(self._stop_words)})"

    def _analyse(self, text: str) -> tuple[str, ...]:
        text = _normal(text)
        if not text:
            return ()
        stop, synonyms = self._stop_words, self._synonyms
        found: list[str] = []
        for token in self._jieba.cut(text):
            if token in stop or not _LETTER.search(token) or _is_quantity(token, stop):
                continue
            found.append(synonyms.get(token, token))
        return tuple(found)


def _is_quantity(token: str, stop: frozenset[str]) -> bool:
    """Numerals, alone or with units that are stop words: 三千, 十名, 一个月 (jieba's HMM glues them)."""
    numerals = _NUMERALS.match(token)
    return numerals is not None and all(char in stop for char in token[numerals.end() :])


def _data_lines(name: str) -> list[str]:
    """The non-blank, non-comment lines of a file in ``matcher/data``."""
    text = files("matcher.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _normal(word: str) -> str:
    return normalise_text(word).lower()


def _load_stop_words() -> frozenset[str]:
    return frozenset(_normal(word) for word in _data_lines("stopwords.txt"))


def _load_synonyms() -> dict[str, str]:
    """``synonyms.csv`` as synonym -> canonical; a synonym with two canonicals or a chain is an error."""
    rows = csv.DictReader(io.StringIO("\n".join(_data_lines("synonyms.csv")), newline=""))
    mapping: dict[str, str] = {}
    for row in rows:
        canonical, synonym = _normal(row["canonical"] or ""), _normal(row["synonym"] or "")
        if not canonical or not synonym or " " in canonical + synonym or canonical == synonym:
            raise ValueError(f"synonyms.csv: bad row {row}")
        if mapping.setdefault(synonym, canonical) != canonical:
            raise ValueError(f"synonyms.csv: {synonym} maps to both {mapping[synonym]} and {canonical}")
    chained = sorted(set(mapping.values()) & set(mapping))
    if chained:
        raise ValueError(f"synonyms.csv: canonical words listed as synonyms too: {chained}")
    return mapping


def _dictionary_words(taxonomy: Taxonomy, synonyms: Mapping[str, str], stop_words: Iterable[str]) -> tuple[str, ...]:
    """The user words, normalised, without repeats; only pure Chinese words of 2+ characters.

    Hand list, taxonomy, synonyms, then stop words: a stop phrase such as 男女不限 is only dropped when jieba
    cuts it out whole.
    """
    hand = [_normal(word) for word in _data_lines("userdict.txt")]
    bad = [word for word in hand if not _DICTIONARY_WORD.fullmatch(word)]
    if bad:
        raise ValueError(f"userdict.txt: only words of two or more Chinese characters belong here: {bad}")
    candidates: list[str] = list(hand)
    for occupation in taxonomy.occupations():
        candidates += [occupation.name, *occupation.aliases]
    candidates += [alias.alias for alias in taxonomy.occupation_aliases()]
    for certificate in taxonomy.certificates():
        candidates += [certificate.name, *certificate.aliases]
    for synonym, canonical in synonyms.items():
        candidates += [canonical, synonym]
    candidates += sorted(stop_words)
    normal = (_normal(word) for word in candidates)
    return tuple(dict.fromkeys(word for word in normal if _DICTIONARY_WORD.fullmatch(word)))


def _build_jieba(words: tuple[str, ...], cache_dir: Path | None) -> Any:
    """A fully initialised ``jieba.Tokenizer`` with ``words`` added, from the file cache when possible."""
    segmenter = jieba.Tokenizer()
    path = cache_dir / _cache_name(words) if cache_dir is not None else None
    cached = _read_cache(path) if path is not None else None
    if cached is not None:
        segmenter.FREQ, segmenter.total = cached
        segmenter.initialized = True
        return segmenter
    # What segmenter.initialize() does, without its logging and its own cache in the shared temp dir.
    segmenter.FREQ, segmenter.total = segmenter.gen_pfdict(segmenter.get_dict_file())
    segmenter.initialized = True
    for word in words:
        # jieba suggests a frequency just high enough to keep the word whole; never 0, which would put the
        # word in jieba's process-wide forced-split set.
        segmenter.add_word(word)
    if path is not None:
        _write_cache(path, (segmenter.FREQ, segmenter.total))
    return segmenter


def _cache_name(words: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in (jieba.__version__, sys.version, str(marshal.version), *words):
        digest.update(part.encode("utf-8") + b"\n")
    return f"{_CACHE_PREFIX}{digest.hexdigest()[:24]}.marshal"


def _read_cache(path: Path) -> tuple[dict[str, int], int] | None:
    try:
        with path.open("rb") as file:
            tag, keys, values, total = marshal.load(file)
        if tag != _CACHE_FORMAT or not isinstance(total, int):
            return None
        frequencies = array.array("q")
        frequencies.frombytes(values)
        return dict(zip(keys.split("\n"), frequencies, strict=True)), total
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError, AttributeError) as exc:
        logger.info("jieba dictionary cache %s unreadable, rebuilding: %s", path, exc)
        return None


def _write_cache(path: Path, data: tuple[dict[str, int], int]) -> None:
    """Write atomically (concurrent processes may race), then remove caches of other word lists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            frequencies, total = data
            values = array.array("q", frequencies.values()).tobytes()
            with os.fdopen(fd, "wb") as file:
                marshal.dump((_CACHE_FORMAT, "\n".join(frequencies), values, total), file)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:  # read-only checkout, full disk: run without a cache
        logger.info("jieba dictionary cache not written to %s: %s", path.parent, exc)
        return
    for stale in path.parent.glob(f"{_CACHE_PREFIX}*.marshal"):
        if stale != path:
            with contextlib.suppress(OSError):
                stale.unlink()
