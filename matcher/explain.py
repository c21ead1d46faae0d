"""Why a worker is proposed for a posting, in Chinese a broker reads aloud: "持有叉车司机证", "距安置点3公里".

Reasons come from the features and the raw values of the pair. Each carries a contribution: the share of the
transparent ``WeightedScore`` its feature gave (the household priority: what ``with_household_priority`` added),
negative for what speaks against the match. An explanation lists the strongest positive reasons first, then
notes (监测户, pay when no wish is recorded), then what speaks against; for near-misses, the failed hard rules'
reasons. Only the top of a search is explained, one pair at a time, with slices of the CSR arrays (no
scipy indexing), so fifty pairs take a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matcher.eligibility import Verdict
from matcher.features import (
    COLUMN,
    DEFAULT_PRIORITY_WEIGHT,
    WeightedScore,
    household_priority,
    occupation_codes,
)
from matcher.frame import JOB_KIND_ORDER, PostingFrame, Vocabulary, WorkerFrame
from matcher.policy import Index, RuleContext, pair_distance_km

__all__ = ["Explanation", "Names", "Reason", "explain", "explain_pair"]

# feature columns, looked up once: a MappingProxyType look-up per reason adds up over fifty explanations
_COMMUTE_FEASIBLE = COLUMN["commute_feasible"]
_DISTANCE_KM = COLUMN["distance_km"]
_EMPLOYER_RETENTION = COLUMN["employer_retention"]
_EXPERIENCE_YEARS = COLUMN["experience_years"]
_JOB_KIND_MATCH = COLUMN["job_kind_match"]
_OCCUPATION_LEVEL = COLUMN["occupation_level"]
_TEXT_SIMILARITY = COLUMN["text_similarity"]
_WAGE_RATIO = COLUMN["wage_ratio"]
_WORKER_PLACEMENTS = COLUMN["worker_placements"]
_REQUIRED_CERTIFICATE_SHARE = COLUMN["required_certificate_share"]
_PREFERRED_CERTIFICATES_HELD = COLUMN["preferred_certificates_held"]
_CERTIFICATE_ENDINGS = ("证", "证书", "证明", "资格")


@dataclass(frozen=True, slots=True)
class Names:
    """Display names: the certificate and occupation vocabularies, and 大典 code -> Chinese name (from the
    taxonomy) for occupation vocabularies that hold codes."""

    certificates: Vocabulary
    occupations: Vocabulary
    occupation_titles: Mapping[str, str] = field(default_factory=dict)

    def certificate(self, i: int) -> str:
        """The certificate as a thing held: 叉车司机 -> 叉车司机证, 健康证明 stays."""
        name = self.certificates.names[i] if 0 <= i < len(self.certificates) else f"证书{i}"
        return name if name.endswith(_CERTIFICATE_ENDINGS) or "证" in name else f"{name}证"

    def occupation(self, i: int) -> str:
        name = self.occupations.names[i] if 0 <= i < len(self.occupations) else f"工种{i}"
        return self.occupation_titles.get(name, name)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason: its Chinese ``text`` and ``contribution`` (> 0 for, 0 a note, < 0 against)."""

    text: str
    contribution: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """The reasons of one pair, in display order, and the hard rules it fails (empty when eligible)."""

    reasons: tuple[Reason, ...]
    failures: tuple[str, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.reasons]


class _Sets:
    """The CSR arrays of the set columns, read once per call: scipy's attribute access costs microseconds."""

    def __init__(self, workers: WorkerFrame, postings: PostingFrame, names: Names) -> None:
        self.certificates = _csr_arrays(workers.certificates)
        self.wishes = _csr_arrays(workers.wishes)
        self.skills = _csr_arrays(workers.skills)
        self.required = _csr_arrays(postings.certificates_required)
        self.preferred = _csr_arrays(postings.certificates_preferred)
        self.codes = occupation_codes(names.occupations).table
        self._wanted: dict[int, tuple[list[int], list[int]]] = {}

    def wanted(self, p: int) -> tuple[list[int], list[int]]:
        """Posting row ``p``'s required and preferred certificates (a search explains one posting many times)."""
        found = self._wanted.get(p)
        if found is None:
            found = self._wanted[p] = (_row(self.required, p)[0], _row(self.preferred, p)[0])
        return found


