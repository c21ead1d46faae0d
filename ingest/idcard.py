"""Resident ID numbers (公民身份号码, GB 11643-1999): clean, check and upgrade what ledgers hold.

An 18-character number is 6 digits of region, 8 of birth date, 3 of sequence (odd: male, even: female)
and an ISO 7064 MOD 11-2 check character (0-9 or X). The old 15-digit form has a 2-digit year and no check
character; it is upgraded by inserting ``19`` and computing one. Excel stores a number-formatted ID as a
double with 15 significant digits, so anything longer that arrives as a number has lost its last digits
for good: that is ``id_truncated``, never a guess.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ingest.problem import Checked, fail, ok
from models.vocab import Sex

__all__ = ["IdNumber", "age_on", "id_check_digit", "normalise_id_number"]

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
_CHECK_CHARS = "10X98765432"
# First two digits: provinces, plus 71 台湾, 81 香港, 82 澳门, 83 (台湾居民居住证), 91 (外国人永久居留).
_PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)]
    + [71, 81, 82, 83, 91]
)
_EARLIEST_BIRTH = dt.date(1900, 1, 1)
_MALE, _FEMALE = Sex.MALE.value, Sex.FEMALE.value
# Separators people type inside IDs, and Excel's text-prefix apostrophe (a dot is not: "1.40902E+17").
_JUNK = re.compile(r"[\s\-_'‘’`\"“”]")
_SCIENTIFIC = re.compile(r"\d(?:\.\d*)?E\+?\d+", re.IGNORECASE | re.ASCII)
_FLOAT_TEXT = re.compile(r"(\d+)\.0*", re.ASCII)
_SHAPE = re.compile(r"\d{17}[\dX]|\d{15}", re.ASCII)


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A checked ID number (18 characters, upper-case X) with what it encodes.

    ``sex`` is a ``models.vocab.Sex`` value; ``upgraded_from_15`` tells that the ledger held the old form.
    """

    number: str
    birth_date: dt.date
    sex: str
    upgraded_from_15: bool

    def __reduce__(self) -> tuple[type[IdNumber], tuple[Any, ...]]:
        # plain positional pickling: the dataclass default for slots calls fields() per object,
        # which dominated sending 100,000 rows from the reading process
        return (
            IdNumber,
            (
                self.number,
                self.birth_date,
                self.sex,
                self.upgraded_from_15,
            ),
        )


def id_check_digit(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits; ValueError if they are not 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be 17 ASCII digits")
    # the bytes of ASCII digits are the digits plus 48 ("0"): weigh the bytes, take the 48s off after
    return _CHECK_CHARS[(sum(map(operator.mul, first17.encode(), _WEIGHTS)) - _ZERO_WEIGHT) % 11]


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day``; someone born on 29 February turns a year older on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def normalise_id_number(raw: object, *, today: dt.date | None = None) -> Checked[IdNumber]:
    """Clean and check one ID cell; never raises.

    Accepts text with spaces, dashes, full-width digits or a lower-case x, the 15-digit old form, and a
    15-digit number. ``today`` (default: the current date) bounds the birth date.
    """
    text = _id_text(raw)
    if isinstance(text, Checked):
        return text
    if not (len(text) == 18 and text.isascii() and text[:17].isdigit() and text[17] in _CHECK_CHARS):
        repaired = _repaired(text)  # not the usual clean number
        if isinstance(repaired, Checked):
            return repaired
        text = repaired
    if len(text) == 15:
        first17 = text[:6] + "19" + text[6:]
        return _checked(first17, id_check_digit(first17), upgraded=True, today=today)
    check = id_check_digit(text[:17])
    if check != text[17]:
        return fail("id_bad_checksum")
    return _checked(text[:17], check, upgraded=False, today=today)


def _repaired(text: str) -> str | Checked[IdNumber]:
    """A cleaned cell that is not 17 digits and a check character: the 15-digit form, or the verdict."""
    if not text:
        return fail("id_missing")
    if _SCIENTIFIC.fullmatch(text):
        return fail("id_truncated")
    if (digits := _FLOAT_TEXT.fullmatch(text)) is not None:
        # "140902199001011.0": a number turned into text; 16+ digits went through a double and lost digits.
        if len(digits.group(1)) > 15:
            return fail("id_truncated")
        text = digits.group(1)
    if not _SHAPE.fullmatch(text):
        return fail("id_bad_format", f"应为18位（或旧的15位），实为{len(text)}个字符" if text else None)
    return text


def _id_text(raw: object) -> str | Checked[IdNumber]:
    """The cell as cleaned text, or the verdict when its type alone decides it."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return fail("id_bad_format")
    if isinstance(raw, int | float) and raw < 0:
        return fail("id_bad_format")
    if isinstance(raw, int):
        # Only a 15-digit number can be an intact (old-form) ID; a longer one passed through a double.
        return fail("id_truncated") if raw >= 10**15 else str(raw)
    if isinstance(raw, float):
        if math.isnan(raw):
            return ""
        if math.isinf(raw):
            return fail("id_bad_format")
        if raw >= 1e15:
            return fail("id_truncated")
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, str) and len(raw) == 18 and raw.isascii() and raw[:17].isdigit():
        return raw.upper()  # already clean: skip NFKC and the regex
    try:
        text = raw if isinstance(raw, str) else str(raw)
    except Exception:  # any object may reach a cell reader; a broken __str__ is a bad value, not a crash
        return fail("id_bad_format")
    return _JUNK.sub("", unicodedata.normalize("NFKC", text)).upper()


def _checked(first17: str, check: str, *, upgraded: bool, today: dt.date | None) -> Checked[IdNumber]:
    """The region and birth date of a number whose check character is right (or was just computed)."""
    if int(first17[:2]) not in _PROVINCES:
        return fail("id_bad_format", "前两位不是有效的省级地区码")
    try:
        born = dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        return fail("id_bad_birth_date")
    if not _EARLIEST_BIRTH <= born <= (today or dt.date.today()):
        return fail("id_bad_birth_date")
    sex = _MALE if first17[16] in "13579" else _FEMALE
    return ok(IdNumber(first17 + check, born, sex, upgraded))
