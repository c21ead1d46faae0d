"""Finding the demo city's personal data in plain text: its ID numbers and phones, as digits in any text.

Used by the database-dump test and, after a full test run, on the run's logs (``python -m tests.privacy
var/log``): nothing Anye stores or logs may hold an ID number or a phone of the demo city in plain text.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ingest.demo.population import build_city

__all__ = ["DEMO_SEED", "database_dump", "demo_secrets", "find_secrets"]

DEMO_SEED = 20261128
# an 18-digit ID (last may be X), a 15-digit old ID, an 11-digit mobile written with or without separators
_ID = re.compile(r"(?<![0-9])(\d{17}[\dXx]|\d{15})(?![0-9Xx])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9])")


@functools.cache
def demo_secrets(scale: str, seed: int = DEMO_SEED) -> frozenset[str]:
    """Every ID number (and its 15-digit form) and mobile phone of the demo city of ``scale``."""
    city = build_city(scale, seed)
    found: set[str] = set()
    for household in city.households:
        for person in household.members:
            found.add(person.id_number.upper())
            found.add(person.id_number[:6] + person.id_number[8:17])  # the old 15-digit form
            found.update(re.sub(r"\D", "", p) for p in person.phones if re.sub(r"\D", "", p).startswith("1"))
    return frozenset(found)


def find_secrets(text: str, secrets: frozenset[str]) -> list[str]:
    """The secrets that appear in ``text`` in plain text, masked for the report (never printed whole)."""
    hits = {m.group(1).upper() for m in _ID.finditer(text)} | {"".join(m.groups()) for m in _MOBILE.finditer(text)}
    return sorted(f"{h[:3]}***{h[-2:]}" for h in hits & secrets)


def database_dump(url: str) -> str:
    """The whole database as text: ``pg_dump`` of the schema a test URL points at, or SQLite's ``iterdump``."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("///", 1)[1]) as conn:
            return "\n".join(conn.iterdump())
    parts = urlsplit(url.replace("postgresql+psycopg", "postgresql"))
    options = unquote(parse_qs(parts.query).get("options", [""])[0])
    schema = options.split("search_path=", 1)[1] if "search_path=" in options else "public"
    command = ["pg_dump", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
               "-U", parts.username or "postgres", "-n", schema, parts.path.lstrip("/")]  # fmt: skip
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _scan(paths: Iterable[Path], scales: Iterable[str]) -> int:
    secrets = frozenset().union(*(demo_secrets(s) for s in scales))
    bad = 0
    for path in paths:
        hits = find_secrets(path.read_text(encoding="utf-8", errors="replace"), secrets)
        if hits:
            bad += 1
            print(f"privacy: {path}: {len(hits)} plain-text ID numbers or phones of the demo city, e.g. {hits[:3]}")
    return bad


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "var/log")
    logs = sorted(folder.glob("*.log"))
    if not logs:
        print(f"privacy: no logs under {folder}")
        return 1
    bad = _scan(logs, ("small", "full"))
    size = sum(p.stat().st_size for p in logs)
    print(f"privacy: scanned {len(logs)} log files ({size / 2**20:.1f} MB) for the demo city's ID numbers and phones: "
          + ("none found" if not bad else f"found in {bad} files"))  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
