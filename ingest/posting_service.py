"""The use cases of employers and postings: register an employer, post an opening from a form, a pasted ad
or an imported row, recognise a posting seen before, and move postings through their life.

Services do not commit; the caller (a CLI command or a request) commits once or rolls back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from ingest.place import county_of, county_position
from ingest.posting_ad import drafts_of_ad
from ingest.posting_form import EmployerForm, PostingForm
from ingest.posting_parser import parse_posting
from models.employer import Employer, check_can_publish
from models.errors import Conflict, NotAllowed
from models.posting import Posting, PublicWelfareJob, change_status, check_posting
from models.posting_repository import PostingRepository
from models.taxonomy import Taxonomy
from models.text import normalise_text
from models.vocab import PostingSource, PostingStatus

__all__ = ["REPEAT_BODY_SCORE", "REPEAT_TITLE_SCORE", "PostingService", "match_text", "title_key"]

# A posting counts as seen before when its employer is the same, its title nearly the same and its text
# mostly the same (rapidfuzz ratio, 0-100, over characters: Chinese needs no segmentation for this).
REPEAT_TITLE_SCORE = 80.0
REPEAT_BODY_SCORE = 85.0


# Bracketed notes on a title (（急招）, 【长期】, (包吃住)) do not make it another job.
_TITLE_NOTE = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")


def title_key(title: str) -> str:
    """A title without bracketed notes and spaces, for comparing two postings' titles."""
    return "".join(_TITLE_NOTE.sub("", normalise_text(title)).split())


def match_text(title: str, body: str | None) -> str:
    """The text two postings are compared on: title and body, normalised, without spaces and punctuation."""
    joined = normalise_text(f"{title}\n{body or ''}")
    return "".join(ch for ch in joined if ch.isalnum())


