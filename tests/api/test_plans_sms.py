"""The short message of a match-day proposal: one SMS segment (at most 70 characters) however long the
employer's name, the title or the person's name, with pay and phone numbers whole or left out, never cut."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from api.allocation_sms import SMS_LIMIT, SmsParts, honorific, pay_phrase, short_name, sms_text

BROKER_PHONE = "13912345678"
LONG_EMPLOYER = "山西省忻州市忻府区豆罗镇乡村振兴农业科技开发有限责任公司"
LONG_TITLE = "五轴加工中心数控机床操作工（第12车间长白班）"


def _parts(**given: object) -> SmsParts:
    values: dict[str, object] = dict(honorific="王师傅", employer="忻州明达建筑有限公司", title="叉车司机",
                                     pay="月薪4000-5000元", distance_km=3.2, broker_name="李红",
                                     broker_phone="13800000000", reply=1)  # fmt: skip
    values.update(given)
    return SmsParts(**values)  # type: ignore[arg-type]


def test_a_message_that_fits_says_everything() -> None:
    text = sms_text(_parts())
    expected = (
        "【安业】王师傅，忻州明达建筑有限公司招叉车司机，月薪4000-5000元，距您3公里。"
        + "有意向请回复1或联系经纪人李红13800000000。"
    )
    assert text == expected
    assert len(text) <= SMS_LIMIT


@pytest.mark.parametrize("employer", ["忻州明达建筑有限公司", LONG_EMPLOYER])
@pytest.mark.parametrize("title", ["普工", LONG_TITLE])
@pytest.mark.parametrize("name", ["王建国", "欧阳娜仁花", "阿依古丽·买买提江"])
@pytest.mark.parametrize("pay", ["月薪12000-15000元", None, "计件工资"])
def test_long_names_and_titles_are_shortened_to_one_sms_without_cutting_a_number(
    employer: str, title: str, name: str, pay: str | None
) -> None:
    parts = _parts(honorific=honorific(name, "female"), employer=employer, title=title, pay=pay,
                   broker_name="诸葛晓明", broker_phone=BROKER_PHONE, reply=2)  # fmt: skip
    text = sms_text(parts)
    assert len(text) <= SMS_LIMIT
    assert text.startswith("【安业】") and "回复2" in text
    numbers = set(re.findall(r"\d+", text)) - {"2"}
    whole = {"12000", "15000", BROKER_PHONE, "12", "3"} | (set(re.findall(r"\d+", pay)) if pay else set())
    assert numbers <= whole  # every number in the text is one of the numbers given, whole


def test_the_broker_phone_is_kept_before_the_distance_and_the_broker_name() -> None:
    text = sms_text(_parts(employer=LONG_EMPLOYER, title=LONG_TITLE, broker_phone=BROKER_PHONE))
    assert BROKER_PHONE in text and "距您" not in text


def test_honorifics_and_pay() -> None:
    assert (honorific("王建国", "male"), honorific("李秀英", "female"), honorific("欧阳娜", "female")) == (
        "王师傅", "李女士", "欧阳女士")  # fmt: skip
    assert honorific("张伟", None) == "张伟"
    assert pay_phrase(Decimal("4000.00"), Decimal("5000.00"), "month") == "月薪4000-5000元"
    assert pay_phrase(Decimal("150"), Decimal("150"), "day") == "日薪150元"
    assert pay_phrase(Decimal("3500"), None, None) == "月薪3500元起"
    assert pay_phrase(None, None, "month") is None
    assert short_name("第12车间普工", 2) == "第" and short_name("第12车间普工", 4) == "第12车"
