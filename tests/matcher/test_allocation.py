"""The match-day plan as a county's brokers would see it: the limits hold, households without work are reached
first when it is worth it, the plan is the best possible one (checked against every feasible proposal set on
tiny cases), the region picks the right people and postings, and the two baselines rank each posting alone.

Pair probabilities come from a fake scorer reading a table: each worker's experience (1, 2, ... years) and each
posting's employer retention (0.01, 0.02, ...) say which row and column of the table a pair is.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from matcher.allocation import SCALE, Limits, Pipeline, Plan, Region, greedy_plan, keyword_plan, plan
from matcher.explain import Names
from matcher.features import COLUMN
from matcher.search import Matcher
from matcher.tokenizer import Tokenizer
from models.errors import InvalidInput
from models.vocab import PlaceRange
from tests.matcher.frames import TODAY, YUANPING, YUANPING_COUNTY, P, Vocabs, W, day, postings, workers

NOW = day(TODAY)
NO_WEIGHT = Limits(per_place=1, per_worker=1, household_weight=0.0, min_probability=0.02)


class TableScorer:
    """A ranking model whose probability of pair (worker i, posting j) is ``table[i][j]`` (workers and postings
    numbered from 0 in frame order, through the features ``experience_years`` and ``employer_retention``)."""

    def __init__(self, table: Sequence[Sequence[float]]) -> None:
        self.table = np.asarray(table, dtype=np.float32)
        self.version = "table-1"
        self.wants_context = False

    def probability(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        w = np.rint(features[:, COLUMN["experience_years"]]).astype(np.intp) - 1
        p = np.rint(features[:, COLUMN["employer_retention"]] * 100).astype(np.intp) - 1
        return self.table[w, p]

    def score(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return self.probability(features)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def _matcher(
    tokenizer: Tokenizer,
    ws: Sequence[W],
    ps: Sequence[P],
    table: Sequence[Sequence[float]],
    households: Sequence[int] | None = None,
) -> Matcher:
    """A matcher over workers ``ws`` and postings ``ps`` scored by ``table``; ``households`` gives the workers'
    household ids (default: one household each)."""
    vocabs = Vocabs()
    for i, w in enumerate(ws):
        w.experience = float(i + 1)
    for j, p in enumerate(ps):
        p.employer_retention = (j + 1) / 100
    frame = workers(vocabs, *ws)
    if households is not None:
        frame.household_id = np.asarray(households, dtype=np.int64)
    matcher = Matcher(tokenizer.tokens, Names(vocabs.certificates, vocabs.occupations), scorer=TableScorer(table))
    matcher.load(frame, postings(vocabs, *ps))
    return matcher


def _pairs(result: Plan) -> set[tuple[int, int]]:
    """(posting id, worker id) of the plan's proposals."""
    return {(x.posting_id, x.worker_id) for x in result.proposals}


# --- the household priority, by hand --------------------------------------------------------------------------


def _household_case(tokenizer: Tokenizer) -> Matcher:
    """Postings A (id 1) and B (id 2), one place each, one proposal per place; workers 1 and 3 from households
    with someone at work, worker 2 from a household with no one employed. Probabilities (A, B):
    worker 1 (0.60, 0.50), worker 2 (0.50, 0.01: not worth a call), worker 3 (0.00, 0.55).

    Without priority the best plan is A-1, B-3 (1.15 expected hires); proposing worker 2 instead (A-2, B-3: 1.05)
    costs 0.10 expected hires. With worker 2's hire counted ``1 + w`` times it is worth 0.5 w more, so it is
    chosen when w > 0.2; reaching the household for a fixed ``reach_weight`` r, when r > 0.10."""
    ws = [W(household_employed=True), W(household_employed=False), W(household_employed=True)]
    ps = [P(places_left=1), P(places_left=1)]
    return _matcher(tokenizer, ws, ps, [[0.60, 0.50], [0.50, 0.01], [0.00, 0.55]])


def test_without_household_priority_the_plan_takes_the_most_expected_hires(tokenizer: Tokenizer) -> None:
    result = plan(_household_case(tokenizer), Region(), NO_WEIGHT, today=NOW)
    assert _pairs(result) == {(1, 1), (2, 3)}
    assert result.expected_hires == pytest.approx(1.15)
    assert (result.households_to_cover, result.households_covered) == (1, 0)


