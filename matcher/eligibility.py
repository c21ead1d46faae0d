"""Hard rules 资格条件: whether a worker may be proposed for a posting at all, checked over pairs.

Every ``Rule`` has an English ``name``, a Chinese ``reason`` template a broker understands, and a vectorised
``check`` over pairs: ``(wi[k], pi[k])`` is the k-th pair, so one posting against many workers and one worker
against many postings use the same code. ``evaluate`` keeps, per rule, which pairs failed: the near-misses.

Decisions where the ledger is silent (the policy's numbers are in ``matcher.policy.Policy``):
unknown birth date fails the age rules; unknown labour capacity takes light and normal work, not heavy;
unknown physical demand counts as normal; without coordinates the place wish is tested on adcodes, and an
unknown place passes; out-of-area group recruitment (外出务工) needs a wish of 省内 or 省外均可, an unrecorded
wish does not pass (the broker asks first); a posting past its deadline is closed whatever its status; for
public-welfare posts the hiring-age range replaces the legal upper age (local rules may allow 65).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.frame import (
    HEALTH_ORDER,
    LABOUR_ORDER,
    NO_LABOUR_CODES,
    PLACE_ORDER,
    SEX_ORDER,
    STATUS_ORDER,
    Demand,
    PostingFrame,
    WorkerFrame,
)
from matcher.policy import (
    Flags,
    Index,
    Policy,
    RuleContext,
    ages_at,
    certificates_held,
    date_text,
    hire_age_limits,
    pair_distance_km,
    wish_limit_km,
    within_wish,
    working_age_limits,
)
from models.vocab import Health, LabourCapacity, PlaceRange, PostingStatus

__all__ = ["RULES", "Failure", "Policy", "Rule", "RuleContext", "Verdict", "evaluate"]

Check = Callable[[WorkerFrame, Index, PostingFrame, Index, RuleContext], Flags]
Fields = Callable[[WorkerFrame, int, PostingFrame, int, RuleContext], Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One hard rule: ``check`` over pairs; ``reason`` is filled in with ``fields`` of one pair."""

    name: str
    reason: str
    check: Check
    fields: Fields

    def explain(self, workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> str:
        """The Chinese reason why pair (worker row ``w``, posting row ``p``) fails this rule."""
        return self.reason.format(**self.fields(workers, w, postings, p, ctx))


def _flags(values: npt.ArrayLike) -> Flags:
    return np.asarray(values, dtype=np.bool_)


def _age(workers: WorkerFrame, w: int, ctx: RuleContext) -> int:
    return int(ages_at([workers.birth_day[w]], ctx.today)[0])


def _range_text(lo: int, hi: int) -> str:
    if lo >= 0 and hi >= 0:
        return f"{lo}-{hi}岁"
    return f"{lo}岁以上" if lo >= 0 else f"{hi}岁以下"


def _age_text(age: int) -> str:
    return f"本人{age}岁" if age >= 0 else "本人出生日期不详"


def _none(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    return {}


# --- the posting and the worker on their own ---------------------------------------------------------------

_OPEN = STATUS_ORDER.index(PostingStatus.OPEN)


def _open(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    # -1 places left: the headcount is unknown (若干), still open; NO_DATE deadline: none
    return _flags(
        (postings.status[pi] == _OPEN) & (postings.places_left[pi] != 0) & (postings.deadline[pi] >= ctx.today)
    )


def _open_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    status = int(postings.status[p])
    if status != _OPEN:
        state = f"岗位{STATUS_ORDER[status].zh}" if status >= 0 else "岗位状态不明"
    elif postings.places_left[p] == 0:
        state = "名额已满"
    else:
        state = f"报名已于{date_text(int(postings.deadline[p]))}截止"
    return {"state": state}


def _available(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    return _flags(workers.available[wi])


# --- age -------------------------------------------------------------------------------------------------


def _working_age(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    # public-welfare posts have their own hiring-age range (up to 65 where local rules allow)
    age = ages_at(workers.birth_day[wi], ctx.today)
    lo, hi = working_age_limits(workers.sex[wi], ctx.policy)
    return _flags((age >= 0) & (age >= lo) & ((age <= hi) | postings.public_welfare[pi]))


def _working_age_fields(
    workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext
) -> dict[str, str]:
    lo, hi = working_age_limits(workers.sex[[w]], ctx.policy)
    return {"range": _range_text(int(lo[0]), int(hi[0])), "age": _age_text(_age(workers, w, ctx))}


def _posting_age(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    age = ages_at(workers.birth_day[wi], ctx.today)
    lo, hi = postings.age_min[pi], postings.age_max[pi]
    open_range = (lo < 0) & (hi < 0)
    return _flags(open_range | ((age >= 0) & ((lo < 0) | (age >= lo)) & ((hi < 0) | (age <= hi))))


def _posting_age_fields(
    workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext
) -> dict[str, str]:
    rng = _range_text(int(postings.age_min[p]), int(postings.age_max[p]))
    return {"range": rng, "age": _age_text(_age(workers, w, ctx))}


# --- certificates, labour, sex -----------------------------------------------------------------------------


def _certificates(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    required = np.diff(postings.certificates_required.indptr)[pi]
    held = certificates_held(workers.certificates, wi, postings.certificates_required, pi, ctx.today)
    return _flags(held >= required)


def _certificate_name(ctx: RuleContext, cert: int) -> str:
    return ctx.certificates.names[cert] if 0 <= cert < len(ctx.certificates) else f"证书{cert}"


def _certificates_fields(
    workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext
) -> dict[str, str]:
    req, own = postings.certificates_required, workers.certificates
    row = slice(own.indptr[w], own.indptr[w + 1])
    expiry = dict(zip(own.indices[row], own.data[row], strict=True))
    missing = []
    for cert in req.indices[req.indptr[p] : req.indptr[p + 1]]:
        name = _certificate_name(ctx, int(cert))
        if cert not in expiry:
            missing.append(name)
        elif expiry[cert] < ctx.today:
            missing.append(f"{name}（{date_text(int(expiry[cert]))}已过期）")
    return {"missing": "、".join(missing)}


_WEAK = LABOUR_ORDER.index(LabourCapacity.WEAK)
_FRAIL = [HEALTH_ORDER.index(Health.SERIOUS), HEALTH_ORDER.index(Health.DISABLED)]
_DEMAND_ZH = {Demand.LIGHT: "轻体力活", Demand.NORMAL: "一般体力活", Demand.HEAVY: "重体力活"}


def _demand(postings: PostingFrame, pi: Index) -> npt.NDArray[np.int8]:
    demand = postings.demand[pi]
    return np.where(demand < 0, np.int8(Demand.NORMAL), demand)  # unknown demand: normal work


def _labour(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    labour, health, demand = workers.labour[wi], workers.health[wi], _demand(postings, pi)
    # unknown labour capacity: light and normal work, not heavy (the ledger did not say the person is strong)
    not_heavy = np.isin(health, _FRAIL) | (labour < 0)
    refused = np.isin(labour, NO_LABOUR_CODES) | ((labour == _WEAK) & (demand > Demand.LIGHT))
    return _flags(~refused & ~(not_heavy & (demand == Demand.HEAVY)))


def _labour_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    labour, health = int(workers.labour[w]), int(workers.health[w])
    if labour in NO_LABOUR_CODES or labour == _WEAK:
        capacity = f"为{LABOUR_ORDER[labour].zh}"
    elif labour < 0:
        capacity = "劳动能力未登记"
    else:
        capacity = HEALTH_ORDER[health].zh if health >= 0 else "健康状况不详"
    return {"demand": _DEMAND_ZH[int(_demand(postings, np.array([p]))[0])], "capacity": capacity}


def _sex(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    required = postings.sex_required[pi]
    if not ctx.policy.apply_sex_requirement:
        return np.ones(len(pi), dtype=np.bool_)
    return _flags((required < 0) | (workers.sex[wi] == required))


def _sex_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    sex = int(workers.sex[w])
    return {"required": SEX_ORDER[int(postings.sex_required[p])].zh, "sex": SEX_ORDER[sex].zh if sex >= 0 else "不详"}


# --- place -------------------------------------------------------------------------------------------------


def _place(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    return within_wish(workers, wi, postings, pi, ctx.policy)


def _wish_text(wish: int, policy: Policy, limit: str = "") -> str:
    if wish < 0:
        return f"本人未登记意向地点（按{policy.unknown_wish.zh}计{limit}）"
    return f"本人意向{PLACE_ORDER[wish].zh}" + (f"（{limit.lstrip('，')}）" if limit else "")


_AREA_ZH = ("本县", "本县", "本市", "本省", "")


def _place_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    wish = int(workers.wish_place[w])
    km = float(pair_distance_km(workers, np.array([w]), postings, np.array([p]))[0])
    if np.isnan(km):
        area = _AREA_ZH[wish if wish >= 0 else PLACE_ORDER.index(ctx.policy.unknown_wish)]
        return {"detail": f"工作地不在{area}，{_wish_text(wish, ctx.policy)}"}
    limit = float(wish_limit_km(np.array([wish]), ctx.policy)[0])
    return {"detail": f"工作地距安置点{km:.0f}公里，{_wish_text(wish, ctx.policy, f'，{limit:.0f}公里内')}"}


_FAR = [PLACE_ORDER.index(PlaceRange.PROVINCE), PLACE_ORDER.index(PlaceRange.ANYWHERE)]


def _out_of_area(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    # an unrecorded wish does not pass: the broker asks the worker before proposing a group trip
    return _flags(~postings.out_of_area[pi] | np.isin(workers.wish_place[wi], _FAR))


def _out_of_area_fields(
    workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext
) -> dict[str, str]:
    wish = int(workers.wish_place[w])
    if wish < 0:
        return {"detail": "本人未登记意向地点，请先确认是否愿意外出"}
    return {"detail": f"本人意向{PLACE_ORDER[wish].zh}，未表示愿意外出务工"}


# --- public-welfare posts (公益性岗位): other postings pass ----------------------------------------------


def _pw_age(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    # age at hiring: hiring is proposed today
    age = ages_at(workers.birth_day[wi], ctx.today)
    lo, hi = hire_age_limits(postings, pi, ctx.policy)
    return _flags(~postings.public_welfare[pi] | ((age >= 0) & (age >= lo) & (age <= hi)))


def _pw_age_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    lo, hi = hire_age_limits(postings, np.array([p]), ctx.policy)
    return {"range": _range_text(int(lo[0]), int(hi[0])), "age": _age_text(_age(workers, w, ctx))}


def _pw_local(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    # an unknown county (0 or less) cannot prove local registration
    home, work = workers.local_county[wi], postings.work_county[pi]
    local = (home > 0) & (home == work)
    return _flags(~(postings.public_welfare[pi] & postings.local_registration[pi]) | local)


def _pw_local_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, str]:
    if workers.local_county[w] <= 0 or postings.work_county[p] <= 0:
        return {"detail": "本人或岗位所在县不详，无法核对"}
    return {"detail": "本人安置点不在岗位所在县"}


def _pw_cadre(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    return _flags(~(postings.public_welfare[pi] & postings.exclude_cadres[pi]) | ~workers.village_cadre[wi])


def _max_terms(postings: PostingFrame, pi: Index, policy: Policy) -> npt.NDArray[np.int8]:
    terms = postings.max_terms[pi]
    return np.where(terms < 0, np.int8(policy.public_welfare_max_terms), terms)


def _pw_terms(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    held = workers.public_welfare_terms[wi]
    return _flags(~postings.public_welfare[pi] | (held < _max_terms(postings, pi, ctx.policy)))


def _pw_terms_fields(workers: WorkerFrame, w: int, postings: PostingFrame, p: int, ctx: RuleContext) -> dict[str, int]:
    return {
        "held": int(workers.public_welfare_terms[w]),
        "max": int(_max_terms(postings, np.array([p]), ctx.policy)[0]),
    }


def _pw_photovoltaic(workers: WorkerFrame, wi: Index, postings: PostingFrame, pi: Index, ctx: RuleContext) -> Flags:
    entitled = workers.household_lifted[wi] | workers.household_monitored[wi]
    return _flags(~(postings.public_welfare[pi] & postings.photovoltaic[pi]) | entitled)


RULES: tuple[Rule, ...] = (
    Rule("posting_open", "岗位不可报名：{state}", _open, _open_fields),
    Rule("worker_available", "本人当前不求职：已就业、在校或无求职意愿", _available, _none),
    Rule("working_age", "不在法定劳动年龄：法定劳动年龄{range}，{age}", _working_age, _working_age_fields),
    Rule("posting_age", "年龄不符：岗位要求{range}，{age}", _posting_age, _posting_age_fields),
    Rule("certificates", "缺少岗位要求的证书：{missing}", _certificates, _certificates_fields),
    Rule("labour", "劳动能力不符：岗位为{demand}，本人{capacity}", _labour, _labour_fields),
    Rule("sex", "性别不符：岗位要求{required}性，本人性别{sex}", _sex, _sex_fields),
    Rule("place_wish", "超出求职意向地点：{detail}", _place, _place_fields),
    Rule("out_of_area", "外出务工岗位：{detail}", _out_of_area, _out_of_area_fields),
    Rule("public_welfare_age", "公益性岗位聘用年龄{range}，{age}", _pw_age, _pw_age_fields),
    Rule("public_welfare_local", "公益性岗位须本地户籍：{detail}", _pw_local, _pw_local_fields),
    Rule("public_welfare_cadre", "公益性岗位不聘用村干部", _pw_cadre, _none),
    Rule("public_welfare_terms", "公益性岗位最多任{max}期，本人已任{held}期", _pw_terms, _pw_terms_fields),
    Rule("public_welfare_photovoltaic", "光伏收益公益性岗位仅限脱贫户或监测户", _pw_photovoltaic, _none),
)


class Failure(NamedTuple):
    """A failed rule of one pair: its ``rule`` name and the filled-in Chinese ``reason``."""

    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of ``evaluate``: ``eligible`` per pair, and per rule name the pairs that ``failed`` it."""

    eligible: Flags
    failed: Mapping[str, Flags]
    workers: WorkerFrame
    wi: Index
    postings: PostingFrame
    pi: Index
    ctx: RuleContext
    rules: Sequence[Rule]

    @property
    def n_failed(self) -> npt.NDArray[np.int32]:
        """Per pair: how many rules it fails (0 when eligible)."""
        total = np.zeros(len(self.eligible), dtype=np.int32)
        for mask in self.failed.values():
            total += mask
        return total

    def near_misses(self, max_failed: int = 1) -> npt.NDArray[np.intp]:
        """Pair positions that fail at least one and at most ``max_failed`` rules."""
        n = self.n_failed
        return np.flatnonzero((n >= 1) & (n <= max_failed))

    def failures(self, k: int) -> list[Failure]:
        """The rules pair ``k`` fails, in rule order, with their Chinese reasons."""
        w, p = int(self.wi[k]), int(self.pi[k])
        return [
            Failure(rule.name, rule.explain(self.workers, w, self.postings, p, self.ctx))
            for rule in self.rules
            if self.failed[rule.name][k]
        ]


def evaluate(
    workers: WorkerFrame,
    wi: Index,
    postings: PostingFrame,
    pi: Index,
    ctx: RuleContext,
    rules: Sequence[Rule] = RULES,
) -> Verdict:
    """Check every rule on every pair (``wi[k]``, ``pi[k]``)."""
    wi, pi = np.asarray(wi, dtype=np.intp), np.asarray(pi, dtype=np.intp)
    if wi.shape != pi.shape:
        raise ValueError("wi and pi must have the same length: one entry per pair")
    eligible = np.ones(len(wi), dtype=np.bool_)
    failed: dict[str, Flags] = {}
    for rule in rules:
        failed[rule.name] = ~rule.check(workers, wi, postings, pi, ctx)
        eligible &= ~failed[rule.name]
    return Verdict(eligible, failed, workers, wi, postings, pi, ctx, tuple(rules))
