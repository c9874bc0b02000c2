"""Pre-optimisation copy of screener/extract/employers.py (commit 6af9458), kept as a test-only oracle.

Kept verbatim (only this docstring and imports of sibling oracles differ) so tests can prove the
optimised extractor gives the same output on the corpus and on generated hard cases. Not used by the
library.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from screener.catalogue.employers import Employer, employers
from screener.catalogue.matcher import PrefixMatcher
from screener.normalize import Normalized

__all__ = ["EmployerMention", "alias_patterns", "find_employers"]


@dataclass(frozen=True, slots=True)
class EmployerMention:
    """An employer named in an ad; ``start``/``end`` index the original text and ``text`` is that slice."""

    employer: Employer
    text: str
    start: int
    end: int
    recruiting: bool  # named as the one recruiting (not a landmark, benefit, payment or reference)

    def to_dict(self) -> dict[str, Any]:
        return {
            "employer": {"id": self.employer.id, "kind": self.employer.kind, "name": self.employer.names[0]},
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "recruiting": self.recruiting,
        }


# A recruitment word before the name: "lowongan kerja PT Pertamina", "penerimaan pegawai Puskesmas",
# and the signature of a letter: "Hormat kami, Manager HRD PT Pertamina", "HR Recruitment BRI".
_STRONG_CUE = re.compile(
    r"(?<![a-z0-9])(?:lowongan|rekrutmen|recruitment|rekrut|perekrutan|penerimaan|pendaftaran|seleksi"
    r"|dibutuhkan|membutuhkan|dicari|mencari|hiring|vacancy|vacancies|career|careers|formasi|panggilan"
    r"|undangan|interview|wawancara|bergabung|join|lamaran|melamar|panitia|position|candidate|applicant"
    r"|shortlisted|hormat kami|hrd|hr|human resources?|regards)(?:nya)?(?![a-z0-9])"
)
_BEFORE = 80
# Words that say "job" but also fill benefit lists ("peluang karyawan tetap"): they
# count only right before the name, on its line ("karyawan PT Pertamina", "penempatan di RSUD").
_WEAK_CUE = re.compile(
    r"(?<![a-z0-9])(?:pegawai|karyawan|tenaga|petugas|staf|staff|posisi|honorer|magang|pelamar|kerja di"
    r"|bekerja di|ditempatkan di|penempatan di)(?![a-z0-9])"
)
_WEAK_BEFORE = 25
# A recruitment verb shortly after the name ("Bank BRI membuka lowongan", "PLN is hiring").
_CUE_AFTER = re.compile(
    r"^[^.!?;]{0,30}?(?<![a-z0-9])(?:(?:kembali |lagi |sedang )?(?:membuka|buka|dibuka|open|opens|menerima"
    r"|mencari|cari|nyari|merekrut|rekrut|membutuhkan|butuh)(?: \w+)? (?:lowongan|rekrutmen|recruitment"
    r"|pendaftaran|penerimaan|kesempatan|tenaga|pegawai|karyawan|calon|posisi|formasi|staf|staff|petugas"
    r"|pekerja|orang|kandidat|pelamar)|is hiring|hiring|rekrutmen|recruitment|lowongan|penerimaan|seleksi"
    r"|career|careers|karir|karier)(?:nya)?(?![a-z0-9])"
)
_AFTER = 60
# A name on a short line near the top heads the ad when a recruitment word follows it soon
# ("PT PERTAMINA (PERSERO)" / "Nomor: ..." / "Hal: Panggilan Interview"); a news lead ("Kemnaker
# menggelar sosialisasi ...", one long line) does not.
_HEADING = 60
_LETTERHEAD_LINE = 70
_HEADING_AFTER = 160  # a letterhead's address, number and date come before "Hal: Undangan ..."
_RECRUITMENT_WORD = re.compile(
    r"(?<![a-z0-9])(?:lowongan|rekrutmen|recruitment|penerimaan|seleksi|panggilan|undangan|interview"
    r"|wawancara|formasi|dibutuhkan|hiring|vacancy|lamaran)(?![a-z0-9])"
)
# Words that make the name something other than the recruiter: a landmark, a benefit, a payment, a
# channel or regulator the ad goes through ("melalui KP2MI", "terdaftar di BP2MI", "link resmi
# KP2MI"), a course that prepares for it ("persiapan EPS-TOPIK"), a business partner hiring for
# itself ("mitra Alfamart", "vendor Pertamina"), or a warning about impersonation.
_NOT_RECRUITER = re.compile(
    r"(?<![a-z0-9])(?:dekat|depan|samping|sebelah|belakang|seberang|sekitar|lokasi|alamat|jalan|jl"
    r"|fasilitas|tunjangan|dapat|mendapat|mendapatkan|terdaftar|rekening|rek|norek|transfer|tf|via"
    r"|melalui|lewat|kartu|ditanggung|asuransi|jaminan|gaji|payroll|atm|bayar|pembayaran|setor|cek"
    r"|periksa|izin|rekomendasi|diawasi|berizin|persiapan|kursus|pelatihan|les|bimbel|belajar|mitra"
    r"|link|tautan|situs|laman|website|web|portal|akun|aplikasi|sesuai|aturan|peraturan|ketentuan|tayang"
    r"|ditayangkan|diposting|dipasang|dapatkan|benefit|benefits|keuntungan"
    r"|franchise|waralaba|vendor|outsourcing|supplier|distributor|kontraktor|subkon|laporkan|lapor"
    r"|mengatasnamakan|catut|mencatut|dicatut|palsu|hoaks|hoax|waspada|bukan)(?:nya)?(?![a-z0-9])"
)
# A full stop after a short word is an abbreviation ("pt.", "jl.", "no."), not a sentence end.
_SENTENCE_END = re.compile(r"(?:(?<=[a-z0-9)]{4})\.|[!?;])(?![a-z0-9])")


def alias_patterns() -> Iterable[tuple[int, str]]:
    """(entry index, alias regex) of every alias, for a :class:`PrefixMatcher` (detect() shares one
    matcher between the indicator patterns and these, so the text is scanned once)."""
    return ((index, alias) for index, entry in enumerate(employers()) for alias in entry.aliases)


@cache
def _matcher() -> PrefixMatcher[int]:
    return PrefixMatcher(alias_patterns())


def _spans(hits: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(entry index, start, end) of every alias match, overlaps resolved: one entry's overlapping
    matches merge ("pt pos" + "pos indonesia"), and across entries the longer match wins."""
    by_entry: dict[int, list[tuple[int, int]]] = {}
    for index, start, end in sorted(hits, key=lambda h: (h[1], h[2])):
        spans = by_entry.setdefault(index, [])
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    candidates = sorted(
        ((index, a, b) for index, spans in by_entry.items() for a, b in spans), key=lambda m: m[1] - m[2]
    )
    kept: list[tuple[int, int, int]] = []
    for index, a, b in candidates:
        if all(b <= ka or kb <= a for _, ka, kb in kept):
            kept.append((index, a, b))
    return sorted(kept, key=lambda m: m[1])


