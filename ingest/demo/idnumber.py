"""Resident ID numbers (公民身份号码, GB 11643-1999), written here independently of the importer.

An 18-character number is: region code (6 digits, the county adcode) + birth date (8) + sequence (3, odd
for men, even for women) + check character (ISO 7064 MOD 11-2 over the first 17 digits, ``X`` for 10).
The old 15-digit form is region + birth date without the century (6) + sequence, with no check character.
"""

from __future__ import annotations

import datetime as dt
from operator import mul

__all__ = ["birth_date_of", "check_char", "is_valid_id", "make_id", "to_old_form"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)
_ZERO_TOTAL = ord("0") * sum(_WEIGHTS)


def check_char(first17: str) -> str:
    """The check character for 17 digits."""
    # The digits' code points minus 48 each: int() per character would cost most of the time here.
    total = sum(map(mul, first17.encode("ascii"), _WEIGHTS)) - _ZERO_TOTAL
    return _CHECK[total % 11]


def make_id(region: str, born: dt.date, sequence: int) -> str:
    """A valid 18-character ID; ``sequence`` (0..999) carries the sex in its parity."""
    first17 = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{sequence:03d}"
    return first17 + check_char(first17)


def birth_date_of(id18: str) -> dt.date | None:
    """The birth date encoded in an 18-character ID, or None when it is not a real date."""
    try:
        return dt.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None


def is_valid_id(text: str) -> bool:
    """Exactly 18 characters, 17 digits, a real birth date and the right check character (upper-case X)."""
    if len(text) != 18 or not text[:17].isdigit() or not text[:17].isascii():
        return False
    return birth_date_of(text) is not None and check_char(text[:17]) == text[17]


def to_old_form(id18: str) -> str:
    """The 15-digit form of an ID of someone born in the 1900s (drops the century and check character)."""
    return id18[:6] + id18[8:17]
