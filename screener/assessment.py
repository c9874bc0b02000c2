"""One assessment for every surface: :func:`assess` and :class:`Screener`.

The CLI, the JSON API, the review queue and the pages all show the same :class:`Assessment`: the
calibrated risk from the model, the tier from the model card's thresholds, the catalogue indicators
with evidence spans on the original text, the salary judgement, places, contacts, the n-grams that
moved the model most and a one-sentence summary in Bahasa Indonesia.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from screener.errors import InputError
from screener.indicators import Findings, IndicatorHit, detect
from screener.model import RISKY_CATEGORIES, TrainedModel, load_model
from screener.scoring import LinearScorer

__all__ = ["MAX_TEXT_CHARS", "Assessment", "IndicatorResult", "Screener", "TopTerm", "assess", "check_text"]

# Longer texts are cut (and flagged as truncated): no real ad is anywhere near this long.
MAX_TEXT_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    id: str
    name_id: str
    name_en: str
    weight: float
    level: str
    explanation_id: str
    explanation_en: str
    advice_id: str
    advice_en: str
    legal_basis: str
    evidence: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _RESULT_FIELDS}
        data["evidence"] = list(self.evidence)
        return data

    @classmethod
    def from_hit(cls, hit: IndicatorHit) -> IndicatorResult:
        """The catalogue entry's public fields (``Indicator.to_dict``) plus the evidence spans."""
        public = hit.indicator.to_dict()
        return cls(
            **{name: public[name] for name in _RESULT_FIELDS if name != "evidence"},
            evidence=tuple(e.to_dict() for e in hit.evidence),
        )


_RESULT_FIELDS = tuple(field.name for field in fields(IndicatorResult))


@dataclass(frozen=True, slots=True)
class TopTerm:
    term: str
    weight: float  # contribution to the model's log-odds; > 0 raised the risk


@dataclass(frozen=True, slots=True)
class Assessment:
    """The screener's verdict on one ad (JSON-serialisable through :meth:`to_dict`)."""

    risk: float
    score: int
    tier: str
    category: str
    indicators: tuple[IndicatorResult, ...]
    salary: dict[str, Any] | None
    places: tuple[dict[str, Any], ...]
    contacts: tuple[dict[str, Any], ...]
    top_terms: tuple[TopTerm, ...]
    model_version: str
    summary: str
    summary_en: str
    truncated: bool
    text_length: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (built by hand: ``dataclasses.asdict`` deep-copies and is slow)."""
        return {
            "risk": self.risk,
            "score": self.score,
            "tier": self.tier,
            "category": self.category,
            "indicators": [i.to_dict() for i in self.indicators],
            "salary": self.salary,
            "places": list(self.places),
            "contacts": list(self.contacts),
            "top_terms": [{"term": t.term, "weight": t.weight} for t in self.top_terms],
            "model_version": self.model_version,
            "summary": self.summary,
            "summary_en": self.summary_en,
            "truncated": self.truncated,
            "text_length": self.text_length,
        }

    @property
    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def check_text(text: object) -> tuple[str, bool, int]:
    """The text to assess, whether it was cut to ``MAX_TEXT_CHARS``, and its original length."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError("text is not valid UTF-8", "teks bukan UTF-8 yang sah") from exc
    if not isinstance(text, str):
        raise InputError("text must be a string", "teks harus berupa string")
    if "\x00" in text:
        raise InputError("text contains binary data (NUL bytes)", "teks berisi data biner (byte NUL)")
    if not text.strip():
        raise InputError("text is empty", "teks kosong")
    if len(text) > MAX_TEXT_CHARS:
        return text[:MAX_TEXT_CHARS], True, len(text)
    return text, False, len(text)


def _tier(risk: float, thresholds: dict[str, float]) -> str:
    if risk >= thresholds["tinggi"]:
        return "tinggi"
    if risk >= thresholds["sedang"]:
        return "sedang"
    return "rendah"


_TIER_TEXT = {
    "tinggi": ("RISIKO TINGGI", "HIGH RISK"),
    "sedang": ("Risiko sedang", "Medium risk"),
    "rendah": ("Risiko rendah", "Low risk"),
}


def _summary(tier: str, score: int, results: Sequence[IndicatorResult]) -> tuple[str, str]:
    flags = [r for r in results if r.weight > 0]
    flags.sort(key=lambda r: -r.weight)
    head_id, head_en = _TIER_TEXT[tier]
    if flags:
        names_id = ", ".join(r.name_id.lower() for r in flags[:3])
        names_en = ", ".join(r.name_en.lower() for r in flags[:3])
        more_id = f" dan {len(flags) - 3} tanda lain" if len(flags) > 3 else ""
        more_en = f" and {len(flags) - 3} more" if len(flags) > 3 else ""
        return (
            f"{head_id} (skor {score}/100): {names_id}{more_id}.",
            f"{head_en} (score {score}/100): {names_en}{more_en}.",
        )
    return (
        f"{head_id} (skor {score}/100): tidak ada tanda bahaya dari katalog yang ditemukan.",
        f"{head_en} (score {score}/100): no red flag from the catalogue was found.",
    )


