"""Why a worker is proposed for a posting, in Chinese a broker reads aloud: "持有叉车司机证", "距安置点3公里".

Reasons come from the features and the raw values of the pair. Each carries a contribution: the share of the
transparent ``WeightedScore`` its feature gave (the household priority: what ``with_household_priority`` added),
negative for what speaks against the match. An explanation lists the strongest positive reasons first, then
notes (监测户, pay when no wish is recorded), then what speaks against; for near-misses, the failed hard rules'
reasons. Which reasons a pair has and their order are decided for all pairs at once in compiled code
(``matcher.reason``); the Chinese comes from templates filled per reason, and wordings that recur (a
certificate list, a distance, a pay range) are made once per call, so the fifty of a search take a fraction of
a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher import reason as rs
from matcher.eligibility import Verdict
from matcher.features import (
    COLUMN,
    DEFAULT_PRIORITY_WEIGHT,
    FEATURE_NAMES,
    WeightedScore,
    occupation_codes,
)
from matcher.frame import JOB_KIND_ORDER, NO_LABOUR_CODES, PostingFrame, Vocabulary, WorkerFrame
from matcher.policy import Index, RuleContext, pair_distance_km

__all__ = ["Explanation", "Names", "Reason", "explain", "explain_pair", "explain_texts"]

_EXPERIENCE_YEARS = COLUMN["experience_years"]
_WAGE_RATIO = COLUMN["wage_ratio"]
_WORKER_PLACEMENTS = COLUMN["worker_placements"]
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
    wi, pi = np.asarray(wi, dtype=np.intp), np.asarray(pi, dtype=np.intp)
    plan, texts = _planned(workers, wi, postings, pi, features, names, ctx, scorer, scores, priority_weight, top)
    out, contributions, start = [], plan.contribution.tolist(), 0
    for k, said in enumerate(texts):
        reasons = tuple(map(Reason, said, contributions[start : start + len(said)]))
        start += len(said)
        failures = tuple(f.reason for f in verdict.failures(k)) if verdict is not None else ()
        out.append(Explanation(reasons, failures))
    return out


def explain_texts(
    workers: WorkerFrame,
    wi: Index,
    postings: PostingFrame,
    pi: Index,
    features: npt.ArrayLike,
    names: Names,
    ctx: RuleContext,
    *,
    scores: npt.ArrayLike | None = None,
    priority_weight: float = DEFAULT_PRIORITY_WEIGHT,
    top: int = 5,
    km: npt.NDArray[np.float64] | None = None,
) -> list[list[str]]:
    """``explain(...)[k].texts`` of every pair, without the ``Reason`` objects (what a search shows); ``km``:
    ``pair_distance_km`` of the pairs when the caller has it."""
    wi, pi = np.asarray(wi, dtype=np.intp), np.asarray(pi, dtype=np.intp)
    return _planned(workers, wi, postings, pi, features, names, ctx, None, scores, priority_weight, top, km)[1]


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


def _planned(
    workers: WorkerFrame,
    wi: Index,
    postings: PostingFrame,
    pi: Index,
    features: npt.ArrayLike,
    names: Names,
    ctx: RuleContext,
    scorer: WeightedScore | None,
    scores: npt.ArrayLike | None,
    priority_weight: float,
    top: int,
    km: npt.NDArray[np.float64] | None = None,
) -> tuple[rs.Plan, list[list[str]]]:
    """The plan of the pairs' reasons (``matcher.reason``) and their texts."""
    x = np.asarray(features, dtype=np.float32).reshape(len(wi), len(FEATURE_NAMES))
    scorer = scorer or _FALLBACK
    contributions = scorer.contributions(x)
    base = contributions.sum(axis=1) if scores is None else np.asarray(scores, dtype=np.float32)
    km = np.asarray(pair_distance_km(workers, wi, postings, pi) if km is None else km, dtype=np.float64)
    w, p, own, req, pref = workers, postings, workers.certificates, postings.certificates_required, \
        postings.certificates_preferred  # fmt: skip
    values = (
        km, (w.local_county, w.wish_job_kind, w.wish_min_wage, w.household_monitored, w.labour, w.household_employed),
        (p.out_of_area, p.work_county, p.job_kind, p.employer_retention, p.pay_min_month, p.pay_max_month,
         p.occupation), base, float(priority_weight), NO_LABOUR_CODES,
    )  # fmt: skip
    sets = (own.indptr, own.indices, own.data, w.wishes.indptr, w.wishes.indices, w.skills.indptr, w.skills.indices)
    wanted = (req.indptr, req.indices, pref.indptr, pref.indices)
    codes = occupation_codes(names.occupations).table
    weights = scorer.vector.astype(np.float64)
    plan = rs.plan(x, contributions, weights, wi, pi, values, sets, wanted, codes, ctx.today, top)
    return plan, _Writer(workers, wi, postings, pi, x, km, names, ctx).texts(plan)


_FALLBACK = WeightedScore()