def _line(norm: Normalized, start: int, end: int) -> tuple[int, int, int]:
    """Normalised (start of the previous line, start of the line, end of the line) of the original
    line that holds ``[start, end)``: the normaliser folds line breaks, but ads are laid out in lines
    ("Fasilitas:" / "- BPJS Kesehatan") and a cue on another line is about something else."""
    original = norm.original
    a, b = norm.to_original(start, end)
    line = original.rfind("\n", 0, a) + 1
    previous = original.rfind("\n", 0, max(line - 1, 0)) + 1 if line else 0
    stop = original.find("\n", b)
    stop = len(original) if stop < 0 else stop
    return (
        bisect_left(norm.starts, previous),
        bisect_left(norm.starts, line),
        bisect_left(norm.starts, stop),
    )


def _recruiting(norm: Normalized, start: int, end: int) -> bool:
    text = norm.text
    previous, line, stop = _line(norm, start, end)
    # A recruitment word may stand on the line above ("LOWONGAN KERJA" / "PT PLN", or a poster's
    # wrapped line); a weak one only on the name's own line.
    lo = max(0, start - _BEFORE, previous)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    lo = ends[-1].end() if ends else lo
    cues = [m.end() for m in _STRONG_CUE.finditer(text, lo, start)]
    cues += [m.end() for m in _WEAK_CUE.finditer(text, max(lo, line, start - _WEAK_BEFORE), start)]
    blockers = [m.end() for m in _NOT_RECRUITER.finditer(text, lo, start)]
    last_cue = max(cues, default=-1)
    if blockers and blockers[-1] > last_cue:
        return False  # "lowongan admin toko dekat Indomaret": the name is a landmark
    if cues or _STRONG_CUE.search(text, start, end):
        return True  # "... lowongan PLN", or a name that says it: "Rekrutmen Bersama BUMN"
    if _CUE_AFTER.search(text[end : min(stop, end + _AFTER)]):
        return True
    # A letterhead: the name on a short line of its own near the top, a recruitment word below it.
    letterhead = start < _HEADING and stop - line <= _LETTERHEAD_LINE
    return letterhead and _RECRUITMENT_WORD.search(text, end, end + _HEADING_AFTER) is not None


def find_employers(
    norm: Normalized, hits: Iterable[tuple[int, int, int]] | None = None
) -> list[EmployerMention]:
    """Find the known employers and public bodies named in a normalised ad.

    Parameters
    ----------
    norm : Normalized
        The ad after :func:`screener.normalize.normalize`.
    hits : iterable of (entry index, start, end), optional
        The matches of :func:`alias_patterns` on ``norm.text`` when the caller has already found
        them (in one pass with other patterns); by default they are found here.

    Returns
    -------
    list of EmployerMention
        In text order, one per occurrence, no two overlapping; spans index ``norm.original``.
        ``recruiting`` tells whether the ad names the employer as the one recruiting.
    """
    text = norm.text
    entries = employers()
    found = _spans(_matcher().finditer(text) if hits is None else hits)
    if not found:
        return []
    mentions = []
    for index, start, end in found:
        a, b = norm.to_original(start, end)
        recruiting = _recruiting(norm, start, end)
        mentions.append(EmployerMention(entries[index], norm.original[a:b], a, b, recruiting))
    return mentions
