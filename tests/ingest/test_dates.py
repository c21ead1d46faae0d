"""Dates as ledgers write them: date cells, Excel serial numbers and text forms."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dates import excel_serial_date, parse_date

JAN_1 = dt.date(1990, 1, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(1990, 1, 1), JAN_1),
        (dt.datetime(1990, 1, 1, 8, 30), JAN_1),
        (32874, JAN_1),  # Excel serial
        (32874.75, JAN_1),  # serial with a time of day
        ("1990.01.01", JAN_1),
        ("1990-1-1", JAN_1),
        ("1990/1/1", JAN_1),
        ("1990年1月1日", JAN_1),
        ("1990年01月01号", JAN_1),
        ("１９９０年１月１日", JAN_1),  # full-width
        ("1990 年 1 月 1 日", JAN_1),
        ("1990-01-01 00:00:00", JAN_1),
        ("1990-01-01T00:00:00", JAN_1),
        ("19900101", JAN_1),
        (19900101, JAN_1),  # typed into a number cell
        ("1990年1月", JAN_1),  # month only: the 1st
        ("1990年12月份", dt.date(1990, 12, 1)),
        ("1990.1", JAN_1),
        ("1990-01", JAN_1),
        ("199001", JAN_1),
        (199001, JAN_1),
        (1990.01, JAN_1),  # 1990.01 typed into a number cell
        (1990.12, dt.date(1990, 12, 1)),
        ("2100-12-31", dt.date(2100, 12, 31)),
    ],
)
def test_accepted(raw: object, expected: dt.date) -> None:
    found = parse_date(raw)
    assert found.code is None
    assert found.value == expected


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan")])
def test_blank_is_nothing_and_no_problem(raw: object) -> None:
    found = parse_date(raw)
    assert found.value is None and found.code is None


@pytest.mark.parametrize(
    "raw",
    [
        "90.1.1",  # two-digit year
        "90-01-01",
        "900101",
        "1990",  # a year is not a date
        1990,
        1990.1,  # 1990.1 or 1990.10?
        "1990-02-30",
        "1990-13-01",
        "1990年0月",
        "1899-12-31",
        "2101-01-01",
        dt.date(1899, 12, 31),
        60,  # Excel's 29 February 1900, which never was
        0,
        -5,
        73416,  # after 2100
        True,
        "一九九〇年一月",
        "去年",
        "32874",  # a serial as text is not taken
        float("inf"),
    ],
)
def test_refused(raw: object) -> None:
    found = parse_date(raw)
    assert found.value is None
    assert found.code == "date_invalid"


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (60, None),
        (61, dt.date(1900, 3, 1)),
        (45292, dt.date(2024, 1, 1)),
        (73415, dt.date(2100, 12, 31)),
    ],
)
def test_excel_serial_date_follows_the_1900_system(serial: int, expected: dt.date | None) -> None:
    assert excel_serial_date(serial) == expected


any_cell = st.one_of(
    st.none(),
    st.text(),
    st.from_regex(r"\d{2,4}[-./年]\d{1,2}([-./月]\d{1,2}日?)?", fullmatch=True),
    st.from_regex(r"[0-9]{4,8}", fullmatch=True),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.booleans(),
)


@given(any_cell)
def test_never_raises_and_stays_in_range(raw: object) -> None:
    found = parse_date(raw)
    if found.value is not None:
        assert found.code is None
        assert 1900 <= found.value.year <= 2100
    else:
        assert found.code in (None, "date_invalid")
