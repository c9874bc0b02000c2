"""The promotion rule: a list of checks, each naming its objections in both languages."""

from pathlib import Path

import pytest

from screener.promotion import (
    PROMOTE_METRICS,
    Decision,
    Measurement,
    MetricRegression,
    Reason,
    decide,
    default_checks,
)

BASE = {"pr_auc": 0.99, "roc_auc": 0.99, "f1": 0.95, "recall": 0.97, "precision": 0.93, "brier": 0.02}


def measured(name: str, **metrics: float) -> Measurement:
    return Measurement(path=Path(f"models/{name}.joblib"), metrics={**BASE, **metrics})


@pytest.mark.parametrize(
    ("changes", "promote", "reasons"),
    [
        pytest.param({}, True, [], id="same-figures"),
        pytest.param({"pr_auc": 0.995, "f1": 0.96}, True, [], id="better"),
        pytest.param({"f1": 0.946}, True, [], id="drop-within-tolerance"),
        pytest.param({"brier": 0.5}, True, [], id="uncompared-metric"),
        pytest.param({"f1": 0.94}, False, ["f1 0.9400 < 0.9500"], id="f1-regression"),
        pytest.param(
            {"recall": 0.9, "precision": 0.8},
            False,
            ["recall 0.9000 < 0.9700", "precision 0.8000 < 0.9300"],
            id="two-regressions-in-metric-order",
        ),
    ],
)
def test_metric_regression(changes: dict[str, float], promote: bool, reasons: list[str]) -> None:
    decision = decide(measured("current"), measured("candidate", **changes))
    assert decision.promote is promote
    assert [r.message for r in decision.reasons] == reasons
    assert [r.message_id for r in decision.reasons] == reasons
    if not promote:
        assert decision.message == "regression on the evaluation set, not promoted: " + "; ".join(reasons)
        assert decision.message_id.startswith("kinerja turun pada data evaluasi, model tidak dipromosikan: ")


def test_tolerance_is_a_parameter() -> None:
    candidate = measured("candidate", f1=0.94)
    assert decide(measured("current"), candidate, checks=default_checks(tolerance=0.02)).promote
    assert not decide(measured("current"), candidate, checks=default_checks(tolerance=0.0)).promote


def test_a_metric_the_candidate_lacks_counts_as_zero_and_one_the_current_lacks_is_skipped() -> None:
    current = Measurement(Path("c.joblib"), {"pr_auc": 0.9})
    candidate = Measurement(Path("n.joblib"), {"roc_auc": 0.1})
    assert [r.check for r in MetricRegression()(current, candidate)] == ["metric:pr_auc"]


def test_force_promotes_and_keeps_the_reasons() -> None:
    decision = decide(measured("current"), measured("candidate", f1=0.5), force=True)
    assert decision.promote and decision.forced and len(decision.reasons) == 1
    assert decision.message == "" and decision.message_id == ""
    assert not decide(measured("current"), measured("candidate"), force=True).forced


def test_more_criteria_are_more_checks() -> None:
    def flags_more_real_ads(current: Measurement, candidate: Measurement) -> list[Reason]:
        before = current.real_data["jobs.jsonl"]["rate_sedang"]
        after = candidate.real_data["jobs.jsonl"]["rate_sedang"]
        if after > before:
            return [Reason("real:jobs.jsonl", "flags more real job ads", "menandai lebih banyak iklan nyata")]
        return []

    current = Measurement(Path("c.joblib"), BASE, {"jobs.jsonl": {"rate_sedang": 0.01}})
    candidate = Measurement(Path("n.joblib"), BASE, {"jobs.jsonl": {"rate_sedang": 0.03}})
    decision = decide(current, candidate, checks=[*default_checks(), flags_more_real_ads])
    assert isinstance(decision, Decision) and not decision.promote
    assert [r.check for r in decision.reasons] == ["real:jobs.jsonl"]
    assert decision.message_id.endswith("menandai lebih banyak iklan nyata")


def test_summary_lists_the_compared_metrics_in_order() -> None:
    summary = measured("current").summary()
    assert summary == ", ".join(f"{m}={BASE[m]:.4f}" for m in PROMOTE_METRICS)
