"""Phone cells: several numbers, mobiles and landlines, labels, Excel numbers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.phone import parse_phones

PHONE_SHAPE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-[1-9][0-9]{6,7}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", ["13812345678"]),
        (13812345678, ["13812345678"]),
        (13812345678.0, ["13812345678"]),  # number-formatted cell
        ("１３８１２３４５６７８", ["13812345678"]),
        ("138-1234-5678", ["13812345678"]),
        ("138 1234 5678", ["13812345678"]),
        ("+86 138 1234 5678", ["13812345678"]),
        ("86-13812345678", ["13812345678"]),
        ("电话：13812345678", ["13812345678"]),
        ("13812345678/13987654321", ["13812345678", "13987654321"]),
        ("13812345678、13987654321", ["13812345678", "13987654321"]),
        ("13812345678，13987654321", ["13812345678", "13987654321"]),
        ("13812345678；13987654321", ["13812345678", "13987654321"]),
        ("13812345678 13987654321", ["13812345678", "13987654321"]),
        ("13812345678\n13987654321", ["13812345678", "13987654321"]),
        ("13812345678或13987654321", ["13812345678", "13987654321"]),
        ("13812345678（本人）、13987654321(母亲)", ["13812345678", "13987654321"]),
        ("13812345678/13812345678", ["13812345678"]),  # repeated
        ("0350-1234567", ["0350-1234567"]),
        ("03501234567", ["0350-1234567"]),
        ("(0350)1234567", ["0350-1234567"]),
        ("（0350）1234567", ["0350-1234567"]),
        ("0350 1234567", ["0350-1234567"]),
        ("010-12345678", ["010-12345678"]),
        ("01012345678", ["010-12345678"]),  # 010 and 02x are three-digit area codes
        ("02112345678", ["021-12345678"]),
        (3501234567, ["0350-1234567"]),  # a number cell lost the leading zero
        ("13812345678 0350-1234567", ["13812345678", "0350-1234567"]),
    ],
)
def test_accepted(raw: object, expected: list[str]) -> None:
    found = parse_phones(raw)
    assert found.code is None
    assert found.value == expected


@pytest.mark.parametrize("raw", [None, "", "  ", "无", "/", float("nan")])
def test_blank_is_an_empty_list_without_a_problem(raw: object) -> None:
    found = parse_phones(raw)
    assert found.value == [] and found.code is None


@pytest.mark.parametrize(
    "raw",
    [
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # no mobile starts with 12
        "1234567",  # landline without area code
        "3501234567",  # text, not a number cell: the zero is not put back
        "0350-123456",  # local number too short
        "abc",
        True,
        -13812345678,
        1.5,
    ],
)
def test_refused(raw: object) -> None:
    found = parse_phones(raw)
    assert found.value == []
    assert found.code == "phone_invalid"


def test_good_numbers_are_kept_beside_a_bad_one() -> None:
    found = parse_phones("13812345678/12345/0350-1234567")
    assert found.value == ["13812345678", "0350-1234567"]
    assert found.code == "phone_invalid"
    assert found.reason is not None and "1处" in found.reason


any_cell = st.one_of(
    st.none(),
    st.text(),
    st.from_regex(r"[0-9 ()+\-/、，]{0,30}", fullmatch=True),
    st.from_regex(r"1[3-9][0-9]{9}([/ ,]1[3-9][0-9]{9})?", fullmatch=True),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@given(any_cell)
def test_never_raises_and_returns_only_well_formed_numbers(raw: object) -> None:
    found = parse_phones(raw)
    assert found.value is not None
    assert all(PHONE_SHAPE.fullmatch(p) for p in found.value)
    assert len(found.value) == len(set(found.value))
    assert found.code in (None, "phone_invalid")
