"""Model features: the rules' findings as scikit-learn transformers.

The model is one :class:`~sklearn.pipeline.Pipeline`::

    text --Detector--> Findings --FeatureUnion--> [word TF-IDF | char TF-IDF | ModusFeatures] --> classifier

``Detector`` runs the normaliser, the catalogue and the extractors once per ad; the TF-IDF blocks read
the *normalised* text (so "K4mb0ja" and "Kamboja" share n-grams) and :class:`ModusFeatures` turns the
findings into a small dense block of modus-operandi features that carry across wordings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags

from screener.catalogue import catalogue, literal_prefixes
from screener.catalogue.matcher import trie_pattern
from screener.extract.contacts import FOREIGN_SCAM_HUB_REGIONS
from screener.indicators import Findings, detect
from screener.vocabulary import PlaceStatus

__all__ = ["Detector", "ModusFeatures", "findings_text"]

PLACE_STATUSES = tuple(str(status) for status in PlaceStatus)
CHECKABLE_LEGAL = frozenset({"leg_p3mi_licensed", "leg_job_order_sip", "leg_g2g"})


def findings_text(findings: Findings) -> str:
    """The normalised text of one ad: the TF-IDF vectorisers' preprocessor."""
    return findings.text


class Detector(TransformerMixin, BaseEstimator):
    """Turn raw ad texts into :class:`~screener.indicators.Findings` (stateless)."""

    def fit(self, X: Iterable[str | Findings], y: object = None) -> Detector:
        return self

    def transform(self, X: Iterable[str | Findings]) -> list[Findings]:
        return [x if isinstance(x, Findings) else detect(x) for x in X]

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        return tags


# Words that recruit: what makes a text a job offer at all (the scope model's strongest cue), in the
# normalised text's vocabulary. Counted as distinct kinds, so a long duty list does not dominate.
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
# The words as whole words: ``\b(?:words)\b``, written for speed with the same matches in the same
# order. The pattern consumes the character before the first word (the text is read with a space in
# front) instead of testing ``\b``, so ``re`` skips ahead in C to the next non-word character; there a
# trie of the words' literal starts rules most positions out before the alternatives are tried one by
# one. Every alternative starts and ends with a word character, so nothing else changes.
_OFFER_CUES = re.compile(rf"\W(?={trie_pattern(literal_prefixes(_OFFER_CUE_WORDS))})(?:{_OFFER_CUE_WORDS})\b")
# The same pattern read with ``re.ASCII``: ``re`` then tests each character against a small table
# instead of the Unicode database, and the scan for ``\W`` (every character) costs about half.
# On ASCII text ``\w``, ``\W`` and ``\b`` mean the same either way, so the matches are the same.
_OFFER_CUES_ASCII = re.compile(_OFFER_CUES.pattern, re.ASCII)
_WORD_CHARACTER = re.compile(r"\w")  # Unicode, as the patterns' own \w


def _offer_cues(text: str) -> int:
    """How many kinds of recruitment wording (opening, requirements, duties, apply, terms) the text has.

    Read with the ASCII pattern, which finds the Unicode pattern's matches unless one of its matches
    touches a non-ASCII word character; then the Unicode pattern reads the text. The cue words are
    ASCII, and a Unicode non-word character is an ASCII one too, so the patterns can only disagree
    where ``re.ASCII`` takes a non-ASCII word character for the non-word character a match begins
    with or for the word boundary after it (say "é" in "élowongan"): at every other position both
    test the same characters the same way and pick the same alternative. The non-ASCII characters of
    normalised ads are nearly all dashes, bullets and brackets, so the fallback is rare.
    """
    padded = " " + text
    if text.isascii():
        return len({m.lastgroup for m in _OFFER_CUES_ASCII.finditer(padded)})
    kinds = set()
    for m in _OFFER_CUES_ASCII.finditer(padded):
        start, end = m.span()
        if _WORD_CHARACTER.match(padded, start) or _WORD_CHARACTER.match(padded, end):
            return len({m.lastgroup for m in _OFFER_CUES.finditer(padded)})
        kinds.add(m.lastgroup)
    return len(kinds)