_Csr = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32]]


def _csr_arrays(matrix: sparse.csr_matrix) -> _Csr:
    return matrix.indptr, matrix.indices, matrix.data


def _row(csr: _Csr, row: int) -> tuple[list[int], list[int]]:
    """Column ids and values of one row, as Python lists."""
    indptr, indices, data = csr
    start, end = indptr[row], indptr[row + 1]
    return indices[start:end].tolist(), data[start:end].tolist()


class _Columns:
    """The values explanations read, for all pairs of one call, as Python lists (a numpy scalar per look-up
    would cost more than the reasons themselves)."""

    def __init__(
        self, workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, c: npt.NDArray[np.float32]
    ) -> None:
        self.pay_min = postings.pay_min_month[pi].tolist()
        self.pay_max = postings.pay_max_month[pi].tolist()
        self.pay_text = [postings.pay_text[p] for p in pi.tolist()] if postings.pay_text else None
        self.wish_wage = workers.wish_min_wage[wi].tolist()
        self.out_of_area = postings.out_of_area[pi].tolist()
        self.km = pair_distance_km(workers, wi, postings, pi).tolist()  # nan when a coordinate is missing
        self.home = workers.local_county[wi].tolist()
        self.work = postings.work_county[pi].tolist()
        self.wanted_kind = workers.wish_job_kind[wi].tolist()
        self.offered_kind = postings.job_kind[pi].tolist()
        self.retention = postings.employer_retention[pi].tolist()
        self.monitored = workers.household_monitored[wi].tolist()
        self.occupation = postings.occupation[pi].tolist()
        # summed in float32, like the contributions themselves
        self.place = (c[:, _DISTANCE_KM] + c[:, _COMMUTE_FEASIBLE]).tolist()


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through object.__setattr__
class _Pair:
    k: int  # the pair's position in the call
    w: int
    p: int
    x: list[float]  # features
    c: list[float]  # contributions
    weights: list[float]  # the scorer's, summing to 1
    cols: _Columns
    sets: _Sets
    names: Names
    ctx: RuleContext


def explain(
    workers: WorkerFrame,
    wi: Index,
    postings: PostingFrame,
    pi: Index,
    features: npt.ArrayLike,
    names: Names,
    ctx: RuleContext,
    *,
    verdict: Verdict | None = None,
    scorer: WeightedScore | None = None,
    scores: npt.ArrayLike | None = None,
    priority_weight: float = DEFAULT_PRIORITY_WEIGHT,
    top: int = 5,
) -> list[Explanation]:
    """Explanations of pairs (``wi[k]``, ``pi[k]``) with their ``features`` rows.

    ``verdict`` (of the same pairs) adds the failed rules; ``scores`` are the ranking's scores before household
    priority (a model's probabilities; by default the fallback score), so the priority reason weighs what
    ``with_household_priority`` added; ``top`` bounds the positive reasons of each pair.
    """
    x = np.asarray(features, dtype=np.float32)
    scorer = scorer or WeightedScore()
    contributions = scorer.contributions(x)
    base = contributions.sum(axis=1) if scores is None else np.asarray(scores, dtype=np.float32)
    wi, pi = np.asarray(wi, dtype=np.intp), np.asarray(pi, dtype=np.intp)
    priority = household_priority(workers, wi).tolist()
    cols = _Columns(workers, wi, postings, pi, contributions)
    sets, weights = _Sets(workers, postings, names), scorer.vector.tolist()
    rows, shares, bases = x.tolist(), contributions.tolist(), base.tolist()
    out = []
    for k, (w, p) in enumerate(zip(wi.tolist(), pi.tolist(), strict=True)):
        pair = _Pair(k, w, p, rows[k], shares[k], weights, cols, sets, names, ctx)
        boost = priority_weight * (1.0 - bases[k]) if priority[k] else -1.0
        failures = tuple(f.reason for f in verdict.failures(k)) if verdict is not None else ()
        out.append(_explanation(pair, boost, failures, top))
    return out


