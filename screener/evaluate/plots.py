"""The report's figures: precision-recall curve, calibration curve, confusion matrix at ``sedang``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["Curve", "write_figures"]

# One run's test labels and risks: (seed, labels, risks, tier thresholds).
Curve = tuple[int, np.ndarray, np.ndarray, dict[str, float]]


def write_figures(folder: Path, curves: list[Curve]) -> list[str]:
    """Write the three PNG figures into ``folder`` and return their file names.

    The precision-recall curve has one line per run, the calibration curve pools every run, and the
    confusion matrix is the first run's.
    """
    # The object-oriented API draws on an Agg canvas without touching pyplot's global state.
    from matplotlib.figure import Figure
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import confusion_matrix, precision_recall_curve

    written = []
    fig = Figure(figsize=(5.5, 4.5))
    ax = fig.subplots()
    for run_seed, y, p, thresholds in curves:
        if len(np.unique(y)) < 2:
            continue
        precision, recall, _ = precision_recall_curve(y, p)
        ax.plot(recall, precision, lw=1.2, label=f"seed {run_seed}")
        for tier, marker in (("sedang", "o"), ("tinggi", "s")):
            flagged = p >= thresholds[tier]
            if flagged.any():
                ax.plot(y[flagged].sum() / max(y.sum(), 1), y[flagged].mean(), marker, color="black", ms=5)
    ax.set(
        xlabel="recall",
        ylabel="precision",
        title="Precision-recall (o sedang, ■ tinggi)",
        xlim=(0, 1.01),
        ylim=(0, 1.01),
    )
    if ax.get_lines():
        ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "pr_curve.png", dpi=110)
    written.append("pr_curve.png")

    y_all = np.concatenate([c[1] for c in curves])
    p_all = np.concatenate([c[2] for c in curves])
    fig = Figure(figsize=(5.5, 4.5))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect")
    if len(np.unique(y_all)) == 2:
        observed, predicted = calibration_curve(y_all, p_all, n_bins=10, strategy="uniform")
        ax.plot(predicted, observed, "o-", label="model")
    ax.set(
        xlabel="predicted risk",
        ylabel="observed share risky",
        title="Calibration (reliability)",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "calibration.png", dpi=110)
    written.append("calibration.png")

    run_seed, y, p, thresholds = curves[0]
    matrix = confusion_matrix(y, (p >= thresholds["sedang"]).astype(int), labels=[0, 1])
    fig = Figure(figsize=(4.2, 3.8))
    ax = fig.subplots()
    ax.imshow(matrix, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(
            j, i, str(count), ha="center", va="center", color="white" if count > matrix.max() / 2 else "black"
        )
    ax.set_xticks([0, 1], ["rendah", "sedang+"])
    ax.set_yticks([0, 1], ["safe (0)", "risky (1)"])
    ax.set(xlabel="predicted tier", ylabel="label", title=f"Confusion at sedang (seed {run_seed})")
    fig.tight_layout()
    fig.savefig(folder / "confusion_sedang.png", dpi=110)
    written.append("confusion_sedang.png")
    return written