_QUOTED = re.compile(r'"[^"]{12,}"|“[^”]{12,}”|«[^»]{12,}»|„[^“”]{12,}[“”]')


def _has_opening_quote(text: str) -> bool:
    """Whether ``text`` has a mark that a quotation of ``_QUOTED`` begins with: most ads have none,
    and four searches in C cost less than the regex's scan (same answer: no mark, no quotation)."""
    return '"' in text or "“" in text or "«" in text or "„" in text


def _quoted_share(f: Findings) -> float:
    """The share of red-flag evidence that sits inside quotation marks: a warning quoting an ad."""
    spans = [e for h in f.hits if h.indicator.weight > 0 for e in h.evidence]
    if not spans or not _has_opening_quote(f.norm.original):
        return 0.0
    quotes = [m.span() for m in _QUOTED.finditer(f.norm.original)]
    if not quotes:
        return 0.0
    inside = sum(1 for e in spans if any(a <= e.start and e.end <= b for a, b in quotes))
    return inside / len(spans)


# The indicators that, with a scam-hub destination, make the hub-and-cover-or-pay feature.
_COVER_OR_PAY = frozenset({"job_cover_role", "salary_unrealistic", "job_gambling_scam_explicit"})
_FREE_OR_URGENT = frozenset({"free_package", "urgency"})
_INDONESIA = frozenset({"ID"})


def _has_fee(f: Findings) -> bool:
    """Whether some money amount is a fee the applicant pays."""
    return any([getattr(m, "kind", "") == "fee" for m in f.money])


def _awareness_spans(f: Findings) -> int:
    """How many evidence spans the awareness-context indicator has (0 without it)."""
    return sum([len(h.evidence) for h in f.hits if h.indicator.id == "awareness_context"])


@lru_cache(maxsize=8)
def _columns(indicator_ids: tuple[str, ...]) -> dict[str, int]:
    """Indicator id -> its column: an ad's few indicators set their ones, the rest stay zero."""
    return {indicator_id: column for column, indicator_id in enumerate(indicator_ids)}


