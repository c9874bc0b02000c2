"""Evaluation: honest held-out figures, a real-data false-positive check and a Markdown report.

:func:`run_evaluate` is what ``screener evaluate`` calls. It works in one of two modes:

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

Each run also scores a file of real job ads presumed legitimate (``SCREENER_REAL_DATA``, or
``../shared/data/real-id-jobs/lokerid_dev.jsonl`` beside the repository) and reports how many the model
flags. That file is only read and scored: never trained on, never copied; the report quotes at most
:data:`EXCERPT_CHARS` characters of a flagged ad.

"Flagged" means a tier of ``sedang`` or above (risk >= the card's ``sedang`` threshold); the
``at_tinggi`` figures use the ``tinggi`` threshold.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from screener.assessment import Assessment, Screener
from screener.datasets import Dataset, iter_records, load_corpus, load_emscad, load_labelled
from screener.errors import DataError
from screener.features import Detector
from screener.indicators import Findings
from screener.metrics import score_metrics
from screener.model import TrainedModel, load_model
from screener.train import TrainSettings, train

__all__ = [
    "DEFAULT_REAL_DATA",
    "DUPLICATE_THRESHOLD",
    "REAL_DATA_TARGETS",
    "Split",
    "evaluate_model",
    "near_duplicate_groups",
    "real_data_check",
    "resolve_real_data",
    "run_evaluate",
    "split_dataset",
    "write_report",
]

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_REAL_DATA = REPO_DIR.parent / "shared" / "data" / "real-id-jobs" / "lokerid_dev.jsonl"
REAL_DATA_ENV = "SCREENER_REAL_DATA"
DEFAULT_REPORT_DIR = Path("reports") / "evaluation"
# At most this share of ordinary, real job ads may be flagged (issue 3, item 6).
REAL_DATA_TARGETS = {"sedang": 0.02, "tinggi": 0.005}
TEST_SIZE = 0.2
DUPLICATE_THRESHOLD = 0.8
DUPLICATE_NGRAM = 5
EXCERPT_CHARS = 300
WORST_ERRORS = 10

# Corpus indicators that only an overseas-placement ad carries (together with a foreign place found by
# the gazetteer, they make a ``legit`` row a legal-placement row).
PLACEMENT_INDICATORS = frozenset(
    {
        "leg_p3mi_licensed",
        "leg_job_order_sip",
        "leg_g2g",
        "leg_work_visa_contract",
        "leg_official_destination",
        "leg_official_registration",
    }
)
# Rows of the per-category table: (key, label, description).
CATEGORY_ROWS = (
    ("tppo", 1, "trafficking recruitment (TPPO)"),
    ("tppm", 1, "people smuggling (TPPM)"),
    ("scam", 1, "other recruitment scams"),
    ("legal_placement", 0, "legit rows about work abroad (foreign place or placement indicator)"),
    ("legit_other", 0, "ordinary legit ads (domestic, remote, job fairs)"),
    ("awareness", 0, "awareness / news / government warnings"),
    ("legit", 0, "all legit rows (legal placement + ordinary)"),
)


# --- splitting --------------------------------------------------------------------------------------


def _shingle_text(text: str) -> str:
    # Digits become one 0 so copies that differ only in a phone number, price or date still match.
    return re.sub(r"\s+", " ", re.sub(r"\d+", "0", text.casefold())).strip()


def near_duplicate_groups(
    texts: Sequence[str],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    ngram: int = DUPLICATE_NGRAM,
    chunk: int = 512,
) -> list[str]:
    """Group ids that put near-identical texts together, for grouped splits of data without groups.

    Method: each text is case-folded, every run of digits becomes ``0`` and whitespace is collapsed;
    the texts become TF-IDF vectors of character ``ngram``-grams (sublinear tf, l2-normalised); every
    pair with cosine similarity ``>= threshold`` is linked, and the connected components of that
    graph are the groups (so a chain of small edits stays in one group). Ids are ``"dup-<n>"``.

    Parameters
    ----------
    texts : sequence of str
    threshold : float, default=0.8
        Cosine similarity at or above which two texts are near-duplicates.
    ngram : int, default=5
        Character n-gram length.
    chunk : int, default=512
        Rows compared at a time (memory is about ``chunk * len(texts)`` similarities).
    """
    n = len(texts)
    if n == 0:
        return []
    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=(ngram, ngram), sublinear_tf=True, lowercase=False, dtype=np.float32
    )
    x = vectoriser.fit_transform([_shingle_text(t) or " " for t in texts]).tocsr()
    xt = x.T.tocsc()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, n, chunk):
        similar = (x[start : start + chunk] @ xt).tocoo()
        keep = similar.data >= threshold - 1e-6
        rows.append(similar.row[keep] + start)
        cols.append(similar.col[keep])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    graph = sparse.coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return [f"dup-{label}" for label in labels.tolist()]


@dataclass(frozen=True)
class Split:
    """Row positions of one train/test split and the groups it respected."""

    train_index: np.ndarray
    test_index: np.ndarray
    kind: str  # "grouped" or "stratified"
    groups: list[str] | None  # the groups used (corpus groups or near-duplicate clusters), if any
    group_source: str  # "corpus", "near-duplicate clusters" or "none"

    def groups_in_both(self) -> set[str]:
        """Groups with rows on both sides (empty for a grouped split)."""
        if self.groups is None:
            return set()
        train_groups = {self.groups[i] for i in self.train_index.tolist()}
        return train_groups & {self.groups[i] for i in self.test_index.tolist()}


def split_dataset(
    dataset: Dataset, *, split: str = "grouped", seed: int = 0, test_size: float = TEST_SIZE
) -> Split:
    """Split ``dataset`` about 80/20, stratified by label.

    ``grouped``: the first fold of a seeded :class:`~sklearn.model_selection.StratifiedGroupKFold` with
    ``round(1 / test_size)`` folds, on the dataset's groups or, when it has none, on
    :func:`near_duplicate_groups`. ``stratified``: :func:`~sklearn.model_selection.train_test_split`.
    """
    y = np.asarray(dataset.labels)
    if split == "stratified":
        train_index, test_index = train_test_split(
            np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
        )
        return Split(
            np.sort(train_index),
            np.sort(test_index),
            "stratified",
            dataset.groups,
            "corpus" if dataset.groups is not None else "none",
        )
    if split != "grouped":
        raise DataError(
            f"unknown split {split!r}; expected 'grouped' or 'stratified'",
            f"pembagian {split!r} tidak dikenal; seharusnya 'grouped' atau 'stratified'",
        )
    if dataset.groups is not None:
        groups, source = list(dataset.groups), "corpus"
    else:
        groups, source = near_duplicate_groups(dataset.texts), "near-duplicate clusters"
    n_splits = max(2, round(1 / test_size))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    train_index, test_index = next(splitter.split(np.zeros(len(y)), y, groups))
    return Split(np.sort(train_index), np.sort(test_index), "grouped", groups, source)


# --- scoring ----------------------------------------------------------------------------------------


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _explain(record_id: str, text: str, assessment: Assessment, **extra: Any) -> dict[str, Any]:
    """One scored ad with the explanation :class:`Screener` gives for it (text cut to an excerpt)."""
    return {
        "id": record_id,
        **extra,
        "risk": assessment.risk,
        "score": assessment.score,
        "tier": assessment.tier,
        "category_predicted": assessment.category,
        "indicators": [
            {"id": ind.id, "weight": ind.weight, "evidence": [e["text"] for e in ind.evidence]}
            for ind in assessment.indicators
        ],
        "top_terms": [[t.term, t.weight] for t in assessment.top_terms],
        "summary": assessment.summary,
        "text": _excerpt(text),
    }


def _abroad(findings: Findings) -> bool:
    return any(p.place.country != "ID" for p in findings.places)


def _category_keys(dataset: Dataset, findings: list[Findings]) -> list[set[str]]:
    """The per-category table rows each ad counts in (empty sets when the data has no categories)."""
    if dataset.categories is None:
        return [set() for _ in findings]
    keys = []
    for i, category in enumerate(dataset.categories):
        row = {category}
        if category == "legit":
            labelled = set(dataset.indicators[i]) if dataset.indicators is not None else set()
            placement = _abroad(findings[i]) or bool(labelled & PLACEMENT_INDICATORS)
            row.add("legal_placement" if placement else "legit_other")
        keys.append(row)
    return keys


def _rate(count: int, n: int) -> float | None:
    return round(count / n, 4) if n else None


def evaluate_model(
    model: TrainedModel, dataset: Dataset, *, n_train: int, findings: list[Findings] | None = None
) -> tuple[dict[str, Any], np.ndarray]:
    """Score ``dataset`` with ``model`` and build the metrics object; returns it and the risks.

    The metrics object is :func:`screener.metrics.score_metrics` plus ``n_train``, ``thresholds``,
    ``per_category`` (recall of risky categories, false-positive rate of safe ones, at ``sedang`` and
    ``tinggi``), ``per_indicator`` (recall over the risky rows whose labelled indicators include it) and
    ``worst_errors`` (the most confident false negatives and false positives, explained).
    """
    findings = findings if findings is not None else Detector().transform(dataset.texts)
    y = np.asarray(dataset.labels, dtype=int)
    p = model.pipeline.predict_proba(findings)[:, 1]
    thresholds = model.thresholds
    sedang = p >= thresholds["sedang"]
    tinggi = p >= thresholds["tinggi"]
    metrics: dict[str, Any] = score_metrics(y, p, thresholds)
    metrics["n_train"] = int(n_train)
    metrics["thresholds"] = {k: thresholds[k] for k in ("sedang", "tinggi")}

    per_category: dict[str, Any] = {}
    keys = _category_keys(dataset, findings)
    for key, label, description in CATEGORY_ROWS:
        rows = np.array([key in k for k in keys], dtype=bool)
        n = int(rows.sum())
        if not n:
            continue
        hit_s, hit_t = int((sedang & rows).sum()), int((tinggi & rows).sum())
        name = "recall" if label else "fpr"
        per_category[key] = {
            "label": label,
            "description": description,
            "n": n,
            "flagged_sedang": hit_s,
            "flagged_tinggi": hit_t,
            f"{name}_sedang": _rate(hit_s, n),
            f"{name}_tinggi": _rate(hit_t, n),
        }
    metrics["per_category"] = per_category

    per_indicator: dict[str, Any] = {}
    if dataset.indicators is not None:
        counts: dict[str, list[int]] = {}
        for i in np.flatnonzero(y == 1).tolist():
            for indicator in dataset.indicators[i]:
                c = counts.setdefault(indicator, [0, 0, 0])
                c[0] += 1
                c[1] += int(sedang[i])
                c[2] += int(tinggi[i])
        for indicator, (n, hit_s, hit_t) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0])):
            per_indicator[indicator] = {
                "n": n,
                "recall_sedang": _rate(hit_s, n),
                "recall_tinggi": _rate(hit_t, n),
            }
    metrics["per_indicator"] = per_indicator

    false_negatives = [i for i in np.argsort(p, kind="stable").tolist() if y[i] == 1 and not sedang[i]]
    false_positives = [i for i in np.argsort(-p, kind="stable").tolist() if y[i] == 0 and sedang[i]]
    chosen = false_negatives[:WORST_ERRORS] + false_positives[:WORST_ERRORS]
    screener = Screener(model)
    explained = dict(zip(chosen, screener.assess_many([dataset.texts[i] for i in chosen]), strict=True))

    def explain(i: int) -> dict[str, Any]:
        category = dataset.categories[i] if dataset.categories is not None else None
        return _explain(dataset.ids[i], dataset.texts[i], explained[i], label=int(y[i]), category=category)

    metrics["worst_errors"] = {
        "false_negatives": [explain(i) for i in false_negatives[:WORST_ERRORS]],
        "false_positives": [explain(i) for i in false_positives[:WORST_ERRORS]],
    }
    return metrics, p


# --- the real-data check ----------------------------------------------------------------------------


def resolve_real_data(real_data: str | Path | bool | None = None) -> Path | None:
    """The real-data file to check: an explicit path, else ``SCREENER_REAL_DATA``, else the default.

    ``False`` turns the check off (returns None). The returned path may not exist; the check then
    reports itself as skipped.
    """
    if real_data is False:
        return None
    if real_data is not None and real_data is not True:
        return Path(real_data)
    configured = os.environ.get(REAL_DATA_ENV)
    return Path(configured) if configured else DEFAULT_REAL_DATA


def real_data_check(model: TrainedModel, path: str | Path | None, *, explain: bool = True) -> dict[str, Any]:
    """Share of real, presumed-legitimate ads flagged at ``sedang`` or above and at ``tinggi``.

    Reads a JSONL or CSV file with a ``text`` column (and ``id`` if present); rates are over every
    readable row. Returns ``{"status": "skipped", "note": ...}`` when ``path`` is None or missing.
    With ``explain``, ``flagged`` lists every flagged ad with its explanation and an excerpt.
    """
    if path is None:
        return {"status": "skipped", "path": None, "note": "real-data check turned off"}
    path = Path(path)
    if not path.is_file():
        return {
            "status": "skipped",
            "path": str(path),
            "note": f"{path} not found; set {REAL_DATA_ENV} or --real-data to run the check",
        }
    ids: list[str] = []
    texts: list[str] = []
    skipped = 0
    for number, record in iter_records(path):
        if isinstance(record, DataError):
            skipped += 1
            continue
        ids.append(str(record.get("id", number)))
        texts.append(record["text"])
    n = len(texts)
    findings = Detector().transform(texts)
    p = model.pipeline.predict_proba(findings)[:, 1] if n else np.zeros(0)
    thresholds = model.thresholds
    sedang = np.flatnonzero(p >= thresholds["sedang"])
    tinggi = int((p >= thresholds["tinggi"]).sum())
    result: dict[str, Any] = {
        "status": "ok",
        "path": str(path),
        "n": n,
        "n_unreadable": skipped,
        "flagged_sedang": len(sedang),
        "flagged_tinggi": tinggi,
        "rate_sedang": _rate(len(sedang), n),
        "rate_tinggi": _rate(tinggi, n),
        # How close the ads come to the thresholds, even when none is flagged.
        "risk_max": round(float(p.max()), 4) if n else None,
        "risk_p99": round(float(np.percentile(p, 99)), 4) if n else None,
        "thresholds": {k: thresholds[k] for k in ("sedang", "tinggi")},
        "targets": {"rate_sedang": REAL_DATA_TARGETS["sedang"], "rate_tinggi": REAL_DATA_TARGETS["tinggi"]},
    }
    result["meets_targets"] = bool(
        n and len(sedang) / n <= REAL_DATA_TARGETS["sedang"] and tinggi / n <= REAL_DATA_TARGETS["tinggi"]
    )
    if explain:
        order = sorted(sedang.tolist(), key=lambda i: -p[i])
        assessments = Screener(model).assess_many([texts[i] for i in order])
        result["flagged"] = [_explain(ids[i], texts[i], a) for i, a in zip(order, assessments, strict=True)]
    return result


# --- aggregation ------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _mean_std(objects: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mean and sample standard deviation of every number in a list of same-shaped dicts.

    Lists (the worst errors) are left out; a key missing in some runs averages over the others.
    """
    mean: dict[str, Any] = {}
    std: dict[str, Any] = {}
    keys = list(dict.fromkeys(k for obj in objects for k in obj))
    for key in keys:
        values = [obj[key] for obj in objects if key in obj and obj[key] is not None]
        if values and all(isinstance(v, dict) for v in values):
            m, s = _mean_std(values)
            if m:
                mean[key], std[key] = m, s
        elif values and all(_is_number(v) for v in values):
            mean[key] = round(float(np.mean(values)), 4)
            std[key] = round(float(np.std(values, ddof=1)), 4) if len(values) > 1 else 0.0
        elif values and all(isinstance(v, str) for v in values) and len(set(values)) == 1:
            mean[key] = values[0]  # descriptions
    return mean, std