class Screener:
    """A loaded model and everything needed to assess ads; safe to share between threads.

    Parameters
    ----------
    model : TrainedModel or path, optional
        A model, a path to a ``.joblib`` artefact, or None for the shipped default.
    """

    def __init__(self, model: TrainedModel | str | Path | None = None) -> None:
        self.model = model if isinstance(model, TrainedModel) else load_model(model)
        self._scorer = LinearScorer(self.model.pipeline, self.model.category_model)
        names = self.model.pipeline.named_steps["features"].get_feature_names_out()
        self._names = np.asarray([n.split("__", 1)[1] for n in names], dtype=object)
        self._coef = self._scorer.coef
        self._categories = self._scorer.categories
        self._risky_mask = np.asarray([c in RISKY_CATEGORIES for c in self._categories])
        self.thresholds = self.model.thresholds
        self.version = self.model.version

    # -- public API -------------------------------------------------------------------------

    def assess(self, text: str) -> Assessment:
        """Assess one ad."""
        return self.assess_many([text])[0]

    def assess_many(self, texts: Iterable[str]) -> list[Assessment]:
        """Assess a batch in one vectorised model call."""
        prepared = [check_text(t) for t in texts]
        if not prepared:
            return []
        findings = [detect(text) for text, _, _ in prepared]
        x = self._scorer.features(findings)
        risks = self._scorer.risk(x)
        category_proba = self._scorer.category_proba(x)
        return [
            self._build(f, x.row(i), float(risks[i]), category_proba[i], truncated, length)
            for i, (f, (_, truncated, length)) in enumerate(zip(findings, prepared, strict=True))
        ]

    def iter_assess(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[Assessment]:
        """Assess a stream of texts in batches, in order, with constant memory."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self.assess_many(batch)
                batch = []
        if batch:
            yield from self.assess_many(batch)

    def predict_risk(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated risk only (the bare classifier path, no explanation)."""
        return self.model.pipeline.predict_proba(list(texts))[:, 1]

    # -- building the result --------------------------------------------------------------------

    def _top_terms(self, row: tuple[np.ndarray, np.ndarray], k: int = 6) -> tuple[TopTerm, ...]:
        indices, data = row
        if len(indices) == 0:
            return ()
        contributions = data * self._coef[indices]
        order = np.argsort(contributions)
        chosen = list(order[::-1][:k]) + list(order[:k])
        terms = []
        seen = set()
        for j in chosen:
            value = float(contributions[j])
            if abs(value) < 1e-3 or j in seen:
                continue
            seen.add(j)
            terms.append(TopTerm(str(self._names[indices[j]]), round(value, 4)))
        terms.sort(key=lambda t: -t.weight)
        return tuple(terms)

    def _build(
        self,
        f: Findings,
        row: tuple[np.ndarray, np.ndarray],
        risk: float,
        category_proba: np.ndarray,
        truncated: bool,
        length: int,
    ) -> Assessment:
        tier = _tier(risk, self.thresholds)
        score = round(risk * 100)
        mask = self._risky_mask if risk >= self.thresholds["sedang"] else ~self._risky_mask
        masked = np.where(mask, category_proba, -1.0)
        category = self._categories[int(np.argmax(masked))]
        results = tuple(
            IndicatorResult.from_hit(h) for h in sorted(f.hits, key=lambda h: -h.indicator.weight)
        )
        summary_id, summary_en = _summary(tier, score, results)
        return Assessment(
            risk=round(risk, 4),
            score=score,
            tier=tier,
            category=category,
            indicators=results,
            salary=f.salary.to_dict() if f.salary else None,
            places=tuple(p.to_dict() for p in f.places),
            contacts=tuple(c.to_dict() for c in f.contacts),
            top_terms=self._top_terms(row),
            model_version=self.version,
            summary=summary_id,
            summary_en=summary_en,
            truncated=truncated,
            text_length=length,
        )


_default: Screener | None = None
_default_lock = threading.Lock()


def default_screener() -> Screener:
    """The shipped model, loaded once per process."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Screener()
    return _default


def assess(text: str) -> Assessment:
    """Assess one ad with the shipped model (loaded once, then reused)."""
    return default_screener().assess(text)
