"""Training: grouped cross-validation for hyper-parameters and thresholds, then one final fit.

1. The rules run once per ad (:class:`~screener.features.Detector` is stateless).
2. Folds are grouped by the corpus ``group`` (a template family never straddles train and test) and
   stratified by label; the n-gram vocabularies are fitted inside each fold.
3. ``C`` and the weight of the modus-operandi block are chosen by mean PR-AUC over the folds.
4. The scope model (*is this a job offer at all?*) is a logistic regression on the same features,
   trained on the categories (awareness posts and non-offers are not offers). Its threshold is the
   highest probability of being an offer, at most one half, that still keeps ``scope_recall`` of the
   risky offers in scope: a risky offer called "not an offer" is the costly error.
5. The best setting's out-of-fold risk, calibrated by a sigmoid and set to 0 where the out-of-fold
   scope says "not an offer", chooses the tier thresholds: ``tinggi`` at a stated precision,
   ``sedang`` at a stated recall.
6. The final pipeline is fitted on every row; its calibration is fitted on grouped out-of-fold scores.
"""

from __future__ import annotations

import math
import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy
import sklearn
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from screener import paths
from screener.datasets import Dataset
from screener.features import Detector, ModusFeatures
from screener.indicators import Findings
from screener.metrics import choose_thresholds, score_metrics
from screener.model import CATEGORIES, TrainedModel, build_classifier, build_features, in_scope
from screener.vocabulary import Category

__all__ = [
    "DEFAULT_GRID",
    "TrainSettings",
    "choose_scope_threshold",
    "grouped_folds",
    "scope_metrics",
    "train",
]

DEFAULT_GRID = {"C": (16.0, 64.0, 256.0), "modus_scale": (0.5, 1.0)}
SCOPE_C_GRID = (4.0, 16.0, 64.0)


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 0
    n_splits: int = 5
    tinggi_precision: float = 0.97
    sedang_recall: float = 0.99
    scope_recall: float = 0.995
    grid: tuple[tuple[float, float], ...] | None = None  # (C, modus_scale) pairs; None = DEFAULT_GRID
    version: str | None = None


