"""The certificate (证书) and occupation (职业分类大典 2022) taxonomies, and matching free text onto them.

Ledger cells say ``电工证``, ``C1``, ``会开挖机``, ``建筑小工``; matching turns each into a canonical
certificate name or a 大典 occupation code. The tables are package data in ``models/data`` (sources and
licences in ``models/data/SOURCES.md``); ``default_taxonomy()`` loads them once per process.

Matching goes from safe to loose and stops at the first hit:

- certificates: exact name or alias -> an alias contained in the text (longest, then leftmost) -> the text
  contained in the aliases of exactly one certificate -> rapidfuzz ratio >= 90;
- occupations: exact colloquial alias, 大典 name or 大典 alias -> a colloquial alias contained in the text
  (specific words before broad ones such as ``司机``, ``工地``) -> a 大典 细类 name contained in the text ->
  rapidfuzz ratio >= 88.

Comparison keys are ``normalise_text`` without spaces, upper-cased, edge punctuation stripped. The same
strings repeat across 100k-row ledgers, so each instance remembers its answers.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TypeVar

from rapidfuzz import fuzz, process

from models.text import normalise_text

__all__ = ["Certificate", "Occupation", "OccupationAlias", "Taxonomy", "default_taxonomy", "match_key"]

V = TypeVar("V")

# Short strings make ratio jumpy (one wrong character of five is 80): only near-identical long names pass.
_CERTIFICATE_CUTOFF = 90.0
_OCCUPATION_CUTOFF = 88.0
# Bounds the memo of match_*: distinct cell texts of one import are far fewer, a runaway stream is not.
_MEMO_LIMIT = 100_000
_EDGE_PUNCTUATION = " .,;:!?、。·'\"“”‘’()[]【】<>《》-_*#"


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate (证书): canonical ``name``, ``kind`` (特种作业操作证, 驾驶证 ...), issuing authority."""

    name: str
    kind: str
    issuer: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Occupation:
    """A 大典 2022 entry: ``level`` 1 大类 .. 4 细类; ``mark`` L (green), S (digital), L/S or ''."""

    level: int
    code: str
    name: str
    mark: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OccupationAlias:
    """A colloquial word for an occupation; ``broad`` words (``司机``, ``工地``) yield to specific ones."""

    alias: str
    code: str
    broad: bool


def match_key(text: str) -> str:
    """The comparison form of a name: normalised, no spaces, upper-case, edge punctuation stripped."""
    return normalise_text(text).replace(" ", "").upper().strip(_EDGE_PUNCTUATION)