def explain_pair(
    workers: WorkerFrame,
    w: int,
    postings: PostingFrame,
    p: int,
    features_row: npt.ArrayLike,
    names: Names,
    ctx: RuleContext,
    *,
    scorer: WeightedScore | None = None,
    priority_weight: float = DEFAULT_PRIORITY_WEIGHT,
    top: int = 5,
) -> Explanation:
    """The explanation of one pair (worker row ``w``, posting row ``p``), without failed rules."""
    row = np.asarray(features_row, dtype=np.float32).reshape(1, -1)
    one_w, one_p = np.array([w]), np.array([p])
    return explain(
        workers, one_w, postings, one_p, row, names, ctx, scorer=scorer, priority_weight=priority_weight, top=top
    )[0]


def _explanation(pair: _Pair, boost: float, failures: tuple[str, ...], top: int) -> Explanation:
    reasons = [
        *_occupation(pair),
        *_certificates(pair),
        *_wage(pair),
        *_distance(pair),
        *_job_kind(pair),
        *_history(pair),
    ]
    # household priority is policy (每户至少一人稳定就业): always shown, whatever else makes the top
    household = _household(pair, boost)
    positive = sorted((r for r in reasons if r.contribution > 0), key=lambda r: -r.contribution)[:top]
    positive = sorted([*positive, *(r for r in household if r.contribution > 0)], key=lambda r: -r.contribution)
    reasons.extend(r for r in household if r.contribution <= 0)
    notes = [r for r in reasons if r.contribution == 0]
    against = sorted((r for r in reasons if r.contribution < 0), key=lambda r: r.contribution)
    return Explanation((*positive, *notes, *against), failures)


def _occupation_level(table: npt.NDArray[np.int32], item: int, target: int) -> int:
    """``OccupationCodes.level`` of one item, without numpy's per-call overhead."""
    a, b = table[item].tolist(), table[target].tolist()
    for level, depth in ((4, 3), (3, 2), (2, 1), (1, 0)):
        if a[depth] >= 0 and a[depth] == b[depth]:
            return level
    return 0


def _occupation(pair: _Pair) -> list[Reason]:
    target = pair.cols.occupation[pair.k]
    level = int(pair.x[_OCCUPATION_LEVEL])
    if target < 0 or level < 2:
        return []
    contribution = pair.c[_OCCUPATION_LEVEL]
    for kind, items in (("意向工种", pair.sets.wishes), ("技能", pair.sets.skills)):
        hits = [i for i in _row(items, pair.w)[0] if _occupation_level(pair.sets.codes, i, target) == level]
        if hits and level == 4:
            return [Reason(f"{kind}与岗位一致（{pair.names.occupation(target)}）", contribution)]
        if hits:
            return [Reason(f"{kind}与岗位相近（{pair.names.occupation(hits[0])}）", contribution)]
    return []


def _certificates(pair: _Pair) -> list[Reason]:
    required, preferred = pair.sets.wanted(pair.p)
    if not required and not preferred:
        return []
    ids, expiry = _row(pair.sets.certificates, pair.w)
    valid = {i for i, day in zip(ids, expiry, strict=True) if day >= pair.ctx.today}
    out = []
    for wanted, column, suffix in (
        (required, _REQUIRED_CERTIFICATE_SHARE, ""),
        (preferred, _PREFERRED_CERTIFICATES_HELD, "（优先条件）"),
    ):
        held = [pair.names.certificate(i) for i in wanted if i in valid]
        if held:
            out.append(Reason(f"持有{'、'.join(held)}{suffix}", pair.c[column]))
    return out


def _money(value: float) -> str:
    return f"{value:.0f}"


