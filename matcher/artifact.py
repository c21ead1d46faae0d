"""Trained models as immutable artifact folders: ``model.joblib`` beside ``meta.json``.

``meta.json`` holds the version (training date and a digest of the model file), the versions of the
libraries that built it, the feature names in order, the range of the training data, its size and the
metrics measured when it was built. Loading refuses an artifact built with other feature names or another
scikit-learn, NumPy or SciPy, instead of predicting nonsense. Artifacts live under ``var/models/`` and are
never committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy
import scipy
import sklearn

from models.errors import Misconfigured

__all__ = ["ModelMeta", "latest_artifact", "library_versions", "load_artifact", "save_artifact"]

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"


def library_versions() -> dict[str, str]:
    return {"scikit-learn": sklearn.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__}


@dataclass(frozen=True, slots=True)
class ModelMeta:
    version: str
    created_at: str
    feature_names: list[str]
    libraries: dict[str, str]
    trained_from: str | None
    trained_to: str | None
    n_train: int
    n_positive: int
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)


def save_artifact(
    model: Any,
    root: Path,
    *,
    feature_names: list[str],
    trained_from: dt.date | None,
    trained_to: dt.date | None,
    n_train: int,
    n_positive: int,
    metrics: dict[str, float],
) -> tuple[Path, ModelMeta]:
    """Write a new artifact folder under ``root``; never overwrites one."""
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{dt.datetime.now(dt.UTC).strftime('%Y%m%d%H%M%S%f')}"
    staging.mkdir()
    joblib.dump(model, staging / MODEL_FILE)
    digest = hashlib.sha256((staging / MODEL_FILE).read_bytes()).hexdigest()[:10]
    now = dt.datetime.now(dt.UTC)
    meta = ModelMeta(
        version=f"{now:%Y%m%d}-{digest}",
        created_at=now.isoformat(timespec="seconds"),
        feature_names=list(feature_names),
        libraries=library_versions(),
        trained_from=trained_from.isoformat() if trained_from else None,
        trained_to=trained_to.isoformat() if trained_to else None,
        n_train=n_train,
        n_positive=n_positive,
        metrics=metrics,
        params=model.get_params() if hasattr(model, "get_params") else {},
    )
    (staging / META_FILE).write_text(json.dumps(asdict(meta), ensure_ascii=False, indent=2), encoding="utf-8")
    folder = root / meta.version
    if folder.exists():  # the same model trained twice on the same day: keep the first
        for child in staging.iterdir():
            child.unlink()
        staging.rmdir()
        return folder, meta
    staging.rename(folder)
    return folder, meta


def load_artifact(folder: Path, *, feature_names: list[str]) -> tuple[Any, ModelMeta]:
    """The model of ``folder`` and its meta; ``Misconfigured`` if it does not fit this code."""
    try:
        meta = ModelMeta(**json.loads((folder / META_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise Misconfigured(f"模型文件夹 {folder} 缺少或无法读取 {META_FILE}，请重新训练（anye train）。") from exc
    if meta.feature_names != list(feature_names):
        raise Misconfigured(f"模型 {meta.version} 的特征与当前程序不一致，请重新训练（anye train）。")
    if meta.libraries != library_versions():
        raise Misconfigured(
            f"模型 {meta.version} 由 {meta.libraries} 训练，当前为 {library_versions()}，请重新训练（anye train）。"
        )
    return joblib.load(folder / MODEL_FILE), meta


def latest_artifact(root: Path) -> Path | None:
    """The newest artifact folder under ``root`` (by creation time in its meta), or None."""
    best: tuple[str, Path] | None = None
    for meta_path in root.glob(f"*/{META_FILE}"):
        if meta_path.parent.name.startswith("."):
            continue
        try:
            created = str(json.loads(meta_path.read_text(encoding="utf-8"))["created_at"])
        except (OSError, ValueError, KeyError):
            continue
        if best is None or created > best[0]:
            best = (created, meta_path.parent)
    return best[1] if best else None
