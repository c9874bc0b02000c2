"""The model-promotion rule: may a candidate model replace the current default model?

``screener models promote PATH`` applies it; the rule lives in the library so that the command line,
a notebook or a scheduled job all decide the same way:

1. :func:`measure` both models on the same evaluation data (the corpus by default): the metrics object
   of :func:`screener.evaluate.run_evaluate` on the whole file, nothing trained.
2. :func:`decide` runs every check on ``(current, candidate)``. A check returns the reasons it objects
   to the candidate, in Bahasa Indonesia and English; an empty list means no objection.
3. The candidate is promoted when no check objects, or when the caller forces it (the reasons are kept
   in the :class:`Decision` either way).

A new criterion is a new check: any callable ``(current, candidate) -> list[Reason]``, added to the
list :func:`default_checks` returns or passed as ``checks=``. Criteria that need more than the metrics
(for instance the share of a real-data file each model flags) read :attr:`Measurement.real_data`,
which :func:`measure` fills with one :func:`screener.evaluate.real_data_check` per file it is given.

Writing ``models/DEFAULT`` is left to the caller (:func:`screener.registry.promote`): this module
only decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "DEFAULT_TOLERANCE",
    "PROMOTE_METRICS",
    "Check",
    "Decision",
    "Measurement",
    "MetricRegression",
    "RealDevRegression",
    "Reason",
    "decide",
    "default_checks",
    "measure",
]

# Higher is better for each; Brier and ECE are left out because a recalibrated model may trade them.
PROMOTE_METRICS = ("pr_auc", "roc_auc", "f1", "recall", "precision")
# Drop allowed before a metric counts as a regression: about the noise between two trainings.
DEFAULT_TOLERANCE = 0.005


@dataclass(frozen=True)
class Reason:
    """One objection to a candidate: which check raised it and why, in English and Bahasa Indonesia."""

    check: str
    message: str
    message_id: str


@dataclass(frozen=True)
class Measurement:
    """What the checks know about one model: its evaluation on the shared data.

    ``metrics`` is the metrics object of :func:`screener.evaluate.run_evaluate`; ``real_data`` maps a
    real-data file (as given to :func:`measure`) to its :func:`screener.evaluate.real_data_check`.
    """

    path: Path
    metrics: Mapping[str, Any]
    real_data: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    real_dev: Mapping[str, Any] = field(default_factory=dict)  # screener.evaluate.real_dev_check

    def summary(self, names: Sequence[str] = PROMOTE_METRICS) -> str:
        """``pr_auc=0.9961, roc_auc=...``: the compared metrics, for a one-line report."""
        return ", ".join(f"{name}={self.metrics[name]:.4f}" for name in names if name in self.metrics)


class Check(Protocol):
    """A promotion criterion: the reasons it objects to ``candidate`` replacing ``current``."""

    def __call__(self, current: Measurement, candidate: Measurement) -> list[Reason]: ...


@dataclass(frozen=True)
class MetricRegression:
    """Objects to every metric on which the candidate falls more than ``tolerance`` below the current.

    A metric the current model lacks is not compared; one the candidate lacks counts as 0.
    """

    metrics: tuple[str, ...] = PROMOTE_METRICS
    tolerance: float = DEFAULT_TOLERANCE

    def __call__(self, current: Measurement, candidate: Measurement) -> list[Reason]:
        reasons = []
        for name in self.metrics:
            if name not in current.metrics:
                continue
            before, after = current.metrics[name], candidate.metrics.get(name, 0.0)
            if after < before - self.tolerance:
                # Numbers and metric names read the same in both languages.
                text = f"{name} {after:.4f} < {before:.4f}"
                reasons.append(Reason(f"metric:{name}", text, text))
        return reasons


@dataclass(frozen=True)
class RealDevRegression:
    """Objects when the candidate flags a larger share of a real file of safe texts (job-board ads,
    posts about scams) or a smaller share of the real fake vacancies than the current model.

    Compares the files both measurements have (``Measurement.real_dev``); absent files are skipped,
    so the check passes silently where the real dev files are not installed.
    """

    safe_files: tuple[str, ...] = ("job_ads", "awareness")
    risky_files: tuple[str, ...] = ("scam_ads",)

    def __call__(self, current: Measurement, candidate: Measurement) -> list[Reason]:
        before = (current.real_dev or {}).get("files", {})
        after = (candidate.real_dev or {}).get("files", {})
        reasons = []
        for key in self.safe_files + self.risky_files:
            a, b = before.get(key, {}), after.get(key, {})
            if a.get("status") != "ok" or b.get("status") != "ok":
                continue
            worse = (
                b["rate_flagged"] > a["rate_flagged"]
                if key in self.safe_files
                else (b["rate_flagged"] < a["rate_flagged"])
            )
            if worse:
                reasons.append(
                    Reason(
                        f"real_dev:{key}",
                        f"real {key} flagged {b['rate_flagged']:.2%} (current {a['rate_flagged']:.2%})",
                        f"{key} nyata ditandai {b['rate_flagged']:.2%} (model sekarang {a['rate_flagged']:.2%})",
                    )
                )
        return reasons


@dataclass(frozen=True)
class Decision:
    """The outcome: promote or not, with every objection raised (also when forced through)."""

    promote: bool
    current: Measurement
    candidate: Measurement
    reasons: tuple[Reason, ...] = ()
    forced: bool = False

    @property
    def message(self) -> str:
        """Why the candidate was refused, in English (empty when it was not refused)."""
        if self.promote:
            return ""
        # The wording predates the real-dev check; scripts match on it, so it stays.
        return "regression on the evaluation set, not promoted: " + "; ".join(r.message for r in self.reasons)

    @property
    def message_id(self) -> str:
        """Why the candidate was refused, in Bahasa Indonesia (empty when it was not refused)."""
        if self.promote:
            return ""
        return "kinerja turun pada data evaluasi, model tidak dipromosikan: " + "; ".join(
            r.message_id for r in self.reasons
        )


def default_checks(*, tolerance: float = DEFAULT_TOLERANCE) -> list[Check]:
    """The checks ``screener models promote`` applies.

    Parameters
    ----------
    tolerance : float, default=0.005
        Drop allowed on each of :data:`PROMOTE_METRICS`.

    Returns
    -------
    list of Check
        :class:`MetricRegression` on the evaluation data and :class:`RealDevRegression` on the real
        dev files; append new criteria here.
    """
    return [MetricRegression(tolerance=tolerance), RealDevRegression()]


def decide(
    current: Measurement,
    candidate: Measurement,
    *,
    checks: Sequence[Check] | None = None,
    force: bool = False,
) -> Decision:
    """Apply every check and decide whether ``candidate`` may replace ``current``.

    Parameters
    ----------
    current, candidate : Measurement
        Both models measured on the same data.
    checks : sequence of Check, optional
        The criteria; by default :func:`default_checks`.
    force : bool, default=False
        Promote even when a check objects (the reasons stay in the decision).

    Returns
    -------
    Decision
        ``promote`` is true when no check objects or ``force`` is set.
    """
    reasons = tuple(
        reason
        for check in (default_checks() if checks is None else checks)
        for reason in check(current, candidate)
    )
    return Decision(
        promote=force or not reasons,
        current=current,
        candidate=candidate,
        reasons=reasons,
        forced=force and bool(reasons),
    )


def measure(
    model_path: str | Path,
    *,
    data: str | Path | None = None,
    real_data_files: Sequence[str | Path] = (),
    real_dev: str | Path | None = None,
    dataset: Any = None,
) -> Measurement:
    """Evaluate one model for a promotion decision (nothing is trained, no report is written).

    Parameters
    ----------
    model_path : str or Path
        The model's ``.joblib`` artefact (its card beside it).
    data : str or Path, optional
        The evaluation data in the corpus format; by default the project's corpus.
    real_data_files : sequence of path
        Real-data files to run :func:`screener.evaluate.real_data_check` on, one each.
    real_dev : str or Path, optional
        The folder of real dev files (default :func:`screener.paths.shared_data_dir`; skipped when absent).
    dataset : Dataset, optional
        Already loaded evaluation data (the frozen split), used instead of ``data``.

    Returns
    -------
    Measurement
    """
    # Imported here: evaluation pulls in training and plotting, which deciding alone does not need.
    from screener.evaluate import real_data_check, run_evaluate
    from screener.model import load_model

    path = Path(model_path)
    result = run_evaluate(
        model_path=path, data=data, dataset=dataset, report_dir=None, real_data=False, real_dev=real_dev
    )
    real_data: dict[str, Mapping[str, Any]] = {}
    if real_data_files:
        model = load_model(path)
        real_data = {str(file): real_data_check(model, file, explain=False) for file in real_data_files}
    return Measurement(path=path, metrics=result["metrics"], real_data=real_data, real_dev=result["real_dev"])
