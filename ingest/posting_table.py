"""Find the header of a postings spreadsheet and map its columns to posting fields.

Headers are matched by meaning: ``ingest/data/posting_columns.csv`` lists the spellings of each field,
compared after normalisation (no spaces, no bracketed units such as （元）); a near spelling is found with
rapidfuzz. Columns Anye has no field for are kept by their header text.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from ingest.workbook import Sheet
from models.text import cell_text

__all__ = ["PostingTable", "locate_posting_table"]

_SCAN_ROWS = 15
_FUZZY_CUTOFF = 88.0
_UNIT_NOTE = re.compile(r"[(（][^)）]*[)）]|[*＊:：]")


@dataclass(frozen=True, slots=True)
class PostingTable:
    header_row: int  # 0-based
    columns: dict[str, int]  # field -> column index
    labels: list[str]  # header text of every column ("" when blank)

    @property
    def unknown_columns(self) -> dict[str, int]:
        known = set(self.columns.values())
        return {label: i for i, label in enumerate(self.labels) if label and i not in known}


@lru_cache(maxsize=4)
def _synonyms(columns_file: str) -> dict[str, str]:
    with resources.files("ingest.data").joinpath(columns_file).open(encoding="utf-8") as fh:
        return {_key(row["synonym"]): row["field"] for row in csv.DictReader(fh)}


def _key(label: str) -> str:
    return "".join(_UNIT_NOTE.sub("", cell_text(label)).split())


def _field(label: str, columns_file: str) -> str | None:
    key = _key(label)
    if not key:
        return None
    synonyms = _synonyms(columns_file)
    if key in synonyms:
        return synonyms[key]
    best = process.extractOne(key, synonyms.keys(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return synonyms[best[0]] if best else None


def locate_posting_table(
    sheet: Sheet, key_field: str = "title", columns_file: str = "posting_columns.csv"
) -> PostingTable | None:
    """The first row among the top rows that names ``key_field`` (the job title for a postings sheet,
    the employer's name for an employer register) and at least two other known fields; the spellings of
    the fields are read from ``ingest/data/{columns_file}`` (past jobs have their own file)."""
    for r, row in enumerate(sheet.rows[:_SCAN_ROWS]):
        labels = [cell_text(v) for v in row]
        columns: dict[str, int] = {}
        for c, label in enumerate(labels):
            name = _field(label, columns_file)
            if name and name not in columns:
                columns[name] = c
        if key_field in columns and len(columns) >= 3:
            return PostingTable(r, columns, labels)
    return None
