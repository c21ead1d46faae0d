"""The stage machine of the placement pipeline: every pair of stages, legal or not, and what each stage must
record."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from models.errors import Conflict, InvalidInput
from models.match import Match
from models.pipeline import TRANSITIONS, ContractKind, Step, add_months, apply_step, lasted_months
from models.vocab import MatchStage

TODAY = dt.date(2026, 11, 28)
M = MatchStage
PAIRS = list(itertools.product(M, M))


def _match(stage: MatchStage) -> Match:
    hired = dt.date(2026, 6, 1) if stage in (M.HIRED, M.SEPARATED) else None
    return Match(id=1, worker_id=1, posting_id=1, source="broker", stage=stage.value, hired_on=hired)


def _step(to: MatchStage) -> Step:
    """A step to ``to`` with what that stage must record."""
    if to is M.HIRED:
        return Step(to, on=TODAY, wage=Decimal(4000), contract_kind=ContractKind.LABOUR_CONTRACT, place="忻府区")
    if to is M.SEPARATED:
        return Step(to, on=TODAY, reason="工资低")
    if to is M.DECLINED:
        return Step(to, reason="本人不愿意")
    return Step(to)


@pytest.mark.parametrize(("start", "to"), [p for p in PAIRS if p[1] in TRANSITIONS[p[0]]], ids=str)
def test_a_legal_step_moves_the_match_and_records_who_and_when(start: MatchStage, to: MatchStage) -> None:
    match = _match(start)
    event = apply_step(match, _step(to), actor="broker_a", today=TODAY)
    assert (match.stage, event.stage, event.actor) == (to.value, to.value, "broker_a")
    assert match.stage_at == event.at
    if to is M.HIRED:
        assert (match.hired_on, match.wage, event.detail["contract_kind"]) == (TODAY, Decimal(4000), "劳动合同")
    if to is M.SEPARATED:
        assert (match.separated_on, match.separation_reason) == (TODAY, "工资低")


@pytest.mark.parametrize(("start", "to"), [p for p in PAIRS if p[1] not in TRANSITIONS[p[0]]], ids=str)
def test_an_illegal_step_is_refused_naming_both_stages(start: MatchStage, to: MatchStage) -> None:
    match = _match(start)
    with pytest.raises(Conflict) as raised:
        apply_step(match, _step(to), actor="broker_a", today=TODAY)
    assert f"“{start.zh}”" in raised.value.detail and f"“{to.zh}”" in raised.value.detail
    assert match.stage == start.value


def test_separated_is_final_and_a_hire_needs_an_offer() -> None:
    assert TRANSITIONS[M.SEPARATED] == frozenset()
    assert [s for s, after in TRANSITIONS.items() if M.HIRED in after] == [M.OFFERED]


@pytest.mark.parametrize(
    ("start", "step", "message"),
    [
        (M.OFFERED, Step(M.HIRED, on=TODAY, wage=Decimal(3000)), "用工协议"),
        (M.OFFERED, Step(M.HIRED, contract_kind=ContractKind.SERVICE_AGREEMENT), "上岗日期、月工资"),
        (M.HIRED, Step(M.SEPARATED, on=TODAY, reason="不想干了"), "离职原因请从以下选择"),
        (M.HIRED, Step(M.SEPARATED, reason="工资低"), "离职日期"),
        (M.HIRED, Step(M.SEPARATED, on=dt.date(2026, 5, 1), reason="工资低"), "不能早于上岗日期"),
        (M.PROPOSED, Step(M.DECLINED), "不合适的原因"),
    ],
)
def test_each_stage_asks_for_what_it_records(start: MatchStage, step: Step, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        apply_step(_match(start), step, actor="broker_a", today=TODAY)


def test_checkpoints_fall_on_the_same_day_months_later() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    start = dt.date(2026, 1, 10)
    assert lasted_months(start, None, 3, dt.date(2026, 4, 10)) is True
    assert lasted_months(start, None, 3, dt.date(2026, 4, 9)) is None
    assert lasted_months(start, dt.date(2026, 4, 9), 3, TODAY) is False
    assert lasted_months(start, dt.date(2026, 7, 1), 6, TODAY) is False
