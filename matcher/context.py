"""Raw attributes of a pair that only the learned model sees: who the person is and what the job is.

The transparent weighted score and the explanations use ``matcher.features`` (each column a reason one can
say); the model also gets these raw columns so it can learn how they interact (heavy work and weak health,
public-welfare posts and older workers, pay level when no wage wish is recorded). Unknowns stay NaN: the
gradient-boosted model takes missing values as information.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.features import FEATURE_NAMES, distance_estimate_km
from matcher.frame import NO_DATE, PostingFrame, WorkerFrame
from matcher.policy import RuleContext, wish_limit_km

__all__ = ["CONTEXT_NAMES", "MODEL_FEATURE_NAMES", "context_features"]

CONTEXT_NAMES: tuple[str, ...] = (
    "age_years",
    "sex",
    "labour_capacity",
    "health",
    "physical_demand",
    "public_welfare",
    "out_of_area",
    "pay_month",
    "wish_min_wage",
    "distance_over_wish",
)
MODEL_FEATURE_NAMES: tuple[str, ...] = FEATURE_NAMES + CONTEXT_NAMES


def _codes(values: npt.NDArray[np.int8]) -> npt.NDArray[np.float32]:
    return np.where(values < 0, np.nan, values).astype(np.float32)


def context_features(
    workers: WorkerFrame,
    wi: npt.NDArray[np.intp],
    postings: PostingFrame,
    pi: npt.NDArray[np.intp],
    ctx: RuleContext,
    day: npt.NDArray[np.int32] | None = None,
) -> npt.NDArray[np.float32]:
    """(n_pairs x len(CONTEXT_NAMES)); ``day`` per pair (default: ``ctx.today``) for the age."""
    when = np.full(len(wi), ctx.today, dtype=np.int64) if day is None else day.astype(np.int64)
    birth = workers.birth_day[wi].astype(np.int64)
    out = np.empty((len(wi), len(CONTEXT_NAMES)), dtype=np.float32)
    out[:, 0] = np.where(birth == NO_DATE, np.nan, (when - birth) / 365.25)
    out[:, 1] = _codes(workers.sex[wi])
    out[:, 2] = _codes(workers.labour[wi])
    out[:, 3] = _codes(workers.health[wi])
    out[:, 4] = _codes(postings.demand[pi])
    out[:, 5] = postings.public_welfare[pi]
    out[:, 6] = postings.out_of_area[pi]
    pay_max, pay_min = postings.pay_max_month[pi], postings.pay_min_month[pi]
    out[:, 7] = np.where(np.isnan(pay_max), pay_min, pay_max)
    out[:, 8] = workers.wish_min_wage[wi]
    limit = wish_limit_km(workers.wish_place[wi], ctx.policy)
    km = distance_estimate_km(workers, wi, postings, pi)
    out[:, 9] = np.where(np.isinf(limit), 0.0, km / np.maximum(limit, 1.0))
    return out
