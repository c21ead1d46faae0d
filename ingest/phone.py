"""Phone cells: one or several numbers, mobiles and landlines, as people type them.

Mobiles come out as 11 digits (``13812345678``), landlines as ``area-local`` (``0350-1234567``). A cell may
hold several numbers separated by ``/ 、 , ; 或``, spaces or line breaks, with labels such as ``（本人）``.
A number cell that lost a landline's leading zero (``3501234567``) gets it back.
"""

from __future__ import annotations

import math
import re

from ingest.problem import CODES, Checked
from models.text import normalise_text

__all__ = ["parse_phones"]

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
# Area codes 010 and 020..029 have three digits; every other one has four (0350, 0871 ...).
_THREE_DIGIT_AREA = re.compile(r"0(?:10|2\d)", re.ASCII)
_AREA = re.compile(r"0\d{2,3}", re.ASCII)
_LOCAL = re.compile(r"[1-9]\d{6,7}", re.ASCII)
# An area code the writer set apart: (0350)1234567, 0350-1234567, 0350 1234567.
_WRITTEN_AREA = re.compile(r"\(?(0\d{2,3})[)\s\-]+(.+)", re.ASCII)
_PARTS = re.compile(r"[/、,;|\\]|或")
# A parenthesised note without digits: （本人）, (母亲).
_NOTE = re.compile(r"\([^)\d]*\)", re.ASCII)
_GROUPING = re.compile(r"[\s\-.]")
_LEADING_LABEL = re.compile(r"^[^\d(+]+", re.ASCII)
_TRAILING_LABEL = re.compile(r"\D+$", re.ASCII)
_BLANKS = frozenset({"无", "没有", "暂无", "/", "-", "--", "—", "——"})
_UNREADABLE = "?"  # stands for a cell that is no phone at all (True, a negative number, a broken object)


def parse_phones(raw: object) -> Checked[list[str]]:
    """The valid numbers of a cell, in order, without repeats; never raises.

    A blank cell gives ``[]`` without a problem. When some part is not a valid number, the valid ones are
    still returned, with code ``phone_invalid`` (a warning: nothing good is dropped).
    """
    if isinstance(raw, str) and len(raw) == 11 and _MOBILE.fullmatch(raw):
        return Checked([raw])  # the common case, without the general path
    parts, from_number = _parts(raw)
    phones: list[str] = []
    bad = 0
    for part in parts:
        found = _numbers(part, from_number)
        if found is None:
            bad += 1
            continue
        phones.extend(p for p in found if p not in phones)
    if not bad:
        return Checked(phones)
    reason = CODES["phone_invalid"][0]
    return Checked(phones, "phone_invalid", f"有{bad}处无法识别：{reason}" if phones else reason)


def _parts(raw: object) -> tuple[list[str], bool]:
    """The cell split at separators, and whether it was a number (then a landline's 0 may be missing)."""
    if raw is None:
        return [], False
    if isinstance(raw, bool) or (isinstance(raw, int | float) and raw < 0):
        return [_UNREADABLE], False
    if isinstance(raw, int):
        return [str(raw)], True
    if isinstance(raw, float):
        if math.isnan(raw):
            return [], False
        return [str(int(raw)) if raw.is_integer() else repr(raw)], True
    try:
        text = normalise_text(raw if isinstance(raw, str) else str(raw))
    except Exception:  # a broken __str__ is a bad value, not a crash
        return [_UNREADABLE], False
    if text in _BLANKS:
        return [], False
    return [p for p in (s.strip() for s in _PARTS.split(text)) if p], False


def _numbers(part: str, from_number: bool) -> list[str] | None:
    """The numbers of one part: one number (possibly written with spaces), or several split by spaces."""
    single = _number(part, from_number)
    if single is not None:
        return [single]
    words = part.split()
    if len(words) < 2:
        return None
    found = [_number(word, from_number) for word in words]
    return [n for n in found if n is not None] if all(found) else None


def _number(text: str, from_number: bool) -> str | None:
    text = _TRAILING_LABEL.sub("", _LEADING_LABEL.sub("", _NOTE.sub("", text)))
    written = _WRITTEN_AREA.fullmatch(text)
    if written is not None:
        return _landline(written.group(1), _GROUPING.sub("", written.group(2)))
    digits = _GROUPING.sub("", text)
    if digits.startswith(("+86", "0086")):
        digits = digits.removeprefix("+86").removeprefix("0086")
        # International format drops the landline's trunk 0: +86 350 1234567.
        digits = digits if digits.startswith(("0", "1")) else "0" + digits
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    if _MOBILE.fullmatch(digits):
        return digits
    if from_number and not digits.startswith(("0", "1")):
        digits = "0" + digits  # a number cell drops a landline's leading zero
    size = 3 if _THREE_DIGIT_AREA.match(digits) else 4
    return _landline(digits[:size], digits[size:])


def _landline(area: str, local: str) -> str | None:
    if _AREA.fullmatch(area) and _LOCAL.fullmatch(local):
        return f"{area}-{local}"
    return None
