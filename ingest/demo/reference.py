"""The reference data the demo city is drawn from, shipped in ``ingest/demo/data/``.

- ``xinzhou_places.txt``: Xinzhou's 14 county-level units (adcode, county-seat coordinates), their towns and
  villages; derived from jionlp 1.5.31 (Apache-2.0) and cpca 0.5.5 adcodes (MIT), see the file's header.
Certificate names and aliases come from the project's taxonomy, ``models/data/certificates.csv`` (compiled
from ``shared/taxonomy/certificates.csv``): every text the demo writes in a 持证情况 cell is one of them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = ["County", "Town", "certificate_names", "counties"]

_DATA = Path(__file__).resolve().parent / "data"
# Texts that a reader might split a certificate cell on; names containing them are not used.
_SPLITTERS = set("（()）与和及/、，,；; ")


@dataclass(frozen=True, slots=True)
class Town:
    """A town (乡镇) and its villages (村; 社区 are left out: people were moved out of villages)."""

    name: str
    villages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class County:
    """A county-level unit: ``adcode`` is the 6-digit code that also starts its people's ID numbers."""

    name: str
    adcode: str
    longitude: float
    latitude: float
    towns: tuple[Town, ...]


@cache
def counties() -> tuple[County, ...]:
    """The 14 county-level units of Xinzhou in the file's order."""
    parsed: list[tuple[list[str], list[tuple[str, list[str]]]]] = []
    for line in (_DATA / "xinzhou_places.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip("\t"))
        name = line.strip("\t")
        if depth == 0:
            parsed.append((name.split("\t"), []))
        elif depth == 1:
            parsed[-1][1].append((name, []))
        elif name.endswith("村"):
            parsed[-1][1][-1][1].append(name)
    return tuple(
        County(
            name=head[0],
            adcode=head[1],
            longitude=float(head[2]),
            latitude=float(head[3]),
            towns=tuple(Town(town, tuple(villages)) for town, villages in towns if villages),
        )
        for head, towns in parsed
    )


@cache
def certificate_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each certificate as (canonical name, the texts for it that a ledger may hold: name and aliases)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    text = (files("models.data") / "certificates.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        texts = [row["canonical"], *row["aliases"].split("|")]
        usable = tuple(dict.fromkeys(t for t in texts if t and not (_SPLITTERS & set(t))))
        if usable:
            out.append((row["canonical"], usable))
    return tuple(out)
