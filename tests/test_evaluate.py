"""Evaluation: metrics object, splits, near-duplicate clusters, real-data check, report, CLI.

Everything runs on a stratified 400-row sample of the corpus with a one-point grid, so each training
takes seconds; the expensive objects are built once per module.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from screener import paths
from screener.cli import REAL_DATA_ENV, main, real_data_option
from screener.datasets import Dataset, load_corpus
from screener.evaluate import (
    near_duplicate_groups,
    real_data_check,
    resolve_real_data,
    run_evaluate,
    split_dataset,
)
from screener.model import TrainedModel, save_model
from screener.train import TrainSettings, train

pytestmark = pytest.mark.slow  # trains models in its fixtures

GRID = ((4.0, 1.0),)
REQUIRED = ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece", "n_train", "n_test")
UNIT_INTERVAL = ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece")
EXPLANATION_KEYS = {"id", "risk", "score", "tier", "indicators", "summary", "text", "top_terms"}

# Ordinary ads written for these tests (the real-data file itself is never copied into the repo).
ORDINARY_ADS = [
    "Dibutuhkan kasir minimarket di Sleman, lulusan SMA/SMK, gaji UMR + BPJS. Lamaran ke kantor cabang.",
    "Lowongan staf gudang PT Sinar Baru Logistik, Bekasi. Shift pagi/malam, pengalaman 1 tahun.",
    "We are hiring a junior accountant in Surabaya. Bachelor's degree, 1-2 years experience, BPJS.",
    "Dicari barista untuk kafe di Bandung, bisa kerja akhir pekan, gaji Rp2.800.000 + service charge.",
    "Admin penjualan online, kantor di Semarang, menguasai Excel, gaji pokok + insentif bulanan.",
    "Teknisi AC berpengalaman untuk area Jakarta Selatan, punya SIM C, kirim CV lewat portal kami.",
    "Guru les matematika SD-SMP di Depok, jadwal sore, honor per sesi, minimal S1 pendidikan.",
    "Operator produksi pabrik makanan di Cikarang, pria/wanita, usia 18-30, kontrak 1 tahun.",
    "Perawat klinik pratama di Malang, STR aktif, shift bergilir, gaji sesuai pengalaman.",
    "Sopir perusahaan distribusi di Medan, SIM B1 umum, pengalaman 2 tahun, tunjangan makan.",
]
RISKY_AD = (
    "LOKER ADMIN KAMBOJA gaji 15jt/bln, tanpa pengalaman, tiket + visa ditanggung, berangkat minggu "
    "ini lewat Bangkok, chat WA 0812-3456-7890 sekarang!"
)


def sample_of(corpus: Dataset, n: int, seed: int = 0) -> Dataset:
    index, _ = train_test_split(
        np.arange(len(corpus)), train_size=n, stratify=corpus.categories, random_state=seed
    )
    return corpus.subset(np.sort(index))


def write_plain_jsonl(path: Path, dataset: Dataset) -> Path:
    """Only text and label: a user's own file, with no groups or categories."""
    rows = [
        {"id": i, "text": t, "label": int(y)}
        for i, t, y in zip(dataset.ids, dataset.texts, dataset.labels, strict=True)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return sample_of(load_corpus(), 400)


@pytest.fixture(scope="module")
def real_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "real.jsonl"
    rows = [json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(ORDINARY_ADS)]
    rows.append(json.dumps({"id": "r-risky", "text": RISKY_AD}, ensure_ascii=False))
    rows.append("{not json")  # an unreadable line is counted apart, not in the rates
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def evaluation(sample: Dataset, real_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    report_dir = tmp_path_factory.mktemp("report")
    return run_evaluate(dataset=sample, grid=GRID, seed=0, report_dir=report_dir, real_data=real_file)


@pytest.fixture(scope="module")
def model_rows(sample: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """300 rows to train a tiny model on and 100 held-out rows, both with both labels."""
    train_rows, held_out = train_test_split(
        np.arange(len(sample)), train_size=300, stratify=sample.labels, random_state=0
    )
    return np.sort(train_rows), np.sort(held_out)


@pytest.fixture(scope="module")
def held_out(sample: Dataset, model_rows: tuple[np.ndarray, np.ndarray]) -> Dataset:
    return sample.subset(model_rows[1])


@pytest.fixture(scope="module")
def tiny_model(
    sample: Dataset, model_rows: tuple[np.ndarray, np.ndarray], tmp_path_factory: pytest.TempPathFactory
) -> TrainedModel:
    model = train(sample.subset(model_rows[0]), TrainSettings(seed=0, grid=GRID, version="test"))
    save_model(model, tmp_path_factory.mktemp("models"))
    return model


@pytest.fixture
def missing_real_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    missing = tmp_path / "nowhere" / "lokerid_dev.jsonl"
    monkeypatch.setenv(REAL_DATA_ENV, str(missing))
    return missing


# --- the metrics object -----------------------------------------------------------------------------


def test_metrics_object_has_required_keys_in_range(evaluation: dict) -> None:
    metrics = evaluation["metrics"]
    for key in REQUIRED:
        assert key in metrics, key
    for key in UNIT_INTERVAL:
        assert 0.0 <= metrics[key] <= 1.0, (key, metrics[key])
    assert metrics["n_train"] + metrics["n_test"] == 400
    assert 60 <= metrics["n_test"] <= 100
    assert metrics["pr_auc"] > 0.6  # far above chance even for a tiny model
    for key in ("threshold", "precision", "recall", "f1", "false_positive_rate", "confusion"):
        assert key in metrics["at_tinggi"]
    assert metrics["at_tinggi"]["recall"] <= metrics["recall"]  # tinggi is the stricter tier
    json.dumps(evaluation)  # the whole result is JSON-serialisable


def test_per_category_rates_are_reported_separately(evaluation: dict) -> None:
    per_category = evaluation["metrics"]["per_category"]
    for key in ("tppo", "scam", "legal_placement", "legit_other", "awareness", "legit"):
        assert key in per_category, key
    for key in ("legal_placement", "legit_other", "awareness"):
        row = per_category[key]
        assert row["n"] > 0 and row["label"] == 0
        assert 0.0 <= row["fpr_tinggi"] <= row["fpr_sedang"] <= 1.0
        assert row["fpr_sedang"] == pytest.approx(row["flagged_sedang"] / row["n"], abs=1e-4)
    assert (
        per_category["legal_placement"]["n"] + per_category["legit_other"]["n"] == per_category["legit"]["n"]
    )
    assert 0.0 <= per_category["tppo"]["recall_tinggi"] <= per_category["tppo"]["recall_sedang"] <= 1.0


def test_per_indicator_recall(evaluation: dict) -> None:
    per_indicator = evaluation["metrics"]["per_indicator"]
    assert "dest_scam_hub" in per_indicator
    for row in per_indicator.values():
        assert row["n"] > 0
        assert 0.0 <= row["recall_tinggi"] <= row["recall_sedang"] <= 1.0


def test_worst_errors_carry_explanations(evaluation: dict) -> None:
    errors = evaluation["metrics"]["worst_errors"]
    n_fn = evaluation["metrics"]["at_sedang"]["confusion"]["fn"]
    n_fp = evaluation["metrics"]["at_sedang"]["confusion"]["fp"]
    assert len(errors["false_negatives"]) == min(n_fn, 10)
    assert len(errors["false_positives"]) == min(n_fp, 10)
    for row in errors["false_negatives"]:
        assert set(row) >= EXPLANATION_KEYS and row["label"] == 1 and row["tier"] == "rendah"
    for row in errors["false_positives"]:
        assert set(row) >= EXPLANATION_KEYS and row["label"] == 0 and row["tier"] != "rendah"
        assert len(row["text"]) <= 300
    risks = [row["risk"] for row in errors["false_positives"]]
    assert risks == sorted(risks, reverse=True)  # most confident first


# --- splits -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grouped_split_keeps_groups_apart(sample: Dataset, seed: int) -> None:
    split = split_dataset(sample, split="grouped", seed=seed)
    train_groups = {sample.groups[i] for i in split.train_index}
    test_groups = {sample.groups[i] for i in split.test_index}
    assert not train_groups & test_groups
    assert split.group_source == "corpus"
    assert sorted([*split.train_index, *split.test_index]) == list(range(len(sample)))
    assert 0.1 <= len(split.test_index) / len(sample) <= 0.3
    assert set(sample.labels[split.test_index]) == {0, 1}


def test_evaluation_reports_no_group_on_both_sides(evaluation: dict) -> None:
    assert evaluation["split"]["kind"] == "grouped"
    assert evaluation["split"]["groups"] == "corpus"
    assert [run["groups_in_both"] for run in evaluation["split"]["runs"]] == [0]


def test_stratified_split_keeps_the_label_balance(sample: Dataset) -> None:
    split = split_dataset(sample, split="stratified", seed=0)
    assert len(split.test_index) == 80
    assert sample.labels[split.test_index].mean() == pytest.approx(sample.labels.mean(), abs=0.02)


def test_data_without_groups_is_split_by_near_duplicate_clusters(sample: Dataset) -> None:
    copies = [*sample.texts[:50], *(t.replace("a", "a ", 1) for t in sample.texts[:50])]
    no_groups = Dataset(
        texts=copies, labels=np.concatenate([sample.labels[:50]] * 2), ids=[str(i) for i in range(100)]
    )
    split = split_dataset(no_groups, split="grouped", seed=0)
    assert split.group_source == "near-duplicate clusters"
    assert not split.groups_in_both()
    for i in range(50):  # each text and its copy land on the same side
        assert (i in split.test_index) == (i + 50 in split.test_index)


def test_near_duplicates_with_a_changed_phone_number_share_a_cluster() -> None:
    base = (
        "Dicari admin untuk perusahaan ekspedisi di Pekanbaru, gaji 4 juta, mess disediakan, "
        "hubungi WA {phone} untuk info lebih lanjut. Syarat: jujur, bisa komputer."
    )
    texts = [
        base.format(phone="0812-3456-7890"),
        base.format(phone="+62 857 1122 334"),
        base.format(phone="081399887766").upper(),
        "Lowongan guru TK di Yogyakarta, lulusan PAUD, kirim lamaran ke sekolah, gaji sesuai UMR.",
        "Hiring data analyst in Jakarta, SQL and Python required, hybrid work, competitive salary.",
    ]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] == groups[2]
    assert len({groups[0], groups[3], groups[4]}) == 3


def test_near_duplicate_grouping_of_the_corpus_is_coarser_than_identity(sample: Dataset) -> None:
    groups = near_duplicate_groups(sample.texts)
    assert len(groups) == len(sample)
    assert len(set(groups)) < len(sample)  # the corpus has reposts and lightly edited copies


# --- the real-data check ----------------------------------------------------------------------------


def test_real_data_check_skips_when_the_file_is_absent(
    tiny_model: TrainedModel, missing_real_data: Path
) -> None:
    # SCREENER_REAL_DATA is the CLI's: the library's own default ignores it.
    assert resolve_real_data(real_data_option(None)) == missing_real_data
    assert resolve_real_data() == resolve_real_data(True) == paths.real_data_file()
    assert resolve_real_data(False) is None
    result = real_data_check(tiny_model, resolve_real_data(real_data_option(None)))
    assert result["status"] == "skipped"
    assert str(missing_real_data) in result["note"]


def test_evaluation_skips_real_data_cleanly(
    tiny_model: TrainedModel, held_out: Dataset, missing_real_data: Path, tmp_path: Path
) -> None:
    result = run_evaluate(
        dataset=held_out, model_path=tiny_model.path, report_dir=tmp_path, real_data=missing_real_data
    )
    assert result["real_data"]["status"] == "skipped"
    assert "## Real-data false-positive check\n\nSkipped:" in Path(result["report"]).read_text(
        encoding="utf-8"
    )


def test_real_data_rates_are_over_all_readable_rows(tiny_model: TrainedModel, real_file: Path) -> None:
    result = real_data_check(tiny_model, real_file)
    assert result["status"] == "ok"
    assert result["n"] == len(ORDINARY_ADS) + 1
    assert result["n_unreadable"] == 1
    assert 0.0 <= result["risk_p99"] <= result["risk_max"] <= 1.0
    assert result["rate_sedang"] == pytest.approx(result["flagged_sedang"] / result["n"], abs=1e-4)
    assert result["rate_tinggi"] == pytest.approx(result["flagged_tinggi"] / result["n"], abs=1e-4)
    assert result["flagged_tinggi"] <= result["flagged_sedang"] == len(result["flagged"])
    for row in result["flagged"]:
        assert set(row) >= EXPLANATION_KEYS and row["tier"] in ("sedang", "tinggi")
    assert result["meets_targets"] == (result["rate_sedang"] <= 0.02 and result["rate_tinggi"] <= 0.005)


def test_evaluation_includes_the_real_data_check(evaluation: dict, real_file: Path) -> None:
    real = evaluation["real_data"]
    assert real["status"] == "ok" and real["path"] == str(real_file)
    assert real["n"] == len(ORDINARY_ADS) + 1


# --- an existing model ------------------------------------------------------------------------------


def test_model_mode_evaluates_an_existing_model_without_training(
    tiny_model: TrainedModel, held_out: Dataset, tmp_path: Path
) -> None:
    data = write_plain_jsonl(tmp_path / "external.jsonl", held_out)
    result = run_evaluate(
        data=data, data_format="jsonl", model_path=tiny_model.path, report_dir=None, real_data=False
    )
    metrics = result["metrics"]
    assert metrics["n_test"] == 100
    assert metrics["n_train"] == 300  # from the card
    assert metrics["thresholds"]["sedang"] == tiny_model.thresholds["sedang"]
    assert result["model"]["trained"] is False and result["split"]["kind"] == "none"
    assert metrics["per_category"] == {}  # a plain file has no categories
    assert result["report"] is None and "note" not in result


def test_model_mode_on_its_own_training_rows_says_in_sample(
    tiny_model: TrainedModel, sample: Dataset, model_rows: tuple[np.ndarray, np.ndarray]
) -> None:
    training_rows = sample.subset(model_rows[0])
    result = run_evaluate(dataset=training_rows, model_path=tiny_model.path, report_dir=None, real_data=False)
    assert "in-sample" in result["note"]


# --- the report -------------------------------------------------------------------------------------


def test_report_files_exist(evaluation: dict) -> None:
    report = Path(evaluation["report"])
    assert report.name == "report.md" and report.is_file()
    for name in ("pr_curve.png", "calibration.png", "confusion_sedang.png"):
        assert (report.parent / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert f"]({name})" in report.read_text(encoding="utf-8")
    text = report.read_text(encoding="utf-8")
    for heading in ("## Metrics", "## Per category", "## Per indicator", "## Real-data", "## Worst errors"):
        assert heading in text
    assert json.loads((report.parent / "result.json").read_text(encoding="utf-8"))["report"] == str(report)


# --- the command line -------------------------------------------------------------------------------


def test_cli_evaluates_a_model_as_json(
    tiny_model: TrainedModel, held_out: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_plain_jsonl(tmp_path / "external.jsonl", held_out)
    argv = ["evaluate", "--model", str(tiny_model.path), "--data", str(data), "--format", "jsonl"]
    assert main([*argv, "--json", "--no-report", "--no-real-data"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert all(key in result["metrics"] for key in REQUIRED)
    assert result["real_data"]["status"] == "skipped"


def test_cli_trains_with_repeats_on_data_without_groups(
    sample: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str], missing_real_data: Path
) -> None:
    small = sample_of(dataclasses.replace(sample, groups=None), 240, seed=1)
    data = write_plain_jsonl(tmp_path / "plain.jsonl", small)
    argv = ["evaluate", "--data", str(data), "--format", "jsonl", "--grid", "4:1", "--repeats", "2"]
    assert main([*argv, "--report", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out
    assert "mean ± std over seeds 0..1" in out and "real data: skipped" in out
    result = json.loads((tmp_path / "report" / "result.json").read_text(encoding="utf-8"))
    assert result["seeds"] == [0, 1] and len(result["runs"]) == 2
    assert result["split"]["groups"] == "near-duplicate clusters"
    assert [run["groups_in_both"] for run in result["split"]["runs"]] == [0, 0]
    runs = [run["f1"] for run in result["runs"]]
    assert result["metrics"]["f1"] == pytest.approx(np.mean(runs), abs=1e-4)
    assert result["metrics_std"]["f1"] == pytest.approx(np.std(runs, ddof=1), abs=1e-4)


def test_cli_refuses_a_malformed_grid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--grid", "four", "--no-report", "--no-real-data"]) == 2
    assert "C:modus_scale" in capsys.readouterr().err
