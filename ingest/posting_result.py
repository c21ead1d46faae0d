"""The result of reading one posting: ``ParsedPosting`` and the names of its core fields.

The fields and their conventions are described in ``ingest.posting_parser``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ingest.posting_text import Span

__all__ = ["CORE_FIELDS", "ParsedPosting"]

CORE_FIELDS = (
    "headcount",
    "salary_min",
    "salary_max",
    "salary_period",
    "age_min",
    "age_max",
    "gender",
    "certificates_required",
    "certificates_preferred",
    "meals",
    "housing",
)


@dataclass(slots=True)
class ParsedPosting:
    """The fields of one posting (see ``ingest.posting_parser``); ``as_json()`` is what callers store or print."""

    headcount: int | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_period: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    gender: str | None = None
    certificates_required: list[str] = field(default_factory=list)
    certificates_preferred: list[str] = field(default_factory=list)
    meals: bool | None = None
    housing: bool | None = None
    title: str | None = None
    occupation_code: str | None = None
    education_min: str | None = None
    job_kind: str | None = None
    public_welfare_category: str | None = None
    place: dict[str, str | None] | None = None
    phone: str | None = None
    salary_notes: list[str] = field(default_factory=list)
    positions: list[ParsedPosting] = field(default_factory=list)
    evidence: dict[str, list[Span]] = field(default_factory=dict)
    unsure: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("salary_min", "salary_max"):
                value = _plain(value)
            elif f.name == "positions":
                value = [{k: v for k, v in p.as_json().items() if k != "positions"} for p in value]
            elif f.name == "evidence":
                value = {k: [s.as_json() for s in spans] for k, spans in value.items()}
            elif isinstance(value, list | dict):
                value = type(value)(value)
            out[f.name] = value
        return out


def _plain(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)