class Taxonomy:
    """Certificates and occupations with their match indexes. Build with ``load()``, not per row."""

    def __init__(
        self,
        certificates: Sequence[Certificate],
        occupations: Sequence[Occupation],
        colloquial: Sequence[OccupationAlias],
    ) -> None:
        self._certificates = tuple(certificates)
        self._occupations = tuple(occupations)
        self._colloquial = tuple(colloquial)
        self._by_code = {o.code: o for o in self._occupations}
        unknown = [a.code for a in self._colloquial if a.code not in self._by_code]
        if unknown:
            raise ValueError(f"occupation aliases name codes missing from the occupation table: {unknown}")
        self._build_certificate_index()
        self._build_occupation_index()
        self._certificate_memo: dict[str, str | None] = {}
        self._occupation_memo: dict[str, tuple[str, str] | None] = {}

    @classmethod
    def load(cls, folder: Traversable | None = None) -> Taxonomy:
        """Read the three CSV tables from ``folder`` (default: the package's ``models/data``)."""
        root = folder if folder is not None else files("models.data")
        certificates = [
            Certificate(r["canonical"], r["kind"], r["issuer"], _split(r["aliases"]))
            for r in _rows(root / "certificates.csv")
        ]
        occupations = [
            Occupation(int(r["level"]), r["code"], r["name"], r["mark"], _split(r["aliases"]))
            for r in _rows(root / "occupations.csv")
        ]
        colloquial = [
            OccupationAlias(r["alias"], r["code"], r["broad"] == "1") for r in _rows(root / "occupation_aliases.csv")
        ]
        return cls(certificates, occupations, colloquial)

    def certificates(self) -> tuple[Certificate, ...]:
        return self._certificates

    def occupations(self) -> tuple[Occupation, ...]:
        """All levels of the 大典; matching only ever returns 细类 (and the 其他 buckets of the aliases)."""
        return self._occupations

    def occupation(self, code: str) -> Occupation | None:
        """The occupation of a 大典 code, at any level, or None."""
        return self._by_code.get(code)

    def occupation_aliases(self) -> tuple[OccupationAlias, ...]:
        """The hand-written colloquial words (for a tokenizer's user dictionary, say)."""
        return self._colloquial

    def match_certificate(self, text: str) -> str | None:
        """The canonical certificate name ``text`` stands for, or None when unsure."""
        try:
            return self._certificate_memo[text]
        except KeyError:
            found = self._match_certificate(match_key(text))
            _remember(self._certificate_memo, text, found)
            return found

    def match_occupation(self, text: str) -> tuple[str, str] | None:
        """``(code, name)`` of the 大典 occupation ``text`` names, or None when unsure."""
        try:
            return self._occupation_memo[text]
        except KeyError:
            code = self._match_occupation(match_key(text))
            found = (code, self._by_code[code].name) if code else None
            _remember(self._occupation_memo, text, found)
            return found

    def _build_certificate_index(self) -> None:
        exact: dict[str, str] = {}
        for cert in self._certificates:  # canonical names first: they beat anyone's alias
            exact.setdefault(match_key(cert.name), cert.name)
        for cert in self._certificates:
            for alias in cert.aliases:
                exact.setdefault(match_key(alias), cert.name)
        self._cert_exact = exact
        self._cert_contained = _Contained(exact.items())
        self._cert_nearest = _Nearest(exact, _CERTIFICATE_CUTOFF)

    def _build_occupation_index(self) -> None:
        exact: dict[str, str] = {}
        for alias in self._colloquial:  # hand-written words first: they fix the table's ambiguities
            exact.setdefault(match_key(alias.alias), alias.code)
        fine = [o for o in self._occupations if o.level == 4]
        for occupation in fine:
            exact.setdefault(match_key(occupation.name), occupation.code)
        for occupation in fine:
            for spelling in occupation.aliases:
                exact.setdefault(match_key(spelling), occupation.code)
        self._occ_exact = exact
        self._occ_tiers = (
            _Contained((match_key(a.alias), a.code) for a in self._colloquial if not a.broad),
            _Contained((match_key(a.alias), a.code) for a in self._colloquial if a.broad),
            _Contained((match_key(o.name), o.code) for o in fine),
        )
        self._occ_nearest = _Nearest(exact, _OCCUPATION_CUTOFF)

    def _match_certificate(self, key: str) -> str | None:
        if not key:
            return None
        found = self._cert_exact.get(key) or self._cert_contained.find(key)
        if found:
            return found
        if len(key) >= 2:  # a bare "叉车" or "厨师": fine when only one certificate's aliases contain it
            owners = {name for alias, name in self._cert_contained.entries if key in alias}
            if len(owners) == 1:
                return owners.pop()
        nearest = self._cert_nearest.find(key)
        return self._cert_exact[nearest] if nearest else None

    def _match_occupation(self, key: str) -> str | None:
        if not key:
            return None
        found = self._occ_exact.get(key)
        if found:
            return found
        for tier in self._occ_tiers:
            found = tier.find(key)
            if found:
                return found
        nearest = self._occ_nearest.find(key)
        return self._occ_exact[nearest] if nearest else None


@functools.cache
def default_taxonomy() -> Taxonomy:
    """The package's taxonomy, loaded on first use and shared by the whole process."""
    return Taxonomy.load()


def _remember(memo: dict[str, V], text: str, value: V) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[text] = value


def _rows(path: Traversable) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _split(aliases: str) -> tuple[str, ...]:
    return tuple(a for a in aliases.split("|") if a)


class _Contained:
    """Keys of 2+ characters (one would match almost anything) found inside a text.

    The longest key found wins, then the leftmost. Keys are grouped by first character, so a look-up
    only tries keys that start with a character of the text.
    """

    __slots__ = ("_by_first", "entries")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.entries = [(key, value) for key, value in entries if len(key) >= 2]
        self._by_first: dict[str, list[tuple[str, str]]] = {}
        for key, value in sorted(self.entries, key=lambda kv: -len(kv[0])):
            self._by_first.setdefault(key[0], []).append((key, value))

    def find(self, text: str) -> str | None:
        best: str | None = None
        best_len = 0
        best_pos = len(text)
        for first in set(text):
            for key, value in self._by_first.get(first, ()):
                if len(key) < best_len:
                    break
                pos = text.find(key)
                if pos >= 0 and (len(key) > best_len or pos < best_pos):
                    best, best_len, best_pos = value, len(key), pos
        return best


class _Nearest:
    """The key closest to a text by rapidfuzz ratio, if it reaches ``cutoff``.

    ratio = 2 * matches / (len(a) + len(b)) can only reach the cutoff when the shorter string is at least
    cutoff / (200 - cutoff) of the longer, so only keys of such lengths are scored.
    """

    __slots__ = ("_by_length", "_cutoff", "_share")

    def __init__(self, keys: Iterable[str], cutoff: float) -> None:
        self._by_length: dict[int, list[str]] = {}
        for key in keys:
            self._by_length.setdefault(len(key), []).append(key)
        self._cutoff = cutoff
        self._share = cutoff / (200 - cutoff)

    def find(self, text: str) -> str | None:
        best: str | None = None
        best_score = self._cutoff
        shortest = math.ceil(len(text) * self._share - 1e-9)
        longest = math.floor(len(text) / self._share + 1e-9)
        for length in range(shortest, longest + 1):
            bucket = self._by_length.get(length)
            found = bucket and process.extractOne(text, bucket, scorer=fuzz.ratio, score_cutoff=best_score)
            if found and (best is None or found[1] > best_score):
                best, best_score = found[0], found[1]
        return best
