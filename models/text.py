"""Text normalisation shared by ingest and matcher: every cell and every query goes through here first.

NFKC folds full-width letters, digits and punctuation to half-width (``１３８`` -> ``138``, ``，`` -> ``,``)
and the ideographic space to a plain one; then whitespace runs (line breaks inside cells included) collapse
to one space. This runs millions of times per import, so it stays two small functions with fast paths.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

__all__ = ["cell_text", "normalise_text"]

# Zero-width characters and the BOM: invisible, not whitespace to str.split(), and common in text pasted
# from web pages or CSV files, where they make equal-looking values differ.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# Python prints floats of 1e16 and up in scientific notation; below that an integral float is shown as an
# integer, which is how Excel shows a number-formatted phone or ID cell.
_PLAIN_FLOAT_LIMIT = 1e16


def normalise_text(s: str) -> str:
    """NFKC, invisible characters removed, whitespace runs collapsed to one space, ends stripped."""
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
        if _INVISIBLE.search(s):
            s = _INVISIBLE.sub("", s)
    return " ".join(s.split())


def cell_text(raw: object) -> str:
    """Any spreadsheet cell value as normalised text; ``""`` for a blank cell.

    An integral float loses its ``.0`` (``13812345678.0`` -> ``"13812345678"``); NaN (pandas' blank) is
    ``""``; a float of 1e16 or more keeps Python's scientific form, because its last digits are not real.
    A boolean cell reads ``是``/``否``; a date ``1990-01-01``; a datetime ``1990-01-01 08:30:00``.
    """
    if type(raw) is str:
        return normalise_text(raw)
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return _float_text(raw)
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return normalise_text(str(raw))


def _float_text(value: float) -> str:
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < _PLAIN_FLOAT_LIMIT:
        return str(int(value))
    return repr(value)