def test_a_hire_in_a_household_without_work_counts_more_by_the_household_weight(tokenizer: Tokenizer) -> None:
    matcher = _household_case(tokenizer)
    cheap = plan(matcher, Region(), Limits(1, 1, household_weight=0.15), today=NOW)
    assert _pairs(cheap) == {(1, 1), (2, 3)}  # 0.5 x 0.15 = 0.075 < 0.10: not worth it
    result = plan(matcher, Region(), Limits(1, 1, household_weight=0.3), today=NOW)
    assert _pairs(result) == {(1, 2), (2, 3)}  # 0.5 x 0.3 = 0.15 > 0.10
    assert result.expected_hires == pytest.approx(1.05)  # unweighted: what the plan expects to happen
    assert (result.households_to_cover, result.households_covered) == (1, 1)
    reached = next(x for x in result.proposals if x.worker_id == 2)
    assert reached.covers_household and reached.probability == pytest.approx(0.5)
    assert "家中暂无就业人员（优先）" in reached.reasons


def test_reaching_a_household_is_worth_a_fixed_amount_only_when_asked(tokenizer: Tokenizer) -> None:
    matcher = _household_case(tokenizer)
    cheap = plan(matcher, Region(), Limits(1, 1, household_weight=0.0, reach_weight=0.05), today=NOW)
    assert _pairs(cheap) == {(1, 1), (2, 3)}  # 0.05 < 0.10
    result = plan(matcher, Region(), Limits(1, 1, household_weight=0.0, reach_weight=0.2), today=NOW)
    assert _pairs(result) == {(1, 2), (2, 3)}


# --- the limits ----------------------------------------------------------------------------------------------


def _crowd(tokenizer: Tokenizer) -> Matcher:
    """Eight workers, three postings (2, 1 and 3 places); worker 8 holds no forklift licence, which posting 3
    requires; probabilities drawn with a fixed seed, one pair below the floor."""
    ws = [W(household_employed=i % 3 != 0) for i in range(7)] + [W()]
    for w in ws[:7]:
        w.certificates = {"叉车司机": None}
    ps = [P(places_left=2), P(places_left=1), P(places_left=3, required=["叉车司机"])]
    table = np.random.default_rng(7).uniform(0.05, 0.9, (8, 3))
    table[0, 1] = 0.01
    return _matcher(tokenizer, ws, ps, table.tolist(), households=[1, 1, 2, 3, 3, 4, 5, 6])


def test_limits_hold_for_postings_workers_open_proposals_and_exclusions(tokenizer: Tokenizer) -> None:
    matcher = _crowd(tokenizer)
    limits = Limits(per_place=2, per_worker=2)
    going = Pipeline(open_by_worker={2: 1, 3: 2}, proposed=frozenset({(4, 1), (5, 2)}))
    result = plan(matcher, Region(), limits, today=NOW, pipeline=going)
    chosen = _pairs(result)
    per_posting = {p: sum(1 for q, _ in chosen if q == p) for p in (1, 2, 3)}
    assert per_posting[1] <= 4 and per_posting[2] <= 2 and per_posting[3] <= 6
    per_worker = {w: sum(1 for _, v in chosen if v == w) for w in range(1, 9)}
    assert per_worker[2] <= 1 and per_worker[3] == 0 and max(per_worker.values()) <= 2
    assert (1, 4) not in chosen and (2, 5) not in chosen  # already proposed
    assert (2, 1) not in chosen  # 0.01: below the floor
    assert (3, 8) not in chosen  # not eligible: no licence
    eligible = {(p, c.id) for p in (1, 2, 3) for c in matcher.candidates(p, today=NOW, top=100)}
    assert chosen <= eligible
    assert result.workers == 7  # worker 3 has no room left
    assert (result.postings, result.places) == (3, 6)


