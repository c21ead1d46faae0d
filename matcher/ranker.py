"""The ranking model: the probability that a proposal ends in a hire that lasts 3 months.

``HireModel`` follows scikit-learn's conventions (``__init__`` stores keyword-only parameters; ``fit``
validates, sets attributes ending in ``_`` and returns ``self``; fitted methods call ``check_is_fitted``) and
passes ``parametrize_with_checks``. Inside: gradient-boosted trees (which take missing values as they are:
an unknown wish wage is information, not zero) calibrated with cross-validation, so a probability of 0.3
means about 3 in 10 such proposals lasted.

``n_threads`` bounds the OpenMP threads of fitting and predicting (default 1): the service answers many
requests at once, and on a busy machine OpenMP's spinning threads made one fit 35 times slower (127 s
against 3.6 s for the small demo city on 2 cores; None uses every core).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

__all__ = ["HireModel"]


@functools.cache
def _threads() -> ThreadpoolController:
    """The process's thread pools, found once: ``threadpool_limits`` looks them up on every call (milliseconds,
    more than a prediction for one search)."""
    return ThreadpoolController()


class HireModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # scikit-learn is untyped
    """Calibrated gradient boosting over pair features (``matcher.features.FEATURE_NAMES``)."""

    def __init__(
        self,
        *,
        learning_rate: float = 0.08,
        max_iter: int = 150,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        calibration: str = "isotonic",
        cv: int = 3,
        random_state: int | None = 0,
        n_threads: int | None = 1,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state
        self.n_threads = n_threads

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> HireModel:
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"HireModel needs at least 2 classes in y; got 1 class: {self.classes_.tolist()}.")
        smallest = int(np.min(np.unique(y, return_counts=True)[1]))
        folds = max(2, min(self.cv, smallest))
        trees = HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=min(self.min_samples_leaf, max(1, len(y) // (4 * folds))),
            l2_regularization=self.l2_regularization,
            random_state=self.random_state,
        )
        method = self.calibration if smallest >= folds else "sigmoid"
        self.calibrated_ = CalibratedClassifierCV(trees, method=method, cv=folds)
        with _threads().limit(limits=self.n_threads, user_api="openmp"):
            self.calibrated_.fit(X, y, sample_weight=sample_weight)
        self.n_iter_ = max(c.estimator.n_iter_ for c in self.calibrated_.calibrated_classifiers_)
        return self

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        with _threads().limit(limits=self.n_threads, user_api="openmp"):
            return np.asarray(self.calibrated_.predict_proba(X))

    def predict(self, X: Any) -> npt.NDArray[Any]:
        check_is_fitted(self)
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])
