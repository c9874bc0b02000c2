"""One assessment for every surface: :func:`assess` and :class:`Screener`.

The CLI, the JSON API, the review queue and the pages all show the same :class:`Assessment`: the
calibrated risk from the model, whether the text is a job offer at all (``scope``), the tier from the
model card's thresholds (always ``rendah`` for a text that is not an offer), the catalogue indicators
with evidence spans on the original text, the salary judgement, places, contacts, the word n-grams
that moved the model most and a one-sentence summary in Bahasa Indonesia.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from screener.catalogue import Indicator
from screener.errors import InputError
from screener.indicators import Findings, IndicatorHit, detect
from screener.model import MIN_SCOPE_WORDS, RISKY_CATEGORIES, TrainedModel, load_model
from screener.reasons import is_readable_term, summarise
from screener.scoring import LinearScorer, SparseRows
from screener.slots import slot_constructor
from screener.term_ranking import rank_top_terms
from screener.vocabulary import Category, Scope, Tier

NOT_OFFER_CATEGORIES = frozenset(str(c) for c in Category if not c.is_offer)

__all__ = ["MAX_TEXT_CHARS", "Assessment", "IndicatorResult", "Screener", "TopTerm", "assess", "check_text"]

# Up to this many rows (values), plain Python per row beats NumPy's cost per call: top terms,
# categories and rounding take their per-row path.
_FEW_ROWS = 8

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
        # Written out (the fields in order): a comprehension of ``getattr`` per field cost a quarter more.
        return {
            "id": self.id,
            "name_id": self.name_id,
            "name_en": self.name_en,
            "weight": self.weight,
            "level": self.level,
            "explanation_id": self.explanation_id,
            "explanation_en": self.explanation_en,
            "advice_id": self.advice_id,
            "advice_en": self.advice_en,
            "legal_basis": self.legal_basis,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_hit(cls, hit: IndicatorHit) -> IndicatorResult:
        """The catalogue entry's public fields (``Indicator.to_dict``) plus the evidence spans."""
        values = (*_public_values(hit.indicator), tuple(e.to_dict() for e in hit.evidence))
        return _new_result(*values) if cls is IndicatorResult else cls(*values)


_RESULT_FIELDS = tuple(field.name for field in fields(IndicatorResult))
# Indicator -> (the indicator, its public fields but the evidence, in field order): an indicator
# never changes, and ``to_dict`` per hit was a good part of building an assessment. Keyed by identity
# (hashing an indicator hashes all its patterns and examples); the entry keeps the indicator alive,
# so its id is never reused while cached.
_PUBLIC: dict[int, tuple[Indicator, tuple[Any, ...]]] = {}


def _public_values(indicator: Indicator) -> tuple[Any, ...]:
    cached = _PUBLIC.get(id(indicator))
    if cached is None or cached[0] is not indicator:
        public = indicator.to_dict()
        cached = (indicator, tuple(public[name] for name in _RESULT_FIELDS if name != "evidence"))
        _PUBLIC[id(indicator)] = cached
    return cached[1]


_new_object = object.__new__
_new_result = slot_constructor(IndicatorResult)


@dataclass(frozen=True, slots=True)
class TopTerm:
    term: str  # a word n-gram of the normalised text (never digits, stop-words or character fragments)
    weight: float  # contribution to the model's log-odds; > 0 raised the risk


_set_term = vars(TopTerm)["term"].__set__  # the slots' descriptors
_set_weight = vars(TopTerm)["weight"].__set__


def _top_term(term: str, weight: float) -> TopTerm:
    """``TopTerm(term, weight)`` at about half the cost: a frozen dataclass's ``__init__`` sets each
    slot through ``object.__setattr__``; this sets the same two slots through their descriptors, so
    the object is the same (equal, same hash, same fields) as the constructor's."""
    term_object = _new_object(TopTerm)
    _set_term(term_object, term)
    _set_weight(term_object, weight)
    return term_object