# --- the whole evaluation ---------------------------------------------------------------------------


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
    report_dir: str | Path | None = DEFAULT_REPORT_DIR,
    real_data: str | Path | bool | None = None,
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
    report_dir : path or None
        Folder for ``report.md`` and the PNG figures; None writes no report.
    real_data : path, bool or None
        The real-data file (None: ``SCREENER_REAL_DATA`` or the default path; False: no check).
    grid : tuple of (C, modus_scale), optional
        Hyper-parameter grid for training (default: :data:`screener.train.DEFAULT_GRID`).
    dataset : Dataset, optional
        Already loaded data, used instead of ``data`` / ``data_format``.

    Returns
    -------
    dict
        ``metrics`` (the metrics object; with ``repeats > 1`` the mean over the seeds, and
        ``metrics_std`` the sample standard deviation), ``runs`` (each seed's metrics object),
        ``real_data``, ``split``, ``data``, ``model``, ``report`` (the report path or None), ``seconds``.
    """
    started = time.perf_counter()
    dataset = dataset if dataset is not None else _load(data, data_format)
    real_path = resolve_real_data(real_data)
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
    curves: list[tuple[int, np.ndarray, np.ndarray, dict[str, float]]] = []
    if model_path is not None:
        model = load_model(model_path)
        n_train = int(model.card.get("training_data", {}).get("n_rows", 0))
        metrics, p = evaluate_model(model, dataset, n_train=n_train)
        runs.append(metrics)
        curves.append((seed, np.asarray(dataset.labels), p, model.thresholds))
        real_runs.append(real_data_check(model, real_path))
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
        result["metrics"], result["metrics_std"] = _mean_std(runs)
    result["runs"] = runs
    real = dict(real_runs[0])
    if len(real_runs) > 1 and real.get("status") == "ok":
        rates = [
            {k: r[k] for k in ("flagged_sedang", "flagged_tinggi", "rate_sedang", "rate_tinggi")}
            for r in real_runs
        ]
        mean, std = _mean_std(rates)
        real["by_seed"] = [{"seed": s, **r} for s, r in zip(seeds, rates, strict=True)]
        real["mean"], real["std"] = mean, std
    result["real_data"] = real
    result["report"] = str(Path(report_dir) / "report.md") if report_dir is not None else None
    result["seconds"] = round(time.perf_counter() - started, 1)
    if report_dir is not None:
        write_report(result, report_dir, curves)
    return result


def _hyper(model: TrainedModel) -> dict[str, Any]:
    h = model.card.get("hyperparameters", {})
    return {"C": h.get("C"), "modus_scale": h.get("modus_scale"), "thresholds": model.thresholds}


# --- the report -------------------------------------------------------------------------------------


def _fmt(value: Any, std: Any = None) -> str:
    if value is None:
        return "–"
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    if std is not None and _is_number(std):
        text += f" ± {std:.4f}"
    return text


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.2f}%"


def _figures(folder: Path, curves: list[tuple[int, np.ndarray, np.ndarray, dict[str, float]]]) -> list[str]:
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


def _explained_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for row in rows:
        head = f"- **{row['id']}**"
        if row.get("category"):
            head += f" ({row['category']}, label {row['label']})"
        head += f": risk {row['risk']:.3f}, score {row['score']}, tier **{row['tier']}**"
        lines.append(head)
        lines.append(f"  - {row['summary']}")
        if row["indicators"]:
            found = "; ".join(
                f"`{ind['id']}` ({ind['weight']:+.1f}): " + ", ".join(f'"{e}"' for e in ind["evidence"][:3])
                for ind in row["indicators"]
            )
            lines.append(f"  - indicators: {found}")
        if row["top_terms"]:
            terms = ", ".join(f"`{t}` {w:+.2f}" for t, w in row["top_terms"][:6])
            lines.append(f"  - top terms: {terms}")
        lines.append(f"  - text: > {row['text']}")
    return lines or ["(none)"]


def write_report(
    result: dict[str, Any],
    report_dir: str | Path,
    curves: list[tuple[int, np.ndarray, np.ndarray, dict[str, float]]],
) -> Path:
    """Write ``report.md``, ``result.json`` and the PNG figures into ``report_dir``; returns report.md."""
    folder = Path(report_dir)
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(folder, curves)
    metrics = result["metrics"]
    std = result.get("metrics_std", {})
    first = result["runs"][0]
    seeds = result["seeds"]
    lines = [
        "# Evaluation report",
        "",
        f"- created: {result['created_at']}",
        f"- data: `{result['data']['source']}` ({result['data']['format']}), {result['data']['n']} rows, "
        f"{result['data']['n_positive']} risky; sha256 `{result['data']['sha256'][:16]}…`",
    ]
    split = result["split"]
    if split["kind"] == "none":
        lines.append(
            f"- model: `{result['model']['path']}` (version {result['model']['version']}), no training"
        )
    else:
        lines.append(
            f"- split: **{split['kind']}** ({split['groups']}), test share {split['test_size']}, "
            f"seeds {', '.join(map(str, seeds))}; groups in both sides: "
            f"{sum(r['groups_in_both'] for r in split['runs'])}"
        )
        if "method" in split:
            lines.append(f"- near-duplicate clusters: {split['method']}")
        lines.append(
            "- each seed trains on its train part (grid "
            f"{result['model']['grid']}); thresholds come from that model's own out-of-fold predictions"
        )
    if result.get("note"):
        lines.append(f"- **note:** {result['note']}")
    if len(seeds) > 1:
        lines.append(
            f"- figures below are mean ± sample std over {len(seeds)} seeds; details are seed {seeds[0]}"
        )
    lines += [
        "",
        "## Metrics",
        "",
        "Flagged = tier `sedang` or above.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key in ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece", "n_train", "n_test"):
        lines.append(f"| {key} | {_fmt(metrics.get(key), std.get(key))} |")
    for tier in ("at_sedang", "at_tinggi"):
        block, spread = metrics.get(tier, {}), std.get(tier, {})
        for key in ("threshold", "precision", "recall", "f1", "false_positive_rate"):
            lines.append(f"| {tier}.{key} | {_fmt(block.get(key), spread.get(key))} |")

    per_category = metrics.get("per_category", {})
    if per_category:
        lines += [
            "",
            "## Per category",
            "",
            "Recall for risky categories, false-positive rate for safe ones.",
            "",
            "| category | n | rate at sedang | rate at tinggi | what |",
            "|---|---|---|---|---|",
        ]
        spread_all = std.get("per_category", {})
        for key, row in per_category.items():
            name = "recall" if row["label"] else "fpr"
            spread = spread_all.get(key, {})
            at_sedang = _fmt(row.get(f"{name}_sedang"), spread.get(f"{name}_sedang"))
            at_tinggi = _fmt(row.get(f"{name}_tinggi"), spread.get(f"{name}_tinggi"))
            rates = f"{name} {at_sedang} | {name} {at_tinggi}"
            lines.append(f"| {key} | {_fmt(row['n'])} | {rates} | {row['description']} |")
    per_indicator = metrics.get("per_indicator", {})
    if per_indicator:
        lines += [
            "",
            "## Per indicator",
            "",
            "Recall over the risky test rows whose labelled indicators include it.",
            "",
            "| indicator | n | recall at sedang | recall at tinggi |",
            "|---|---|---|---|",
        ]
        for key, row in per_indicator.items():
            recall = f"{_fmt(row['recall_sedang'])} | {_fmt(row['recall_tinggi'])}"
            lines.append(f"| `{key}` | {_fmt(row['n'])} | {recall} |")

    real = result["real_data"]
    lines += ["", "## Real-data false-positive check", ""]
    if real["status"] != "ok":
        lines.append(f"Skipped: {real['note']}.")
    else:
        targets = real["targets"]
        lines += [
            f"`{real['path']}`: {real['n']} real job ads presumed legitimate, never trained on. "
            f"Highest risk {real['risk_max']}, 99th percentile {real['risk_p99']} "
            f"(thresholds: sedang {real['thresholds']['sedang']}, tinggi {real['thresholds']['tinggi']}).",
            "",
            "| tier | flagged | rate | target | met |",
            "|---|---|---|---|---|",
        ]
        for tier, label in (("sedang", "sedang or above"), ("tinggi", "tinggi")):
            rate, target = real[f"rate_{tier}"], targets[f"rate_{tier}"]
            met = "yes" if rate <= target else "**no**"
            lines.append(
                f"| {label} | {real[f'flagged_{tier}']} | {_pct(rate)} | <= {_pct(target)} | {met} |"
            )
        if "by_seed" in real:
            lines += [
                "",
                "Over the seeds: sedang "
                f"{_pct(real['mean']['rate_sedang'])} ± {_pct(real['std']['rate_sedang'])}, tinggi "
                f"{_pct(real['mean']['rate_tinggi'])} ± {_pct(real['std']['rate_tinggi'])} "
                f"(seed {seeds[0]} above and below).",
            ]
        lines += ["", f"### Flagged ads ({len(real.get('flagged', []))})", ""]
        lines += _explained_lines(real.get("flagged", []))

    errors = first["worst_errors"]
    lines += ["", f"## Worst errors (seed {seeds[0]})", "", "### False negatives (lowest risk first)", ""]
    lines += _explained_lines(errors["false_negatives"])
    lines += ["", "### False positives (highest risk first)", ""]
    lines += _explained_lines(errors["false_positives"])
    lines += ["", "## Figures", ""] + [f"![{name}]({name})" for name in figures]
    report = folder / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "result.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report
