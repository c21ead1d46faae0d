"""Employers and postings through the service, on SQLite and PostgreSQL: registration, forms, repeats,
places taken and given back, expiry."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.posting_form import EmployerForm, PostingForm, PublicWelfareTerms
from ingest.posting_service import PostingService
from models.db import build_engine, build_session_factory
from models.errors import Conflict, NotAllowed
from models.migrate import upgrade
from models.posting_repository import PostingRepository
from models.taxonomy import default_taxonomy
from models.vocab import EmployerKind, PayPeriod, PostingStatus, PublicWelfareCategory

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def service(session: Session) -> PostingService:
    return PostingService(session, default_taxonomy())


def _employer(service: PostingService, **kw: object) -> int:
    values: dict[str, object] = {
        "name": "忻州市恒达电子有限公司",
        "kind": EmployerKind.ENTERPRISE,
        "credit_code": "91350100M000100Y43",
        "address": "山西省忻州市忻府区长征街18号",
        "contact_name": "王经理",
        "contact_phone": "13834560000",
    }
    values.update(kw)
    return service.register_employer(EmployerForm.model_validate(values)).id


def _form(**kw: object) -> PostingForm:
    values: dict[str, object] = {
        "title": "普工",
        "description": "电子元件组装，两班倒，长白班优先。",
        "headcount": 3,
        "pay_min": 4000,
        "pay_max": 5500,
        "pay_period": "month",
        "certificates_preferred": ["叉车证"],
        "meals": True,
        "housing": True,
    }
    values.update(kw)
    return PostingForm.model_validate(values)


def test_an_employer_gets_its_county_and_position_from_the_address(service: PostingService) -> None:
    employer = service.repo.employer(_employer(service))
    assert employer.county_adcode == "140902"
    assert employer.longitude is not None and 112 < employer.longitude < 113.5


def test_a_bad_credit_code_is_refused_with_the_field_named() -> None:
    with pytest.raises(ValidationError) as caught:
        EmployerForm(name="某公司", credit_code="91350100M000100Y44")
    assert caught.value.errors()[0]["loc"] == ("credit_code",)
    assert "校验位不对" in caught.value.errors()[0]["msg"]


def test_the_same_employer_is_not_registered_twice(service: PostingService) -> None:
    _employer(service)
    with pytest.raises(Conflict, match="该单位已登记"):
        _employer(service, name="恒达电子")  # same credit code
    with pytest.raises(Conflict, match="该单位已登记"):
        _employer(service, credit_code=None)  # same name, no code


def test_a_posting_starts_as_a_draft_with_canonical_certificates_and_occupation(service: PostingService) -> None:
    posting = service.create_posting(_employer(service), _form(title="叉车司机", certificates_required=["叉车证"]))
    assert posting.status == PostingStatus.DRAFT
    assert posting.certificates_required == ["叉车司机"]
    assert (posting.occupation_code, posting.occupation_name) == ("6-30-05-01", "起重装卸机械操作工")
    assert posting.work_adcode == "140902"  # the employer's county when the posting names no place
    assert posting.contact_phone == "13834560000"


def test_an_unknown_certificate_is_kept_as_written_and_marked_unsure(service: PostingService) -> None:
    posting = service.create_posting(_employer(service), _form(certificates_required=["某某协会会员卡"]))
    assert posting.certificates_required == ["某某协会会员卡"]
    assert posting.unsure is not None and "certificates_required" in posting.unsure


def test_an_out_of_area_posting_is_placed_at_its_destination(service: PostingService) -> None:
    form = _form(out_of_area=True, destination="江苏省苏州市昆山市", work_address=None)
    posting = service.create_posting(_employer(service, kind=EmployerKind.AGENCY), form)
    assert posting.work_adcode == "320583"
    assert posting.work_address is None


def test_public_welfare_terms_are_kept_with_local_defaults(service: PostingService, session: Session) -> None:
    terms = PublicWelfareTerms(category=PublicWelfareCategory.CLEANING, funding_source="光伏收益", term_months=12)
    employer = _employer(service, name="东冶镇人民政府", kind=EmployerKind.PUBLIC_BODY, credit_code=None)
    posting = service.create_posting(employer, _form(title="保洁员", public_welfare=terms, pay_min=1000, pay_max=1000))
    session.expire_all()
    loaded = service.repo.posting(posting.id)
    assert loaded.public_welfare is not None
    assert loaded.public_welfare.category == "cleaning"
    assert (loaded.public_welfare.hire_age_max, loaded.public_welfare.max_renewals) == (60, 2)
    assert list(service.repo.list_postings(public_welfare=True)) == [loaded]


def test_a_repost_with_small_changes_is_recognised(service: PostingService) -> None:
    employer = _employer(service)
    first = service.create_posting(employer, _form())
    assert service.find_repeat(employer, "普工 ", "电子元件组装，两班倒，长白班优先！") is first
    assert service.find_repeat(employer, "普工（急招）", "电子元件组装，两班倒，长白班优先。") is first
    assert service.find_repeat(employer, "保安员", "电子元件组装，两班倒，长白班优先。") is None
    assert service.find_repeat(employer, "普工", "食品包装，常白班，计件工资。") is None


def test_updating_keeps_places_taken_and_refuses_fewer_places_than_hired(service: PostingService) -> None:
    posting = service.create_posting(_employer(service), _form())
    service.change_status(posting.id, PostingStatus.OPEN, today=TODAY)
    service.repo.take_places(posting.id, 2)
    updated = service.update_posting(posting.id, _form(headcount=5, pay_min=4200))
    assert (updated.filled_count, updated.headcount, updated.pay_min) == (2, 5, Decimal(4200))
    with pytest.raises(Exception, match="不能少于已录用人数"):
        service.update_posting(posting.id, _form(headcount=1))


def test_places_are_taken_until_full_then_the_posting_is_filled(service: PostingService) -> None:
    posting = service.create_posting(_employer(service), _form(headcount=3))
    with pytest.raises(Conflict, match="草稿"):
        service.repo.take_places(posting.id)
    service.change_status(posting.id, PostingStatus.OPEN, today=TODAY)
    assert service.repo.take_places(posting.id, 2) == 1
    with pytest.raises(Conflict, match="只剩 1 个名额"):
        service.repo.take_places(posting.id, 2)
    assert service.repo.take_places(posting.id) == 0
    assert (posting.status, posting.filled_count) == ("filled", 3)
    assert service.repo.release_places(posting.id, 1, today=TODAY) == 1
    assert posting.status == "open"


def test_the_database_refuses_overfilling(service: PostingService, session: Session) -> None:
    posting = service.create_posting(_employer(service), _form(headcount=2))
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(text("UPDATE posting SET filled_count = 3 WHERE id = :id"), {"id": posting.id})


def test_postings_past_their_deadline_expire(service: PostingService) -> None:
    employer = _employer(service)
    late = service.create_posting(employer, _form(deadline=TODAY))
    later = service.create_posting(employer, _form(title="保安员", deadline=TODAY + dt.timedelta(days=9)))
    for p in (late, later):
        service.change_status(p.id, PostingStatus.OPEN, today=TODAY)
    assert service.expire_due(TODAY + dt.timedelta(days=1)) == 1
    assert service.repo.posting(late.id).status == "expired"
    assert service.repo.posting(later.id).status == "open"


def test_a_closed_posting_cannot_be_edited(service: PostingService) -> None:
    posting = service.create_posting(_employer(service), _form())
    service.change_status(posting.id, PostingStatus.CLOSED, today=TODAY)
    with pytest.raises(NotAllowed, match="已关闭"):
        service.update_posting(posting.id, _form())


def test_form_ranges_are_checked_with_chinese_messages() -> None:
    with pytest.raises(ValidationError, match="薪资下限高于上限"):
        _form(pay_min=6000, pay_max=5000)
    with pytest.raises(ValidationError, match="最低年龄高于最高年龄"):
        _form(age_min=50, age_max=40)
    assert _form(pay_period="day").pay_period is PayPeriod.DAY


def test_concurrent_hires_take_exactly_the_places_left(pg_database_url: str) -> None:
    engine = build_engine(pg_database_url)
    upgrade(engine)
    sessions = build_session_factory(engine)
    with sessions() as s:
        service = PostingService(s, default_taxonomy())
        posting = service.create_posting(_employer(service), _form(headcount=5))
        service.change_status(posting.id, PostingStatus.OPEN, today=TODAY)
        service.repo.take_places(posting.id, 2)
        s.commit()
        posting_id = posting.id
    results: list[str] = []
    barrier = threading.Barrier(20)

    def hire() -> None:
        with sessions() as s:
            barrier.wait()
            try:
                PostingRepository(s).take_places(posting_id)
                s.commit()
                results.append("ok")
            except Conflict:
                s.rollback()
                results.append("conflict")

    threads = [threading.Thread(target=hire) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with sessions() as s:
        final = PostingRepository(s).posting(posting_id)
        assert (final.filled_count, final.status) == (5, "filled")
    assert results.count("ok") == 3 and results.count("conflict") == 17
    engine.dispose()


def test_a_pasted_ad_becomes_a_draft_that_shows_where_each_value_came_from(service: PostingService) -> None:
    ad = "招聘叉车司机2名，持叉车证，月薪5000-6500元，50岁以下，提供宿舍。联系电话13834561234"
    (draft,) = service.drafts_from_ad(_employer(service), ad)
    assert draft.status == "draft" and draft.source == "ad" and draft.source_text == ad
    assert (draft.headcount, draft.pay_min, draft.pay_max, draft.age_max) == (2, 5000, 6500, 50)
    assert draft.certificates_required == ["叉车司机"] and draft.housing is True
    assert draft.evidence is not None
    span = draft.evidence["pay_min"][0]
    assert ad[span["start"] : span["end"]] == span["text"] and "5000" in span["text"]


def test_an_ad_listing_two_jobs_gives_two_drafts(service: PostingService) -> None:
    ad = "恒达电子招聘：\n1. 普工 20名，月薪4500元\n2. 叉车司机 2名，月薪6000元，须持叉车证\n包吃住，电话13834561234"
    drafts = service.drafts_from_ad(_employer(service), ad)
    assert [(d.headcount, d.pay_min) for d in drafts] == [(20, 4500), (2, 6000)]
    assert all(d.meals and d.housing for d in drafts)
