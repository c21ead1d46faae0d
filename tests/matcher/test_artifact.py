"""Model artifacts: saved once, loaded back identical, refused when they do not fit the code."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from matcher.artifact import latest_artifact, load_artifact, save_artifact
from matcher.ranker import HireModel
from models.errors import Misconfigured

NAMES = ["a", "b", "c"]


def _trained() -> tuple[HireModel, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.normal(scale=0.5, size=300) > 0).astype(int)
    return HireModel(max_iter=20).fit(X, y), X


def _save(model: HireModel, root: Path) -> Path:
    folder, _ = save_artifact(
        model,
        root,
        feature_names=NAMES,
        trained_from=dt.date(2024, 1, 1),
        trained_to=dt.date(2026, 6, 30),
        n_train=300,
        n_positive=150,
        metrics={"auc": 0.9},
    )
    return folder


def test_round_trip_gives_the_same_predictions_and_meta(tmp_path: Path) -> None:
    model, X = _trained()
    folder = _save(model, tmp_path)
    loaded, meta = load_artifact(folder, feature_names=NAMES)
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    assert meta.version == folder.name and meta.trained_to == "2026-06-30" and meta.metrics == {"auc": 0.9}
    assert latest_artifact(tmp_path) == folder


def test_an_artifact_with_other_features_is_refused(tmp_path: Path) -> None:
    folder = _save(_trained()[0], tmp_path)
    with pytest.raises(Misconfigured, match="特征与当前程序不一致"):
        load_artifact(folder, feature_names=["a", "b"])


def test_an_artifact_built_with_another_library_is_refused(tmp_path: Path) -> None:
    folder = _save(_trained()[0], tmp_path)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(Misconfigured, match="请重新训练"):
        load_artifact(folder, feature_names=NAMES)


def test_a_missing_meta_is_refused_and_no_artifact_is_none(tmp_path: Path) -> None:
    assert latest_artifact(tmp_path) is None
    (tmp_path / "broken").mkdir()
    with pytest.raises(Misconfigured, match="meta.json"):
        load_artifact(tmp_path / "broken", feature_names=NAMES)
