"""The whole evaluation, :func:`run_evaluate`: what ``screener evaluate`` calls.

Two modes:

* **Train and test** (no ``model_path``): split the labelled data 80/20
  (:func:`~screener.evaluate.splits.split_dataset`), train on the 80 with :func:`screener.train.train`
  and score the 20. Tier thresholds come from the trained model's card, which chose them on its own
  out-of-fold predictions: the test part never influences them. ``repeats=N`` runs seeds
  ``seed .. seed+N-1`` and reports the mean and the sample standard deviation of every figure.
* **External test set** (``model_path``): load an existing model and score the whole file; nothing is
  trained.

Each run also runs the real-data check (:mod:`screener.evaluate.real_data`) and, given a folder,
writes the report (:mod:`screener.evaluate.report`).
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from screener import paths
from screener.datasets import Dataset, load_corpus, load_emscad, load_labelled
from screener.errors import DataError
from screener.evaluate.aggregate import mean_std
from screener.evaluate.metrics import evaluate_model
from screener.evaluate.plots import Curve
from screener.evaluate.real_data import real_data_check, resolve_real_data
from screener.evaluate.real_dev import combine_real_dev, real_dev_check
from screener.evaluate.report import write_report
from screener.evaluate.splits import DUPLICATE_NGRAM, DUPLICATE_THRESHOLD, TEST_SIZE, split_dataset
from screener.model import TrainedModel, load_model
from screener.paths import DEFAULT, UseDefault
from screener.train import TrainSettings, train

__all__ = ["run_evaluate"]


def _load(data: str | Path | None, data_format: str) -> Dataset:
    fmt = (data_format or "corpus").lower()
    if fmt == "corpus":
        return load_corpus(data)
    if data is None:
        raise DataError(f"--data is required with --format {fmt}", f"--data wajib diisi untuk --format {fmt}")
    if fmt == "emscad":
        return load_emscad(data)
    return load_labelled(data, format=fmt)


def run_evaluate(
    *,
    data: str | Path | None = None,
    data_format: str = "corpus",
    model_path: str | Path | None = None,
    split: str = "grouped",
    seed: int = 0,
    repeats: int = 1,
    report_dir: str | Path | UseDefault | None = DEFAULT,
    real_data: str | Path | bool | None = None,
    real_dev: str | Path | bool | None = None,
    grid: tuple[tuple[float, float], ...] | None = None,
    dataset: Dataset | None = None,
) -> dict[str, Any]:
    """Evaluate, check real data, write the report; returns a JSON-serialisable result.

    Parameters
    ----------
    data, data_format : path and ``"corpus" | "emscad" | "csv" | "jsonl"``
        The labelled data (default: the project's corpus). CSV / JSONL need ``text`` and ``label``.
    model_path : path, optional
        Evaluate this existing model on the whole file, no training (external test sets).
    split : {"grouped", "stratified"}
        How to split when training (see :func:`split_dataset`).
    seed, repeats : int
        Seeds ``seed .. seed + repeats - 1``; each trains and tests once. Ignored with ``model_path``.
    report_dir : path, None or :data:`screener.paths.DEFAULT`
        Folder for ``report.md`` and the PNG figures; None writes no report; by default
        :func:`screener.paths.reports_dir` (``reports/evaluation`` under the project root).
    real_data : path, bool or None
        The real-data file (None: :func:`screener.paths.real_data_file`; False: no check).
    real_dev : path, bool or None
        The folder of real dev files (None: :func:`screener.paths.shared_data_dir`; False: no check);
        see :mod:`screener.evaluate.real_dev`. Skipped cleanly when absent.
    grid : tuple of (C, modus_scale), optional
        Hyper-parameter grid for training (default: :data:`screener.train.DEFAULT_GRID`).
    dataset : Dataset, optional
        Already loaded data, used instead of ``data`` / ``data_format``.

    Returns
    -------
    dict
        ``metrics`` (the metrics object; with ``repeats > 1`` the mean over the seeds, and
        ``metrics_std`` the sample standard deviation), ``runs`` (each seed's metrics object),
        ``real_data``, ``real_dev`` (flagged shares per real dev file, per seed and their mean),
        ``split``, ``data``, ``model``, ``report`` (the report path or None), ``seconds``.
    """
    started = time.perf_counter()
    dataset = dataset if dataset is not None else _load(data, data_format)
    real_path = resolve_real_data(real_data)
    dev_root = (
        None
        if real_dev is False
        else Path(real_dev)
        if isinstance(real_dev, str | Path)
        else paths.shared_data_dir()
    )
    dev_runs: list[dict[str, Any]] = []
    if report_dir is DEFAULT:
        report_dir = paths.reports_dir()
    result: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "source": dataset.source,
            "format": data_format,
            "n": len(dataset),
            "n_positive": int(np.asarray(dataset.labels).sum()),
            "sha256": dataset.fingerprint(),
        },
    }
    runs: list[dict[str, Any]] = []
    real_runs: list[dict[str, Any]] = []
    curves: list[Curve] = []
    if model_path is not None:
        model = load_model(model_path)
        n_train = int(model.card.get("training_data", {}).get("n_rows", 0))
        metrics, p = evaluate_model(model, dataset, n_train=n_train)
        runs.append(metrics)
        curves.append((seed, np.asarray(dataset.labels), p, model.thresholds))
        real_runs.append(real_data_check(model, real_path))
        dev_runs.append(real_dev_check(model, dev_root))
        in_sample = model.card.get("training_data", {}).get("sha256") == result["data"]["sha256"]
        result["split"] = {"kind": "none", "note": "existing model scored on the whole file, no training"}
        result["model"] = {
            "path": str(model.path),
            "version": model.version,
            "trained": False,
            "hyperparameters": _hyper(model),
        }
        if in_sample:
            result["note"] = (
                "this model was trained on exactly these rows: the figures are in-sample, not a test"
            )
        seeds = [seed]
    else:
        seeds = list(range(seed, seed + max(1, int(repeats))))
        split_info: list[dict[str, Any]] = []
        hyper: list[dict[str, Any]] = []
        for run_seed in seeds:
            parts = split_dataset(dataset, split=split, seed=run_seed)
            train_part = dataset.subset(parts.train_index)
            if parts.groups is not None and dataset.groups is None and parts.kind == "grouped":
                # Near-duplicate clusters also keep the training's inner cross-validation honest.
                train_part = dataclasses.replace(
                    train_part, groups=[parts.groups[i] for i in parts.train_index]
                )
            test_part = dataset.subset(parts.test_index)
            model = train(train_part, TrainSettings(seed=run_seed, grid=grid, version=f"eval-seed{run_seed}"))
            metrics, p = evaluate_model(model, test_part, n_train=len(train_part))
            metrics["seed"] = run_seed
            runs.append(metrics)
            curves.append((run_seed, np.asarray(test_part.labels), p, model.thresholds))
            real_runs.append(real_data_check(model, real_path, explain=run_seed == seeds[0]))
            dev_runs.append(real_dev_check(model, dev_root, explain=10 if run_seed == seeds[0] else 0))
            groups = parts.groups
            split_info.append(
                {
                    "seed": run_seed,
                    "n_train": len(parts.train_index),
                    "n_test": len(parts.test_index),
                    "n_groups": len(set(groups)) if groups is not None else None,
                    "groups_in_both": len(parts.groups_in_both()),
                }
            )
            hyper.append({"seed": run_seed, **_hyper(model)})
        result["split"] = {
            "kind": split,
            "groups": parts.group_source if split == "grouped" else "none (plain stratified split)",
            "test_size": TEST_SIZE,
            "runs": split_info,
        }
        if parts.group_source == "near-duplicate clusters" and split == "grouped":
            result["split"]["method"] = (
                f"char {DUPLICATE_NGRAM}-gram TF-IDF cosine >= {DUPLICATE_THRESHOLD} on case-folded text "
                "with digit runs replaced, connected components"
            )
        result["model"] = {
            "trained": True,
            "grid": [list(g) for g in grid] if grid else "default",
            "runs": hyper,
        }
    result["seeds"] = seeds
    if len(runs) == 1:
        result["metrics"] = runs[0]
    else:
        result["metrics"], result["metrics_std"] = mean_std(runs)
    result["runs"] = runs
    real = dict(real_runs[0])
    if len(real_runs) > 1 and real.get("status") == "ok":
        rates = [
            {k: r[k] for k in ("flagged_sedang", "flagged_tinggi", "rate_sedang", "rate_tinggi")}
            for r in real_runs
        ]
        mean, std = mean_std(rates)
        real["by_seed"] = [{"seed": s, **r} for s, r in zip(seeds, rates, strict=True)]
        real["mean"], real["std"] = mean, std
    result["real_data"] = real
    result["real_dev"] = combine_real_dev(dev_runs, seeds)
    result["report"] = str(Path(report_dir) / "report.md") if report_dir is not None else None
    result["seconds"] = round(time.perf_counter() - started, 1)
    if report_dir is not None:
        write_report(result, report_dir, curves)
    return result


def _hyper(model: TrainedModel) -> dict[str, Any]:
    h = model.card.get("hyperparameters", {})
    return {"C": h.get("C"), "modus_scale": h.get("modus_scale"), "thresholds": model.thresholds}
