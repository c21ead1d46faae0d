"""Where the work is and whom to call: the place (工作地点) and the first phone number of an ad.

The place is the text after 工作地点/地址/地点/位于 (or after 赴/到/去 in ``赴江苏昆山务工``), with the county
adcode that ``cpca`` reads from it; a phone is a mobile (11 digits, spaces or dashes allowed) or a landline
with its area code, returned as ``ingest.phone`` writes them (``13812345678``, ``0350-1234567``).
"""

from __future__ import annotations

import re

from ingest.phone import parse_phones
from ingest.place import county_of
from ingest.posting_text import Source

__all__ = ["find_phone", "find_place"]

_PHONE = re.compile(r"(?<![\d.])(?:1[3-9]\d(?:[\s-]?\d{4}){2}|\(?0\d{2,3}\)?[\s-]?[1-9]\d{6,7})(?![\d.])", re.ASCII)
_PLACE_LABEL = re.compile(r"(?:工作地点|上班地点|工作地址|地点|地址|工作地|位于|务工地点|厂址)\s*[:]?\s*")
_PLACE_GO = re.compile(r"(?:赴|前往|去|到)([\u4e00-\u9fff]{2,12}?)(?:务工|工作|上班|打工|就业|电子厂|工厂)")
_PLACE_END = re.compile(r"[,;。；!！?？\n()]|\s{2,}")


def find_phone(src: Source) -> tuple[str, int, int] | None:
    for m in _PHONE.finditer(src.norm):
        found = parse_phones(m.group()).value
        if found:
            return found[0], m.start(), m.end()
    return None


def find_place(src: Source) -> tuple[str | None, int, int] | None:
    """(county adcode or None, start, end) of the place the ad names, or None."""
    norm = src.norm
    m = _PLACE_LABEL.search(norm)
    if m is not None:
        end_m = _PLACE_END.search(norm, m.end())
        end = end_m.start() if end_m else len(norm)
        if end > m.end():
            return county_of(norm[m.end() : end]), m.end(), end
    go = _PLACE_GO.search(norm)
    if go is not None:
        return county_of(go.group(1)), go.start(1), go.end(1)
    return None