@dataclass(frozen=True, slots=True)
class Assessment:
    """The screener's verdict on one ad (JSON-serialisable through :meth:`to_dict`)."""

    risk: float  # the risk model's calibrated probability that the text is a risky offer
    score: int
    tier: str  # Tier; "rendah" whenever scope is "not_offer"
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
    scope: str  # Scope: is the text a job offer at all?
    scope_probability: float | None  # probability of being an offer (None: the model has no scope model)
    unexplained: bool  # flagged, but neither an indicator nor a word pattern can be named
    # Where the text came from when it was not typed in: for an image, kind "image", the OCR text,
    # its confidence, the image size and the boxes of every evidence span (screener.ocr.assess).
    source: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (built by hand: ``dataclasses.asdict`` deep-copies and is slow)."""
        data = {
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
            "scope": str(self.scope),
            "scope_probability": self.scope_probability,
            "unexplained": self.unexplained,
        }
        if self.source is not None:  # last, as before
            data["source"] = self.source
        return data

    @property
    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]


_new_assessment = slot_constructor(Assessment)


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


def _tier(risk: float, thresholds: dict[str, float]) -> Tier:
    if risk >= thresholds["tinggi"]:
        return Tier.TINGGI
    if risk >= thresholds["sedang"]:
        return Tier.SEDANG
    return Tier.RENDAH


class Screener:
    """A loaded model and everything needed to assess ads; safe to share between threads.

    Parameters
    ----------
    model : TrainedModel or path, optional
        A model, a path to a ``.joblib`` artefact, or None for the shipped default.
    """

    def __init__(self, model: TrainedModel | str | Path | None = None) -> None:
        self.model = model if isinstance(model, TrainedModel) else load_model(model)
        self._scorer = LinearScorer(self.model.pipeline, self.model.category_model, self.model.scope_model)
        names = self.model.pipeline.named_steps["features"].get_feature_names_out()
        self._names = np.asarray([str(n).split("__", 1)[1] for n in names], dtype=object)  # str objects
        # Only readable word n-grams are shown as terms: character fragments and the modus block
        # (already shown as indicators) explain nothing to an officer.
        self._readable = np.asarray(
            [n.startswith("words__") and is_readable_term(n.split("__", 1)[1]) for n in names], dtype=bool
        )
        self._coef = self._scorer.coef
        self._categories = self._scorer.categories
        self._risky_mask = np.asarray([c in RISKY_CATEGORIES for c in self._categories])
        self._offer_mask = np.asarray([c not in NOT_OFFER_CATEGORIES for c in self._categories])
        # The categories each kind of row may get (see :meth:`_categories_of`), one row per kind.
        self._allowed = np.stack([~self._offer_mask, self._risky_mask, ~self._risky_mask & self._offer_mask])
        self._allowed[~self._allowed.any(axis=1)] = ~self._risky_mask
        self._allowed_lists: list[list[bool]] = self._allowed.tolist()
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
        risk_proba, offers, category_proba = self._scorer.predict(x)
        risks = risk_proba.tolist()
        n_words = np.asarray(_word_counts(findings))
        in_scope = self.model.is_offer(offers, n_words).tolist()
        scopes = [Scope.OFFER if is_offer else Scope.NOT_OFFER for is_offer in in_scope]
        tiers = [
            _tier(risk, self.thresholds) if scope is Scope.OFFER else Tier.RENDAH
            for risk, scope in zip(risks, scopes, strict=True)
        ]
        categories = self._categories_of(category_proba, scopes, tiers)
        terms = self._top_terms(x)
        short = (n_words < MIN_SCOPE_WORDS).tolist()
        return [
            self._build(f, risk, offer, scope, tier, is_short, category, top, truncated, length)
            for f, risk, offer, scope, tier, is_short, category, top, (_, truncated, length) in zip(
                findings,
                risks,
                offers.tolist(),
                scopes,
                tiers,
                short,
                categories,
                terms,
                prepared,
                strict=True,
            )
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

    def _categories_of(self, proba: np.ndarray, scopes: list[Scope], tiers: list[Tier]) -> list[str]:
        """Each row's most probable category among those its scope and tier allow.

        Not an offer: the not-offer categories; an offer flagged sedang or tinggi: the risky ones;
        an offer rated rendah: the offer categories that are not risky. When no category qualifies
        (a model without such classes), the categories that are not risky.
        """
        kinds = [
            0 if scope is Scope.NOT_OFFER else 1 if tier is not Tier.RENDAH else 2
            for scope, tier in zip(scopes, tiers, strict=True)
        ]
        if len(kinds) <= _FEW_ROWS:
            return [self._category_of(row, kind) for row, kind in zip(proba.tolist(), kinds, strict=True)]
        best = np.argmax(np.where(self._allowed[kinds], proba, -1.0), axis=1)
        return [self._categories[i] for i in best.tolist()]

    def _category_of(self, proba: list[float], kind: int) -> str:
        """One row of :meth:`_categories_of` without NumPy's per-call cost: ``np.argmax`` is the
        first maximum, and so is the first index of ``max`` (no NaN among the values; with one,
        NumPy decides)."""
        values = [p if allowed else -1.0 for p, allowed in zip(proba, self._allowed_lists[kind], strict=True)]
        if any(value != value for value in values):
            return self._categories[int(np.argmax(np.asarray(values)))]
        return self._categories[values.index(max(values))]

    def _top_terms(self, x: SparseRows, k: int = 6) -> list[tuple[TopTerm, ...]]:
        """Per row, the readable word n-grams that moved its risk most: up to ``k`` up and ``k`` down.

        The readable entries and their contributions (value times coefficient) are found and ranked
        for the whole batch at once (:func:`rank_top_terms`). A row whose terms would depend on how
        ``np.argsort`` orders equal contributions is "unsure" and gets :meth:`_row_terms`, the per-row
        code, on the very same slice as before, so every row gets exactly what that code gives.
        """
        keep = self._readable[x.indices]
        indices = x.indices[keep]
        contributions = x.data[keep] * self._coef[indices]
        if x.n_rows == 1:
            return [self._row_terms(indices, contributions, k)]
        counts = np.bincount(x.row_ids()[keep], minlength=x.n_rows)
        bounds = [0, *np.cumsum(counts).tolist()]
        if x.n_rows <= _FEW_ROWS:  # ranking a batch costs more than it saves on a handful of rows
            return [self._row_terms(indices[a:b], contributions[a:b], k) for a, b in pairwise(bounds)]
        ranked = rank_top_terms(contributions, counts, k)
        names = self._names[indices[ranked.entries]].tolist()
        weights = ranked.weights
        terms = [tuple(map(_top_term, names[a:b], weights[a:b])) for a, b in pairwise([0, *ranked.ends])]
        for row in ranked.unsure:
            a, b = bounds[row], bounds[row + 1]
            terms[row] = self._row_terms(indices[a:b], contributions[a:b], k)
        return terms

    def _row_terms(self, indices: np.ndarray, contributions: np.ndarray, k: int) -> tuple[TopTerm, ...]:
        """The ``k`` largest and ``k`` smallest contributions of one row (none below 1e-3), largest first."""
        if len(indices) == 0:
            return ()
        order = np.argsort(contributions)
        chosen = order[::-1][:k].tolist() + order[:k].tolist()
        if len(order) < 2 * k:  # the largest and the smallest overlap: each term once
            chosen = list(dict.fromkeys(chosen))
        names = self._names[indices[chosen]].tolist()
        terms = [
            _top_term(name, round(value, 4))  # the names are str already (see __init__)
            for name, value in zip(names, contributions[chosen].tolist(), strict=True)
            if not -1e-3 < value < 1e-3
        ]
        terms.sort(key=lambda t: -t.weight)
        return tuple(terms)

    def _build(
        self,
        f: Findings,
        risk: float,
        offer: float,
        scope: Scope,
        tier: Tier,
        short: bool,
        category: str,
        terms: tuple[TopTerm, ...],
        truncated: bool,
        length: int,
    ) -> Assessment:
        has_scope = self.model.scope_model is not None
        score = round(risk * 100)
        results = _indicator_results(f.hits)
        scope_probability = round(offer, 4) if has_scope else None
        summary_id, summary_en, unexplained = summarise(
            tier=tier,
            score=score,
            scope=scope,
            scope_probability=scope_probability,
            too_short=has_scope and short,
            results=results,
            terms=terms,
        )
        salary = f.salary.to_dict() if f.salary else None
        places = tuple([p.to_dict() for p in f.places])
        contacts = tuple([c.to_dict() for c in f.contacts])
        # Assessment(risk=..., ..., unexplained=unexplained), its fields in order, source None.
        return _new_assessment(
            round(risk, 4), score, str(tier), category, results, salary, places, contacts, terms,
            self.version, summary_id, summary_en, truncated, length, str(scope), scope_probability,
            unexplained, None,
        )  # fmt: skip


def _word_counts(findings: Sequence[Findings]) -> list[int]:
    """Each text's number of words, counted up to ``MIN_SCOPE_WORDS + 1``: only ``n < MIN_SCOPE_WORDS``
    is ever asked of it (:func:`screener.model.in_scope` and the too-short flag), and that answer is
    the full count's.

    ``split(maxsplit=m)`` gives the first ``m`` words and the rest as one item, so its length is
    ``min(words, m + 1)``, without making a string of every word of a long ad.
    """
    return [len(f.text.split(maxsplit=MIN_SCOPE_WORDS)) for f in findings]


def _indicator_results(hits: Sequence[IndicatorHit]) -> tuple[IndicatorResult, ...]:
    """``IndicatorResult.from_hit`` of every hit, the heaviest indicator first (ties in their order)."""
    return tuple(
        [
            _new_result(*_public_values(hit.indicator), tuple([e.to_dict() for e in hit.evidence]))
            for hit in sorted(hits, key=lambda h: -h.indicator.weight)
        ]
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
