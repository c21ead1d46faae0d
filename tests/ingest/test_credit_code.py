"""统一社会信用代码: the GB 32100-2015 check character, normalisation, and never raising."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from ingest.credit_code import ALPHABET, check_character, parse_credit_code


def _valid(rng: random.Random) -> str:
    first = "9" + "1" + "140902" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return first + check_character(first)


def test_published_examples_are_accepted() -> None:
    # The standard's worked example and a code printed on a real business licence.
    for code in ("91350100M000100Y43", "91110000802100433B"):
        assert parse_credit_code(code).value == code


def test_lower_case_full_width_and_spaces_are_normalised() -> None:
    assert parse_credit_code(" 9135 0100m000100y43 ").value == "91350100M000100Y43"
    assert parse_credit_code("９１３５０１００Ｍ０００１００Ｙ４３").value == "91350100M000100Y43"


def test_blank_is_not_a_problem() -> None:
    for raw in (None, "", "  ", "无", "/"):
        checked = parse_credit_code(raw)
        assert checked.value is None and checked.code is None


def test_every_single_character_change_is_caught() -> None:
    rng = random.Random(7)
    for _ in range(50):
        code = _valid(rng)
        assert parse_credit_code(code).ok
        pos = rng.randrange(18)
        other = rng.choice([c for c in ALPHABET if c != code[pos]])
        assert parse_credit_code(code[:pos] + other + code[pos + 1 :]).code == "credit_code_bad_checksum"


def test_wrong_length_and_forbidden_letters_are_format_errors() -> None:
    assert parse_credit_code("91350100M000100Y4").code == "credit_code_bad_format"
    assert parse_credit_code("91350100M0001OOY43").code == "credit_code_bad_format"  # letter O
    checked = parse_credit_code("91350100M000100Y4")
    assert checked.reason is not None and "18位" in checked.reason


@given(st.text(max_size=30))
def test_never_raises_and_accepts_only_checked_codes(text: str) -> None:
    checked = parse_credit_code(text)
    if checked.value is not None:
        assert len(checked.value) == 18 and check_character(checked.value[:17]) == checked.value[17]
