"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalise and check one code.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z): the
registering authority, the kind of body, the six-digit adcode of registration, the nine-character
organisation code and a check character computed over the first seventeen.
"""

from __future__ import annotations

from ingest.problem import Checked, fail, ok
from models.text import cell_text

__all__ = ["ALPHABET", "check_character", "parse_credit_code"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character of the 17 characters ``first17`` (which must be in the alphabet)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(raw: object) -> Checked[str]:
    """The code in capitals without spaces, or a problem; a blank cell is ``Checked(None)``."""
    text = "".join(cell_text(raw).split()).upper()
    if text in ("", "无", "暂无", "/", "-"):
        return Checked(None)  # blank is not a problem
    if len(text) != 18 or any(ch not in _VALUE for ch in text):
        return fail("credit_code_bad_format")
    if check_character(text[:17]) != text[17]:
        return fail("credit_code_bad_checksum")
    return ok(text)
