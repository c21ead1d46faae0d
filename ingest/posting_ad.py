"""A pasted ad (招聘广告) to draft postings: what the parser read becomes the posting form, with the text
span of each field kept as evidence and every field the parser was unsure of marked for a person to confirm.

An ad listing several jobs becomes one draft per job. Drafts never open by themselves from an ad: staff or
the employer confirm them (the service's ``change_status``), unless a caller asks to open the ones the parser
was sure of entirely.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest.posting_cell import parse_public_welfare_category
from ingest.posting_form import PostingForm, lenient_posting_form

__all__ = ["AdDraft", "drafts_of_ad"]

# Parser field -> form field, where the names differ.
_RENAMED = {
    "salary_min": "pay_min",
    "salary_max": "pay_max",
    "salary_period": "pay_period",
    "salary_notes": "pay_notes",
    "gender": "sex_required",
}
_COPIED = (
    "title",
    "occupation_code",
    "headcount",
    "age_min",
    "age_max",
    "education_min",
    "certificates_required",
    "certificates_preferred",
    "meals",
    "housing",
    "job_kind",
)


class AdDraft:
    """One job of an ad: its form, the evidence per form field, and the form fields to confirm."""

    __slots__ = ("evidence", "form", "unsure")

    def __init__(self, form: PostingForm, evidence: dict[str, Any], unsure: list[str]) -> None:
        self.form, self.evidence, self.unsure = form, evidence, unsure


def drafts_of_ad(parsed: dict[str, Any]) -> list[AdDraft]:
    """The drafts of one parsed ad (``ParsedPosting.as_json()``): one per position, or one for the ad."""
    jobs = parsed.get("positions") or [parsed]
    return [_draft(job) for job in jobs]


def _draft(job: dict[str, Any]) -> AdDraft:
    data: dict[str, Any] = {name: job.get(name) for name in _COPIED}
    for source, target in _RENAMED.items():
        data[target] = job.get(source)
    for money in ("pay_min", "pay_max"):
        if data[money] is not None:
            data[money] = Decimal(str(data[money]))
    data["title"] = data["title"] or ""
    data["pay_notes"] = list(data["pay_notes"] or [])
    place = job.get("place") or {}
    data["work_address"] = place.get("text")
    data["contact_phone"] = job.get("phone")
    unsure = [_RENAMED.get(name, name) for name in job.get("unsure", [])]
    category = parse_public_welfare_category(job.get("public_welfare_category")).value
    if category:
        data["public_welfare"] = {"category": category}
        unsure.append("public_welfare")  # funding, term and eligibility are not in an ad: staff fill them in
    form, refused = lenient_posting_form({k: v for k, v in data.items() if v is not None})
    unsure.extend(r.field or "pay_min" for r in refused)
    evidence = {_RENAMED.get(name, name): spans for name, spans in (job.get("evidence") or {}).items()}
    return AdDraft(form, evidence, sorted(set(unsure)))
