"""The real-data false-positive check: how many real, presumed-legitimate job ads a model flags.

The file (JSONL or CSV with a ``text`` column) is only read and scored: never trained on, never
copied; an explanation quotes at most :data:`~screener.evaluate.metrics.EXCERPT_CHARS` characters of a
flagged ad.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from screener import paths
from screener.assessment import Screener
from screener.datasets import iter_records
from screener.errors import DataError
from screener.evaluate.metrics import explain_row, rate
from screener.features import Detector
from screener.model import TrainedModel

__all__ = ["REAL_DATA_TARGETS", "real_data_check", "resolve_real_data"]

# At most this share of ordinary, real job ads may be flagged (issue 3, item 6).
REAL_DATA_TARGETS = {"sedang": 0.02, "tinggi": 0.005}


def resolve_real_data(real_data: str | Path | bool | None = None) -> Path | None:
    """The real-data file to check: an explicit path, else :func:`screener.paths.real_data_file`.

    ``False`` turns the check off (returns None); ``None`` and ``True`` mean the default. The returned
    path may not exist; the check then reports itself as skipped. (The library reads no environment
    variable: the ``screener`` CLI maps ``SCREENER_REAL_DATA`` onto ``real_data``.)
    """
    if real_data is False:
        return None
    if real_data is not None and real_data is not True:
        return Path(real_data)
    return paths.real_data_file()


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
            "note": f"{path} not found; set SCREENER_REAL_DATA or --real-data to run the check",
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
    p = model.flag_scores(findings) if n else np.zeros(0)
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
        "rate_sedang": rate(len(sedang), n),
        "rate_tinggi": rate(tinggi, n),
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
        result["flagged"] = [
            explain_row(ids[i], texts[i], a) for i, a in zip(order, assessments, strict=True)
        ]
    return result
