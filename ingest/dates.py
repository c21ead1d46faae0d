"""Dates as ledgers write them: date cells, Excel serial numbers and a dozen text forms.

Accepted text: ``1990-01-01``, ``1990-1-1``, ``1990.01.01``, ``1990/1/1``, ``1990年1月1日`` (or 号), with
an optional time (``1990-01-01 00:00:00``); ``19900101``; the month-only forms ``1990年1月``, ``1990.1``,
``1990-01`` and ``199001`` give the 1st of the month. Two-digit years (``90.1.1``) are refused: 1900 or
2000 would be a guess. A bare year (``1990``, as text or number) is refused too: it is not a date, and
as an Excel serial it would fall in 1905. Years must lie in 1900..2100.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ingest.problem import Checked, fail, ok
from models.text import normalise_text

__all__ = ["excel_serial_date", "parse_date"]

_FIRST_YEAR = 1900
_LAST_YEAR = 2100
# Excel's 1900 date system counts 1900-01-01 as 1 and, copying Lotus 1-2-3, has a 29 February 1900 (60).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_LAST_SERIAL = (dt.date(_LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days

_FULL = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    re.ASCII,
)
_MONTH = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:份)?", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?", re.ASCII)


def parse_date(raw: object) -> Checked[dt.date]:
    """One date cell; a blank cell is ``Checked(None)`` without a problem. Never raises."""
    if raw is None:
        return Checked(None)
    if isinstance(raw, dt.datetime):
        return _in_range(raw.date())
    if isinstance(raw, dt.date):
        return _in_range(raw)
    if isinstance(raw, bool):
        return fail("date_invalid")
    if isinstance(raw, int | float):
        return _from_number(raw)
    try:
        text = normalise_text(raw if isinstance(raw, str) else str(raw))
    except Exception:  # a broken __str__ is a bad value, not a crash
        return fail("date_invalid")
    if not text:
        return Checked(None)
    return _from_text(text)


def excel_serial_date(serial: int) -> dt.date | None:
    """The date of an Excel (1900 system) serial day number, or None for 60 and numbers out of range."""
    if serial == _EXCEL_FAKE_LEAP_DAY or not 1 <= serial <= _LAST_SERIAL:
        return None
    # Before the fake leap day the count is one ahead of the real calendar.
    offset = serial + 1 if serial < _EXCEL_FAKE_LEAP_DAY else serial
    return _EXCEL_EPOCH + dt.timedelta(days=offset)


def _from_number(value: float) -> Checked[dt.date]:
    if isinstance(value, float):
        if math.isnan(value):
            return Checked(None)
        if not math.isfinite(value):
            return fail("date_invalid")
        if not value.is_integer():
            return _from_fraction(value)
    number = int(value)
    if _FIRST_YEAR <= number <= _LAST_YEAR:
        return fail("date_invalid", "只填了年份")
    if number > _LAST_SERIAL:  # 19900101 or 199001 typed into a number cell
        return _from_text(str(number))
    serial = excel_serial_date(number)
    return ok(serial) if serial else fail("date_invalid")


def _from_fraction(value: float) -> Checked[dt.date]:
    """A number with a fraction: ``1990.01`` typed into a number cell, or a serial with a time of day."""
    if _FIRST_YEAR <= value < _LAST_YEAR + 1:
        year, _, month = repr(value).partition(".")
        if len(month) == 1:  # Excel shows 1990.10 as 1990.1 too
            return fail("date_invalid", "年月写成小数时分不清1月和10月")
        return _build(int(year), int(month), 1) if len(month) == 2 else fail("date_invalid")
    serial = excel_serial_date(math.floor(value))
    return ok(serial) if serial else fail("date_invalid")


def _from_text(text: str) -> Checked[dt.date]:
    for pattern in (_FULL, _MONTH, _COMPACT):
        found = pattern.fullmatch(text)
        if found:
            groups = found.groups()
            day = groups[2] if len(groups) > 2 and groups[2] else "1"  # month-only forms: the 1st
            return _build(int(groups[0]), int(groups[1]), int(day))
    return fail("date_invalid")


def _build(year: int, month: int, day: int) -> Checked[dt.date]:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return fail("date_invalid", f"年份应在{_FIRST_YEAR}至{_LAST_YEAR}之间")
    try:
        return ok(dt.date(year, month, day))
    except ValueError:
        return fail("date_invalid", "这一天不存在")


def _in_range(day: dt.date) -> Checked[dt.date]:
    return ok(day) if _FIRST_YEAR <= day.year <= _LAST_YEAR else fail("date_invalid")