def grouped_folds(
    labels: np.ndarray, groups: list[str] | None, n_splits: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds that keep each group whole (plain stratified folds when there are no groups)."""
    labels = np.asarray(labels)
    n_splits = max(2, min(n_splits, int(np.bincount(labels).min())))
    if groups is None:
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        return [(a, b) for a, b in splitter.split(np.zeros(len(labels)), labels)]
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(a, b) for a, b in splitter.split(np.zeros(len(labels)), labels, groups)]


def _text_features() -> FeatureUnion:
    union = build_features()
    union.transformer_list = [(name, step) for name, step in union.transformer_list if name != "modus"]
    return union


def _fold_matrices(
    findings: list[Findings], folds: list[tuple[np.ndarray, np.ndarray]]
) -> list[tuple[Any, Any]]:
    matrices = []
    for train_index, test_index in folds:
        union = _text_features()
        x_train = union.fit_transform([findings[i] for i in train_index])
        x_test = union.transform([findings[i] for i in test_index])
        matrices.append((x_train, x_test))
    return matrices


def _with_modus(text_block: Any, modus_block: Any, scale: float) -> sparse.csr_matrix:
    return sparse.hstack([text_block, modus_block * scale], format="csr")


def train(dataset: Dataset, settings: TrainSettings | None = None) -> TrainedModel:
    """Fit the shipped kind of model on ``dataset``; the card holds the out-of-fold figures."""
    settings = settings or TrainSettings()
    started = time.perf_counter()
    y = np.asarray(dataset.labels, dtype=int)
    findings = Detector().transform(dataset.texts)
    modus_all = ModusFeatures(scale=1.0).fit(findings).transform(findings)
    folds = grouped_folds(y, dataset.groups, settings.n_splits, settings.seed)
    matrices = _fold_matrices(findings, folds)

    grid = settings.grid or tuple((c, s) for c in DEFAULT_GRID["C"] for s in DEFAULT_GRID["modus_scale"])
    search: list[dict[str, Any]] = []
    decisions: dict[tuple[float, float], np.ndarray] = {}
    for C, scale in grid:
        oof_decision = np.zeros(len(y))
        scores = []
        for (train_index, test_index), (x_train, x_test) in zip(folds, matrices, strict=True):
            model = LogisticRegression(
                C=C, class_weight="balanced", max_iter=3000, random_state=settings.seed
            )
            model.fit(_with_modus(x_train, modus_all[train_index], scale), y[train_index])
            oof_decision[test_index] = model.decision_function(
                _with_modus(x_test, modus_all[test_index], scale)
            )
            scores.append(average_precision_score(y[test_index], oof_decision[test_index]))
        decisions[(C, scale)] = oof_decision
        search.append(
            {
                "C": C,
                "modus_scale": scale,
                "pr_auc_mean": float(np.mean(scores)),
                "pr_auc_std": float(np.std(scores)),
            }
        )
    best = max(search, key=lambda row: (round(row["pr_auc_mean"], 4), -row["C"]))

    categories = dataset.categories or [("tppo" if label else "legit") for label in y]
    offer = np.asarray([Category(c).is_offer for c in categories], dtype=int)
    # Data without any text that is not an offer (a foreign labelled file) trains no scope model.
    has_scope = len(np.unique(offer)) == 2
    scope_search: list[dict[str, Any]] = []
    scope_c: float | None = None
    oof_offer = np.ones(len(y))
    scope_threshold = 0.0
    if has_scope:
        scope_search, oof_by_c = _scope_search(
            offer, y, folds, matrices, modus_all, best["modus_scale"], settings.seed
        )
        scope_c = max(scope_search, key=lambda row: (round(row["pr_auc_not_offer_mean"], 4), -row["C"]))["C"]
        oof_offer = oof_by_c[scope_c]
        scope_threshold = choose_scope_threshold(oof_offer, y, recall=settings.scope_recall)

    # Calibrated out-of-fold scores (a sigmoid on the best setting's out-of-fold decisions, as the
    # final model's calibration is fitted), gated by the out-of-fold scope, choose the tier thresholds
    # and give the card's CV figures.
    oof_decision = decisions[(best["C"], best["modus_scale"])]
    sigmoid = LogisticRegression(C=1e6, max_iter=1000).fit(oof_decision.reshape(-1, 1), y)
    n_words = np.asarray([len(f.text.split()) for f in findings])
    oof = np.where(
        in_scope(oof_offer, n_words, scope_threshold),
        sigmoid.predict_proba(oof_decision.reshape(-1, 1))[:, 1],
        0.0,
    )
    thresholds = choose_thresholds(
        y, oof, tinggi_precision=settings.tinggi_precision, sedang_recall=settings.sedang_recall
    )
    if has_scope:
        thresholds["scope"] = scope_threshold
        thresholds["scope_recall_target"] = settings.scope_recall

    # The final model, fitted on every row.
    final_folds = grouped_folds(y, dataset.groups, settings.n_splits, settings.seed)
    pipeline = Pipeline(
        [
            ("detect", Detector()),
            ("features", build_features(modus_scale=best["modus_scale"])),
            ("classifier", build_classifier(C=best["C"], cv=final_folds, random_state=settings.seed)),
        ]
    )
    features = pipeline.named_steps["features"]
    x_all = features.fit_transform(findings)
    pipeline.named_steps["classifier"].fit(x_all, y)
    pipeline.named_steps["classifier"].cv = settings.n_splits  # the fold indices are not needed any more
    category_model = LogisticRegression(C=best["C"], max_iter=3000, random_state=settings.seed)
    category_model.fit(x_all, categories)
    scope_model = None
    if has_scope:
        scope_model = LogisticRegression(C=scope_c, max_iter=3000, random_state=settings.seed)
        scope_model.fit(x_all, offer)

    elapsed = time.perf_counter() - started
    names = features.get_feature_names_out()
    card: dict[str, Any] = {
        "name": "tppo-screener",
        "version": settings.version or datetime.now(UTC).strftime("%Y%m%d-%H%M%S"),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data": {
            "source": paths.portable(dataset.source),  # relative to the project root
            "sha256": dataset.fingerprint(),
            "n_rows": len(y),
            "n_positive": int(y.sum()),
            "categories": {c: categories.count(c) for c in CATEGORIES},
        },
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "hyperparameters": {"C": best["C"], "modus_scale": best["modus_scale"], "seed": settings.seed,
                            "n_splits": settings.n_splits, "search": search,
                            "scope_C": scope_c, "scope_search": scope_search},
        "thresholds": thresholds,
        "cv_metrics": {
            "method": "out-of-fold predictions of grouped stratified cross-validation on the training data "
            "(the folds also chose the hyper-parameters, so slightly optimistic)",
            **score_metrics(y, oof, thresholds),
            "scope": scope_metrics(offer, y, oof_offer, scope_threshold) if has_scope else None,
        },
        "features": {
            "total": len(names),
            "words": int(sum(n.startswith("words__") for n in names)),
            "chars": int(sum(n.startswith("chars__") for n in names)),
            "modus": int(sum(n.startswith("modus__") for n in names)),
        },
        "training_seconds": round(elapsed, 1),
    }  # fmt: skip
    return TrainedModel(pipeline, category_model, card, scope_model=scope_model)


def _scope_search(
    offer: np.ndarray,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    matrices: list[tuple[Any, Any]],
    modus_all: Any,
    scale: float,
    seed: int,
) -> tuple[list[dict[str, Any]], dict[float, np.ndarray]]:
    """Out-of-fold probability of being an offer for each ``C`` of :data:`SCOPE_C_GRID`."""
    search: list[dict[str, Any]] = []
    oof: dict[float, np.ndarray] = {}
    for C in SCOPE_C_GRID:
        p = np.zeros(len(offer))
        scores = []
        for (train_index, test_index), (x_train, x_test) in zip(folds, matrices, strict=True):
            model = LogisticRegression(C=C, max_iter=3000, random_state=seed)
            model.fit(_with_modus(x_train, modus_all[train_index], scale), offer[train_index])
            p[test_index] = model.predict_proba(_with_modus(x_test, modus_all[test_index], scale))[:, 1]
            scores.append(average_precision_score(1 - offer[test_index], 1 - p[test_index]))
        oof[C] = p
        search.append(
            {
                "C": C,
                "pr_auc_not_offer_mean": float(np.mean(scores)),
                "pr_auc_not_offer_std": float(np.std(scores)),
            }
        )
    return search, oof


def choose_scope_threshold(p_offer: np.ndarray, y: np.ndarray, *, recall: float) -> float:
    """The highest threshold, at most 0.5, that keeps ``recall`` of the risky texts in scope."""
    risky = np.sort(np.asarray(p_offer)[np.asarray(y) == 1])
    if len(risky) == 0:
        return 0.5
    lost = int(np.floor((1.0 - recall) * len(risky)))  # the risky texts we accept to lose
    threshold = min(float(risky[min(lost, len(risky) - 1)]), 0.5)
    return math.floor(threshold * 10_000) / 10_000  # rounded down: the kept texts stay kept


def scope_metrics(offer: np.ndarray, y: np.ndarray, p_offer: np.ndarray, threshold: float) -> dict[str, Any]:
    """How the scope decision does: not-offers caught, offers (and risky offers) kept in scope."""
    in_scope = np.asarray(p_offer) >= threshold
    offer = np.asarray(offer, dtype=bool)
    risky = np.asarray(y) == 1
    not_offer = ~offer
    return {
        "threshold": threshold,
        "not_offer_caught": round(float((~in_scope[not_offer]).mean()), 4) if not_offer.any() else None,
        "offers_kept": round(float(in_scope[offer].mean()), 4) if offer.any() else None,
        "risky_kept": round(float(in_scope[risky].mean()), 4) if risky.any() else None,
        "pr_auc_not_offer": round(float(average_precision_score(not_offer, 1 - np.asarray(p_offer))), 4)
        if not_offer.any() and offer.any()
        else None,
    }
