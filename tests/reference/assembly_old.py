"""The assembly after ``detect()`` as it was at commit 0fcf639, kept as a test-only oracle.

Copied from screener/features.py, screener/reasons.py and screener/assessment.py before the
"buildfast2" changes (modus features, the summary's names, the slot constructors, the word counts,
``to_dict``): :func:`modus_row` and :func:`modus_entries` are ``ModusFeatures.row`` and ``.entries``,
:func:`summarise` is ``reasons.summarise``, :class:`ReferenceScreener` is ``Screener`` with the old
``assess_many`` and ``_build``, and :func:`assessment_to_dict` and :func:`result_to_dict` are the old
``Assessment.to_dict`` and ``IndicatorResult.to_dict``. The n-gram blocks, the scorer and the top
terms are the library's own (not changed).
(tests/reference/features_old.py and assessment_old.py hold the older, pre-issue-15 code.)
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any, TypeVar

import numpy as np

import screener.assessment as assessment
from screener.assessment import (
    Assessment,
    IndicatorResult,
    Screener,
    TopTerm,
    _public_values,
    _tier,
    check_text,
)
from screener.catalogue import literal_prefixes
from screener.catalogue.matcher import trie_pattern
from screener.extract.contacts import FOREIGN_SCAM_HUB_REGIONS
from screener.features import CHECKABLE_LEGAL, PLACE_STATUSES, ModusFeatures
from screener.indicators import Findings, IndicatorHit
from screener.model import MIN_SCOPE_WORDS, TrainedModel
from screener.scoring import _ModusBlock
from screener.vocabulary import Scope, Tier

_T = TypeVar("_T")

# -- screener/features.py -------------------------------------------------------------------------

_OFFER_CUE_WORDS = (
    r"(?P<opening>lowongan|dibutuhkan|dicari|membutuhkan|mencari (?:seorang|kandidat|karyawan|tenaga|staf)"
    r"|membuka (?:lowongan|kesempatan|rekrutmen|pendaftaran)|rekrutmen|penerimaan (?:pegawai|karyawan|calon)"
    r"|hiring|we are hiring|looking for|vacancy|vacancies|job opening)"
    r"|(?P<requirements>persyaratan|syarat|kualifikasi|kriteria|requirements?|qualifications?)"
    r"|(?P<duties>tanggung jawab|deskripsi pekerjaan|job ?desc(?:ription)?|responsibilit(?:y|ies)|tugas utama)"
    r"|(?P<apply>lamaran|melamar|kirim (?:cv|lamaran|berkas)|apply|daftar(?:kan)? (?:sekarang|segera|diri)"
    r"|pendaftaran|interview|wawancara|seleksi)"
    r"|(?P<terms>gaji|upah|salary|honor|insentif|tunjangan|penempatan|posisi|position|kontrak kerja|shift)"
)
_OFFER_CUES = re.compile(rf"\W(?={trie_pattern(literal_prefixes(_OFFER_CUE_WORDS))})(?:{_OFFER_CUE_WORDS})\b")


def offer_cues(text: str) -> int:
    return len({m.lastgroup for m in _OFFER_CUES.finditer(" " + text)})


_QUOTED = re.compile(r'"[^"]{12,}"|“[^”]{12,}”|«[^»]{12,}»|„[^“”]{12,}[“”]')


def _quoted_share(f: Findings) -> float:
    spans = [e for h in f.hits if h.indicator.weight > 0 for e in h.evidence]
    if not spans:
        return 0.0
    quotes = [m.span() for m in _QUOTED.finditer(f.norm.original)]
    if not quotes:
        return 0.0
    inside = sum(1 for e in spans if any(a <= e.start and e.end <= b for a, b in quotes))
    return inside / len(spans)


def _indicator_columns(self: ModusFeatures, ids: frozenset[str]) -> list[int]:
    columns = {indicator_id: column for column, indicator_id in enumerate(self.indicator_ids_)}
    return sorted(column for column in map(columns.get, ids) if column is not None)


def _tail(self: ModusFeatures, f: Findings) -> list[float]:
    ids = f.ids
    statuses = {p.place.status for p in f.places}
    row = [1.0 if s in statuses else 0.0 for s in PLACE_STATUSES]
    weights = [self._weights.get(i, 0.0) for i in ids]
    risk = sum(w for w in weights if w > 0)
    legal = -sum(w for w in weights if w < 0)
    high = sum(1 for w in weights if w >= 2.5)
    n_risk = sum(1 for w in weights if w > 0)
    salary = f.salary
    kinds = {c.kind for c in f.contacts}
    countries = {c.country for c in f.contacts if c.country}
    hub = "dest_scam_hub" in ids
    awareness_spans = sum(len(h.evidence) for h in f.hits if h.indicator.id == "awareness_context")
    row += [
        risk / 10.0,
        legal / 10.0,
        min(high, 5) / 5.0,
        min(n_risk, 10) / 10.0,
        math.log1p(salary.ratio) / 3.0 if salary else 0.0,
        salary.strength if salary else 0.0,
        1.0 if salary else 0.0,
        1.0 if any(getattr(m, "kind", "") == "fee" for m in f.money) else 0.0,
        1.0 if countries & FOREIGN_SCAM_HUB_REGIONS else 0.0,
        1.0 if countries - {"ID"} else 0.0,
        1.0 if "phone" in kinds or "whatsapp" in kinds else 0.0,
        1.0 if "shortener" in kinds else 0.0,
        1.0 if "telegram" in kinds else 0.0,
        1.0 if "whatsapp" in kinds else 0.0,
        1.0 if "email" in kinds else 0.0,
        1.0 if "url" in kinds else 0.0,
        1.0
        if hub and ({"job_cover_role", "salary_unrealistic", "job_gambling_scam_explicit"} & ids)
        else 0.0,
        1.0 if "tourist_visa_work" in ids and ({"free_package", "urgency"} & ids) else 0.0,
        1.0 if (CHECKABLE_LEGAL & ids) and high == 0 else 0.0,
        1.0 if hub and "awareness_context" in ids else 0.0,
        math.log1p(len(f.norm.text)) / 8.0,
        math.log1p(awareness_spans) / 2.0,
        _quoted_share(f),
        offer_cues(f.norm.text) / 5.0,
    ]
    return row


def modus_row(self: ModusFeatures, f: Findings) -> list[float]:
    """``ModusFeatures.row`` as it was."""
    row = [0.0] * len(self.indicator_ids_)
    for column in _indicator_columns(self, f.ids):
        row[column] = 1.0
    return (row + _tail(self, f))[: len(self.feature_names_)]


def modus_entries(self: ModusFeatures, f: Findings) -> tuple[list[int], list[float]]:
    """``ModusFeatures.entries`` as it was."""
    scale = self.scale
    if not math.isfinite(scale):
        scaled = [value * scale for value in modus_row(self, f)]
        columns = [column for column, value in enumerate(scaled) if value != 0]
        return columns, [scaled[column] for column in columns]
    columns = _indicator_columns(self, f.ids)
    values = [1.0 * scale] * len(columns)
    for column, value in enumerate(_tail(self, f), start=len(self.indicator_ids_)):
        if value and value * scale != 0:
            columns.append(column)
            values.append(value * scale)
    width = len(self.feature_names_)
    if columns and columns[-1] >= width:
        kept = sum(1 for column in columns if column < width)
        del columns[kept:], values[kept:]
    return columns, values


# -- screener/reasons.py --------------------------------------------------------------------------

_TIER_TEXT = {
    Tier.TINGGI: ("RISIKO TINGGI", "HIGH RISK"),
    Tier.SEDANG: ("Risiko sedang", "Medium risk"),
    Tier.RENDAH: ("Risiko rendah", "Low risk"),
}


def _names(results: Sequence[IndicatorResult], limit: int = 3) -> tuple[str, str]:
    flags = sorted((r for r in results if r.weight > 0), key=lambda r: -r.weight)
    names_id = ", ".join(r.name_id.lower() for r in flags[:limit])
    names_en = ", ".join(r.name_en.lower() for r in flags[:limit])
    if len(flags) > limit:
        names_id += f" dan {len(flags) - limit} tanda lain"
        names_en += f" and {len(flags) - limit} more"
    return names_id, names_en


def summarise(
    *,
    tier: Tier,
    score: int,
    scope: Scope,
    scope_probability: float | None,
    too_short: bool,
    results: Sequence[IndicatorResult],
    terms: Sequence[TopTerm],
) -> tuple[str, str, bool]:
    """The summary in Indonesian and English, and whether a flag lacks any named reason."""
    head_id, head_en = _TIER_TEXT[tier]
    names_id, names_en = _names(results)
    if scope is Scope.NOT_OFFER:
        share = f"{round(100 * (scope_probability or 0))} %"
        text_id = f"Bukan lowongan kerja (peluang lowongan {share}): {head_id.lower()}."
        text_en = f"Not a job offer (offer probability {share}): {head_en.lower()}."
        if names_id:
            text_id += f" Tanda yang disebut teks ini: {names_id}."
            text_en += f" Signals this text mentions: {names_en}."
        return text_id, text_en, False

    lead_id, lead_en = f"{head_id} (skor {score}/100)", f"{head_en} (score {score}/100)"
    short_id = short_en = ""
    if too_short:
        short_id = " Teks terlalu pendek untuk menilai apakah ini lowongan kerja."
        short_en = " The text is too short to judge whether it is a job offer."
    if names_id:
        return f"{lead_id}: {names_id}.{short_id}", f"{lead_en}: {names_en}.{short_en}", False
    patterns = [t.term for t in terms if t.weight > 0][:3]
    if tier is Tier.RENDAH:
        return (
            f"{lead_id}: tidak ada tanda bahaya dari katalog yang ditemukan.{short_id}",
            f"{lead_en}: no red flag from the catalogue was found.{short_en}",
            False,
        )
    if patterns:
        quoted = ", ".join(f"“{p}”" for p in patterns)
        return (
            f"{lead_id}: tidak ada tanda dari katalog; model menimbang pola kata yang sering muncul di iklan "
            f"berisiko: {quoted}.{short_id}",
            f"{lead_en}: no red flag from the catalogue; the model weighed word patterns common in risky "
            f"ads: {quoted}.{short_en}",
            False,
        )
    return (
        f"{lead_id}: model menilai teks ini mirip iklan berisiko, tetapi tidak ada tanda bahaya atau pola "
        f"kata yang bisa disebutkan. Periksa secara manual.{short_id}",
        f"{lead_en}: the model rates this text like risky ads, but no red flag or word pattern can be "
        f"named. Check it by hand.{short_en}",
        True,
    )


# -- screener/assessment.py -----------------------------------------------------------------------

_RESULT_FIELDS = tuple(field.name for field in fields(IndicatorResult))


def result_to_dict(self: IndicatorResult) -> dict[str, Any]:
    """``IndicatorResult.to_dict`` as it was."""
    data = {name: getattr(self, name) for name in _RESULT_FIELDS}
    data["evidence"] = list(self.evidence)
    return data


def assessment_to_dict(self: Assessment) -> dict[str, Any]:
    """``Assessment.to_dict`` as it was (with the old ``IndicatorResult.to_dict``)."""
    return {
        "risk": self.risk,
        "score": self.score,
        "tier": self.tier,
        "category": self.category,
        "indicators": [result_to_dict(i) for i in self.indicators],
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
        **({"source": self.source} if self.source is not None else {}),
    }


def _slot_constructor(cls: type[_T]) -> Callable[..., _T]:
    setters = tuple(vars(cls)[field.name].__set__ for field in fields(cls))  # type: ignore[arg-type]

    def construct(*values: Any) -> _T:
        if len(values) != len(setters):
            raise TypeError(f"{cls.__name__} takes {len(setters)} fields, got {len(values)}")
        made = object.__new__(cls)
        for set_field, value in zip(setters, values):  # noqa: B905 - the lengths are checked above
            set_field(made, value)
        return made

    return construct


_new_result = _slot_constructor(IndicatorResult)
_new_assessment = _slot_constructor(Assessment)


def _indicator_results(hits: Sequence[IndicatorHit]) -> tuple[IndicatorResult, ...]:
    return tuple(
        [
            _new_result(*_public_values(hit.indicator), tuple([e.to_dict() for e in hit.evidence]))
            for hit in sorted(hits, key=lambda h: -h.indicator.weight)
        ]
    )


class _OldModus:
    """The fitted modus transformer with the old ``entries`` (what ``_ModusBlock`` calls)."""

    def __init__(self, modus: ModusFeatures) -> None:
        self.modus = modus
        self.feature_names_ = modus.feature_names_

    def entries(self, f: Findings) -> tuple[list[int], list[float]]:
        return modus_entries(self.modus, f)


class ReferenceScreener(Screener):
    """``Screener`` with ``assess_many`` and ``_build`` as they were (old word counts, old modus
    features through :func:`modus_entries`, old constructors)."""

    def __init__(self, model: TrainedModel) -> None:
        super().__init__(model)
        self._scorer = copy.copy(self._scorer)
        modus = self._scorer.blocks[-1].transformer
        self._scorer.blocks = [*self._scorer.blocks[:-1], _ModusBlock(_OldModus(modus))]  # type: ignore[arg-type]

    def assess_many(self, texts: Iterable[str]) -> list[Assessment]:
        prepared = [check_text(t) for t in texts]
        if not prepared:
            return []
        findings = [self._detect(text) for text, _, _ in prepared]
        x = self._scorer.features(findings)
        risk_proba, offers, category_proba = self._scorer.predict(x)
        risks = risk_proba.tolist()
        n_words = np.asarray([len(f.text.split()) for f in findings])
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
            self._old_build(f, risk, offer, scope, tier, is_short, category, top, truncated, length)
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

    def _detect(self, text: str) -> Findings:
        # Looked up at each call, as Screener.assess_many does: a bench may stand in for detect().
        return assessment.detect(text)

    def _old_build(
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
        return _new_assessment(
            round(risk, 4), score, str(tier), category, results, salary, places, contacts, terms,
            self.version, summary_id, summary_en, truncated, length, str(scope), scope_probability,
            unexplained, None,
        )  # fmt: skip
