"""The match-day plan (撮合日计划): which proposals to make across a whole region at once, and two baselines.

Ranking each posting's candidates on its own sends the same good workers to every employer, gives a posting
with two places hundreds of names and never reaches households with no one at work. ``plan`` chooses all
proposals of a region together.

Who and what take part
    Postings: open, with places left, before their deadline, and chosen by the ``Region``: by default the
    postings whose workplace county lies in the area and that are not out-of-area group recruitments; with
    ``out_of_area`` the pool of out-of-area group recruitments (劳务输出), wherever they are; with
    ``employer_ids`` (job-fair mode, 招聘会) these employers' postings of either kind, wherever they are. A
    posting whose headcount is unknown counts as one place. Workers: available, whose settlement site's county
    lies in the area (everyone when ``adcode`` is None), with room under their limit. Pairs: eligible by every
    hard rule (``matcher.screen``), not excluded (already proposed), with a probability of at least
    ``Limits.min_probability``.

What the plan maximises
    The expected number of hires lasting 3 months, counted as the sum of the proposals' probabilities (the ranking
    model's, or the fallback score before a model exists), where a hire in a household with labour and no one
    employed counts ``1 + Limits.household_weight`` hires (每户至少一人稳定就业: the first job of a household is
    worth more than another job of a household at work). So a worker of such a household with probability p is
    preferred to another with probability q whenever ``p * (1 + household_weight) > q``: at the default 4.0 a 0.06
    candidate of a household without work goes before a 0.29 one of a household at work, not before a 0.31 one. (The
    default was 1.0 until session 6; on the full demo city's 12-week simulation, 4.0 found work for 409 of the 712
    households without work that places could reach instead of 368, with as many hires lasting 3 months, 1,129
    against 1,125: the learned model underrates these households' people, who are keener and stay as long. With the
    behaviour model's true chances in place of the learned ones (``api.simulation_truth``) weight 4.0 keeps 1,237
    lasting hires against 1,273 at 1.0, 3% fewer; on a second city (seed 7) weight 4.0 found work for 445 such
    households instead of 409 with 1,073 lasting hires instead of 1,091. Some 40 more households with someone at
    work for 0-3% of the lasting hires is the price of the priority, which the default pays.) The priority is on the
    chance of a lasting hire, not on a call: a weak fit from such a household is not proposed in place of a good one
    just to have reached the household. (``reach_weight``, 0 by default, adds a fixed value for each such household
    that gets at least one proposal, for a campaign that must call every household; it displaces good proposals with
    weak ones, so the plan does not use it unless asked.) The sum counts each proposal as if it were alone: a worker
    with two proposals takes at most one job and a posting hires at most its places, which the limits keep small.
    ``min_probability`` (default 0.02: fewer than one call in fifty would end in a lasting hire) keeps calls that
    are not worth a broker's time out of the plan.

Under these limits
    each posting at most ``per_place`` open proposals per place left, the ones already in the pipeline
    (``Pipeline.open_by_posting``) included, so planning again the next day does not pile more names on an employer
    still calling the last ones; each worker at most ``per_worker`` open proposals, the ones already in the
    pipeline (``Pipeline.open_by_worker``) included. The baselines keep the postings' limit too (it is the employers'),
    and ignore the workers'.

Solved exactly as a min-cost flow (``matcher.flow``) on the eligible pairs, with gains in integer millionths:
weighted probabilities and the reach weight are rounded to 1e-6, so the plan's value is optimal to within half a
millionth per proposal. ``greedy_plan`` (each posting's top ``per_place x places`` by the ranking
``candidates`` uses: probability raised by the matcher's household priority, workers' limits ignored) and
``keyword_plan`` (each posting's top by text similarity alone, the model unused but for reporting the
probability, workers' limits and ``min_probability`` ignored) are the baselines the simulation compares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.features import with_household_priority
from matcher.flow import Network, solve, top_per_group
from matcher.frame import STATUS_ORDER, PostingFrame, WorkerFrame
from matcher.plan_pairs import ScoredPairs
from matcher.search import Matcher
from models.errors import InvalidInput, NotFound
from models.vocab import PostingStatus

__all__ = [
    "NOTHING_GOING",
    "Limits",
    "Pipeline",
    "Plan",
    "PlannedProposal",
    "Region",
    "eligible_pairs",
    "expected_hires",
    "greedy_plan",
    "keyword_plan",
    "plan",
]

SCALE = 1_000_000  # gains are integer millionths of an expected hire
_OPEN = STATUS_ORDER.index(PostingStatus.OPEN)
Flags = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Limits:
    """The day's limits and priorities; see the module docstring."""

    per_place: int = 3  # k: at most k proposals per place left of a posting
    per_worker: int = 2  # m: at most m open proposals per worker (open ones already in the pipeline count)
    household_weight: float = 4.0  # a hire in a household with labour and no one employed counts 1 + this
    min_probability: float = 0.02  # pairs less likely than this to end in a lasting hire are not worth a call
    reach_weight: float = 0.0  # each household with labour and no one employed that gets a proposal, in hires

    def __post_init__(self) -> None:
        if self.per_place < 1 or self.per_worker < 1:
            raise InvalidInput("每个岗位名额的推荐人数和每人的推荐数都至少为 1，请改正后重试。")
        if not 0 <= self.household_weight <= 100 or not 0 <= self.reach_weight <= 100:
            raise InvalidInput("家庭优先权重应在 0 到 100 之间，请改正后重试。")
        if not 0 <= self.min_probability < 1:
            raise InvalidInput("最低成功概率应不小于 0 且小于 1，请改正后重试。")


