"""Hard rules: each accepts and refuses, with the Chinese reason a broker reads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.eligibility import RULES, Verdict, evaluate
from matcher.frame import Demand
from models.vocab import Health, LabourCapacity, PlaceRange, PostingStatus, Sex
from tests.matcher.frames import (
    TAIYUAN_COUNTY,
    XINFU_COUNTY,
    YUANPING,
    YUANPING_COUNTY,
    P,
    Vocabs,
    W,
    born,
    pairs,
    postings,
    workers,
)


def check(worker: W, posting: P, **policy: Any) -> dict[str, str]:
    """The failed rules of one pair: rule name -> Chinese reason (empty when eligible)."""
    vocabs = Vocabs()
    ws, ps = workers(vocabs, worker), postings(vocabs, posting)
    verdict = evaluate(ws, np.array([0]), ps, np.array([0]), vocabs.context(**policy))
    failed = {f.rule: f.reason for f in verdict.failures(0)}
    assert bool(verdict.eligible[0]) == (not failed)
    return failed


def test_an_ordinary_pair_passes_every_rule() -> None:
    assert check(W(), P()) == {}


# --- the posting is open, the worker available --------------------------------------------------------------


@pytest.mark.parametrize(
    ("posting", "reason"),
    [
        (P(status=PostingStatus.FILLED), "岗位不可报名：岗位已招满"),
        (P(status=PostingStatus.PAUSED), "岗位不可报名：岗位暂停"),
        (P(places_left=0), "岗位不可报名：名额已满"),
        (P(deadline="2026-11-01"), "岗位不可报名：报名已于2026-11-01截止"),
    ],
)
def test_a_closed_posting_takes_no_one(posting: P, reason: str) -> None:
    assert check(W(), posting) == {"posting_open": reason}


def test_unknown_headcount_and_todays_deadline_are_still_open() -> None:
    assert check(W(), P(places_left=-1, deadline="2026-11-28")) == {}


def test_a_worker_not_seeking_work_is_not_proposed() -> None:
    assert check(W(available=False), P()) == {"worker_available": "本人当前不求职：已就业、在校或无求职意愿"}


# --- age ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [16, 60])
def test_the_legal_working_age_includes_both_ends(age: int) -> None:
    assert check(W(birth=born(age)), P()) == {}


@pytest.mark.parametrize("age", [15, 61])
def test_outside_the_legal_working_age_fails(age: int) -> None:
    reason = f"不在法定劳动年龄：法定劳动年龄16-60岁，本人{age}岁"
    assert check(W(birth=born(age)), P()) == {"working_age": reason}


def test_age_turns_on_the_birthday() -> None:
    assert "working_age" in check(W(birth=born(15, days_before_birthday=1)), P())
    assert check(W(birth=born(16, days_before_birthday=0)), P()) == {}


def test_working_age_is_configurable_per_sex() -> None:
    woman, man = W(sex=Sex.FEMALE, birth=born(57)), W(sex=Sex.MALE, birth=born(57))
    assert check(woman, P(), working_age_female=(16, 55)) == {
        "working_age": "不在法定劳动年龄：法定劳动年龄16-55岁，本人57岁"
    }
    assert check(man, P(), working_age_female=(16, 55)) == {}
    unknown_sex = W(sex=None, birth=born(57))
    assert "working_age" in check(unknown_sex, P(), working_age_female=(16, 55))


def test_an_unknown_birth_date_fails_the_age_rules() -> None:
    failed = check(W(birth=None), P(age_min=18, age_max=45))
    assert failed["working_age"].endswith("本人出生日期不详")
    assert failed["posting_age"] == "年龄不符：岗位要求18-45岁，本人出生日期不详"


@pytest.mark.parametrize(
    ("posting", "age", "reason"),
    [
        (P(age_min=18, age_max=45), 52, "年龄不符：岗位要求18-45岁，本人52岁"),
        (P(age_min=25), 20, "年龄不符：岗位要求25岁以上，本人20岁"),
        (P(age_max=40), 41, "年龄不符：岗位要求40岁以下，本人41岁"),
    ],
)
def test_the_postings_age_range(posting: P, age: int, reason: str) -> None:
    assert check(W(birth=born(age)), posting) == {"posting_age": reason}
    assert check(W(birth=born(30)), posting) == {}


# --- certificates ------------------------------------------------------------------------------------------


def test_required_certificates_must_all_be_held() -> None:
    posting = P(required=["叉车司机", "健康证明"])
    assert check(W(certificates={"叉车司机": None, "健康证明": "2027-01-01"}), posting) == {}
    assert check(W(certificates={"叉车司机": None}), posting) == {"certificates": "缺少岗位要求的证书：健康证明"}
    assert check(W(), posting) == {"certificates": "缺少岗位要求的证书：叉车司机、健康证明"}


def test_an_expired_certificate_does_not_count() -> None:
    posting = P(required=["叉车司机"])
    expired = W(certificates={"叉车司机": "2026-11-27"})
    assert check(expired, posting) == {"certificates": "缺少岗位要求的证书：叉车司机（2026-11-27已过期）"}
    assert check(W(certificates={"叉车司机": "2026-11-28"}), posting) == {}


# --- labour capacity ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worker", "demand", "reason"),
    [
        (W(labour=LabourCapacity.WEAK), Demand.NORMAL, "劳动能力不符：岗位为一般体力活，本人为弱劳动力或半劳动力"),
        (W(labour=LabourCapacity.LOST), Demand.LIGHT, "劳动能力不符：岗位为轻体力活，本人为丧失劳动力"),
        (W(labour=LabourCapacity.NONE), Demand.LIGHT, "劳动能力不符：岗位为轻体力活，本人为无劳动力"),
        (W(health=Health.SERIOUS), Demand.HEAVY, "劳动能力不符：岗位为重体力活，本人患有大病"),
        (W(health=Health.DISABLED), Demand.HEAVY, "劳动能力不符：岗位为重体力活，本人残疾"),
        (W(labour=None), Demand.HEAVY, "劳动能力不符：岗位为重体力活，本人劳动能力未登记"),
    ],
)
def test_labour_capacity_refuses(worker: W, demand: int, reason: str) -> None:
    assert check(worker, P(demand=demand)) == {"labour": reason}


@pytest.mark.parametrize(
    ("worker", "demand"),
    [
        (W(labour=LabourCapacity.WEAK), Demand.LIGHT),
        (W(health=Health.DISABLED), Demand.NORMAL),
        (W(health=Health.CHRONIC), Demand.HEAVY),
        (W(labour=None), Demand.NORMAL),
        (W(labour=LabourCapacity.SKILLED), Demand.HEAVY),
    ],
)
def test_labour_capacity_accepts(worker: W, demand: int) -> None:
    assert check(worker, P(demand=demand)) == {}


def test_unknown_demand_counts_as_normal_work() -> None:
    assert check(W(labour=LabourCapacity.WEAK), P(demand=-1)) == {
        "labour": "劳动能力不符：岗位为一般体力活，本人为弱劳动力或半劳动力"
    }


# --- place -------------------------------------------------------------------------------------------------


def test_distance_within_the_place_wish() -> None:
    far = P(place=YUANPING, county=YUANPING_COUNTY)  # about 35 km
    assert check(W(wish_place=PlaceRange.COUNTY), far) == {}
    assert check(W(wish_place=PlaceRange.LOCAL), far) == {
        "place_wish": "超出求职意向地点：工作地距安置点35公里，本人意向本地（10公里内）"
    }
    assert check(W(wish_place=None), far) == {}  # unknown wish: 县内, 60 km
    assert check(W(wish_place=None), far, wish_km=(10.0, 30.0, 150.0, 500.0, float("inf"))) == {
        "place_wish": "超出求职意向地点：工作地距安置点35公里，本人未登记意向地点（按县内计，30公里内）"
    }


def test_without_coordinates_the_place_wish_is_checked_on_adcodes() -> None:
    nowhere = (float("nan"), float("nan"))
    same_county = P(place=nowhere, county=XINFU_COUNTY)
    same_city = P(place=nowhere, county=YUANPING_COUNTY)
    same_province = P(place=nowhere, county=TAIYUAN_COUNTY)
    assert check(W(wish_place=PlaceRange.LOCAL), same_county) == {}
    assert check(W(wish_place=PlaceRange.COUNTY), same_city) == {
        "place_wish": "超出求职意向地点：工作地不在本县，本人意向县内"
    }
    assert check(W(wish_place=PlaceRange.CITY), same_city) == {}
    assert check(W(wish_place=PlaceRange.CITY), same_province) == {
        "place_wish": "超出求职意向地点：工作地不在本市，本人意向市内"
    }
    assert check(W(wish_place=PlaceRange.PROVINCE), same_province) == {}
    assert check(W(wish_place=PlaceRange.COUNTY), P(place=nowhere, county=0)) == {}  # unknown place passes


@pytest.mark.parametrize("wish", [PlaceRange.PROVINCE, PlaceRange.ANYWHERE])
def test_out_of_area_recruitment_takes_those_willing_to_go(wish: PlaceRange) -> None:
    assert check(W(wish_place=wish), P(out_of_area=True)) == {}


def test_out_of_area_recruitment_refuses_others() -> None:
    assert check(W(wish_place=PlaceRange.CITY), P(out_of_area=True)) == {
        "out_of_area": "外出务工岗位：本人意向市内，未表示愿意外出务工"
    }
    assert check(W(wish_place=None), P(out_of_area=True)) == {
        "out_of_area": "外出务工岗位：本人未登记意向地点，请先确认是否愿意外出"
    }


# --- sex requirement ---------------------------------------------------------------------------------------


def test_a_sex_requirement_is_not_applied_by_default() -> None:
    assert check(W(sex=Sex.MALE), P(sex_required=Sex.FEMALE)) == {}


def test_a_sex_requirement_is_applied_where_policy_says_so() -> None:
    posting = P(sex_required=Sex.FEMALE)
    assert check(W(sex=Sex.MALE), posting, apply_sex_requirement=True) == {"sex": "性别不符：岗位要求女性，本人性别男"}
    assert check(W(sex=Sex.FEMALE), posting, apply_sex_requirement=True) == {}
    assert check(W(sex=Sex.MALE), P(), apply_sex_requirement=True) == {}


# --- public-welfare posts ----------------------------------------------------------------------------------


def test_public_welfare_hiring_age_replaces_the_legal_upper_age() -> None:
    older = W(birth=born(62))
    assert set(check(older, P())) == {"working_age"}
    assert check(older, P(public_welfare=True, hire_age_max=65)) == {}
    assert check(older, P(public_welfare=True)) == {"public_welfare_age": "公益性岗位聘用年龄16-60岁，本人62岁"}
    assert set(check(W(birth=born(15)), P(public_welfare=True))) == {"working_age", "public_welfare_age"}


def test_public_welfare_needs_local_registration() -> None:
    other_county = W(county=YUANPING_COUNTY)
    assert check(other_county, P(public_welfare=True)) == {
        "public_welfare_local": "公益性岗位须本地户籍：本人安置点不在岗位所在县"
    }
    assert check(other_county, P(public_welfare=True, local_registration=False)) == {}
    assert check(W(county=0), P(public_welfare=True)) == {
        "public_welfare_local": "公益性岗位须本地户籍：本人或岗位所在县不详，无法核对"
    }
    assert check(other_county, P()) == {}


def test_public_welfare_excludes_village_cadres() -> None:
    cadre = W(cadre=True)
    assert check(cadre, P(public_welfare=True)) == {"public_welfare_cadre": "公益性岗位不聘用村干部"}
    assert check(cadre, P(public_welfare=True, exclude_cadres=False)) == {}
    assert check(cadre, P()) == {}


def test_public_welfare_terms_are_limited() -> None:
    assert check(W(terms=2), P(public_welfare=True)) == {}
    assert check(W(terms=3), P(public_welfare=True)) == {"public_welfare_terms": "公益性岗位最多任3期，本人已任3期"}
    assert check(W(terms=2), P(public_welfare=True, max_terms=2)) == {
        "public_welfare_terms": "公益性岗位最多任2期，本人已任2期"
    }
    assert check(W(terms=5), P(public_welfare=True), public_welfare_max_terms=6) == {}


def test_photovoltaic_funded_posts_are_for_lifted_or_monitored_households() -> None:
    solar = P(public_welfare=True, photovoltaic=True)
    assert check(W(lifted=True), solar) == {}
    assert check(W(lifted=False, monitored=True), solar) == {}
    assert check(W(lifted=False), solar) == {"public_welfare_photovoltaic": "光伏收益公益性岗位仅限脱贫户或监测户"}


# --- over many pairs ---------------------------------------------------------------------------------------


def _mixed() -> tuple[Vocabs, list[W], list[P]]:
    ws = [W(), W(birth=born(52)), W(labour=LabourCapacity.WEAK), W(wish_place=PlaceRange.LOCAL), W(cadre=True)]
    ps = [P(age_min=18, age_max=45), P(demand=Demand.LIGHT, public_welfare=True), P(place=YUANPING)]
    return Vocabs(), ws, ps


def test_pairs_in_bulk_agree_with_pairs_one_by_one() -> None:
    vocabs, w_specs, p_specs = _mixed()
    ws, ps = workers(vocabs, *w_specs), postings(vocabs, *p_specs)
    wi, pi = pairs(len(ws), len(ps))
    verdict = evaluate(ws, wi, ps, pi, vocabs.context())
    for k in range(len(wi)):
        alone = evaluate(ws, wi[k : k + 1], ps, pi[k : k + 1], vocabs.context())
        assert alone.failures(0) == verdict.failures(k)
        assert alone.eligible[0] == verdict.eligible[k]


def test_near_misses_say_who_failed_which_rule() -> None:
    vocabs, w_specs, p_specs = _mixed()
    ws, ps = workers(vocabs, *w_specs), postings(vocabs, p_specs[0])
    wi = np.arange(len(ws))
    verdict: Verdict = evaluate(ws, wi, ps, np.zeros(len(ws), dtype=np.intp), vocabs.context())
    assert verdict.eligible.tolist() == [True, False, False, True, True]
    assert verdict.near_misses().tolist() == [1, 2]
    assert [f.reason for f in verdict.failures(1)] == ["年龄不符：岗位要求18-45岁，本人52岁"]
    assert verdict.failed["labour"].tolist() == [False, False, True, False, False]


def test_rule_names_are_unique_and_pairs_must_line_up() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES)
    vocabs = Vocabs()
    with pytest.raises(ValueError):
        evaluate(workers(vocabs, W()), np.array([0, 0]), postings(vocabs, P()), np.array([0]), vocabs.context())
