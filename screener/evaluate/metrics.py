"""The metrics object of one scored test part: :func:`evaluate_model`.

The headline figures (ranking, calibration, decisions at the tier thresholds) come from
:func:`screener.metrics.score_metrics`; this module adds the per-category and per-indicator rates and
the worst errors, each explained the way :class:`~screener.assessment.Screener` explains an ad.
"Flagged" means a tier of ``sedang`` or above; ``tinggi`` figures use the ``tinggi`` threshold.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from screener.assessment import Assessment, Screener
from screener.datasets import Dataset
from screener.features import Detector
from screener.indicators import Findings
from screener.metrics import score_metrics
from screener.model import TrainedModel

__all__ = [
    "CATEGORY_ROWS",
    "EXCERPT_CHARS",
    "WORST_ERRORS",
    "evaluate_model",
    "excerpt",
    "explain_row",
    "rate",
]

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
    ("non_offer", 0, "not job offers: sales, rentals, promos, customer-service replies, greetings"),
    ("legit", 0, "all legit rows (legal placement + ordinary)"),
)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut to at most ``limit`` characters (the report never quotes a whole ad)."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def explain_row(record_id: str, text: str, assessment: Assessment, **extra: Any) -> dict[str, Any]:
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
        "text": excerpt(text),
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


def rate(count: int, n: int) -> float | None:
    """``count / n`` to four places, or None for an empty set."""
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
    p = model.flag_scores(findings)  # the risk where the text is an offer, 0 where it is not
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
            f"{name}_sedang": rate(hit_s, n),
            f"{name}_tinggi": rate(hit_t, n),
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
                "recall_sedang": rate(hit_s, n),
                "recall_tinggi": rate(hit_t, n),
            }
    metrics["per_indicator"] = per_indicator

    # Every flag should come with a named reason (an indicator or a readable word pattern).
    flagged = np.flatnonzero(sedang).tolist()
    screener = Screener(model)
    assessments = dict(zip(flagged, screener.assess_many([dataset.texts[i] for i in flagged]), strict=True))
    unexplained = sum(a.unexplained for a in assessments.values())
    metrics["unexplained"] = {
        "n_flagged": len(flagged),
        "n": unexplained,
        "share": rate(unexplained, len(flagged)),
    }

    false_negatives = [i for i in np.argsort(p, kind="stable").tolist() if y[i] == 1 and not sedang[i]]
    false_positives = [i for i in np.argsort(-p, kind="stable").tolist() if y[i] == 0 and sedang[i]]
    missing = false_negatives[:WORST_ERRORS]
    explained = {
        **assessments,
        **dict(zip(missing, screener.assess_many([dataset.texts[i] for i in missing]), strict=True)),
    }

    def explain(i: int) -> dict[str, Any]:
        category = dataset.categories[i] if dataset.categories is not None else None
        return explain_row(dataset.ids[i], dataset.texts[i], explained[i], label=int(y[i]), category=category)

    metrics["worst_errors"] = {
        "false_negatives": [explain(i) for i in false_negatives[:WORST_ERRORS]],
        "false_positives": [explain(i) for i in false_positives[:WORST_ERRORS]],
    }
    return metrics, p
