"""The text of a posting as the parser reads it, with the way back to the text as it was written.

Ads come from WeChat groups and job sites: full-width digits, emoji, ``～ — 一`` as dashes, now and then a
poster in traditional characters (``保安員 50歲以下 需持保安證``). The parser reads a normalised copy (NFKC per
character, traditional characters folded to simplified by the one-for-one table ``traditional`` of
``posting_phrases.json``, dashes folded to ``-``, a ``一`` between two digits read as a dash) and
every span it reports is mapped back to offsets of the original text, so ``text[start:end]`` is what a person
sees highlighted. Line breaks are kept: the first line is often the title, and a line is a clause.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["Source", "Span", "clause_of", "phrases", "prepare", "segment_of"]

_DASHES = str.maketrans({c: "-" for c in "－—–―‐‑−〜～~"})
# A 一 between two digits is a dash typed with a Chinese input method: 6000一9000.
_DIGIT_DASH = re.compile(r"(?<=\d)\s*一\s*(?=\d)")
# A comma is a break except inside a number written with thousands separators (2,800).
_CLAUSE_BREAK = re.compile(r"[;!?。；！？\n]|(?<!\d),|,(?!\d{3}(?!\d))|\.(?!\d)")
_SEGMENT_BREAK = re.compile(r"[,;!?。；！？\n\s、]")


@dataclass(frozen=True, slots=True)
class Span:
    """Where a value came from: offsets into the original text and the text there (``text[start:end]``)."""

    start: int
    end: int
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


class Source:
    """The original text, its normalised copy ``norm`` and, per normalised character, its original offsets."""

    __slots__ = ("_ends", "_starts", "norm", "original")

    def __init__(self, original: str, norm: str, starts: list[int], ends: list[int]) -> None:
        self.original = original
        self.norm = norm
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> Span:
        """The original span of ``norm[start:end]`` (an empty span for an empty range)."""
        if end <= start or not self.norm:
            at = self._starts[start] if start < len(self._starts) else len(self.original)
            return Span(at, at, "")
        first, last = self._starts[start], self._ends[end - 1]
        return Span(first, last, self.original[first:last])


def prepare(text: str) -> Source:
    """Normalise ``text`` character by character, remembering where each normalised character came from."""
    simplified = _simplified()
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char)
        if char in "\u200b\u200c\u200d\u2060\ufeff":
            continue
        folded = folded.translate(_DASHES).translate(simplified).replace("\r", "\n").replace("\t", " ")
        parts.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
    norm = "".join(parts)
    norm = _DIGIT_DASH.sub(lambda m: "-".center(len(m.group()), " "), norm)
    return Source(text, norm, starts, ends)


@cache
def _simplified() -> dict[int, str]:
    table: dict[str, str] = phrases()["traditional"]
    return str.maketrans(table)


def clause_of(norm: str, pos: int) -> tuple[int, int]:
    """Bounds of the clause around ``pos``: text between commas, full stops and line breaks."""
    return _bounds(norm, pos, _CLAUSE_BREAK)


def segment_of(norm: str, pos: int) -> tuple[int, int]:
    """Bounds of the segment around ``pos``: a clause further cut at spaces and ``、``."""
    return _bounds(norm, pos, _SEGMENT_BREAK)


def _bounds(norm: str, pos: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    start = 0
    for m in breaks.finditer(norm, 0, pos):
        start = m.end()
    found = breaks.search(norm, pos)
    return start, found.start() if found else len(norm)


@cache
def phrases() -> dict[str, Any]:
    """The phrase tables in ``ingest/data/posting_phrases.json`` (meals and housing, notes, kinds ...)."""
    data: dict[str, Any] = json.loads(files("ingest.data").joinpath("posting_phrases.json").read_text("utf-8"))
    return data
