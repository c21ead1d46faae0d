"""``generate_city``: write the demo city (sites, ledger workbooks, answer key) into a folder.

Reading order (the order of the answer key, and the one that decides which occurrence of a duplicate is
"later"): files sorted by their relative path compared folder by folder (pathlib's order on POSIX:
``ledgers/<county>/<file>``, code point by code point), then sheets in workbook order (hidden ones too),
then rows top to bottom. Rows are numbered as Excel shows them: 1-based, counting title, 填报 and header
rows. A CSV file's sheet is named after the file without its extension, as Excel names it when it opens one.

Earlier yearly snapshots of the same ledgers (``ingest.demo.snapshots``) go to ``snapshots/<YYYY-MM>/ledgers/``;
they hold no planted problem, and the key lists them under ``snapshots`` (date, folder, files, people).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ingest.demo.errors import PLANTED_CODES, REJECTING_CODES, plant_problems
from ingest.demo.ledgers import LedgerFile, plan_ledgers
from ingest.demo.population import City, build_city
from ingest.demo.postings import generate_openings
from ingest.demo.snapshots import past_cities, snapshot_folder
from ingest.demo.writers import write_ledgers
from models.errors import InvalidInput

__all__ = ["CitySummary", "answer_key", "generate_city", "planted_problems"]

_KEY = "answer_key.json"
_PARALLEL_FROM = 20_000  # people; below this a second process costs more than it saves


@dataclass(frozen=True, slots=True)
class CitySummary:
    """What was written. ``people`` counts everyone generated; ``imported_people`` those an importer should
    end with (everyone but the people whose only row is rejected); ``problems`` the planted problems."""

    scale: str
    seed: int
    sites: int
    counties: int
    households: int
    people: int
    files: int
    rows: int
    problems: int
    rejected_rows: int
    imported_people: int
    moved_people: int
    planted: dict[str, int]
    snapshots: tuple[str, ...] = ()  # the earlier snapshots' fill dates (ISO), oldest first


def generate_city(out_dir: Path, *, scale: str = "full", seed: int = 20261128, snapshots: int = 2) -> CitySummary:
    """Write ``sites.csv``, ``ledgers/``, ``snapshots`` earlier yearly snapshots of them and
    ``answer_key.json`` for ``scale`` ("full" or "small") into ``out_dir``; the same seed gives the same
    files. A demo city already there is replaced; a ``ledgers`` or ``snapshots`` folder that is not the
    demo's is refused (``InvalidInput``)."""
    _prepare(out_dir)
    city = build_city(scale, seed)
    pasts = past_cities(city, snapshots)
    files = plan_ledgers(city)
    moved = plant_problems(files, seed)
    _write_sites(city, out_dir / "sites.csv")
    parallel = city.people >= _PARALLEL_FROM
    write_ledgers(files, out_dir, parallel=parallel)
    key = answer_key(city, files, moved)
    key["snapshots"] = []
    for as_of, past in pasts:
        folder = snapshot_folder(as_of)
        past_files = plan_ledgers(past, as_of)
        write_ledgers(past_files, out_dir / folder, parallel=parallel)
        entry = {"as_of": as_of.isoformat(), "folder": folder, "files": [f"{folder}/{f.path}" for f in past_files]}
        key["snapshots"].append(entry | {"households": len(past.households), "people": past.people})
    key["openings"] = generate_openings(out_dir, city, scale=scale, seed=seed).key
    (out_dir / _KEY).write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = key["counts"]
    return CitySummary(
        scale=scale,
        seed=seed,
        sites=counts["sites"],
        counties=counts["counties"],
        households=counts["households"],
        people=counts["people"],
        files=counts["files"],
        rows=counts["rows"],
        problems=len(key["problems"]),
        rejected_rows=key["rejected_rows"],
        imported_people=key["people"],
        moved_people=moved,
        planted=counts["planted"],
        snapshots=tuple(entry["as_of"] for entry in key["snapshots"]),
    )


def _prepare(out_dir: Path) -> None:
    folders = [out_dir / "ledgers", out_dir / "snapshots"]
    for folder in folders:
        if folder.exists() and not (out_dir / _KEY).exists() and any(folder.iterdir()):
            raise InvalidInput(f"{out_dir} 下已有 {folder.name} 文件夹，且不是演示数据生成的。请换一个空目录。")
    for folder in folders:
        if folder.exists():
            shutil.rmtree(folder)
    out_dir.mkdir(parents=True, exist_ok=True)


def _write_sites(city: City, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "county", "county_adcode", "longitude", "latitude", "address"])
        for site in city.sites:
            county = site.county
            writer.writerow([site.name, county.name, county.adcode, site.longitude, site.latitude, site.address])


def answer_key(city: City, files: list[LedgerFile], moved: int) -> dict[str, Any]:
    """The answer key: counts, the people an importer should end with, and every planted problem."""
    problems = planted_problems(files)
    planted = Counter(p["code"] for p in problems)
    rejected = sum(planted[c] for c in REJECTING_CODES)
    return {
        "scale": city.scale,
        "seed": city.seed,
        "counts": {
            "sites": len(city.sites),
            "counties": len({s.county.name for s in city.sites}),
            "households": len(city.households),
            "people": city.people,
            "files": len(files),
            "rows": sum(len(s.rows) for f in files for s in f.data_sheets),
            "planted": {code: planted[code] for code in PLANTED_CODES},
            "moved_people": moved,
        },
        "people": city.people - rejected,
        "rejected_rows": rejected,
        "problems": problems,
        "files": [_file_entry(f) for f in files],
    }


def planted_problems(files: list[LedgerFile]) -> list[dict[str, Any]]:
    """Every planted problem in reading order: file, sheet, Excel row, column header (None for a
    duplicate, which is a problem of the whole row) and code."""
    problems: list[dict[str, Any]] = []
    for file in files:
        for sheet in file.data_sheets:
            first = file.layout.header_rows + 1
            for n, row in enumerate(sheet.rows):
                if row.code is None:
                    continue
                column = None
                if not row.code.startswith("duplicate"):
                    index = file.layout.index(row.field or "")
                    assert index is not None
                    column = file.layout.columns[index].header
                where = {"file": file.path, "sheet": _sheet_name(file, sheet.name), "row": first + n}
                problems.append({**where, "column": column, "code": row.code})
    return problems


def _sheet_name(file: LedgerFile, name: str) -> str:
    """A CSV file's only sheet is named after the file, as Excel names it."""
    return PurePosixPath(file.path).stem if file.fmt == "csv" else name


def _file_entry(file: LedgerFile) -> dict[str, Any]:
    """Where each file's table starts, for readers of the key: header row and first data row per sheet."""
    layout = file.layout
    sheets = []
    for sheet in file.sheets:
        entry: dict[str, Any] = {"name": _sheet_name(file, sheet.name), "kind": sheet.kind}
        if sheet.kind == "data":
            entry.update(header_row=layout.header_rows, first_row=layout.header_rows + 1, rows=len(sheet.rows))
        sheets.append(entry)
    return {
        "file": file.path,
        "format": file.fmt,
        "encoding": file.encoding,
        "site": file.site.name,
        "county": file.site.county.name,
        "sheets": sheets,
    }