def test_proposals_still_open_at_a_posting_count_against_its_limit_under_every_policy(tokenizer: Tokenizer) -> None:
    matcher = _crowd(tokenizer)  # postings 1, 2, 3 with 2, 1 and 3 places
    limits = Limits(per_place=2, per_worker=8, household_weight=0.0)
    going = {1: 3, 2: 2, 3: 1}  # posting 1 may take 1 more, posting 2 none, posting 3 five
    for policy in (plan, greedy_plan, keyword_plan):
        fresh = Counter(p for p, _ in _pairs(policy(matcher, Region(), limits, today=NOW)))
        assert fresh == {1: 4, 2: 2, 3: 6}, policy.__name__
        result = policy(matcher, Region(), limits, today=NOW, pipeline=Pipeline(open_by_posting=going))
        assert Counter(p for p, _ in _pairs(result)) == {1: 1, 3: 5}, policy.__name__
        assert result.postings == 2  # posting 2 has no room left and takes no part


def test_a_posting_of_unknown_headcount_counts_as_one_place(tokenizer: Tokenizer) -> None:
    matcher = _matcher(tokenizer, [W() for _ in range(4)], [P(places_left=-1)], [[0.5]] * 4)
    result = plan(matcher, Region(), Limits(per_place=2), today=NOW)
    assert (result.places, len(result.proposals)) == (1, 2)


def test_each_proposal_carries_the_probability_and_reasons_a_candidate_search_gives(tokenizer: Tokenizer) -> None:
    matcher = _crowd(tokenizer)
    result = plan(matcher, Region(), Limits(per_place=2, per_worker=2), today=NOW)
    assert result.proposals and result.model_version == "table-1"
    for proposal in result.proposals:
        found = {c.id: c for c in matcher.candidates(proposal.posting_id, today=NOW, top=100)}[proposal.worker_id]
        assert found.probability == round(proposal.probability, 4)
        assert list(proposal.reasons) == found.reasons and proposal.reasons


# --- the optimum, against brute force ------------------------------------------------------------------------


def _value(proposals: Sequence[tuple[int, float, int | None]], limits: Limits) -> int:
    """A proposal set's value in millionths: (worker, probability, priority household or None) each."""
    reached = {h for _, _, h in proposals if h is not None}
    weight = 1.0 + limits.household_weight
    gains = sum(round(float(np.float32(x)) * (1.0 if h is None else weight) * SCALE) for _, x, h in proposals)
    return gains + round(limits.reach_weight * SCALE) * len(reached)


