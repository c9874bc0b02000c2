"""Metrics for a risk score: ranking, calibration, and decisions at the tier thresholds."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

__all__ = ["choose_thresholds", "expected_calibration_error", "score_metrics"]


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Mean |observed rate - mean predicted| over equal-width probability bins, weighted by bin size."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() * abs(y[mask].mean() - p[mask].mean())
    return float(total / max(len(y), 1))


def _decision(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    predicted = (p >= threshold).astype(int)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, predicted, average="binary", pos_label=1, zero_division=0
    )
    tn, fp, fn, tp = confusion_matrix(y, predicted, labels=[0, 1]).ravel()
    negatives = max(int(tn + fp), 1)
    return {
        "threshold": round(float(threshold), 4),
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "false_positive_rate": round(float(fp) / negatives, 4),
        "confusion": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
    }


def score_metrics(y: np.ndarray, p: np.ndarray, thresholds: dict[str, float]) -> dict[str, Any]:
    """The metrics object of ``screener evaluate``.

    ``precision``, ``recall`` and ``f1`` are for the positive class with "flagged" meaning a tier of
    ``sedang`` or above; ``at_tinggi`` gives the same at the ``tinggi`` threshold.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    both = len(np.unique(y)) == 2
    at_sedang = _decision(y, p, thresholds["sedang"])
    return {
        "precision": at_sedang["precision"],
        "recall": at_sedang["recall"],
        "f1": at_sedang["f1"],
        "pr_auc": round(float(average_precision_score(y, p)), 4) if both else None,
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, p, pos_label=1)), 4) if both else None,
        "ece": round(expected_calibration_error(y, p), 4),
        "n_test": len(y),
        "n_positive": int(y.sum()),
        "at_sedang": at_sedang,
        "at_tinggi": _decision(y, p, thresholds["tinggi"]),
    }


def choose_thresholds(
    y: np.ndarray,
    p: np.ndarray,
    *,
    tinggi_precision: float = 0.97,
    sedang_recall: float = 0.99,
    tinggi_floor: float = 0.5,
) -> dict[str, float]:
    """Tier thresholds from held-out scores.

    ``tinggi`` is the lowest threshold, not below ``tinggi_floor`` (a calibrated risk under one half
    is never called high), whose precision is at least ``tinggi_precision``: the most recall at that
    precision. ``sedang`` is the highest threshold that still keeps recall at or above
    ``sedang_recall``, never above ``tinggi``.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    candidates = np.unique(np.round(p, 4))
    tinggi = max(0.9, tinggi_floor)
    for t in candidates[candidates >= tinggi_floor]:  # ascending: the first that reaches the target
        flagged = p >= t
        if flagged.sum() >= 5 and y[flagged].mean() >= tinggi_precision:
            tinggi = float(t)
            break
    positives = max(int(y.sum()), 1)
    sedang = float(candidates[0]) if len(candidates) else 0.5
    for t in candidates[::-1]:  # descending: the first that reaches the recall target
        if (y[p >= t].sum() / positives) >= sedang_recall:
            sedang = float(t)
            break
    sedang = min(sedang, tinggi)
    return {
        "sedang": round(sedang, 4),
        "tinggi": round(tinggi, 4),
        "tinggi_precision_target": tinggi_precision,
        "sedang_recall_target": sedang_recall,
    }
