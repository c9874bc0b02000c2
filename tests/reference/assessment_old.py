"""Pre-optimisation ``Screener`` of screener/assessment.py (commit 6af9458), kept as a test-only oracle.

:class:`ReferenceScreener` is ``Screener`` as it was before the speed work of issue 15: it runs
the old ``detect()`` (:mod:`reference.indicators_old`, since refreshed to main's code as of commit
0fcf639: same findings), the old scorer (:mod:`reference.scoring_old`)
and the old result building, and returns the library's own :class:`Assessment`, so the two compare
with ``==`` and through ``to_dict()``. Not used by the library.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from reference.indicators_old import detect
from reference.scoring_old import LinearScorer
from screener.assessment import (
    NOT_OFFER_CATEGORIES,
    Assessment,
    IndicatorResult,
    TopTerm,
    _tier,
    check_text,
)
from screener.indicators import Findings, IndicatorHit
from screener.model import MIN_SCOPE_WORDS, RISKY_CATEGORIES, TrainedModel
from screener.reasons import is_readable_term, summarise
from screener.vocabulary import Scope, Tier

_RESULT_FIELDS = (
    "id", "name_id", "name_en", "weight", "level", "explanation_id", "explanation_en", "advice_id",
    "advice_en", "legal_basis",
)  # fmt: skip


def _result_from_hit(hit: IndicatorHit) -> IndicatorResult:
    """``IndicatorResult.from_hit`` as it was: the catalogue entry's public fields plus the evidence."""
    public = hit.indicator.to_dict()
    return IndicatorResult(
        **{name: public[name] for name in _RESULT_FIELDS}, evidence=tuple(e.to_dict() for e in hit.evidence)
    )


class ReferenceScreener:
    """A loaded model and everything needed to assess ads; safe to share between threads.

    Parameters
    ----------
    model : TrainedModel
        The model to assess with (the same one the library's :class:`Screener` holds).
    """

    def __init__(self, model: TrainedModel) -> None:
        self.model = model
        self._scorer = LinearScorer(self.model.pipeline, self.model.category_model, self.model.scope_model)
        names = self.model.pipeline.named_steps["features"].get_feature_names_out()
        self._names = np.asarray([n.split("__", 1)[1] for n in names], dtype=object)
        # Only readable word n-grams are shown as terms: character fragments and the modus block
        # (already shown as indicators) explain nothing to an officer.
        self._readable = np.asarray(
            [n.startswith("words__") and is_readable_term(n.split("__", 1)[1]) for n in names], dtype=bool
        )
        self._coef = self._scorer.coef
        self._categories = self._scorer.categories
        self._risky_mask = np.asarray([c in RISKY_CATEGORIES for c in self._categories])
        self._offer_mask = np.asarray([c not in NOT_OFFER_CATEGORIES for c in self._categories])
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
        offers = self._scorer.offer_proba(x)
        n_words = np.asarray([len(f.text.split()) for f in findings])
        in_scope = self.model.is_offer(offers, n_words)
        category_proba = self._scorer.category_proba(x)
        return [
            self._build(
                f,
                x.row(i),
                float(risks[i]),
                float(offers[i]),
                bool(in_scope[i]),
                bool(n_words[i] < MIN_SCOPE_WORDS),
                category_proba[i],
                truncated,
                length,
            )
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
        keep = self._readable[indices]
        indices, data = indices[keep], data[keep]
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
        offer: float,
        is_offer: bool,
        short: bool,
        category_proba: np.ndarray,
        truncated: bool,
        length: int,
    ) -> Assessment:
        too_short = self.model.scope_model is not None and short
        scope = Scope.OFFER if is_offer else Scope.NOT_OFFER
        tier = _tier(risk, self.thresholds) if scope is Scope.OFFER else Tier.RENDAH
        score = round(risk * 100)
        if scope is Scope.NOT_OFFER:
            mask = ~self._offer_mask
        else:
            mask = self._risky_mask if tier is not Tier.RENDAH else ~self._risky_mask & self._offer_mask
        masked = np.where(mask if mask.any() else ~self._risky_mask, category_proba, -1.0)
        category = self._categories[int(np.argmax(masked))]
        results = tuple(_result_from_hit(h) for h in sorted(f.hits, key=lambda h: -h.indicator.weight))
        terms = self._top_terms(row)
        scope_probability = round(offer, 4) if self.model.scope_model is not None else None
        summary_id, summary_en, unexplained = summarise(
            tier=tier,
            score=score,
            scope=scope,
            scope_probability=scope_probability,
            too_short=too_short,
            results=results,
            terms=terms,
        )
        return Assessment(
            risk=round(risk, 4),
            score=score,
            tier=str(tier),
            category=category,
            indicators=results,
            salary=f.salary.to_dict() if f.salary else None,
            places=tuple(p.to_dict() for p in f.places),
            contacts=tuple(c.to_dict() for c in f.contacts),
            top_terms=terms,
            model_version=self.version,
            summary=summary_id,
            summary_en=summary_en,
            truncated=truncated,
            text_length=length,
            scope=str(scope),
            scope_probability=scope_probability,
            unexplained=unexplained,
        )
