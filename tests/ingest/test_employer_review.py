"""Employer review (用人单位审核) as a rule, on SQLite and PostgreSQL: a pending or refused employer's postings
cannot open by any way postings open (the service every entry point calls, a sheet import that opens complete
rows), staff decide once, a refusal needs a reason, a refused employer asks again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from ingest.posting_form import EmployerForm, PostingForm
from ingest.posting_import import PostingImport
from ingest.posting_service import PostingService
from models.base import utcnow
from models.employer import Employer, ReviewStatus, decide_review, resubmit_review
from models.employer_repository import EmployerRepository
from models.errors import Conflict, InvalidInput, NotAllowed
from models.taxonomy import default_taxonomy
from models.vocab import PayPeriod, PostingStatus

TODAY = dt.date(2026, 11, 28)


def _pending(service: PostingService, name: str = "忻州晋丰食品有限公司") -> Employer:
    employer = service.register_employer(EmployerForm(name=name, address="忻州市忻府区开发区"))
    employer.review_status = ReviewStatus.PENDING.value
    return employer


def _draft(service: PostingService, employer: Employer) -> int:
    form = PostingForm(
        title="包装工", headcount=3, pay_min=Decimal(3200), pay_max=Decimal(4000), pay_period=PayPeriod.MONTH
    )
    return service.create_posting(employer.id, form).id


def test_a_pending_or_refused_employers_posting_cannot_open_until_approved(session: Session) -> None:
    service = PostingService(session, default_taxonomy())
    employer = _pending(service)
    posting = _draft(service, employer)
    with pytest.raises(NotAllowed, match="审核通过后才能发布岗位"):
        service.change_status(posting, PostingStatus.OPEN, today=TODAY)
    decide_review(employer, approve=False, reason="地址不详", reviewer="broker_a", at=utcnow())
    with pytest.raises(NotAllowed, match="审核未通过"):
        service.change_status(posting, PostingStatus.OPEN, today=TODAY)
    resubmit_review(employer)
    decide_review(employer, approve=True, reason=None, reviewer="broker_a", at=utcnow())
    assert service.change_status(posting, PostingStatus.OPEN, today=TODAY).status == PostingStatus.OPEN


def test_staff_registered_employers_are_approved_and_their_postings_open(session: Session) -> None:
    service = PostingService(session, default_taxonomy())
    employer = service.register_employer(EmployerForm(name="忻州顺达物流有限公司"))
    assert employer.review_status == ReviewStatus.APPROVED
    posting = _draft(service, employer)
    assert service.change_status(posting, PostingStatus.OPEN, today=TODAY).status == PostingStatus.OPEN


def test_a_sheet_import_leaves_a_pending_employers_complete_rows_as_drafts(session: Session, tmp_path: Path) -> None:
    service = PostingService(session, default_taxonomy())
    _pending(service)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位名称", "岗位名称", "招聘人数", "薪资待遇", "工作地点"])
    sheet.append(["忻州晋丰食品有限公司", "包装工", "3人", "3200-4000元/月", "忻府区开发区"])
    sheet.append(["忻州顺达物流有限公司", "装卸工", "2人", "4000-5000元/月", "忻府区开发区"])
    book.save(tmp_path / "岗位.xlsx")
    report = PostingImport(session, default_taxonomy(), actor="tester", today=TODAY).import_file(tmp_path / "岗位.xlsx")
    assert report.counts["created"] == 2 and report.counts["opened"] == 1 and report.counts["drafts"] == 1
    statuses = {p.title: p.status for e in EmployerRepository(session).review_list(None, offset=0, limit=10)[0]
                for p in service.repo.postings_of(e.employer.id)}  # fmt: skip
    assert statuses == {"包装工": "draft", "装卸工": "open"}


def test_staff_decide_once_and_a_refusal_needs_a_reason() -> None:
    employer = Employer(name="忻州晋丰食品有限公司", kind="enterprise", review_status=ReviewStatus.PENDING.value)
    with pytest.raises(InvalidInput, match="请填写不通过的原因"):
        decide_review(employer, approve=False, reason="  ", reviewer="broker_a", at=utcnow())
    with pytest.raises(InvalidInput, match="最多 500 个字"):
        decide_review(employer, approve=False, reason="不" * 501, reviewer="broker_a", at=utcnow())
    with pytest.raises(Conflict, match="只有审核未通过的单位"):
        resubmit_review(employer)
    decide_review(employer, approve=False, reason=" 地址不详 ", reviewer="broker_a", at=utcnow())
    assert (employer.review_status, employer.review_reason, employer.reviewed_by) == (
        "rejected",
        "地址不详",
        "broker_a",
    )
    with pytest.raises(Conflict, match="已审核（不通过）"):
        decide_review(employer, approve=True, reason=None, reviewer="city_admin", at=utcnow())


def test_the_review_list_puts_pending_first(session: Session) -> None:
    service = PostingService(session, default_taxonomy())
    approved = service.register_employer(EmployerForm(name="忻州顺达物流有限公司"))
    waiting = _pending(service)
    rows, total = EmployerRepository(session).review_list(None, offset=0, limit=10)
    assert [r.employer.id for r in rows] == [waiting.id, approved.id] and total == 2
    only, count = EmployerRepository(session).review_list(ReviewStatus.APPROVED, offset=0, limit=10)
    assert [r.employer.id for r in only] == [approved.id] and count == 1