class ModusFeatures(TransformerMixin, BaseEstimator):
    """Dense modus-operandi features from :class:`Findings`.

    Parameters
    ----------
    scale : float, default=1.0
        Multiplies every feature, so the block can be weighed against the TF-IDF blocks under the
        classifier's regularisation.

    Attributes
    ----------
    indicator_ids_ : tuple of str
        The catalogue's indicator ids at fit time (the column order of the indicator features).
    feature_names_ : ndarray of str
        One name per output column.
    """

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, X: Sequence[Findings], y: object = None) -> ModusFeatures:
        if self.scale <= 0:
            raise ValueError("scale must be positive")
        self.indicator_ids_ = tuple(indicator.id for indicator in catalogue())
        self._weights = {indicator.id: indicator.weight for indicator in catalogue()}
        names = [f"ind_{i}" for i in self.indicator_ids_]
        names += [f"place_{s}" for s in PLACE_STATUSES]
        names += [
            "risk_weight_sum", "legal_weight_sum", "high_flags", "n_risk_flags",
            "salary_log_ratio", "salary_strength", "has_salary", "has_fee_amount",
            "phone_hub_country", "phone_foreign", "phone_any", "link_shortener", "telegram", "whatsapp_link",
            "email", "url",
            "hub_and_cover_or_pay", "tourist_visa_and_free_or_urgent", "checkable_legal_no_high_flag",
            "awareness_and_hub", "log_length", "awareness_spans", "risk_evidence_quoted", "offer_cue_kinds",
        ]  # fmt: skip
        self.feature_names_ = np.asarray(names, dtype=object)
        return self

    def row(self, f: Findings) -> list[float]:
        """One ad's features, in the order of ``feature_names_``.

        New features are only ever appended, so a model fitted before one was added reads the first
        ``len(feature_names_)`` columns it knows.
        """
        return self._row(f)[: len(self.feature_names_)]

    def entries(self, f: Findings) -> tuple[list[int], list[float]]:
        """The columns and values of ``row(f)`` times ``scale`` that are not zero, columns ascending.

        The same numbers as scaling the whole row and keeping its non-zeros (each value is the
        row's value times ``scale``, one multiplication either way), without building the mostly
        zero indicator part: an ad has a few indicators among the catalogue's many. With a finite
        ``scale`` a zero stays zero, so zeros are skipped unmultiplied.
        """
        scale = self.scale
        if not math.isfinite(scale):  # zero times inf or nan is nan, not zero: every column counts
            scaled = [value * scale for value in self.row(f)]
            columns = [column for column, value in enumerate(scaled) if value != 0]
            return columns, [scaled[column] for column in columns]
        columns = self._indicator_columns(f.ids)
        values = [1.0 * scale] * len(columns)
        for column, value in enumerate(self._tail(f), start=len(self.indicator_ids_)):
            if value and value * scale != 0:
                columns.append(column)
                values.append(value * scale)
        width = len(self.feature_names_)
        if columns and columns[-1] >= width:  # a model fitted before the last features were added
            kept = sum(1 for column in columns if column < width)
            del columns[kept:], values[kept:]
        return columns, values

    def _row(self, f: Findings) -> list[float]:
        row = [0.0] * len(self.indicator_ids_)
        for column in self._indicator_columns(f.ids):
            row[column] = 1.0
        return row + self._tail(f)

    def _indicator_columns(self, ids: frozenset[str]) -> list[int]:
        """The columns of the ad's indicators the model knows, ascending."""
        columns = _columns(self.indicator_ids_)
        return sorted(column for column in map(columns.get, ids) if column is not None)

    def _tail(self, f: Findings) -> list[float]:
        """The features after the indicator columns: place statuses, then the modus features.

        Written for speed with exactly the old values: list comprehensions instead of generator
        expressions (the same elements summed in the same order, so the same floats) and constant
        frozensets tested with ``isdisjoint`` instead of set literals intersected per ad.
        """
        ids = f.ids
        statuses = {p.place.status for p in f.places}
        row = [1.0 if s in statuses else 0.0 for s in PLACE_STATUSES]
        weights = [self._weights.get(i, 0.0) for i in ids]
        risky = [w for w in weights if w > 0]
        risk = sum(risky)
        legal = -sum([w for w in weights if w < 0])
        high = len([w for w in weights if w >= 2.5])
        n_risk = len(risky)
        salary = f.salary
        if f.contacts:
            kinds = {c.kind for c in f.contacts}
            countries = {c.country for c in f.contacts if c.country}
        else:
            kinds = countries = set()
        hub = "dest_scam_hub" in ids
        row += [
            risk / 10.0,
            legal / 10.0,
            min(high, 5) / 5.0,
            min(n_risk, 10) / 10.0,
            math.log1p(salary.ratio) / 3.0 if salary else 0.0,
            salary.strength if salary else 0.0,
            1.0 if salary else 0.0,
            1.0 if _has_fee(f) else 0.0,
            0.0 if FOREIGN_SCAM_HUB_REGIONS.isdisjoint(countries) else 1.0,
            1.0 if countries - _INDONESIA else 0.0,
            1.0 if "phone" in kinds or "whatsapp" in kinds else 0.0,
            1.0 if "shortener" in kinds else 0.0,
            1.0 if "telegram" in kinds else 0.0,
            1.0 if "whatsapp" in kinds else 0.0,
            1.0 if "email" in kinds else 0.0,
            1.0 if "url" in kinds else 0.0,
            1.0 if hub and not _COVER_OR_PAY.isdisjoint(ids) else 0.0,
            1.0 if "tourist_visa_work" in ids and not _FREE_OR_URGENT.isdisjoint(ids) else 0.0,
            1.0 if high == 0 and not CHECKABLE_LEGAL.isdisjoint(ids) else 0.0,
            1.0 if hub and "awareness_context" in ids else 0.0,
            math.log1p(len(f.norm.text)) / 8.0,
            math.log1p(_awareness_spans(f)) / 2.0,
            _quoted_share(f),
            _offer_cues(f.norm.text) / 5.0,
        ]
        return row

    def transform(self, X: Sequence[Findings]) -> sparse.csr_matrix:
        rows = [self.row(f) for f in X]
        matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(self.feature_names_))
        return sparse.csr_matrix(matrix * self.scale)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return self.feature_names_.copy()
