"""The ranking model keeps scikit-learn's conventions and learns a signal that is there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from matcher.ranker import HireModel

# Repeating a sample and doubling its weight are not the same to the calibration's cross-validation, whose
# folds split the repeated copies: the fitted models differ a little, as CalibratedClassifierCV's own do.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": "calibration folds differ between weights and repeats"
}


@parametrize_with_checks([HireModel(max_iter=20, cv=2)], expected_failed_checks=lambda _: EXPECTED_FAILURES)
def test_scikit_learn_estimator_checks(estimator: Any, check: Callable[[Any], None]) -> None:
    check(estimator)


def test_probabilities_are_calibrated_and_rank_the_signal() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4000, 4))
    X[rng.random(4000) < 0.2, 2] = np.nan  # unknown values stay unknown
    truth = 1 / (1 + np.exp(-(1.5 * X[:, 0] - 1.0)))
    y = (rng.random(4000) < truth).astype(int)
    model = HireModel().fit(X[:3000], y[:3000])
    p = model.predict_proba(X[3000:])[:, 1]
    assert roc_auc_score(y[3000:], p) > 0.75
    assert abs(p.mean() - y[3000:].mean()) < 0.05  # calibrated on average


def test_a_single_class_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="at least 2 classes in y; got 1 class"):
        HireModel().fit(np.zeros((10, 2)), np.zeros(10))