class _Writer:
    """The Chinese of planned reasons; one per call, so recurring wordings are made once."""

    def __init__(
        self,
        workers: WorkerFrame,
        wi: Index,
        postings: PostingFrame,
        pi: Index,
        x: npt.NDArray[np.float32],
        km: npt.NDArray[np.float64],
        names: Names,
        ctx: RuleContext,
    ) -> None:
        self.workers, self.postings, self.names, self.ctx = workers, postings, names, ctx
        self.wi, self.pi, self.x, self.km = wi, pi, x, km
        self.pay: dict[int, tuple[str, bool]] = {}

    def texts(self, plan: rs.Plan) -> list[list[str]]:
        """The texts of each pair's planned reasons, in order: each wording written once."""
        pair, slot, variant, argument = (a[plan.first].tolist() for a in (plan.pair, plan.slot, plan.variant,
                                                                        plan.argument))  # fmt: skip
        write = _WRITE
        table = np.empty(len(pair), dtype=object)
        table[:] = [write[s](self, k, var, arg) for k, s, var, arg in zip(pair, slot, variant, argument, strict=True)]
        flat = table[plan.wording].tolist()
        ends = plan.ends.tolist()
        return [flat[start:end] for start, end in zip([0, *ends], ends, strict=False)]

    def _occupation(self, k: int, variant: int, item: int) -> str:
        kind = "意向工种" if variant < 2 else "技能"
        if variant % 2:
            return f"{kind}与岗位一致（{self.names.occupation(item)}）"
        return f"{kind}与岗位相近（{self.names.occupation(item)}）"

    def _required(self, k: int, variant: int, mask: int) -> str:
        return self._held(k, self.postings.certificates_required, mask, "")

    def _preferred(self, k: int, variant: int, mask: int) -> str:
        return self._held(k, self.postings.certificates_preferred, mask, "（优先条件）")

    def _held(self, k: int, wanted: Any, mask: int, suffix: str) -> str:
        p = int(self.pi[k])
        ids = wanted.indices[wanted.indptr[p] : wanted.indptr[p + 1]].tolist()
        if mask < 0:  # more than 62 named: the plan left it to us
            own, w, today = self.workers.certificates, int(self.wi[k]), self.ctx.today
            row = slice(own.indptr[w], own.indptr[w + 1])
            expiry = zip(own.indices[row].tolist(), own.data[row].tolist(), strict=True)
            valid = {i for i, day in expiry if day >= today}
            held = [i for i in ids if i in valid]
        else:
            held = [i for at, i in enumerate(ids) if mask >> at & 1]
        return f"持有{'、'.join(self.names.certificate(i) for i in held)}{suffix}"

    def _wage(self, k: int, variant: int, argument: int) -> str:
        p = int(self.pi[k])
        found = self.pay.get(p)
        if found is None:
            found = self.pay[p] = self._pay(p)
        pay, monthly = found
        if variant == rs.WAGE_NOTE:
            return f"岗位月薪{pay}" if monthly else f"岗位{pay}"
        text = f"期望月薪{_money(float(self.workers.wish_min_wage[self.wi[k]]))}元，岗位{pay}"
        return f"{text}（低于期望）" if variant == rs.WAGE_BELOW else text

    def _pay(self, p: int) -> tuple[str, bool]:
        """The posting's pay as said, and whether it is a monthly pay."""
        pay = _pay_text(float(self.postings.pay_min_month[p]), float(self.postings.pay_max_month[p]))
        written = self.postings.pay_text[p] if self.postings.pay_text else ""
        monthly = not written or "/月" in written
        if not monthly:  # 180-190元/天: say it as written, with its monthly estimate
            pay = f"{written}（约合月薪{pay}）"
        return pay, monthly

    def _place(self, k: int, variant: int, argument: int) -> str:
        if variant == rs.PLACE_OUT_OF_AREA:
            return "外出务工岗位（组织输出）"
        if variant == rs.PLACE_SAME_COUNTY:
            return "工作地在本县"
        km = float(self.km[k])
        where = "距安置点不到1公里" if km < 1 else f"距安置点{km:.0f}公里"
        return where if variant == rs.PLACE_NEAR else f"{where}，每天往返较远"

    def _job_kind(self, k: int, variant: int, argument: int) -> str:
        w, p = int(self.wi[k]), int(self.pi[k])
        offered = JOB_KIND_ORDER[int(self.postings.job_kind[p])].zh
        if variant == 0:
            return f"用工形式相符（{offered}）"
        return f"本人想找{JOB_KIND_ORDER[int(self.workers.wish_job_kind[w])].zh}工作，岗位为{offered}"

    def _experience(self, k: int, variant: int, argument: int) -> str:
        return f"有{float(self.x[k, _EXPERIENCE_YEARS]):.0f}年工作经验"

    def _placements(self, k: int, variant: int, argument: int) -> str:
        return f"曾稳定就业{int(self.x[k, _WORKER_PLACEMENTS])}次（3个月以上）"

    def _retention(self, k: int, variant: int, argument: int) -> str:
        return f"该单位以往员工留用率{float(self.postings.employer_retention[self.pi[k]]) * 100:.0f}%"


_WRITE: dict[int, Callable[[_Writer, int, int, int], str]] = {
    rs.S_OCCUPATION: _Writer._occupation, rs.S_REQUIRED: _Writer._required, rs.S_PREFERRED: _Writer._preferred,
    rs.S_WAGE: _Writer._wage, rs.S_DISTANCE: _Writer._place, rs.S_JOB_KIND: _Writer._job_kind,
    rs.S_EXPERIENCE: _Writer._experience, rs.S_PLACEMENTS: _Writer._placements, rs.S_RETENTION: _Writer._retention,
    rs.S_TEXT: lambda *_: "技能描述与岗位要求相近", rs.S_PRIORITY: lambda *_: "家中暂无就业人员（优先）",
    rs.S_NO_ONE_EMPLOYED: lambda *_: "家中暂无就业人员", rs.S_MONITORED: lambda *_: "监测户",
}  # fmt: skip


def _money(value: float) -> str:
    return f"{value:.0f}"


def _pay_text(low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return f"{_money(low)}元起" if math.isnan(high) else f"最高{_money(high)}元"
    return f"{_money(low)}元" if low == high else f"{_money(low)}-{_money(high)}元"
