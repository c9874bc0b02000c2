"""Training: grouped cross-validation for hyper-parameters and thresholds, then one final fit.

1. The rules run once per ad (:class:`~screener.features.Detector` is stateless).
2. Folds are grouped by the corpus ``group`` (a template family never straddles train and test) and
   stratified by label; the n-gram vocabularies are fitted inside each fold.
3. ``C`` and the weight of the modus-operandi block are chosen by mean PR-AUC over the folds. Each
   fold fits its ``C`` values as one warm-started path (ascending ``C``: the same convex optima in far
   fewer solver iterations), and the folds run in parallel processes (``TrainSettings.n_jobs``).
4. The scope model (*is this a job offer at all?*) is a logistic regression on the same features,
   trained on the categories (awareness posts and non-offers are not offers). Its threshold is the
   highest probability of being an offer, at most one half, that still keeps ``scope_recall`` of the
   risky offers in scope: a risky offer called "not an offer" is the costly error.
5. The best setting's out-of-fold risk, calibrated by a sigmoid and set to 0 where the out-of-fold
   scope says "not an offer", chooses the tier thresholds: ``tinggi`` at a stated precision,
   ``sedang`` at a stated recall.
6. The final pipeline is fitted on every row; its calibration is fitted on grouped out-of-fold scores
   (the fold fits in parallel); the category and scope models are fitted in parallel too.
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
from joblib import Parallel, delayed
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
from screener.ngrams import HashedCorpus, HashedTfidf
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
    n_jobs: int = -1  # processes for the cross-validation fits (joblib: -1 = all cores, 1 = none)


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


def _text_blocks(union: FeatureUnion) -> list[HashedTfidf]:
    blocks = [step for name, step in union.transformer_list if name != "modus"]
    if not all(isinstance(block, HashedTfidf) for block in blocks):
        raise TypeError("training expects HashedTfidf text blocks (screener.model.build_features)")
    return blocks


def _corpora(findings: list[Findings]) -> list[HashedCorpus]:
    """Each text block's n-grams of every ad, hashed once for all the folds and the final fit."""
    return [
        HashedCorpus(findings, block.analyzer, block.ngram_range, block.n_bits)
        for block in _text_blocks(build_features())
    ]


def _fold_matrices(
    corpora: list[HashedCorpus], folds: list[tuple[np.ndarray, np.ndarray]]
) -> list[tuple[Any, Any]]:
    """The text blocks of each fold: vocabularies fitted on its training rows only."""
    matrices = []
    for train_index, test_index in folds:
        blocks = _text_blocks(build_features())
        for block, corpus in zip(blocks, corpora, strict=True):
            block.fit_corpus(corpus, train_index)
        x_train = sparse.hstack(
            [b.transform_corpus(c, train_index) for b, c in zip(blocks, corpora, strict=True)], format="csr"
        )
        x_test = sparse.hstack(
            [b.transform_corpus(c, test_index) for b, c in zip(blocks, corpora, strict=True)], format="csr"
        )
        matrices.append((x_train, x_test))
    return matrices


def _with_modus(text_block: Any, modus_block: Any, scale: float) -> sparse.csr_matrix:
    return sparse.hstack([text_block, modus_block * scale], format="csr", dtype=np.float64)


def _c_path(
    x_train: Any,
    y_train: np.ndarray,
    x_test: Any,
    Cs: tuple[float, ...],
    seed: int,
    class_weight: str | None,
    output: str,
) -> list[np.ndarray]:
    """Fit a logistic regression for each ``C`` (ascending), each warm-started from the previous
    optimum, and score ``x_test`` with each: the same optima as separate fits (the loss is convex),
    in far fewer iterations."""
    model = LogisticRegression(
        C=Cs[0], class_weight=class_weight, max_iter=3000, random_state=seed, warm_start=True
    )
    scores = []
    for C in Cs:
        model.set_params(C=C).fit(x_train, y_train)
        if output == "decision":
            scores.append(model.decision_function(x_test))
        else:
            scores.append(model.predict_proba(x_test)[:, 1])
    return scores


def _search(
    tasks: list[tuple[int, float, tuple[float, ...]]],
    folds: list[tuple[np.ndarray, np.ndarray]],
    matrices: list[tuple[Any, Any]],
    modus_all: Any,
    target: np.ndarray,
    *,
    seed: int,
    class_weight: str | None,
    output: str,
    n_jobs: int,
) -> dict[tuple[float, float], list[np.ndarray]]:
    """Out-of-fold scores per (C, modus scale), per fold (in ``folds`` order), fitted in parallel.

    ``tasks`` are (fold index, modus scale, C values); each fits the whole ``C`` path of one fold."""
    results = Parallel(n_jobs=n_jobs)(
        delayed(_c_path)(
            _with_modus(matrices[k][0], modus_all[folds[k][0]], scale),
            target[folds[k][0]],
            _with_modus(matrices[k][1], modus_all[folds[k][1]], scale),
            Cs,
            seed,
            class_weight,
            output,
        )
        for k, scale, Cs in tasks
    )
    by_setting: dict[tuple[float, float], list[np.ndarray]] = {}
    for (k, scale, Cs), scores in zip(tasks, results, strict=True):
        for C, score in zip(Cs, scores, strict=True):
            by_setting.setdefault((C, scale), [np.zeros(0)] * len(folds))[k] = score
    return by_setting


def _fit(model: Any, x: Any, target: Any) -> Any:
    return model.fit(x, target)


