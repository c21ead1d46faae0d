"""Text normalisation: what every cell and query looks like after ``normalise_text`` / ``cell_text``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.text import cell_text, normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("ＡＢＣ　电焊", "ABC 电焊"),  # full-width letters and the ideographic space
        ("电焊，开车；做饭", "电焊,开车;做饭"),  # full-width punctuation
        ("  张 三  ", "张 三"),
        ("电焊\n\n开车\r\n做饭\t保洁", "电焊 开车 做饭 保洁"),  # line breaks inside a cell
        ("a\u00a0\u00a0b", "a b"),  # non-breaking spaces
        ("\ufeff张三\u200b", "张三"),  # BOM and zero-width space
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  初中 ", "初中"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),  # a number-formatted phone cell
        (3.5, "3.5"),
        (float("nan"), ""),  # pandas' blank cell
        (1.40902199001011e17, "1.40902199001011e+17"),  # the last digits are not real: no integer shown
        (True, "是"),
        (False, "否"),
        (dt.date(1990, 1, 1), "1990-01-01"),
        (dt.datetime(1990, 1, 1), "1990-01-01"),
        (dt.datetime(2024, 3, 1, 8, 30), "2024-03-01 08:30:00"),
        (Decimal("3000"), "3000"),
    ],
)
def test_cell_text(raw: object, expected: str) -> None:
    assert cell_text(raw) == expected


@given(st.text())
def test_normalised_text_is_stable_and_tidy(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert "\n" not in once and "\u3000" not in once
