"""Pair features on hand-computed pairs, the fallback score, and household priority."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matcher.features import (
    COLUMN,
    FEATURE_NAMES,
    RETENTION_PRIOR,
    WeightedScore,
    pair_features,
    with_household_priority,
)
from matcher.frame import Vocabulary
from matcher.geo import haversine_km
from models.vocab import JobKind, LabourCapacity
from tests.matcher.frames import (
    TAIYUAN_COUNTY,
    XINFU,
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

ONE = np.array([0])


def features(w_specs: list[W], p_specs: list[P], **policy: float) -> np.ndarray:
    """Features of every (worker, posting) pair, worker-major."""
    vocabs = Vocabs()
    ws, ps = workers(vocabs, *w_specs), postings(vocabs, *p_specs)
    wi, pi = pairs(len(ws), len(ps))
    return pair_features(ws, wi, ps, pi, np.zeros(len(wi)), vocabs.context(**policy), vocabs.occupations)


def column(w_specs: list[W], p_specs: list[P], name: str, **policy: float) -> list[float]:
    return [round(float(v), 4) for v in features(w_specs, p_specs, **policy)[:, COLUMN[name]]]


def test_features_are_finite_float32_in_feature_order() -> None:
    x = features([W(), W(wish_min_wage=3000, experience=2.5, place=(math.nan, math.nan))], [P(), P(pay_min=2000)])
    assert x.dtype == np.float32
    assert x.shape == (4, len(FEATURE_NAMES))
    assert np.isfinite(x).all()


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("6-30-05-01", 4),  # the same 细类
        ("6-30-05-02", 3),  # same 小类 6-30-05
        ("6-30-05-00", 3),  # the 小类 itself
        ("6-30-01-01", 2),  # same 中类 6-30
        ("6-01-01-01", 1),  # same 大类 6
        ("4-01-01-01", 0),
        ("叉车司机", 0),  # not a 大典 code
    ],
)
def test_occupation_levels_follow_the_dadian_hierarchy(code: str, level: int) -> None:
    forklift = P(occupation="6-30-05-01")
    assert column([W(wishes=[code])], [forklift], "occupation_level") == [level]
    assert column([W(skills=[code])], [forklift], "occupation_level") == [level]


def test_occupation_level_is_the_best_over_wishes_and_skills() -> None:
    worker = W(wishes=["6-30-01-01", "4-01-01-01"], skills=["6-30-05-02"])
    assert column([worker], [P(occupation="6-30-05-01"), P()], "occupation_level") == [3, 0]


def test_occupation_codes_follow_a_growing_vocabulary() -> None:
    vocabs = Vocabs()
    ws = workers(vocabs, W(wishes=["6-30-05-01"]))
    ps = postings(vocabs, P(occupation="6-30-05-02"))
    ctx, zero = vocabs.context(), np.zeros(1)
    assert pair_features(ws, ONE, ps, ONE, zero, ctx, vocabs.occupations)[0, COLUMN["occupation_level"]] == 3
    ps = postings(vocabs, P(occupation="6-30-09-01"))  # a new code after the first call
    assert pair_features(ws, ONE, ps, ONE, zero, ctx, vocabs.occupations)[0, COLUMN["occupation_level"]] == 2
    with pytest.raises(ValueError, match="another vocabulary"):
        pair_features(ws, ONE, ps, ONE, zero, ctx, Vocabulary())


def test_certificates_required_share_and_preferred_count() -> None:
    worker = W(certificates={"叉车司机": None, "电工": "2020-01-01", "健康证明": "2027-06-30"})
    both = P(required=["叉车司机", "焊工"], preferred=["电工", "健康证明"])
    none = P()
    assert column([worker], [both, none], "required_certificate_share") == [0.5, 1.0]
    assert column([worker], [both, none], "preferred_certificates_held") == [1, 0]  # 电工 expired


@pytest.mark.parametrize(
    ("wish", "pay_min", "pay_max", "ratio"),
    [
        (4000, 4000, 5000, 1.25),  # the top of the range over the wish
        (4000, 3000, math.nan, 0.75),  # only a minimum
        (4000, math.nan, math.nan, 1.0),  # pay unknown: neutral
        (math.nan, 3000, 3500, 1.0),  # wish unknown: neutral
        (0, 3000, 3500, 1.0),  # a wish of 0 is no wish
        (1000, 5000, 5000, 3.0),  # capped
    ],
)
def test_wage_ratio(wish: float, pay_min: float, pay_max: float, ratio: float) -> None:
    assert column([W(wish_min_wage=wish)], [P(pay_min=pay_min, pay_max=pay_max)], "wage_ratio") == [ratio]


def test_job_kind_match() -> None:
    full, daily, unknown = W(wish_job_kind=JobKind.FULL_TIME), W(wish_job_kind=JobKind.DAILY), W()
    assert column([full, daily, unknown], [P(job_kind=JobKind.FULL_TIME)], "job_kind_match") == [1.0, 0.0, 0.5]


def test_distance_between_two_xinzhou_points() -> None:
    # By hand (equirectangular, fine at this scale): 0.314° of latitude is 34.92 km, 0.028° of longitude at
    # 38.57° N is 2.43 km; together 35.0 km.
    assert abs(float(haversine_km(*XINFU, *YUANPING)) - 35.0) <= 1.0
    km = column([W(place=XINFU)], [P(place=YUANPING, county=YUANPING_COUNTY)], "distance_km")[0]
    assert abs(km - 35.0) <= 1.0


def test_commute_feasibility() -> None:
    near, far = P(place=(XINFU[0], XINFU[1] + 0.027)), P(place=YUANPING)
    assert column([W()], [near, far], "commute_feasible") == [1.0, 0.0]
    assert column([W()], [near, far], "commute_feasible", commute_km=40.0) == [1.0, 1.0]
    assert column([W()], [P(out_of_area=True)], "commute_feasible") == [0.0]


def test_distance_without_coordinates_is_estimated_from_adcodes() -> None:
    nowhere = (math.nan, math.nan)
    places = [P(place=nowhere), P(place=nowhere, county=YUANPING_COUNTY), P(place=nowhere, county=TAIYUAN_COUNTY)]
    assert column([W()], places, "distance_km") == [20.0, 80.0, 250.0]
    assert column([W()], places, "commute_feasible") == [1.0, 0.0, 0.0]


def test_age_margin_is_years_to_the_nearer_limit() -> None:
    posting = P(age_min=18, age_max=45)
    assert column([W(birth=born(40)), W(birth=born(30)), W(birth=born(50))], [posting], "age_margin_years") == [
        5.0,
        10.0,  # 12 years either way, capped at 10
        0.0,  # outside
    ]
    assert column([W(birth=born(58))], [P()], "age_margin_years") == [2.0]  # legal working age 16-60
    assert column([W(birth=born(58))], [P(public_welfare=True, hire_age_max=65)], "age_margin_years") == [7.0]
    assert column([W(birth=None)], [P()], "age_margin_years") == [0.0]


def test_history_and_household_columns() -> None:
    worker = W(experience=4.5, placements=2, household_employed=False, monitored=True)
    x = features([worker, W(household_employed=True), W(labour=LabourCapacity.LOST, household_employed=False)], [P()])
    assert x[:, COLUMN["experience_years"]].tolist() == [4.5, 0.0, 0.0]
    assert x[:, COLUMN["worker_placements"]].tolist() == [2.0, 0.0, 0.0]
    assert x[:, COLUMN["household_no_one_employed"]].tolist() == [1.0, 0.0, 0.0]
    assert x[:, COLUMN["household_monitored"]].tolist() == [1.0, 0.0, 0.0]


def test_employer_retention_unknown_takes_the_prior() -> None:
    assert column([W()], [P(employer_retention=0.8), P()], "employer_retention") == [0.8, RETENTION_PRIOR]


# --- the fallback score ------------------------------------------------------------------------------------


def test_the_weighted_score_is_between_0_and_1_and_prefers_the_better_fit() -> None:
    good = W(wishes=["6-30-05-01"], wish_min_wage=3000, experience=5, certificates={"叉车司机": None})
    poor = W(wishes=["4-01-01-01"], wish_min_wage=6000, place=YUANPING)
    posting = P(occupation="6-30-05-01", pay_min=4000, pay_max=5000, preferred=["叉车司机"])
    x = features([good, poor], [posting])
    scorer = WeightedScore()
    scores = scorer.score(x)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[0] > scores[1]
    assert np.allclose(scorer.contributions(x).sum(axis=1), scores)


def test_the_weights_are_checked() -> None:
    with pytest.raises(ValueError):
        WeightedScore({"shoe_size": 1.0})
    with pytest.raises(ValueError):
        WeightedScore({"text_similarity": -1.0})
    assert WeightedScore({"occupation_level": 1.0}).score(
        features([W(wishes=["6-30-05-01"])], [P(occupation="6-30-05-01")])
    ) == [1.0]


# --- household priority ------------------------------------------------------------------------------------


def test_household_priority_raises_a_worker_whose_household_has_no_one_employed() -> None:
    vocabs = Vocabs()
    ws = workers(vocabs, W(household_employed=True), W(household_employed=False))
    wi = np.array([0, 1])
    scores = np.array([0.55, 0.5], dtype=np.float32)
    raised = with_household_priority(scores, ws, wi, 0.2)
    assert raised.tolist() == pytest.approx([0.55, 0.6])
    assert raised[1] > raised[0]
    assert with_household_priority(scores, ws, wi, 0.0).tolist() == scores.tolist()


def test_household_priority_keeps_scores_in_range_and_weak_fits_below_good_ones() -> None:
    vocabs = Vocabs()
    ws = workers(vocabs, W(household_employed=False), W(household_employed=True))
    raised = with_household_priority(np.array([0.1, 0.8]), ws, np.array([0, 1]), 0.2)
    assert raised[0] < raised[1]
    assert with_household_priority(np.array([1.0]), ws, np.array([0]), 1.0).tolist() == [1.0]
    with pytest.raises(ValueError):
        with_household_priority(np.array([0.5]), ws, np.array([0]), 1.5)