def _pay_text(low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return f"{_money(low)}元起" if math.isnan(high) else f"最高{_money(high)}元"
    return f"{_money(low)}元" if low == high else f"{_money(low)}-{_money(high)}元"


def _wage(pair: _Pair) -> list[Reason]:
    cols, k = pair.cols, pair.k
    low, high = cols.pay_min[k], cols.pay_max[k]
    if math.isnan(low) and math.isnan(high):
        return []
    pay = _pay_text(low, high)
    written = cols.pay_text[k] if cols.pay_text else ""
    monthly = not written or "/月" in written
    if not monthly:  # 180-190元/天: say it as written, with its monthly estimate
        pay = f"{written}（约合月薪{pay}）"
    wish = cols.wish_wage[k]
    if math.isnan(wish) or wish <= 0:
        return [Reason(f"岗位月薪{pay}" if monthly else f"岗位{pay}", 0.0)]
    ratio = pair.x[_WAGE_RATIO]
    text = f"期望月薪{_money(wish)}元，岗位{pay}"
    if ratio < 1:
        weight = pair.weights[_WAGE_RATIO]
        return [Reason(f"{text}（低于期望）", -(1 - ratio) * weight - 1e-6)]
    return [Reason(text, pair.c[_WAGE_RATIO])]


def _distance(pair: _Pair) -> list[Reason]:
    cols, k = pair.cols, pair.k
    km = cols.km[k]
    if cols.out_of_area[k]:
        return [Reason("外出务工岗位（组织输出）", 0.0)]
    contribution = cols.place[k]
    feasible = bool(pair.x[_COMMUTE_FEASIBLE])
    if math.isnan(km):
        home, work = cols.home[k], cols.work[k]
        return [Reason("工作地在本县", contribution)] if home > 0 and home == work and feasible else []
    where = "距安置点不到1公里" if km < 1 else f"距安置点{km:.0f}公里"
    if feasible:
        return [Reason(where, contribution)]
    return [Reason(f"{where}，每天往返较远", -pair.weights[_COMMUTE_FEASIBLE])]


def _job_kind(pair: _Pair) -> list[Reason]:
    wanted, offered = pair.cols.wanted_kind[pair.k], pair.cols.offered_kind[pair.k]
    if wanted < 0 or offered < 0:
        return []
    if wanted == offered:
        return [Reason(f"用工形式相符（{JOB_KIND_ORDER[offered].zh}）", pair.c[_JOB_KIND_MATCH])]
    text = f"本人想找{JOB_KIND_ORDER[wanted].zh}工作，岗位为{JOB_KIND_ORDER[offered].zh}"
    return [Reason(text, -pair.weights[_JOB_KIND_MATCH] / 2)]


def _history(pair: _Pair) -> list[Reason]:
    out = []
    years = pair.x[_EXPERIENCE_YEARS]
    if years >= 1:
        out.append(Reason(f"有{years:.0f}年工作经验", pair.c[_EXPERIENCE_YEARS]))
    kept = int(pair.x[_WORKER_PLACEMENTS])
    if kept >= 1:
        out.append(Reason(f"曾稳定就业{kept}次（3个月以上）", pair.c[_WORKER_PLACEMENTS]))
    retention = pair.cols.retention[pair.k]
    if not math.isnan(retention) and retention >= 0.6:
        text = f"该单位以往员工留用率{retention * 100:.0f}%"
        out.append(Reason(text, pair.c[_EMPLOYER_RETENTION]))
    if pair.x[_TEXT_SIMILARITY] >= 0.3:
        out.append(Reason("技能描述与岗位要求相近", pair.c[_TEXT_SIMILARITY]))
    return out


def _household(pair: _Pair, boost: float) -> Sequence[Reason]:
    """``boost``: what household priority added to the score; -1 when the household does not qualify."""
    out = []
    if boost > 0:
        out.append(Reason("家中暂无就业人员（优先）", boost))
    elif boost == 0:
        out.append(Reason("家中暂无就业人员", 0.0))
    if pair.cols.monitored[pair.k]:
        out.append(Reason("监测户", 0.0))
    return out
