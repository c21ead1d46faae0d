"""ID numbers (GB 11643-1999): what is accepted, upgraded and refused, and that nothing bad slips in."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.idcard import age_on, id_check_digit, normalise_id_number

TODAY = dt.date(2024, 6, 1)
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # 2**(17-i) mod 11, as in the standard


def check_char(first17: str) -> str:
    """An independent MOD 11-2 for building expectations."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def make_id(region: str = "140902", born: str = "19900101", seq: str = "123") -> str:
    first17 = region + born + seq
    return first17 + check_char(first17)


def test_the_standards_own_example() -> None:
    # GB 11643-1999 appendix: 11010519491231002X, a woman born on 31 December 1949.
    assert id_check_digit("11010519491231002") == "X"
    found = normalise_id_number("11010519491231002x", today=TODAY).value
    assert found is not None
    assert (found.number, found.birth_date, found.sex) == (
        "11010519491231002X",
        dt.date(1949, 12, 31),
        "female",
    )


@pytest.mark.parametrize(
    "written",
    [
        make_id(),
        f" {make_id()[:6]} {make_id()[6:14]} {make_id()[14:]} ",  # spaces
        f"{make_id()[:6]}-{make_id()[6:14]}-{make_id()[14:]}",  # dashes
        make_id().translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width digits
        "'" + make_id(),  # Excel's text prefix
    ],
)
def test_written_forms_of_one_number_are_accepted(written: str) -> None:
    found = normalise_id_number(written, today=TODAY).value
    assert found is not None
    assert found.number == make_id()
    assert found.birth_date == dt.date(1990, 1, 1)
    assert found.sex == "male"  # 17th digit 3 is odd
    assert not found.upgraded_from_15


def test_sex_comes_from_the_seventeenth_digit() -> None:
    female = normalise_id_number(make_id(seq="124"), today=TODAY).value
    assert female is not None and female.sex == "female"


@pytest.mark.parametrize("old", ["140902900101123", 140902900101123, 140902900101123.0, "140902900101123.0"])
def test_old_fifteen_digit_form_is_upgraded(old: object) -> None:
    found = normalise_id_number(old, today=TODAY).value
    assert found is not None
    assert found.number == make_id(born="19900101", seq="123")
    assert found.upgraded_from_15
    assert found.birth_date == dt.date(1990, 1, 1)


@pytest.mark.parametrize(
    "raw",
    [
        1.40902199001011e17,  # a number cell as read
        140902199001011232,  # the same as an integer: Excel kept 15 significant digits
        1409021990010112,  # 16 digits
        "1.40902E+17",  # what Excel shows
        "1.40902199001011E+17",
        "1.40902e17",
        "140902199001011232.0",
    ],
)
def test_ids_that_went_through_an_excel_number_are_truncated(raw: object) -> None:
    assert normalise_id_number(raw, today=TODAY).code == "id_truncated"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "id_missing"),
        ("", "id_missing"),
        ("   ", "id_missing"),
        (float("nan"), "id_missing"),
        ("14090219900101123", "id_bad_format"),  # 17 characters
        ("1409021990010112345", "id_bad_format"),  # 19
        ("14090219900101X232", "id_bad_format"),  # X not at the end
        ("身份证140902199001011232", "id_bad_format"),
        (True, "id_bad_format"),
        (-140902900101123, "id_bad_format"),
        (make_id(region="000000"), "id_bad_format"),  # no province 00
        (make_id(region="990000"), "id_bad_format"),
        (make_id()[:17] + ("0" if make_id()[17] != "0" else "1"), "id_bad_checksum"),
        (make_id(born="19900230"), "id_bad_birth_date"),
        (make_id(born="18991231"), "id_bad_birth_date"),  # before 1900
        (make_id(born="20240602"), "id_bad_birth_date"),  # after TODAY
        ("140902901301123", "id_bad_birth_date"),  # old form, month 13
    ],
)
def test_refused(raw: object, code: str) -> None:
    found = normalise_id_number(raw, today=TODAY)
    assert found.value is None
    assert found.code == code
    assert found.reason  # a Chinese sentence for the import report


def test_born_today_is_accepted() -> None:
    assert normalise_id_number(make_id(born="20240601"), today=TODAY).ok


def test_id_check_digit_wants_seventeen_digits() -> None:
    with pytest.raises(ValueError):
        id_check_digit("1234")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(1990, 6, 15), dt.date(2024, 6, 14), 33),
        (dt.date(1990, 6, 15), dt.date(2024, 6, 15), 34),
        (dt.date(2000, 2, 29), dt.date(2023, 2, 28), 22),
        (dt.date(2000, 2, 29), dt.date(2023, 3, 1), 23),
    ],
)
def test_age_on(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


# --- properties -------------------------------------------------------------------------------------------

_PROVINCES = ["11", "14", "15", "23", "37", "46", "50", "54", "65", "71", "81", "82", "91"]
valid_ids = st.builds(
    lambda p, rest, born, seq: make_id(p + rest, born.strftime("%Y%m%d"), f"{seq:03d}"),
    st.sampled_from(_PROVINCES),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.dates(dt.date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)
any_cell = st.one_of(
    st.none(),
    st.text(),
    st.from_regex(r"[0-9xX \-]{0,22}", fullmatch=True),
    st.from_regex(r"\d{17}[\dxX]", fullmatch=True),
    st.from_regex(r"[1-6][0-9]{16}[0-9xX]", fullmatch=True),
    st.from_regex(r"[1-6][0-9]{14}", fullmatch=True),
    st.from_regex(r"\d(\.\d{1,14})?[eE]\+?\d{1,2}", fullmatch=True),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@given(any_cell)
def test_never_raises_and_never_accepts_an_invalid_number(raw: object) -> None:
    found = normalise_id_number(raw, today=TODAY)
    if found.value is None:
        assert found.code is not None
        return
    number = found.value.number
    assert len(number) == 18 and number[:17].isdigit()
    assert number[17] == check_char(number[:17])
    born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert found.value.birth_date == born and dt.date(1900, 1, 1) <= born <= TODAY


@given(valid_ids)
def test_generated_valid_ids_are_accepted_unchanged(number: str) -> None:
    found = normalise_id_number(number, today=TODAY).value
    assert found is not None and found.number == number


@given(valid_ids, st.integers(0, 17), st.integers(1, 10))
def test_one_changed_character_is_refused(number: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    changed = alphabet[(old + shift) % len(alphabet)]
    if changed == number[position]:
        return
    mutated = number[:position] + changed + number[position + 1 :]
    assert normalise_id_number(mutated, today=TODAY).value is None