def _brute_force(table: npt.NDArray[np.float64], places: list[int], households: list[int], priority: list[bool],
                 limits: Limits) -> int:  # fmt: skip
    """The best value over every proposal set within the limits (pairs below the floor left out)."""
    pairs = [(w, p) for w in range(table.shape[0]) for p in range(table.shape[1])
             if np.float32(table[w, p]) >= np.float32(limits.min_probability)]  # fmt: skip
    best = 0
    for chosen in itertools.product((False, True), repeat=len(pairs)):
        picked = [pair for pair, c in zip(pairs, chosen, strict=True) if c]
        if any(sum(1 for _, q in picked if q == p) > limits.per_place * places[p] for p in range(len(places))):
            continue
        if any(sum(1 for v, _ in picked if v == w) > limits.per_worker for w in range(table.shape[0])):
            continue
        value = _value([(w, table[w, p], households[w] if priority[w] else None) for w, p in picked], limits)
        best = max(best, value)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_the_plan_is_the_best_possible_on_tiny_cases(tokenizer: Tokenizer, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_workers, n_postings = int(rng.integers(3, 5)), int(rng.integers(2, 4))  # at most 12 pairs
    table = rng.uniform(0.0, 0.6, (n_workers, n_postings)).round(3)
    places = [int(x) for x in rng.integers(1, 3, n_postings)]
    households = [int(x) for x in rng.integers(1, 3, n_workers)]
    priority = [bool(x) for x in rng.random(n_workers) < 0.5]
    limits = Limits(per_place=1, per_worker=int(rng.integers(1, 3)), household_weight=float(rng.choice([0, 0.3, 1])),
                    min_probability=0.1, reach_weight=float(rng.choice([0, 0.3])))  # fmt: skip
    ws = [W(household_employed=not p) for p in priority]
    ps = [P(places_left=n) for n in places]
    matcher = _matcher(tokenizer, ws, ps, table.tolist(), households=households)
    result = plan(matcher, Region(), limits, today=NOW)
    got = [(x.worker_id - 1, x.probability, x.household_id if x.covers_household else None) for x in result.proposals]
    assert _value(got, limits) == _brute_force(table, places, households, priority, limits)


# --- the region ------------------------------------------------------------------------------------------------


def _two_counties(tokenizer: Tokenizer) -> Matcher:
    """Workers 1-2 at a 忻府区 site, 3-4 at a 原平市 site (4 willing to work anywhere); postings: 1 in 忻府区 (employer
    201), 2 in 原平市 (202), 3 an out-of-area group recruitment (203)."""
    far = PlaceRange.ANYWHERE
    ws = [W(), W(wish_place=far), W(place=YUANPING, county=YUANPING_COUNTY),
          W(place=YUANPING, county=YUANPING_COUNTY, wish_place=far)]  # fmt: skip
    ps = [P(), P(place=YUANPING, county=YUANPING_COUNTY), P(out_of_area=True, county=320506)]
    return _matcher(tokenizer, ws, ps, [[0.5, 0.5, 0.5]] * 4)


@pytest.mark.parametrize(
    ("region", "posting_ids", "worker_ids"),
    [
        (Region(adcode=140902), {1}, {1, 2}),  # a county: its postings, its people
        (Region(adcode=140900), {1, 2}, {1, 2, 3, 4}),  # the city: every county 1409xx
        (Region(), {1, 2}, {1, 2, 3, 4}),  # everywhere
        (Region(adcode=140981, out_of_area=True), {3}, {4}),  # the out-of-area pool for 原平 people willing to go
        (Region(adcode=140902, employer_ids=frozenset({202, 203})), {2, 3}, {1, 2}),  # a job fair in 忻府区
    ],
)
def test_the_region_chooses_postings_and_workers(
    tokenizer: Tokenizer, region: Region, posting_ids: set[int], worker_ids: set[int]
) -> None:
    result = plan(_two_counties(tokenizer), region, Limits(per_worker=3), today=NOW)
    assert {x.posting_id for x in result.proposals} == posting_ids
    assert {x.worker_id for x in result.proposals} <= worker_ids
    assert result.postings == len(posting_ids)


def test_a_region_that_cannot_be_understood_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidInput, match="6 位行政区划代码"):
        Region(adcode=1409)
    with pytest.raises(InvalidInput, match="招聘会"):
        Region(out_of_area=True, employer_ids=frozenset({1}))
    with pytest.raises(InvalidInput):
        Limits(per_worker=0)


# --- the baselines ------------------------------------------------------------------------------------------


def _favourite(tokenizer: Tokenizer) -> Matcher:
    """Worker 1 is everyone's best (0.9); workers 2 and 3 are good enough (0.5, 0.4); two postings, one place
    each, one proposal a place. Worker 3 wrote 保洁, which posting 2 asks for."""
    ws = [W(text="电焊"), W(text="电焊"), W(text="保洁 家政")]
    ps = [P(places_left=1, text="电焊工"), P(places_left=1, text="保洁员")]
    return _matcher(tokenizer, ws, ps, [[0.9, 0.9], [0.5, 0.3], [0.3, 0.4]])


def test_greedy_sends_the_same_best_worker_to_every_posting(tokenizer: Tokenizer) -> None:
    matcher = _favourite(tokenizer)
    greedy = greedy_plan(matcher, Region(), NO_WEIGHT, today=NOW, pipeline=Pipeline(open_by_worker={1: 1}))
    assert _pairs(greedy) == {(1, 1), (2, 1)}  # worker 1's limit of one proposal, already reached, ignored
    assert greedy.expected_hires == pytest.approx(1 - 0.1 * 0.1)  # one worker takes one job: not 0.9 + 0.9
    planned = plan(matcher, Region(), NO_WEIGHT, today=NOW)
    assert _pairs(planned) == {(1, 2), (2, 1)}  # 0.5 + 0.9 beats 0.9 + 0.4
    assert planned.expected_hires == pytest.approx(1.4)


def test_keyword_baseline_ranks_by_text_alone(tokenizer: Tokenizer) -> None:
    result = keyword_plan(_favourite(tokenizer), Region(), NO_WEIGHT, today=NOW)
    assert (2, 3) in _pairs(result)  # 保洁 for the cleaner's posting, whatever the model says
    assert len({p for p, _ in _pairs(result)}) == 2
