"""Explanations in the words a broker reads aloud, strongest reason first."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from matcher.eligibility import evaluate
from matcher.explain import Explanation, Names, explain, explain_pair
from matcher.features import WeightedScore, pair_features, with_household_priority
from models.vocab import JobKind
from tests.matcher.frames import XINFU, YUANPING, P, Vocabs, W, born, pairs, postings, workers

TITLES = {"6-30-05-01": "叉车司机", "6-30-05-02": "起重工", "4-01-01-01": "营业员"}
THREE_KM_NORTH = (XINFU[0], XINFU[1] + 0.027)
FORKLIFT = P(
    occupation="6-30-05-01",
    required=["叉车司机"],
    preferred=["健康证明"],
    pay_min=4000,
    pay_max=5000,
    place=THREE_KM_NORTH,
    employer_retention=0.8,
)


def explained(
    w_specs: list[W], p_specs: list[P], *, text: float = 0.0, top: int = 5, priority_weight: float = 0.2
) -> list[Explanation]:
    vocabs = Vocabs()
    ws, ps = workers(vocabs, *w_specs), postings(vocabs, *p_specs)
    wi, pi = pairs(len(ws), len(ps))
    ctx = vocabs.context()
    x = pair_features(ws, wi, ps, pi, np.full(len(wi), text), ctx, vocabs.occupations)
    names = Names(vocabs.certificates, vocabs.occupations, TITLES)
    verdict = evaluate(ws, wi, ps, pi, ctx)
    return explain(ws, wi, ps, pi, x, names, ctx, verdict=verdict, top=top, priority_weight=priority_weight)


def test_a_good_match_is_explained_strongest_reason_first() -> None:
    worker = W(
        wishes=["6-30-05-01"],
        certificates={"叉车司机": None},
        wish_min_wage=3000,
        household_employed=False,
        monitored=True,
    )
    [e] = explained([worker], [FORKLIFT])
    assert e.texts == [
        "意向工种与岗位一致（叉车司机）",
        "距安置点3公里",
        "期望月薪3000元，岗位4000-5000元",
        "家中暂无就业人员（优先）",
        "持有叉车司机证",
        "该单位以往员工留用率80%",
        "监测户",
    ]
    assert e.failures == ()
    contributions = [r.contribution for r in e.reasons if r.contribution > 0]
    assert contributions == sorted(contributions, reverse=True)


def test_what_speaks_against_comes_last() -> None:
    worker = W(
        skills=["6-30-05-02"],
        certificates={"叉车司机": None},
        wish_min_wage=6000,
        wish_job_kind=JobKind.DAILY,
        place=YUANPING,
        wish_place=None,
    )
    [e] = explained([worker], [FORKLIFT])
    assert e.texts[0] == "技能与岗位相近（起重工）"
    assert e.texts[-3:] == [
        "距安置点32公里，每天往返较远",
        "本人想找日结工作，岗位为全职",
        "期望月薪6000元，岗位4000-5000元（低于期望）",
    ]
    assert all(r.contribution < 0 for r in e.reasons[-3:])


def test_certificates_held_are_named_as_held() -> None:
    worker = W(certificates={"叉车司机": None, "健康证明": "2027-01-01"})
    [e] = explained([worker], [FORKLIFT])
    assert "持有叉车司机证" in e.texts
    assert "持有健康证明（优先条件）" in e.texts


def test_history_and_text_reasons() -> None:
    worker = W(experience=5, placements=2, wish_job_kind=JobKind.FULL_TIME)
    [e] = explained([worker], [P()], text=0.6)
    assert set(e.texts) >= {
        "有5年工作经验",
        "曾稳定就业2次（3个月以上）",
        "用工形式相符（全职）",
        "技能描述与岗位要求相近",
    }


def test_pay_without_a_wish_is_a_note() -> None:
    [e] = explained([W()], [P(pay_min=2500, pay_max=math.nan)])
    assert "岗位月薪2500元起" in e.texts
    assert [r.contribution for r in e.reasons if r.text == "岗位月薪2500元起"] == [0.0]


def test_household_priority_is_always_shown_and_says_why() -> None:
    strong = W(
        wishes=["6-30-05-01"],
        certificates={"叉车司机": None, "健康证明": None},
        wish_min_wage=3000,
        experience=8,
        placements=3,
        household_employed=False,
    )
    [e] = explained([strong], [FORKLIFT], top=2)
    assert "家中暂无就业人员（优先）" in e.texts
    [e] = explained([strong], [FORKLIFT], priority_weight=0.0)
    assert "家中暂无就业人员" in e.texts
    [e] = explained([W(household_employed=True)], [FORKLIFT])
    assert not any(t.startswith("家中暂无就业人员") for t in e.texts)


def test_near_misses_carry_the_failed_rules() -> None:
    older = W(birth=born(52), wishes=["6-30-05-01"])
    [e] = explained([older], [P(occupation="6-30-05-01", age_min=18, age_max=45, required=["叉车司机"])])
    assert e.failures == ("年龄不符：岗位要求18-45岁，本人52岁", "缺少岗位要求的证书：叉车司机")
    assert e.texts[0] == "意向工种与岗位一致（叉车司机）"


def test_one_pair_can_be_explained_alone() -> None:
    vocabs = Vocabs()
    ws = workers(vocabs, W(), W(wishes=["6-30-05-01"]))
    ps = postings(vocabs, P(), FORKLIFT)
    ctx = vocabs.context()
    x = pair_features(ws, np.array([1]), ps, np.array([1]), [0.0], ctx, vocabs.occupations)
    names = Names(vocabs.certificates, vocabs.occupations)  # no titles: the code is shown
    e = explain_pair(ws, 1, ps, 1, x[0], names, ctx)
    assert e.texts[0] == "意向工种与岗位一致（6-30-05-01）"


def test_household_priority_lifts_the_jobless_household_above_an_equal_fit_and_says_so() -> None:
    vocabs = Vocabs()
    employed_fit = W(
        wishes=["6-30-05-01"], certificates={"叉车司机": None}, wish_min_wage=3000, household_employed=True
    )
    ws = workers(vocabs, employed_fit, dataclasses.replace(employed_fit, household_employed=False))
    ps = postings(vocabs, FORKLIFT)
    wi, pi = np.array([0, 1]), np.array([0, 0])
    ctx = vocabs.context()
    x = pair_features(ws, wi, ps, pi, np.zeros(2), ctx, vocabs.occupations)
    scores = with_household_priority(WeightedScore().score(x), ws, wi, 0.2)
    assert scores[1] > scores[0]
    names = Names(vocabs.certificates, vocabs.occupations, TITLES)
    employed, jobless = explain(ws, wi, ps, pi, x, names, ctx)
    assert "家中暂无就业人员（优先）" in jobless.texts
    assert "家中暂无就业人员（优先）" not in employed.texts