def train(dataset: Dataset, settings: TrainSettings | None = None) -> TrainedModel:
    """Fit the shipped kind of model on ``dataset``; the card holds the out-of-fold figures."""
    settings = settings or TrainSettings()
    started = time.perf_counter()
    y = np.asarray(dataset.labels, dtype=int)
    findings = Detector().transform(dataset.texts)
    modus_all = ModusFeatures(scale=1.0).fit(findings).transform(findings)
    folds = grouped_folds(y, dataset.groups, settings.n_splits, settings.seed)
    corpora = _corpora(findings)
    matrices = _fold_matrices(corpora, folds)

    phases = {"features": time.perf_counter() - started}
    n_jobs = settings.n_jobs

    grid = settings.grid or tuple((c, s) for c in DEFAULT_GRID["C"] for s in DEFAULT_GRID["modus_scale"])
    # One task per (fold, modus scale) fits that scale's C values as one warm-started path.
    paths_by_scale: dict[float, tuple[float, ...]] = {}
    for C, scale in grid:
        paths_by_scale[scale] = tuple(sorted({*paths_by_scale.get(scale, ()), C}))
    by_setting = _search(
        [(k, scale, Cs) for scale, Cs in paths_by_scale.items() for k in range(len(folds))],
        folds, matrices, modus_all, y,
        seed=settings.seed, class_weight="balanced", output="decision", n_jobs=n_jobs,
    )  # fmt: skip
    search: list[dict[str, Any]] = []
    decisions: dict[tuple[float, float], np.ndarray] = {}
    for C, scale in grid:
        oof_decision = np.zeros(len(y))
        scores = []
        for (_, test_index), fold_decision in zip(folds, by_setting[(C, scale)], strict=True):
            oof_decision[test_index] = fold_decision
            scores.append(average_precision_score(y[test_index], fold_decision))
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
    phases["search"] = time.perf_counter() - started - sum(phases.values())

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
            offer, folds, matrices, modus_all, best["modus_scale"], settings.seed, n_jobs
        )
        scope_c = max(scope_search, key=lambda row: (round(row["pr_auc_not_offer_mean"], 4), -row["C"]))["C"]
        oof_offer = oof_by_c[scope_c]
        scope_threshold = choose_scope_threshold(oof_offer, y, recall=settings.scope_recall)
    phases["scope_search"] = time.perf_counter() - started - sum(phases.values())

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

    # The final models, fitted on every row (in parallel): risk, category and scope.
    features = build_features(modus_scale=best["modus_scale"])
    for block, corpus in zip(_text_blocks(features), corpora, strict=True):
        block.fit_corpus(corpus)
    modus = features.named_transformers["modus"].fit(findings)
    x_all = sparse.hstack(
        [
            *(b.transform_corpus(c) for b, c in zip(_text_blocks(features), corpora, strict=True)),
            modus.transform(findings),
        ],
        format="csr",
        dtype=np.float64,
    )
    # The risk model is calibrated as before (CalibratedClassifierCV on the grouped folds, its fold
    # fits in parallel); the category and scope models are fitted beside it.
    final_folds = grouped_folds(y, dataset.groups, settings.n_splits, settings.seed)
    classifier = build_classifier(C=best["C"], cv=final_folds, random_state=settings.seed)
    classifier.set_params(n_jobs=n_jobs)
    finals: list[tuple[Any, Any]] = [
        (classifier, y),
        (LogisticRegression(C=best["C"], max_iter=3000, random_state=settings.seed), np.asarray(categories)),
    ]
    if has_scope:
        finals.append((LogisticRegression(C=scope_c, max_iter=3000, random_state=settings.seed), offer))
    fitted = [_fit(model, x_all, target) for model, target in finals[:1]]
    fitted += Parallel(n_jobs=n_jobs)(delayed(_fit)(model, x_all, target) for model, target in finals[1:])
    fitted[0].set_params(cv=settings.n_splits, n_jobs=None)  # the fold indices are not needed any more
    pipeline = Pipeline([("detect", Detector()), ("features", features), ("classifier", fitted[0])])
    category_model = fitted[1]
    scope_model = fitted[2] if has_scope else None
    phases["final"] = time.perf_counter() - started - sum(phases.values())

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
        "training_seconds_by_phase": {name: round(value, 1) for name, value in phases.items()},
    }  # fmt: skip
    return TrainedModel(pipeline, category_model, card, scope_model=scope_model)


def _scope_search(
    offer: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    matrices: list[tuple[Any, Any]],
    modus_all: Any,
    scale: float,
    seed: int,
    n_jobs: int,
) -> tuple[list[dict[str, Any]], dict[float, np.ndarray]]:
    """Out-of-fold probability of being an offer for each ``C`` of :data:`SCOPE_C_GRID`."""
    by_setting = _search(
        [(k, scale, SCOPE_C_GRID) for k in range(len(folds))],
        folds, matrices, modus_all, offer,
        seed=seed, class_weight=None, output="proba", n_jobs=n_jobs,
    )  # fmt: skip
    search: list[dict[str, Any]] = []
    oof: dict[float, np.ndarray] = {}
    for C in SCOPE_C_GRID:
        p = np.zeros(len(offer))
        scores = []
        for (_, test_index), fold_p in zip(folds, by_setting[(C, scale)], strict=True):
            p[test_index] = fold_p
            scores.append(average_precision_score(1 - offer[test_index], 1 - fold_p))
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
