"""Pre-optimisation row code of screener/features.py (commit 6af9458), kept as a test-only oracle.

:func:`modus_row` is ``ModusFeatures.row`` as it was before the speed work of issue 15, applied to a
fitted (new) ``ModusFeatures``; it proves the faster row gives the same features.
"""

from __future__ import annotations

import math
import re

from screener.extract.contacts import FOREIGN_SCAM_HUB_REGIONS
from screener.features import CHECKABLE_LEGAL, PLACE_STATUSES, ModusFeatures
from screener.indicators import Findings

# Words that recruit: what makes a text a job offer at all (the scope model's strongest cue), in the
# normalised text's vocabulary. Counted as distinct kinds, so a long duty list does not dominate.
_OFFER_CUES = re.compile(
    r"\b(?:"
    r"(?P<opening>lowongan|dibutuhkan|dicari|membutuhkan|mencari (?:seorang|kandidat|karyawan|tenaga|staf)"
    r"|membuka (?:lowongan|kesempatan|rekrutmen|pendaftaran)|rekrutmen|penerimaan (?:pegawai|karyawan|calon)"
    r"|hiring|we are hiring|looking for|vacancy|vacancies|job opening)"
    r"|(?P<requirements>persyaratan|syarat|kualifikasi|kriteria|requirements?|qualifications?)"
    r"|(?P<duties>tanggung jawab|deskripsi pekerjaan|job ?desc(?:ription)?|responsibilit(?:y|ies)|tugas utama)"
    r"|(?P<apply>lamaran|melamar|kirim (?:cv|lamaran|berkas)|apply|daftar(?:kan)? (?:sekarang|segera|diri)"
    r"|pendaftaran|interview|wawancara|seleksi)"
    r"|(?P<terms>gaji|upah|salary|honor|insentif|tunjangan|penempatan|posisi|position|kontrak kerja|shift)"
    r")\b"
)


def _offer_cues(text: str) -> int:
    """How many kinds of recruitment wording (opening, requirements, duties, apply, terms) the text has."""
    return len({m.lastgroup for m in _OFFER_CUES.finditer(text)})


_QUOTED = re.compile(r'"[^"]{12,}"|“[^”]{12,}”|«[^»]{12,}»|„[^“”]{12,}[“”]')


def _quoted_share(f: Findings) -> float:
    """The share of red-flag evidence that sits inside quotation marks: a warning quoting an ad."""
    spans = [e for h in f.hits if h.indicator.weight > 0 for e in h.evidence]
    if not spans:
        return 0.0
    quotes = [m.span() for m in _QUOTED.finditer(f.norm.original)]
    if not quotes:
        return 0.0
    inside = sum(1 for e in spans if any(a <= e.start and e.end <= b for a, b in quotes))
    return inside / len(spans)


def modus_row(self: ModusFeatures, f: Findings) -> list[float]:
    """``ModusFeatures.row`` as it was: one ad's features, cut to the fitted width."""
    ids = f.ids
    row = [1.0 if i in ids else 0.0 for i in self.indicator_ids_]
    statuses = {p.place.status for p in f.places}
    row += [1.0 if s in statuses else 0.0 for s in PLACE_STATUSES]
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
        _offer_cues(f.norm.text) / 5.0,
    ]
    return row[: len(self.feature_names_)]
