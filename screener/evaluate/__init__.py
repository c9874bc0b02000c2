"""Evaluation: honest held-out figures, a real-data false-positive check and a Markdown report.

:func:`run_evaluate` (:mod:`~screener.evaluate.run`) is what ``screener evaluate`` calls. It works in
one of two modes:

* **Train and test** (no ``model_path``): split the labelled data 80/20, train on the 80 with
  :func:`screener.train.train` and score the 20. Tier thresholds come from the trained model's card,
  which chose them on its own out-of-fold predictions: the test part never influences them.
  ``split="grouped"`` keeps whole groups on one side (the corpus ``group``; for data without groups,
  such as EMSCAD, the near-duplicate clusters of :func:`near_duplicate_groups`), so a template family
  cannot be learnt from the train part and recognised in the test part. ``split="stratified"`` is a
  plain stratified split, kept for comparison with published, leakier figures. ``repeats=N`` runs
  seeds ``seed .. seed+N-1`` and reports the mean and the sample standard deviation of every figure.
* **External test set** (``model_path``): load an existing model and score the whole file; nothing is
  trained.

Each run also scores a file of real job ads presumed legitimate (:func:`real_data_check`) and reports
how many the model flags. That file is only read and scored: never trained on, never copied; the
report quotes at most :data:`~screener.evaluate.metrics.EXCERPT_CHARS` characters of a flagged ad.

"Flagged" means a tier of ``sedang`` or above (risk >= the card's ``sedang`` threshold); the
``at_tinggi`` figures use the ``tinggi`` threshold.

Modules, in the order data flows through them: :mod:`~screener.evaluate.splits` (train/test split),
:mod:`~screener.evaluate.metrics` (the metrics object of one test part),
:mod:`~screener.evaluate.real_data` (the false-positive check), :mod:`~screener.evaluate.aggregate`
(mean and std over seeds), :mod:`~screener.evaluate.run` (the whole evaluation),
:mod:`~screener.evaluate.report` and :mod:`~screener.evaluate.plots` (the report and its figures).
"""

from pathlib import Path

from screener import paths
from screener.evaluate.metrics import evaluate_model
from screener.evaluate.real_data import REAL_DATA_TARGETS, real_data_check, resolve_real_data
from screener.evaluate.report import write_report
from screener.evaluate.run import run_evaluate
from screener.evaluate.splits import (
    DUPLICATE_THRESHOLD,
    TEST_SIZE,
    Split,
    near_duplicate_groups,
    split_dataset,
)

__all__ = [
    "DEFAULT_REAL_DATA",
    "DEFAULT_REPORT_DIR",
    "DUPLICATE_THRESHOLD",
    "REAL_DATA_TARGETS",
    "TEST_SIZE",
    "Split",
    "evaluate_model",
    "near_duplicate_groups",
    "real_data_check",
    "resolve_real_data",
    "run_evaluate",
    "split_dataset",
    "write_report",
]

# The default real-data file and report folder (screener.paths); declared here, computed on access.
DEFAULT_REAL_DATA: Path
DEFAULT_REPORT_DIR: Path


def __getattr__(name: str) -> Path:
    # The defaults follow the working directory (screener.paths), so they are computed when read.
    if name == "DEFAULT_REAL_DATA":
        return paths.real_data_file()
    if name == "DEFAULT_REPORT_DIR":
        return paths.reports_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
