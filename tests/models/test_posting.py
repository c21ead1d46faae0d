"""A posting's life (draft -> open -> paused -> filled / closed / expired) and the rules it always keeps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.errors import Conflict, InvalidInput, NotAllowed
from models.posting import Posting, change_status, check_posting, missing_for_opening
from models.vocab import PostingStatus as S

TODAY = dt.date(2026, 11, 28)


def _posting(**kw: object) -> Posting:
    values: dict[str, object] = {
        "title": "保洁员",
        "headcount": 3,
        "filled_count": 0,
        "pay_min": Decimal(2000),
        "pay_max": Decimal(2500),
        "status": S.DRAFT.value,
        "source": "form",
    }
    values.update(kw)
    return Posting(**values)


def test_a_complete_draft_opens_pauses_and_reopens() -> None:
    p = _posting()
    change_status(p, S.OPEN, today=TODAY)
    assert p.status == S.OPEN and p.opened_at is not None
    change_status(p, S.PAUSED, today=TODAY)
    change_status(p, S.OPEN, today=TODAY)
    assert p.status == S.OPEN


def test_a_draft_missing_headcount_or_pay_cannot_open_and_says_what_is_missing() -> None:
    p = _posting(headcount=None, pay_min=None, pay_max=None)
    assert missing_for_opening(p) == ["招聘人数（写“若干”的请估计一个人数）", "薪资"]
    with pytest.raises(InvalidInput, match="发布前请补全：招聘人数"):
        change_status(p, S.OPEN, today=TODAY)
    assert p.status == S.DRAFT


def test_closed_is_final() -> None:
    p = _posting(status=S.CLOSED.value)
    for target in (S.OPEN, S.PAUSED, S.DRAFT, S.FILLED):
        with pytest.raises(NotAllowed, match="已关闭"):
            change_status(p, target, today=TODAY)


def test_a_draft_cannot_be_paused_or_filled() -> None:
    with pytest.raises(NotAllowed, match="草稿"):
        change_status(_posting(), S.PAUSED, today=TODAY)


def test_filled_only_when_no_place_is_left() -> None:
    p = _posting(status=S.OPEN.value, filled_count=2)
    with pytest.raises(NotAllowed, match="还有空缺"):
        change_status(p, S.FILLED, today=TODAY)
    p.filled_count = 3
    change_status(p, S.FILLED, today=TODAY)
    assert p.status == S.FILLED and p.closed_at is not None
    with pytest.raises(Conflict, match="已招满"):
        change_status(p, S.OPEN, today=TODAY)


def test_expired_only_after_the_deadline_and_reopens_when_it_moves() -> None:
    p = _posting(status=S.OPEN.value, deadline=TODAY)
    with pytest.raises(NotAllowed, match="尚未过截止日期"):
        change_status(p, S.EXPIRED, today=TODAY)
    change_status(p, S.EXPIRED, today=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="截止日期已过"):
        change_status(p, S.OPEN, today=TODAY + dt.timedelta(days=1))
    p.deadline = TODAY + dt.timedelta(days=30)
    change_status(p, S.OPEN, today=TODAY + dt.timedelta(days=1))
    assert p.status == S.OPEN


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pay_min": Decimal(5000), "pay_max": Decimal(4000)}, "薪资下限高于上限"),
        ({"age_min": 50, "age_max": 45}, "最低年龄高于最高年龄"),
        ({"age_min": 15}, "法定劳动年龄 16"),
        ({"headcount": 2, "filled_count": 3}, "不能少于已录用人数"),
    ],
)
def test_rules_every_posting_keeps(change: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_posting(_posting(**change))


def test_a_sex_requirement_is_flagged() -> None:
    assert _posting(sex_required="female").sex_flagged
    assert not _posting().sex_flagged
