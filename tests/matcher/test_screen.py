"""The fast paths of a candidate search give what the plain rules, features and index give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from matcher.eligibility import RULES, Rule, evaluate
from matcher.features import occupation_levels
from matcher.frame import Demand, PostingFrame, WorkerFrame
from matcher.geo import haversine_km
from matcher.index import TextIndex
from matcher.policy import RuleContext, certificates_held, pair_distance_km
from matcher.screen import screen, screen_postings
from matcher.statics import PostingStatics, WorkerStatics
from models.vocab import Health, LabourCapacity, PlaceRange, PostingStatus, Sex
from tests.matcher.frames import (
    TAIYUAN_COUNTY,
    TODAY,
    XINFU_COUNTY,
    YUANPING,
    YUANPING_COUNTY,
    P,
    Vocabs,
    W,
    born,
    pairs,
    postings,
    random_specs,
    workers,
)

NOWHERE = (float("nan"), float("nan"))
WORKERS = [
    W(),
    W(available=False),
    W(birth=born(15)),
    W(birth=born(62), sex=Sex.FEMALE),
    W(birth=None),
    W(birth=born(58), labour=LabourCapacity.WEAK),
    W(labour=None, health=Health.SERIOUS),
    W(sex=None, birth=born(61)),
    W(sex=Sex.FEMALE, wish_place=PlaceRange.LOCAL),
    W(wish_place=None, place=YUANPING, county=YUANPING_COUNTY),
    W(wish_place=PlaceRange.PROVINCE, place=NOWHERE, county=YUANPING_COUNTY),
    W(wish_place=PlaceRange.ANYWHERE, place=NOWHERE, county=0),
    W(cadre=True, terms=3, lifted=False),
    W(monitored=True, lifted=False, terms=1),
    W(certificates={"叉车司机": None, "电工": "2026-01-01"}, wishes=["6-30-05-01"]),
    W(certificates={"叉车司机": "2030-01-01", "电工": "2030-01-01"}, skills=["6-30-05-02", "4-01-01-01"]),
]
POSTINGS = [
    P(),
    P(status=PostingStatus.FILLED),
    P(places_left=0),
    P(deadline="2026-11-01"),
    P(age_min=18, age_max=45),
    P(age_max=60, sex_required=Sex.FEMALE),
    P(age_min=50),
    P(demand=Demand.HEAVY, required=["叉车司机"]),
    P(demand=Demand.LIGHT, required=["叉车司机", "电工"], occupation="6-30-05-01"),
    P(demand=-1, place=YUANPING, county=YUANPING_COUNTY),
    P(place=NOWHERE, county=TAIYUAN_COUNTY, out_of_area=True),
    P(place=NOWHERE, county=0),
    P(public_welfare=True, hire_age_max=65, photovoltaic=True),
    P(public_welfare=True, hire_age_min=40, max_terms=2, county=XINFU_COUNTY),
    P(public_welfare=True, local_registration=False, exclude_cadres=False, county=YUANPING_COUNTY),
]


POLICIES = [{}, {"apply_sex_requirement": True, "working_age_female": (16, 55), "unknown_wish": PlaceRange.LOCAL}]


def _same_as_every_rule(w: WorkerFrame, p: PostingFrame, ctx: RuleContext, rules: tuple[Rule, ...] = RULES) -> None:
    """``screen`` (each posting against every worker) and ``screen_postings`` (each worker against every
    posting) find the pairs ``evaluate`` finds eligible."""
    statics, posting = WorkerStatics(w, ctx.today, ctx.policy), PostingStatics(p, ctx.today, ctx.policy)
    live = np.ones(len(w), dtype=np.bool_)
    live[0] = False  # a removed worker is never screened in
    wi, pi = pairs(len(w), len(p))
    eligible = evaluate(w, wi, p, pi, ctx, rules).eligible.reshape(len(w), len(p))
    for row in range(len(p)):
        found = screen(statics, live, posting, row, ctx, rules)
        assert found.tolist() == np.flatnonzero(eligible[:, row] & live).tolist()
    rows = np.arange(len(p))
    for row in range(len(w)):
        km = pair_distance_km(w, np.full(len(p), row), p, rows)
        assert (
            screen_postings(statics, row, rows, posting, ctx, rules, km).tolist()
            == np.flatnonzero(eligible[row]).tolist()
        )


@pytest.mark.parametrize("policy", POLICIES)
def test_screening_one_posting_finds_the_same_workers_as_every_rule(policy: dict[str, object]) -> None:
    vocabs = Vocabs()
    _same_as_every_rule(workers(vocabs, *WORKERS), postings(vocabs, *POSTINGS), vocabs.context(**policy))


@pytest.mark.parametrize("seed", range(6))
def test_screening_random_people_and_openings_finds_the_same_pairs_as_every_rule(seed: int) -> None:
    vocabs = Vocabs()
    ws, ps = random_specs(np.random.default_rng(seed), 60, 40)
    w, p = workers(vocabs, *ws), postings(vocabs, *ps)
    ctx = vocabs.context(**POLICIES[seed % 2])
    _same_as_every_rule(w, p, ctx)
    for rule in RULES:  # all rules together pass few pairs: each alone, too
        _same_as_every_rule(w, p, ctx, (rule,))
    # a county may leave rules out: the others still apply, and only those
    _same_as_every_rule(w, p, ctx, tuple(r for r in RULES if r.name not in {"labour", "place_wish"}))


def test_a_birth_day_after_today_is_an_unknown_age_for_the_rules_and_the_screen_alike() -> None:
    vocabs = Vocabs()
    future = (TODAY + dt.timedelta(days=400)).isoformat()  # would be an age of -2
    w = workers(vocabs, W(), W(birth=future), W())
    p = postings(vocabs, P(), P(age_min=18, age_max=45))
    ctx = vocabs.context()
    assert WorkerStatics(w, ctx.today, ctx.policy).age.tolist() == [35, -1, 35]
    for rules in (RULES, tuple(r for r in RULES if r.name != "working_age")):  # unmasked by the legal age
        for _ in range(3):  # a wrong packed age once read memory out of bounds, differently each run
            _same_as_every_rule(w, p, ctx, rules)


def test_a_wish_limit_at_exactly_the_distance_is_judged_alike_by_the_rules_and_the_screen() -> None:
    vocabs = Vocabs()
    home, work = (110.17839813232422, 36.08039474487305), (112.73, 38.42)
    limit = float(haversine_km(np.float32(home[0]), np.float32(home[1]), np.float32(work[0]), np.float32(work[1])))
    ctx = vocabs.context(wish_km=(10.0, limit, 150.0, 500.0, float("inf")))
    w = workers(vocabs, W(), W(place=home, wish_place=PlaceRange.COUNTY))
    p = postings(vocabs, P(place=work))
    _same_as_every_rule(w, p, ctx, tuple(r for r in RULES if r.name == "place_wish"))
    statics, posting = WorkerStatics(w, ctx.today, ctx.policy), PostingStatics(p, ctx.today, ctx.policy)
    assert screen(statics, np.ones(2, bool), posting, 0, ctx, RULES).tolist() == [0, 1]  # at the limit: in


def test_a_rule_screening_does_not_know_still_applies() -> None:
    vocabs = Vocabs()
    w, p = workers(vocabs, *WORKERS), postings(vocabs, *POSTINGS)
    ctx = vocabs.context()
    only_women = Rule("women", "仅限女性", lambda ws, wi, ps, pi, c: ws.sex[wi] == 1, lambda *a: {})
    statics, posting = WorkerStatics(w, ctx.today, ctx.policy), PostingStatics(p, ctx.today, ctx.policy)
    found = screen(statics, np.ones(len(w), bool), posting, 0, ctx, (*RULES, only_women))
    assert found.tolist() == [8]
    _same_as_every_rule(w, p, ctx, (*RULES, only_women))


def test_certificates_and_occupations_of_pairs_match_a_row_by_row_count() -> None:
    vocabs = Vocabs()
    w, p = workers(vocabs, *WORKERS), postings(vocabs, *POSTINGS)
    wi, pi = pairs(len(w), len(p))
    held = certificates_held(w.certificates, wi, p.certificates_required, pi, vocabs.context().today)
    for k, (a, b) in enumerate(zip(wi.tolist(), pi.tolist(), strict=True)):
        own = w.certificates[a]
        valid = {c for c, d in zip(own.indices, own.data, strict=True) if d >= vocabs.context().today}
        assert held[k] == len(valid & set(p.certificates_required[b].indices.tolist()))
    one = np.full(len(w), 8)  # the posting for 6-30-05-01: the single-posting path
    levels = occupation_levels(w, np.arange(len(w)), p, one, vocabs.occupations)
    assert levels.tolist() == [0] * 14 + [4, 3]
    mixed = occupation_levels(w, wi, p, pi, vocabs.occupations).reshape(len(w), len(p))
    assert mixed[:, 8].tolist() == levels.tolist() and mixed[:, 0].tolist() == [0] * len(w)


def test_scores_of_some_rows_and_queries_from_the_other_index_are_the_plain_ones() -> None:
    texts = ["电焊 开车", "保洁 家政服务", "", "叉车司机 电工 叉车", "厨师 会做饭 面点", "保洁"]
    postings_ = ["招聘保洁员 负责公共区域清扫", "叉车司机 持证上岗", "厨师 包吃住"]
    workers_index, postings_index = TextIndex(str.split), TextIndex(str.split)
    workers_index.build(np.arange(len(texts), dtype=np.int64), texts)
    postings_index.build(np.arange(len(postings_), dtype=np.int64), postings_)
    workers_index.upsert(99, "保洁 叉车")
    for row, text in enumerate(postings_):
        query = postings_index.query_of(row, workers_index)
        plain = workers_index.vectorize([text])
        assert (query != plain).nnz == 0 and query.data.tolist() == plain.data.tolist()
        full = workers_index.scores(plain)
        for rows in (np.arange(len(full)), np.array([1, 3, 6]), np.array([], dtype=np.intp)):
            assert workers_index.scores_at(query, rows).tolist() == full[rows].tolist()


def test_every_rule_is_known_to_the_compiled_screen() -> None:
    from matcher.screen import _BITS

    assert {rule.check for rule in RULES} == set(_BITS)
