"""Several jobs in one ad (多岗位): each job's values with the ad's shared ones, and the ad's summary.

A job keeps what its own text says and takes the ad's shared values (age, sex, board, pay ...) where it says
nothing. The ad's top-level values summarise the jobs (see ``ingest.posting_parser``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ingest.posting_result import CORE_FIELDS, ParsedPosting

__all__ = ["inherit", "summarise"]

_INHERITED = (
    "salary_min",
    "salary_max",
    "salary_period",
    "age_min",
    "age_max",
    "gender",
    "meals",
    "housing",
    "education_min",
    "job_kind",
    "public_welfare_category",
    "place",
    "phone",
)


def inherit(part: ParsedPosting, shared: ParsedPosting) -> ParsedPosting:
    """A job's own values, and the ad's shared ones where the job's text says nothing."""
    updates: dict[str, Any] = {}
    evidence = dict(part.evidence)
    own_pay = part.salary_period is not None
    for name in _INHERITED:
        if name.startswith("salary") and own_pay:
            continue
        if getattr(part, name) is None and getattr(shared, name) is not None:
            updates[name] = getattr(shared, name)
            if name in shared.evidence:
                evidence[name] = shared.evidence[name]
    required = part.certificates_required + [
        c for c in shared.certificates_required if c not in part.certificates_required
    ]
    preferred = [c for c in part.certificates_preferred + shared.certificates_preferred if c not in required]
    notes = part.salary_notes + [n for n in shared.salary_notes if n not in part.salary_notes]
    unsure = sorted(set(part.unsure) | {u for u in shared.unsure if u in updates})
    return replace(
        part,
        **updates,
        certificates_required=required,
        certificates_preferred=list(dict.fromkeys(preferred)),
        salary_notes=notes,
        evidence=evidence,
        unsure=unsure,
    )


def summarise(shared: ParsedPosting, positions: list[ParsedPosting]) -> ParsedPosting:
    out = replace(shared, positions=positions, evidence=dict(shared.evidence), unsure=list(shared.unsure))
    out.title = "、".join(p.title for p in positions if p.title)
    out.evidence["title"] = [s for p in positions for s in p.evidence.get("title", [])]
    codes = {p.occupation_code for p in positions}
    out.occupation_code = codes.pop() if len(codes) == 1 else None
    out.unsure = [u for u in out.unsure if u not in ("title", "occupation_code")]
    counts = [p.headcount for p in positions]
    out.headcount = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
    paid = [p for p in positions if p.salary_period is not None]
    if paid:
        period = paid[0].salary_period
        same = [p for p in paid if p.salary_period == period]
        lows = [p.salary_min for p in same]
        highs = [p.salary_max for p in same]
        out.salary_period = period
        out.salary_min = min(v for v in lows if v is not None) if all(v is not None for v in lows) else None
        out.salary_max = max(v for v in highs if v is not None) if all(v is not None for v in highs) else None
        if len(same) < len(paid):
            out.unsure.append("salary_period")
    lows_age = [p.age_min for p in positions]
    highs_age = [p.age_max for p in positions]
    out.age_min = min(a for a in lows_age if a is not None) if all(a is not None for a in lows_age) else None
    out.age_max = max(a for a in highs_age if a is not None) if all(a is not None for a in highs_age) else None
    genders = {p.gender for p in positions}
    out.gender = genders.pop() if len(genders) == 1 else None
    out.certificates_required = list(dict.fromkeys(c for p in positions for c in p.certificates_required))
    out.certificates_preferred = list(
        dict.fromkeys(c for p in positions for c in p.certificates_preferred if c not in out.certificates_required)
    )
    for name in ("meals", "housing"):
        values = {getattr(p, name) for p in positions} - {None}
        if getattr(out, name) is None and len(values) == 1:
            setattr(out, name, values.pop())
    for p in positions:
        for name, spans in p.evidence.items():
            if name in CORE_FIELDS:
                out.evidence.setdefault(name, []).extend(s for s in spans if s not in out.evidence.get(name, []))
    out.unsure = sorted(set(out.unsure) | {u for p in positions for u in p.unsure if u in CORE_FIELDS})
    return out
