"""The promotion rule: a list of checks, each naming its objections in both languages."""

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from screener.cli import main
from screener.datasets import load_corpus
from screener.errors import ModelError
from screener.model import default_model_path, save_model
from screener.promotion import (
    PROMOTE_METRICS,
    Decision,
    Measurement,
    MetricRegression,
    RealDevRegression,
    Reason,
    decide,
    default_checks,
)
from screener.train import TrainSettings, train

CORPUS = Path(__file__).resolve().parents[1] / "datasets" / "corpus"
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


# --- `screener models promote`, end to end in a project folder of its own --------------------------


@pytest.fixture(scope="module")
def weak_model_and_judge_rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A model trained on 300 rows with heavy regularisation, and 150 other rows as corpus JSONL."""
    corpus = load_corpus()
    rows, _ = train_test_split(np.arange(len(corpus)), train_size=450, stratify=corpus.labels, random_state=0)
    weak_rows, judge_rows = np.sort(rows[:300]), np.sort(rows[300:])
    weak = train(corpus.subset(weak_rows), TrainSettings(grid=((0.01, 0.5),), version="weak"))
    artefact = save_model(weak, tmp_path_factory.mktemp("weak"))
    judge = corpus.subset(judge_rows)
    keys = ("id", "text", "label", "category", "indicators", "language", "platform", "group")
    columns = zip(
        judge.ids, judge.texts, judge.labels.tolist(), judge.categories, judge.indicators,
        judge.languages, judge.platforms, judge.groups, strict=True,
    )  # fmt: skip
    lines = "".join(
        json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False) + "\n" for row in columns
    )
    return artefact, lines


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, weak_model_and_judge_rows: tuple[Path, str]
) -> Path:
    """A checkout with the shipped model promoted, a weaker model trained elsewhere and 150 rows to judge on."""
    root = tmp_path / "checkout"
    (root / "models").mkdir(parents=True)
    (root / "elsewhere").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "tppo-screener"\n', encoding="utf-8")
    shipped = default_model_path()
    weak, judge_lines = weak_model_and_judge_rows
    for suffix in (".joblib", ".json"):
        shutil.copy(shipped.with_suffix(suffix), root / "models" / shipped.with_suffix(suffix).name)
        # The same artefact under another name: promoting it would compare the model with itself.
        shutil.copy(shipped.with_suffix(suffix), root / "elsewhere" / f"tppo-screener-same{suffix}")
        shutil.copy(weak.with_suffix(suffix), root / "elsewhere" / weak.with_suffix(suffix).name)
    (root / "models" / "DEFAULT").write_text(shipped.name + "\n", encoding="utf-8")
    shutil.copy(shipped.parent / "holdout.txt", root / "models" / "holdout.txt")
    (root / "judge").mkdir()
    (root / "judge" / "rows.jsonl").write_text(judge_lines, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def promote(
    argv: list[str], capsys: pytest.CaptureFixture[str], *, judge: bool = True
) -> tuple[int, str, str]:
    code = main(["models", "promote", *argv, *(["--data", "judge"] if judge else [])])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_promote_refuses_a_regression_and_force_overrides_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pointer = project / "models" / "DEFAULT"
    before = pointer.read_text(encoding="utf-8")
    code, out, err = promote(["elsewhere/tppo-screener-weak.joblib"], capsys)
    assert code == 2 and pointer.read_text(encoding="utf-8") == before
    assert not (project / "models" / "tppo-screener-weak.joblib").exists()  # nothing copied in
    assert f"current   {default_model_path().name}: pr_auc=" in out
    assert "candidate tppo-screener-weak.joblib: pr_auc=" in out
    assert err.startswith("galat / error: kinerja turun pada data evaluasi, model tidak dipromosikan: ")
    assert " / regression on the evaluation set, not promoted: " in err and err.count("\n") == 1
    # The metric and both figures are named: "pr_auc 0.9123 < 0.9876".
    assert re.search(r"(pr_auc|roc_auc|f1|recall|precision) \d\.\d{4} < \d\.\d{4}", err), err

    code, out, _ = promote(["elsewhere/tppo-screener-weak.json", "--force"], capsys)
    assert code == 0 and "is now the default" in out
    assert pointer.read_text(encoding="utf-8") == "tppo-screener-weak.joblib\n"
    assert (project / "models" / "tppo-screener-weak.json").is_file()  # copied in with its card
    assert default_model_path() == project / "models" / "tppo-screener-weak.joblib"


def test_a_candidate_from_anywhere_is_copied_in_and_promoted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = default_model_path()
    (project / "models" / "DEFAULT").write_text("tppo-screener-weak.joblib\n", encoding="utf-8")
    for suffix in (".joblib", ".json"):
        shutil.copy(project / "elsewhere" / f"tppo-screener-weak{suffix}", project / "models")
    outside = project / "elsewhere" / "candidate"
    outside.mkdir()
    for suffix in (".joblib", ".json"):
        shutil.copy(project / "models" / shipped.with_suffix(suffix).name, outside)
    (project / "models" / shipped.name).unlink()
    (project / "models" / shipped.with_suffix(".json").name).unlink()
    code, out, _ = promote([str(outside / shipped.name)], capsys)
    assert code == 0 and f"{shipped.name} sekarang model bawaan" in out, out
    assert (project / "models" / "DEFAULT").read_text(encoding="utf-8") == f"{shipped.name}\n"
    assert (project / "models" / shipped.name).read_bytes() == (outside / shipped.name).read_bytes()


@pytest.mark.parametrize("candidate", ["models/{shipped}", "elsewhere/tppo-screener-same.joblib"])
def test_promoting_the_current_model_against_itself_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], candidate: str
) -> None:
    code, out, err = promote([candidate.format(shipped=default_model_path().name)], capsys)
    assert code == 2 and "is already the current model" in err and "nothing to compare" in err
    assert out == ""  # refused before anything was measured


def test_a_model_merely_copied_into_models_is_not_used(project: Path) -> None:
    shipped = default_model_path()
    (project / "models" / "DEFAULT").unlink()
    for suffix in (".joblib", ".json"):  # newer than the shipped model, yet never promoted
        shutil.copy(project / "elsewhere" / f"tppo-screener-weak{suffix}", project / "models")
    with pytest.raises(ModelError, match="neither DEFAULT nor SHIPPED"):
        default_model_path()
    (project / "models" / "SHIPPED").write_text(shipped.name + "\n", encoding="utf-8")
    assert default_model_path() == project / "models" / shipped.name


def test_on_the_holdout_a_candidate_that_trained_on_it_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "datasets").mkdir()
    (project / "datasets" / "corpus").symlink_to(CORPUS)
    code, out, err = promote(["elsewhere/tppo-screener-weak.joblib"], capsys, judge=False)
    assert code == 2, err
    assert "evaluated on / dinilai pada: holdout holdout.txt (" in out
    assert "tppo-screener-weak.joblib did not exclude holdout.txt from training" in err
    assert "was trained on the holdout" not in err  # the shipped model left the holdout out


def test_a_current_model_that_trained_on_the_holdout_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "datasets").mkdir()
    (project / "datasets" / "corpus").symlink_to(CORPUS)
    (project / "models" / "DEFAULT").write_text("tppo-screener-weak.joblib\n", encoding="utf-8")
    for suffix in (".joblib", ".json"):  # the weak model's card claims no holdout
        shutil.copy(project / "elsewhere" / f"tppo-screener-weak{suffix}", project / "models")
    _, out, err = promote(["elsewhere/tppo-screener-same.joblib"], capsys, judge=False)
    warning = (
        "the current model tppo-screener-weak.joblib was trained on the holdout: its figures are optimistic"
    )
    assert warning in out + err


def _dev(**rates: float | None) -> dict:
    return {
        "status": "ok",
        "files": {
            key: {"status": "skipped"} if rate is None else {"status": "ok", "rate_flagged": rate}
            for key, rate in rates.items()
        },
    }


@pytest.mark.parametrize(
    ("current", "candidate", "objections"),
    [
        pytest.param(_dev(job_ads=0.01, awareness=0.05, scam_ads=0.7),
                     _dev(job_ads=0.0, awareness=0.01, scam_ads=0.9), [], id="better-everywhere"),
        pytest.param(_dev(job_ads=0.0, scam_ads=0.7), _dev(job_ads=0.01, scam_ads=0.9),
                     ["real_dev:job_ads"], id="more-job-ads-flagged"),
        pytest.param(_dev(awareness=0.01), _dev(awareness=0.02), ["real_dev:awareness"], id="more-posts-flagged"),
        pytest.param(_dev(scam_ads=0.9), _dev(scam_ads=0.85), ["real_dev:scam_ads"], id="fewer-fake-vacancies"),
        pytest.param(_dev(scam_ads=0.9), _dev(scam_ads=None), [], id="file-absent-for-one"),
        pytest.param({}, {}, [], id="no-real-dev-folder"),
    ],
)  # fmt: skip
def test_real_dev_regression(current: dict, candidate: dict, objections: list[str]) -> None:
    before = Measurement(path=Path("models/a.joblib"), metrics=BASE, real_dev=current)
    after = Measurement(path=Path("models/b.joblib"), metrics=BASE, real_dev=candidate)
    reasons = RealDevRegression()(before, after)
    assert [r.check for r in reasons] == objections
    assert all(r.message and r.message_id for r in reasons)
    assert decide(before, after).promote is not objections