@dataclass(frozen=True, slots=True)
class Region:
    """Where the day's plan is made; see the module docstring. ``adcode``: a county (140921) or a city (140900:
    every county 1409xx; a province, 140000, likewise); None: everywhere the matcher knows."""

    adcode: int | None = None
    out_of_area: bool = False
    employer_ids: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.adcode is not None and not 100000 <= self.adcode <= 999999:
            raise InvalidInput(f"地区代码 {self.adcode} 不是 6 位行政区划代码，请填写县（如 140921）或市（140900）。")
        if self.out_of_area and self.employer_ids is not None:
            raise InvalidInput("招聘会模式按用人单位选岗位，不能同时选劳务输出岗位池，请只选其一。")

    def within(self, county: npt.NDArray[np.int32]) -> Flags:
        """Which county adcodes lie in the area."""
        if self.adcode is None:
            return np.ones(len(county), np.bool_)
        divisor = 10_000 if self.adcode % 10_000 == 0 else 100 if self.adcode % 100 == 0 else 1
        return np.asarray(county // divisor == self.adcode // divisor)

    def posting_flags(self, postings: PostingFrame) -> Flags:
        """The postings this region's plan is about (open or not)."""
        if self.employer_ids is not None:
            return np.isin(postings.employer_id, np.fromiter(self.employer_ids, np.int64, len(self.employer_ids)))
        if self.out_of_area:
            return postings.out_of_area.copy()
        return ~postings.out_of_area & self.within(postings.work_county)


@dataclass(frozen=True, slots=True)
class Pipeline:
    """What is already going on the plan's day: proposals still open by worker id and by posting id (they count
    against the limits), and the (worker id, posting id) pairs proposed before (never proposed again)."""

    open_by_worker: Mapping[int, int] = field(default_factory=dict)
    open_by_posting: Mapping[int, int] = field(default_factory=dict)
    proposed: frozenset[tuple[int, int]] = frozenset()

    def without_workers(self) -> Pipeline:
        """The same, the workers' open proposals left out (the baselines ignore the workers' limits)."""
        return Pipeline({}, self.open_by_posting, self.proposed)


NOTHING_GOING = Pipeline()


@dataclass(frozen=True, slots=True)
class PlannedProposal:
    """One proposal of a plan; ``covers_household``: the worker's household has labour and no one employed."""

    posting_id: int
    worker_id: int
    household_id: int
    probability: float  # the ranking model's probability of a hire lasting 3 months (or the fallback score)
    covers_household: bool
    reasons: tuple[str, ...]  # Chinese reasons, as candidates() gives them


@dataclass(frozen=True, slots=True)
class Plan:
    """A day's proposals and its figures; ``households_to_cover``: households in the region with labour, no one
    employed and at least one pair that may be proposed and is worth a call (``min_probability``, for the
    baselines too); ``households_covered``: those the proposals reach. ``expected_hires``: the hires lasting 3
    months to expect, a worker counted once (``expected_hires``): unlike the plan's objective, a worker proposed
    many times is not counted as many hires."""

    region: Region
    limits: Limits
    today: int  # the matcher's day number
    model_version: str
    proposals: tuple[PlannedProposal, ...]
    expected_hires: float
    postings: int  # postings with places left taking part
    places: int
    workers: int  # available workers taking part
    households_to_cover: int
    households_covered: int


@dataclass(frozen=True, slots=True)
class _Day:
    """What every plan of a day starts from: the postings and workers taking part, their capacities (by frame
    row), and the pairs that may be proposed."""

    matcher: Matcher
    region: Region
    limits: Limits
    today: int
    posting_rows: Rows
    posting_cap: npt.NDArray[np.int64]  # by posting row
    worker_rows: Rows
    worker_cap: npt.NDArray[np.int64]  # by worker row
    pairs: ScoredPairs
    households_to_cover: int  # priority households with a pair worth a call (the same for every kind of plan)

    def plan(self, picked: Rows) -> Plan:
        """The plan proposing pairs ``picked`` (positions in ``pairs``)."""
        m, pairs = self.matcher, self.pairs
        workers, postings = _frames(m)
        order = picked[np.lexsort((-pairs.probability[picked], pairs.pi[picked]))]
        wi, pi = pairs.wi[order].astype(np.intp), pairs.pi[order].astype(np.intp)
        probability = pairs.probability[order]
        reasons = m.pair_reasons(wi, pi, pairs.text[order], probability, today=self.today) if len(order) else []
        proposals = tuple(
            PlannedProposal(int(p), int(w), int(h), float(x), bool(c), tuple(r))
            for p, w, h, x, c, r in zip(postings.posting_id[pi].tolist(), workers.worker_id[wi].tolist(),
                                        workers.household_id[wi].tolist(), probability.tolist(),
                                        pairs.priority[order].tolist(), reasons, strict=True)
        )  # fmt: skip
        covered = workers.household_id[wi[pairs.priority[order]]]
        return Plan(self.region, self.limits, self.today, m.scorer.version, proposals,
                    expected_hires(wi, probability), len(self.posting_rows),
                    int(np.maximum(postings.places_left[self.posting_rows], 1).sum()), len(self.worker_rows),
                    self.households_to_cover, len(np.unique(covered)))  # fmt: skip


def expected_hires(worker_rows: npt.NDArray[np.intp], probability: npt.NDArray[np.float32]) -> float:
    """Expected hires lasting 3 months of proposals to ``worker_rows`` with ``probability`` each, a worker taking
    at most one job: each worker counts the chance that at least one of their proposals ends in one,
    ``1 - prod(1 - p)``, their proposals' outcomes taken as independent. (A posting's places cap it too; with
    k proposals a place of small probabilities that cap is seldom reached, and it is not applied.)"""
    if len(worker_rows) == 0:
        return 0.0
    miss = np.log1p(-np.minimum(probability.astype(np.float64), 1.0 - 1e-12))
    _, at = np.unique(worker_rows, return_inverse=True)
    return float((1.0 - np.exp(np.bincount(at, weights=miss))).sum())


def plan(
    matcher: Matcher,
    region: Region,
    limits: Limits,
    *,
    today: int,
    pipeline: Pipeline = NOTHING_GOING,
) -> Plan:
    """The optimal plan of the day (see the module docstring), with what is already going in ``pipeline``."""
    day = _day(matcher, region, limits, today, pipeline, min_probability=True)
    return day.plan(np.flatnonzero(solve(_network(day))))


def greedy_plan(
    matcher: Matcher,
    region: Region,
    limits: Limits,
    *,
    today: int,
    pipeline: Pipeline = NOTHING_GOING,
) -> Plan:
    """Baseline: each posting's best ``per_place x places`` alone, ranked as ``candidates`` ranks (probability
    raised by the matcher's household priority); workers' limits and their open proposals ignored, the postings'
    kept."""
    day = _day(matcher, region, limits, today, pipeline.without_workers(), min_probability=True)
    workers, pairs = _frames(matcher)[0], day.pairs
    ranked = with_household_priority(pairs.probability, workers, pairs.wi, matcher.priority_weight,
                                     priority=pairs.priority)  # fmt: skip
    return day.plan(_per_posting(day, ranked))


def keyword_plan(
    matcher: Matcher,
    region: Region,
    limits: Limits,
    *,
    today: int,
    pipeline: Pipeline = NOTHING_GOING,
) -> Plan:
    """Baseline: each posting's best ``per_place x places`` by text similarity alone (still eligible, not
    excluded); the model, ``min_probability``, workers' limits and their open proposals unused, the postings' limits
    kept."""
    day = _day(matcher, region, limits, today, pipeline.without_workers(), min_probability=False)
    return day.plan(_per_posting(day, day.pairs.text))


def eligible_pairs(
    matcher: Matcher,
    region: Region,
    limits: Limits,
    *,
    today: int,
    pipeline: Pipeline = NOTHING_GOING,
) -> ScoredPairs:
    """The pairs ``plan`` weighs, scored: the scoring alone (for benchmarks and the simulation)."""
    return _day(matcher, region, limits, today, pipeline, min_probability=True).pairs


def _per_posting(day: _Day, value: npt.NDArray[np.float32]) -> Rows:
    """Positions of each posting's best pairs by ``value``, as many as its capacity (ties by position)."""
    pairs = day.pairs
    return top_per_group(pairs.pi, value.astype(np.float64), day.posting_cap, len(day.posting_cap)).astype(np.intp)


def _frames(matcher: Matcher) -> tuple[WorkerFrame, PostingFrame]:
    if matcher.workers is None or matcher.postings is None:
        raise NotFound("匹配索引尚未建立。")
    return matcher.workers, matcher.postings


def _day(
    matcher: Matcher,
    region: Region,
    limits: Limits,
    today: int,
    pipeline: Pipeline,
    *,
    min_probability: bool,
) -> _Day:
    """The postings, workers and pairs of the day (see the module docstring)."""
    workers, postings = _frames(matcher)
    alive = matcher.posting_text.live
    open_ = (postings.status == _OPEN) & (postings.places_left != 0) & (postings.deadline >= today)
    posting_cap = limits.per_place * np.maximum(postings.places_left, 1).astype(np.int64)
    posting_cap -= _already_open(postings.posting_id, pipeline.open_by_posting)
    posting_rows = np.flatnonzero(region.posting_flags(postings) & open_ & alive[: len(postings)] & (posting_cap > 0))
    worker_cap = limits.per_worker - _already_open(workers.worker_id, pipeline.open_by_worker)
    taking_part = region.within(workers.local_county) & workers.available & (worker_cap > 0)
    taking_part &= matcher.worker_text.live[: len(workers)]
    pairs = matcher.score_pairs(posting_rows, today=today, workers=taking_part)
    keep = ~_excluded(workers, postings, pairs, pipeline.proposed)
    worth = keep & (pairs.probability >= np.float32(limits.min_probability))
    to_cover = len(np.unique(workers.household_id[pairs.wi[worth & pairs.priority]]))
    return _Day(matcher, region, limits, today, posting_rows, posting_cap, np.flatnonzero(taking_part), worker_cap,
                pairs.where(worth if min_probability else keep), to_cover)  # fmt: skip


def _already_open(row_ids: npt.NDArray[np.int64], open_by_id: Mapping[int, int]) -> npt.NDArray[np.int64]:
    """Per frame row (worker or posting, ``row_ids`` its ids): proposals already open in the pipeline."""
    out = np.zeros(len(row_ids), np.int64)
    if open_by_id:
        ids = np.fromiter(open_by_id.keys(), np.int64, len(open_by_id))
        counts = np.fromiter(open_by_id.values(), np.int64, len(open_by_id))
        order = np.argsort(ids)
        ids, counts = ids[order], counts[order]
        at = np.searchsorted(ids, row_ids).clip(max=len(ids) - 1)
        out = np.where(ids[at] == row_ids, counts[at], 0)
    return out


def _excluded(
    workers: WorkerFrame, postings: PostingFrame, pairs: ScoredPairs, exclude: frozenset[tuple[int, int]]
) -> Flags:
    """Which pairs were proposed already."""
    if not exclude:
        return np.zeros(len(pairs), np.bool_)
    given = np.array(sorted(exclude), np.int64).reshape(-1, 2)
    keys = given[:, 0] << 32 | given[:, 1]
    return np.isin(workers.worker_id[pairs.wi] << 32 | postings.posting_id[pairs.pi], keys)


def _network(day: _Day) -> Network:
    """The day's pairs as a ``matcher.flow.Network`` (postings, workers and households numbered from 0): gains are
    the probabilities, times ``1 + household_weight`` for workers of households with labour and no one employed;
    households are nodes of their own only when reaching one is worth something (``reach_weight``)."""
    pairs, limits = day.pairs, day.limits
    workers = _frames(day.matcher)[0]
    posting_rows, posting = _numbered(pairs.pi, len(day.posting_cap))
    worker_rows, worker = _numbered(pairs.wi, len(workers))
    household_of = np.full(len(worker_rows), -1, np.int32)
    households = 0
    if limits.reach_weight > 0:
        priority = np.zeros(len(worker_rows), np.bool_)
        priority[worker[pairs.priority]] = True  # a worker's pairs all share the worker's household priority
        ids, at = np.unique(workers.household_id[worker_rows[priority]], return_inverse=True)
        household_of[priority], households = at, len(ids)
    weight = np.where(pairs.priority, 1.0 + limits.household_weight, 1.0)
    gain = np.rint(pairs.probability.astype(np.float64) * weight * SCALE).astype(np.int64)
    return Network(posting, worker, household_of[worker], gain, day.posting_cap[posting_rows],
                   day.worker_cap[worker_rows], households, round(limits.reach_weight * SCALE))  # fmt: skip


def _numbered(rows: npt.NDArray[np.int32], size: int) -> tuple[Rows, npt.NDArray[np.int32]]:
    """The distinct ``rows`` (frame rows below ``size``), ascending, and each entry's number among them."""
    present = np.zeros(size, np.bool_)
    present[rows] = True
    used = np.flatnonzero(present)
    number = np.cumsum(present, dtype=np.int32) - 1
    return used, number[rows]
