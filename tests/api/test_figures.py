"""The computations behind the figures and lists, on small cases checked by hand (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from api.figures_flow import durations, funnel, kaplan_meier, retention_at, welfare_use
from api.figures_lists import (
    add_months,
    relief_candidates,
    training_gap,
    welfare_terms,
    welfare_without_start,
    zero_employment,
)
from api.figures_rates import coverage, coverage_days, four_rates
from api.figures_state import Records, household_states, person_state
from models.figures_repository import ChangeRow, HireRow, HouseholdRecord, PersonRecord, ProposalRow, WelfarePostRow

END = dt.date(2026, 6, 30)
LEDGER = dt.date(2024, 1, 1)


def person(worker_id: int, household_id: int, **values: object) -> PersonRecord:
    base: dict[str, object] = dict(
        worker_id=worker_id, household_id=household_id, site_id=1, name=f"人{worker_id}", id_mask="1409**1234",
        phone_mask=None, birth_date=dt.date(1980, 1, 1), labour_capacity="full", employment_status="unemployed",
        monthly_income=None, training_wish=None, wish_employment=True, wish_job_text=None, not_working_reason=None,
        recorded_on=LEDGER,
    )  # fmt: skip
    base.update(values)
    return PersonRecord(**base)  # type: ignore[arg-type]


def hire(match_id: int, worker_id: int, hired: dt.date, separated: dt.date | None = None, **values: object) -> HireRow:
    base: dict[str, object] = dict(
        match_id=match_id, worker_id=worker_id, posting_id=100 + match_id, hired_on=hired, separated_on=separated,
        wage=Decimal(3000), separation_reason=None, title="保洁", employer="某公司",
    )  # fmt: skip
    base.update(values)
    return HireRow(**base)  # type: ignore[arg-type]


def household(household_id: int, site_id: int = 1) -> HouseholdRecord:
    return HouseholdRecord(household_id, site_id, f"H{household_id}", f"户主{household_id}", "lifted")


# the Kaplan-Meier estimate ------------------------------------------------------------------------------
def test_kaplan_meier_matches_the_hand_computed_estimate_with_censoring() -> None:
    # six hires: left on day 2; still at work on day 3 (censored); two left on day 5; censored 6; left on 8
    observed = [(2, True), (3, False), (5, True), (5, True), (6, False), (8, True)]
    curve = kaplan_meier(observed)
    assert [(p.day, p.at_risk, p.separated, p.censored) for p in curve] == [
        (2, 6, 1, 0), (3, 5, 0, 1), (5, 4, 2, 0), (6, 2, 0, 1), (8, 1, 1, 0),
    ]  # fmt: skip
    # S(2) = 5/6; S(5) = 5/6 × (1 − 2/4) = 5/12; S(8) = 5/12 × (1 − 1/1) = 0
    assert [p.survival for p in curve] == pytest.approx([5 / 6, 5 / 6, 5 / 12, 5 / 12, 0.0])
    assert retention_at(curve, 2) == 1.0  # leaving on day 2 still counts as having lasted 2 days
    assert retention_at(curve, 5) == pytest.approx(5 / 6)
    assert retention_at(curve, 6) == pytest.approx(5 / 12)
    assert retention_at(curve, 30) == 0.0  # everyone had left


def test_no_retention_figure_beyond_the_longest_follow_up() -> None:
    curve = kaplan_meier([(10, True), (40, False)])
    assert retention_at(curve, 30) == pytest.approx(0.5)
    assert retention_at(curve, 90) is None
    assert retention_at([], 90) is None


def test_durations_censor_hires_still_at_work_at_the_end_and_skip_hires_outside_the_period() -> None:
    hires = [
        hire(1, 1, dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
        hire(2, 2, dt.date(2026, 1, 1), dt.date(2026, 8, 1)),  # leaves after the end: still at work on it
        hire(3, 3, dt.date(2026, 6, 1)),
        hire(4, 4, dt.date(2025, 1, 1)),  # hired before the period
    ]
    assert durations(hires, dt.date(2025, 12, 1), END) == [(59, True), (180, False), (29, False)]


# the funnel ------------------------------------------------------------------------------------------------
def test_the_funnel_counts_each_match_up_to_the_furthest_step_it_reached() -> None:
    day = dt.date(2026, 1, 10)
    rows = [
        ProposalRow(1, 1, day, "proposed", 0, None, None),
        ProposalRow(2, 2, day, "declined", 1, None, None),  # declined after contact
        ProposalRow(3, 3, day, "declined", 3, None, None),  # declined after the interview
        ProposalRow(4, 4, day, "hired", 5, dt.date(2026, 2, 1), None),  # 149 days at work on END
        ProposalRow(5, 5, day, "separated", 5, dt.date(2026, 2, 1), dt.date(2026, 3, 1)),  # left after 28 days
        ProposalRow(6, 6, day, "hired", 5, dt.date(2026, 6, 1), None),  # too new to tell
        ProposalRow(7, 7, day, "interested", -1, None, None),  # an application without events
    ]
    f = funnel(rows, END)
    assert f.steps == (7, 6, 5, 4, 3, 3)
    assert (f.retained_3_months, f.pending, f.declined) == (1, 1, 2)


def test_the_3_month_retention_rate_is_over_hires_whose_3_months_are_decided_on_the_end() -> None:
    day = dt.date(2026, 1, 10)
    rows = [
        ProposalRow(1, 1, day, "hired", 5, dt.date(2026, 2, 1), None),  # 149 days at work on END: retained
        ProposalRow(2, 2, day, "separated", 5, dt.date(2026, 2, 1), dt.date(2026, 3, 1)),  # left after 28 days
        ProposalRow(3, 3, day, "hired", 5, dt.date(2026, 6, 1), None),  # 29 days: too new to tell
        ProposalRow(4, 4, day, "hired", 5, dt.date(2026, 7, 6), None),  # proposed in the period, started after END
    ]
    f = funnel(rows, END)
    assert f.steps[-1] == 4 and (f.retained_3_months, f.pending) == (1, 1)
    # one of the two hires whose 90 days are over: 50%, not 1 of 3 (the July start is no failure)
    assert (f.retention.numerator, f.retention.denominator) == (1, 2)


# one person's situation -------------------------------------------------------------------------------------
def test_the_ledger_value_on_a_past_day_is_rebuilt_from_the_change_log() -> None:
    p = person(1, 1, employment_status="county", monthly_income=4000)
    changes = [
        ChangeRow(1, "employment_status", "unemployed", "county", dt.date(2025, 3, 1)),
        ChangeRow(1, "monthly_income", "", "4000", dt.date(2025, 3, 1)),
    ]
    before = person_state(p, changes, [], dt.date(2025, 2, 1))
    after = person_state(p, changes, [], dt.date(2025, 4, 1))
    assert (before.employed, before.income, before.status_changed_on) == (False, 0, None)
    assert (after.employed, after.income, after.status_changed_on) == (True, 4000, dt.date(2025, 3, 1))
    assert not person_state(p, changes, [], dt.date(2023, 6, 1)).on_ledger


def test_a_placement_counts_as_work_and_a_later_separation_overrides_an_older_ledger_entry() -> None:
    p = person(1, 1, employment_status="county", monthly_income=2500)
    hires = [hire(1, 1, dt.date(2025, 1, 1), dt.date(2025, 12, 1), wage=Decimal(3600))]
    at_work = person_state(p, [], hires, dt.date(2025, 6, 1))
    assert (at_work.employed, at_work.income) == (True, 3600)
    gone = person_state(p, [], hires, END)  # the ledger (2024) said 县内务工; the separation is newer
    assert (gone.employed, gone.income) == (False, 0)


# the four rates ---------------------------------------------------------------------------------------------
def _city() -> Records:
    people = [
        # household 1: two labour, one employed with a certificate; trained; the other wishes training
        person(1, 1, employment_status="county", monthly_income=3000, training_wish=True,
               trained_on=dt.date(2025, 5, 1), certificate_expiries=(None,)),
        person(2, 1, training_wish=True, certificate_expiries=(dt.date(2026, 1, 1),)),  # expired on END
        person(3, 1, labour_capacity="none", employment_status=None),
        # household 2: labour, nobody employed (零就业); a training wish, trained after END
        person(4, 2, training_wish=True, trained_on=dt.date(2026, 8, 1)),
        # household 3: one labour, placed in 2025 and still at work; a year before END in a lower-paid job
        person(5, 3, employment_status="unemployed"),
        # household 4: no labour at all
        person(6, 4, labour_capacity="lost", employment_status=None),
    ]  # fmt: skip
    hires = [
        hire(1, 5, dt.date(2025, 1, 1), dt.date(2025, 9, 1), wage=Decimal(2000)),
        hire(2, 5, dt.date(2025, 10, 1), wage=Decimal(3500)),
    ]
    return Records([household(1), household(2), household(3), household(4)], people, (), hires)


def test_the_four_rates_on_a_hand_checked_case() -> None:
    records = _city()
    year_before = dt.date(2025, 6, 30)
    rates = four_rates(household_states(records, END), household_states(records, year_before), END)
    # labour: persons 1, 2, 4, 5. Wishing training: 1, 2, 4; trained by END: 1 only
    assert (rates.training.numerator, rates.training.denominator) == (1, 3)
    # a valid certificate on END: person 1 (person 2's expired)
    assert (rates.certificate.numerator, rates.certificate.denominator) == (1, 4)
    # employed on END: person 1 (ledger) and person 5 (placement)
    assert (rates.employment.numerator, rates.employment.denominator) == (2, 4)
    # income: household 1 3000 → 3000 (not risen), household 2 0 → 0, household 3 2000 → 3500 (risen)
    assert (rates.income_growth.numerator, rates.income_growth.denominator) == (1, 3)
    assert (rates.households, rates.households_without_baseline) == (3, 0)
    assert rates.employment.value == 0.5


def test_income_growth_leaves_out_households_without_a_record_a_year_before() -> None:
    records = Records([household(1)], [person(1, 1, recorded_on=dt.date(2026, 1, 1), monthly_income=900)])
    rates = four_rates(household_states(records, END), household_states(records, dt.date(2025, 6, 30)), END)
    assert (rates.income_growth.denominator, rates.households_without_baseline) == (0, 1)
    assert rates.income_growth.value is None


def test_income_growth_does_not_compare_a_household_the_ledger_did_not_hold_a_year_before() -> None:
    # the ledger holds household 1 from 2026-01-01; a year before END only person 1's placement was on record
    people = [
        person(1, 1, recorded_on=dt.date(2026, 1, 1)),
        person(2, 1, recorded_on=dt.date(2026, 1, 1), employment_status="county", monthly_income=3000),
    ]
    hires = [hire(1, 1, dt.date(2025, 1, 1), wage=Decimal(2000))]  # fmt: skip
    records = Records([household(1)], people, (), hires)
    rates = four_rates(household_states(records, END), household_states(records, dt.date(2025, 6, 30)), END)
    # 2,000 then (person 2's income unknown) against 5,000 now is no rise to report: no baseline
    assert (rates.income_growth.numerator, rates.income_growth.denominator) == (0, 0)
    assert rates.households_without_baseline == 1


def test_household_coverage_and_the_zero_employment_list() -> None:
    states = household_states(_city(), END)
    assert (coverage(states).numerator, coverage(states).denominator) == (2, 3)
    assert [h.household.id for h in zero_employment(states)] == [2]
    earlier = household_states(_city(), dt.date(2025, 9, 15))  # person 5 between two jobs
    assert coverage(earlier).numerator == 1


def test_coverage_is_taken_at_each_month_end_and_on_the_last_day() -> None:
    assert coverage_days(dt.date(2026, 1, 15), dt.date(2026, 3, 10)) == [
        dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 10),
    ]  # fmt: skip


# the lists ---------------------------------------------------------------------------------------------------
def test_training_gap_lists_the_willing_and_able_never_trained_nor_certified() -> None:
    gap = training_gap(household_states(_city(), END), END)
    # person 1 trained; person 2 holds a (now expired) certificate; person 4 trained only after END
    assert [m.person.worker_id for m in gap] == [4]


def test_relief_candidates_need_an_objective_reason_and_enough_days_without_work() -> None:
    people = [
        person(1, 1),  # separation by 企业减员 150 days before END
        person(2, 1),  # separation for low pay: not objective
        person(3, 2, not_working_reason="无合适岗位"),  # never placed: since the ledger recorded it (2024)
        person(4, 2, not_working_reason="照顾家庭"),
        person(5, 3, wish_employment=False, not_working_reason="无合适岗位"),
        person(6, 3, employment_status="student", not_working_reason="无合适岗位"),
    ]
    left = END - dt.timedelta(days=150)
    hires = [
        hire(1, 1, dt.date(2025, 6, 1), left, separation_reason="企业减员"),
        hire(2, 2, dt.date(2025, 6, 1), left, separation_reason="工资低"),
    ]
    states = household_states(Records([household(1), household(2), household(3)], people, (), hires), END)
    found = relief_candidates(states, END, days=90)
    assert [(i.member.person.worker_id, i.since, i.reason) for i in found] == [
        (1, left, "企业减员"), (3, LEDGER, "无合适岗位"),
    ]  # fmt: skip
    assert [i.member.person.worker_id for i in relief_candidates(states, END, days=200)] == [3]


def test_public_welfare_terms_ending_soon_or_already_ended() -> None:
    hires = [
        hire(1, 1, dt.date(2025, 7, 31), public_welfare=True, term_months=12),  # ends 2026-07-31: in 31 days
        hire(2, 2, dt.date(2023, 6, 1), public_welfare=True),  # default 36 months: ended 2026-06-01
        hire(3, 3, dt.date(2025, 1, 1), public_welfare=True, term_months=24),  # ends 2027: not yet
        hire(4, 4, dt.date(2025, 7, 1), public_welfare=False, term_months=12),  # not a public-welfare post
        hire(5, 5, dt.date(2023, 6, 1), dt.date(2025, 1, 1), public_welfare=True),  # left already
    ]
    terms = welfare_terms(hires, END, within=60)
    assert [(t.hire.match_id, t.ends_on, t.days_left) for t in terms] == [
        (2, dt.date(2026, 6, 1), -29), (1, dt.date(2026, 7, 31), 31),
    ]  # fmt: skip
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_public_welfare_holders_known_only_from_the_ledger_are_listed_apart_not_left_out() -> None:
    people = [
        person(1, 1, employment_status="public_welfare"),  # the ledger says 公益性岗位; no placement on record
        person(2, 1, employment_status="public_welfare"),  # placed in the post through Anye: in the dated list
        person(3, 2, employment_status="public_welfare"),  # left it: a later separation overrides the ledger
        person(4, 2, employment_status="county"),
    ]
    hires = [
        hire(1, 2, dt.date(2023, 8, 1), public_welfare=True, term_months=36),
        hire(2, 3, dt.date(2023, 1, 1), dt.date(2026, 1, 1), public_welfare=True),
    ]
    records = Records([household(1), household(2)], people, (), hires)
    assert [t.hire.worker_id for t in welfare_terms(hires, END, within=60)] == [2]
    unknown = welfare_without_start(household_states(records, END), hires, END)
    assert [m.person.worker_id for m in unknown] == [1]


def test_public_welfare_post_use_counts_posts_open_in_the_period_and_holders_on_the_end() -> None:
    def post(pid: int, opened: dt.date | None, closed: dt.date | None, headcount: int, filled: int) -> WelfarePostRow:
        return WelfarePostRow(pid, 1, "140902", "保洁", "cleaning", "open", headcount, filled, 12, opened, closed)

    posts = [
        post(101, dt.date(2025, 1, 1), None, 4, 3),
        post(102, dt.date(2024, 1, 1), dt.date(2024, 6, 1), 5, 5),  # closed before the period
        post(103, None, None, 2, 0),  # a draft, never opened
    ]
    hires = [hire(1, 1, dt.date(2025, 2, 1)), hire(2, 2, dt.date(2025, 2, 1), dt.date(2025, 3, 1))]
    use = welfare_use(posts, hires, dt.date(2025, 6, 30), END)
    assert (use.posts, use.places, use.filled, use.holders) == (1, 4, 3, 1)
    assert use.use.value == 0.75