class PostingService:
    def __init__(self, session: Session, taxonomy: Taxonomy) -> None:
        self.session = session
        self.taxonomy = taxonomy
        self.repo = PostingRepository(session)

    # -- employers ---------------------------------------------------------------------------------
    def register_employer(self, form: EmployerForm) -> Employer:
        """A new employer; ``Conflict`` if one with the same credit code or name is registered."""
        existing = self.find_employer(form.name, form.credit_code)
        if existing is not None:
            raise Conflict(f"该单位已登记（编号 {existing.id}：{existing.name}），请勿重复登记。")
        return self._new_employer(form)

    def employer_for(self, form: EmployerForm) -> tuple[Employer, bool]:
        """The registered employer the form names, or a new one; the flag says whether it was created."""
        existing = self.find_employer(form.name, form.credit_code)
        if existing is not None:
            if existing.credit_code is None and form.credit_code:
                existing.credit_code = form.credit_code
            return existing, False
        return self._new_employer(form), True

    def find_employer(self, name: str, credit_code: str | None) -> Employer | None:
        if credit_code:
            found = self.repo.employer_by_credit_code(credit_code)
            if found is not None:
                return found
        named = [e for e in self.repo.employers_named(normalise_text(name)) if not credit_code or not e.credit_code]
        return named[0] if len(named) == 1 else None

    def _new_employer(self, form: EmployerForm) -> Employer:
        adcode = form.county_adcode[:6] if form.county_adcode else None
        adcode = adcode or (county_of(form.address) if form.address else None)
        position: tuple[float, float] | None = (form.longitude, form.latitude)  # type: ignore[assignment]
        if form.longitude is None or form.latitude is None:
            position = county_position(adcode) if adcode else None
        employer = Employer(
            name=normalise_text(form.name),
            kind=form.kind.value,
            credit_code=form.credit_code,
            address=form.address,
            county_adcode=adcode,
            longitude=position[0] if position else None,
            latitude=position[1] if position else None,
            contact_name=form.contact_name,
            contact_phone=form.contact_phone,
            remarks=form.remarks,
        )
        self.repo.add(employer)
        return employer

    # -- postings ----------------------------------------------------------------------------------
    def create_posting(
        self,
        employer_id: int,
        form: PostingForm,
        *,
        source: PostingSource = PostingSource.FORM,
        source_text: str | None = None,
        evidence: dict[str, Any] | None = None,
        unsure: Sequence[str] = (),
        batch_id: int | None = None,
    ) -> Posting:
        """A new draft posting of ``employer_id`` from ``form``."""
        employer = self.repo.employer(employer_id)
        posting = Posting(
            employer_id=employer.id,
            title="",
            status=PostingStatus.DRAFT.value,
            source=source.value,
            source_text=source_text,
            evidence=evidence or None,
            filled_count=0,
            last_batch_id=batch_id,
        )
        self._apply(posting, form, employer, list(unsure))
        self.repo.add(posting)
        return posting

    def update_posting(self, posting_id: int, form: PostingForm, *, batch_id: int | None = None) -> Posting:
        """Replace a posting's fields with ``form`` (its places taken and its life stay)."""
        posting = self.repo.posting(posting_id)
        if posting.status == PostingStatus.CLOSED:
            raise NotAllowed("岗位已关闭，不能修改。如需再次招聘，请发布新岗位。")
        self._apply(posting, form, self.repo.employer(posting.employer_id), list(posting.unsure or []))
        if batch_id is not None:
            posting.last_batch_id = batch_id
        self.session.flush()
        return posting

    def find_repeat(self, employer_id: int, title: str, body: str | None) -> Posting | None:
        """The employer's posting (not closed) that this title and text repeat, if any: the closest one."""
        text = match_text(title, body)
        wanted = title_key(title)
        best: tuple[float, Posting] | None = None
        for posting in self.repo.postings_of(employer_id):
            if fuzz.ratio(wanted, title_key(posting.title)) < REPEAT_TITLE_SCORE:
                continue
            score = fuzz.ratio(text, posting.match_text)
            if score >= REPEAT_BODY_SCORE and (best is None or score > best[0]):
                best = (score, posting)
        return best[1] if best else None

    def _apply(self, posting: Posting, form: PostingForm, employer: Employer, unsure: list[str]) -> None:
        posting.title = normalise_text(form.title)
        posting.description = form.description
        posting.headcount = form.headcount
        posting.pay_min, posting.pay_max = form.pay_min, form.pay_max
        posting.pay_period = form.pay_period.value if form.pay_period else None
        posting.pay_notes = list(form.pay_notes) or None
        posting.age_min, posting.age_max = form.age_min, form.age_max
        posting.sex_required = form.sex_required.value if form.sex_required else None
        posting.education_min = form.education_min.value if form.education_min else None
        posting.skills = list(form.skills)
        posting.experience_years = form.experience_years
        posting.meals, posting.housing = form.meals, form.housing
        posting.shift_pattern = form.shift_pattern
        posting.job_kind = form.job_kind.value if form.job_kind else None
        posting.out_of_area, posting.destination = form.out_of_area, form.destination
        posting.contact_name = form.contact_name or employer.contact_name
        posting.contact_phone = form.contact_phone or employer.contact_phone
        posting.deadline, posting.site_id = form.deadline, form.site_id
        self._occupation(posting, form, unsure)
        posting.certificates_required = self._certificates(form.certificates_required, "certificates_required", unsure)
        posting.certificates_preferred = self._certificates(
            form.certificates_preferred, "certificates_preferred", unsure
        )
        self._place(posting, form, employer)
        self._public_welfare(posting, form)
        posting.unsure = sorted(set(unsure)) or None
        posting.match_text = match_text(posting.title, posting.description or posting.source_text)
        check_posting(posting)

    def _occupation(self, posting: Posting, form: PostingForm, unsure: list[str]) -> None:
        found = self.taxonomy.occupation(form.occupation_code) if form.occupation_code else None
        if found is not None:
            posting.occupation_code, posting.occupation_name = found.code, found.name
            return
        matched = None
        for written in (form.occupation_name, posting.title):
            matched = self.taxonomy.match_occupation(written) if written else None
            if matched:
                break
        posting.occupation_code, posting.occupation_name = matched if matched else (None, None)
        if matched is None:
            unsure.append("occupation_code")

    def _certificates(self, names: Sequence[str], field: str, unsure: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            canonical = self.taxonomy.match_certificate(name)
            if canonical is None:
                unsure.append(field)  # kept as written, for a person to confirm
            value = canonical or normalise_text(name)
            if value and value not in out:
                out.append(value)
        return out

    def _place(self, posting: Posting, form: PostingForm, employer: Employer) -> None:
        posting.work_address = form.work_address or (None if form.out_of_area else employer.address)
        written = form.work_address or (form.destination if form.out_of_area else None)
        adcode = form.work_adcode[:6] if form.work_adcode else None
        adcode = adcode or (county_of(written) if written else None)
        if adcode is None and not form.out_of_area:
            adcode = employer.county_adcode
        posting.work_adcode = adcode
        if adcode is not None and adcode == employer.county_adcode and not written and employer.longitude:
            position: tuple[float, float] | None = (employer.longitude, employer.latitude or 0.0)
        else:
            position = county_position(adcode) if adcode else None
        posting.longitude, posting.latitude = position if position else (None, None)

    def _public_welfare(self, posting: Posting, form: PostingForm) -> None:
        terms = form.public_welfare
        current = posting.public_welfare if posting.id is not None else None
        if terms is None:
            if current is not None:
                posting.public_welfare = None
            return
        values = terms.model_dump()
        values["category"] = terms.category.value
        if current is None:
            posting.public_welfare = PublicWelfareJob(**values)
        else:
            for key, value in values.items():
                setattr(current, key, value)

    def drafts_from_ad(self, employer_id: int, text: str) -> list[Posting]:
        """Draft postings from a pasted ad (one per job it lists), each with its evidence and the fields
        a person should confirm; the ad is kept whole with each draft."""
        parsed = parse_posting(text, self.taxonomy).as_json()
        drafts = []
        for job in drafts_of_ad(parsed):
            drafts.append(
                self.create_posting(
                    employer_id,
                    job.form,
                    source=PostingSource.AD,
                    source_text=text,
                    evidence=job.evidence,
                    unsure=job.unsure,
                )
            )
        return drafts

    # -- life --------------------------------------------------------------------------------------
    def change_status(self, posting_id: int, to: PostingStatus, *, today: dt.date) -> Posting:
        """Open, pause, close ... a posting as its life allows (see ``models.posting``)."""
        posting = self.repo.posting(posting_id, for_update=True)
        if to == PostingStatus.OPEN:  # the one way into the open postings workers see and the matcher loads
            check_can_publish(self.repo.employer(posting.employer_id))
        change_status(posting, to, today=today)
        self.session.flush()
        return posting

    def expire_due(self, today: dt.date) -> int:
        return self.repo.expire_due(today)
