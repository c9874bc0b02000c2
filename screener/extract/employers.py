"""Find known employers and public bodies (``catalogue/employers.toml``) named in an ad.

Every alias of every entry goes into one :class:`~screener.catalogue.matcher.PrefixMatcher`, so the
whole list is matched in one pass over the word starts of the normalised text; spans are mapped
back to the original text as :func:`screener.extract.places.find_places` does.

A name in an ad is not always the recruiter: "dekat Indomaret" is a landmark, "fasilitas BPJS
Kesehatan" a benefit, "transfer ke Bank BRI" a payment, "terdaftar di BP2MI" a reference and
"lowongan palsu mengatasnamakan Pertamina" a warning. A mention is marked ``recruiting`` when a
recruitment word stands before it on its line ("lowongan kerja PT Pertamina", "penerimaan pegawai
Puskesmas"), a recruitment verb right after it ("Bank BRI membuka lowongan"), or it heads the ad
as a letterhead with a recruitment word soon after ("PT PLN (PERSERO)" / "PANGGILAN INTERVIEW") - and no landmark,
benefit, payment, channel, reference or warning word stands between that recruitment word and the name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from screener.catalogue.employers import Employer, employers
from screener.catalogue.matcher import PrefixMatcher, trie_pattern
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


def _words(words: Iterable[str], tail: str = "") -> re.Pattern[str]:
    """Any of ``words`` (then ``tail``) as a whole word, searched on the text after a space (see
    :func:`_ends`).

    A character class takes the character before the word instead of a look-behind
    ``(?<![a-z0-9])``: ``re`` then skips in C to the next candidate instead of testing the look-behind
    at every position, and the trie tests one character at a time instead of every word. The
    matches are those of the flat alternation with the look-behind (tests compare them): at most
    one word fits at a position (no word is another one followed by "nya" or by a character that is
    not a letter or digit), and every word ends with a letter, so a match never starts right where
    the previous one ends.
    """
    return re.compile(rf"[^a-z0-9](?:{trie_pattern(words)}){tail}(?![a-z0-9])")


# A recruitment word before the name: "lowongan kerja PT Pertamina", "penerimaan pegawai Puskesmas",
# and the signature of a letter: "Hormat kami, Manager HRD PT Pertamina", "HR Recruitment BRI".
_STRONG_WORDS = (
    "lowongan", "rekrutmen", "recruitment", "rekrut", "perekrutan", "penerimaan", "pendaftaran", "seleksi",
    "dibutuhkan", "membutuhkan", "dicari", "mencari", "hiring", "vacancy", "vacancies", "career", "careers",
    "formasi", "panggilan", "undangan", "interview", "wawancara", "bergabung", "join", "lamaran", "melamar",
    "panitia", "position", "candidate", "applicant", "shortlisted", "hormat kami", "hrd", "hr",
    "human resource", "human resources", "regards",
)  # fmt: skip
_STRONG_CUE = _words(_STRONG_WORDS, "(?:nya)?")
_BEFORE = 80
# Words that say "job" but also fill benefit lists ("peluang karyawan tetap"): they
# count only right before the name, on its line ("karyawan PT Pertamina", "penempatan di RSUD").
_WEAK_WORDS = (
    "pegawai", "karyawan", "tenaga", "petugas", "staf", "staff", "posisi", "honorer", "magang", "pelamar",
    "kerja di", "bekerja di", "ditempatkan di", "penempatan di",
)  # fmt: skip
_WEAK_CUE = _words(_WEAK_WORDS)
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
_RECRUITMENT_WORDS = (
    "lowongan", "rekrutmen", "recruitment", "penerimaan", "seleksi", "panggilan", "undangan", "interview",
    "wawancara", "formasi", "dibutuhkan", "hiring", "vacancy", "lamaran",
)  # fmt: skip
_RECRUITMENT_WORD = _words(_RECRUITMENT_WORDS)
# Words that make the name something other than the recruiter: a landmark, a benefit, a payment, a
# channel or regulator the ad goes through ("melalui KP2MI", "terdaftar di BP2MI", "link resmi
# KP2MI"), a course that prepares for it ("persiapan EPS-TOPIK"), a business partner hiring for
# itself ("mitra Alfamart", "vendor Pertamina"), or a warning about impersonation.
_NOT_RECRUITER_WORDS = (
    "dekat", "depan", "samping", "sebelah", "belakang", "seberang", "sekitar", "lokasi", "alamat", "jalan",
    "jl", "fasilitas", "tunjangan", "dapat", "mendapat", "mendapatkan", "terdaftar", "rekening", "rek",
    "norek", "transfer", "tf", "via", "melalui", "lewat", "kartu", "ditanggung", "asuransi", "jaminan",
    "gaji", "payroll", "atm", "bayar", "pembayaran", "setor", "cek", "periksa", "izin", "rekomendasi",
    "diawasi", "berizin", "persiapan", "kursus", "pelatihan", "les", "bimbel", "belajar", "mitra", "link",
    "tautan", "situs", "laman", "website", "web", "portal", "akun", "aplikasi", "sesuai", "aturan",
    "peraturan", "ketentuan", "tayang", "ditayangkan", "diposting", "dipasang", "dapatkan", "benefit",
    "benefits", "keuntungan", "franchise", "waralaba", "vendor", "outsourcing", "supplier", "distributor",
    "kontraktor", "subkon", "laporkan", "lapor", "mengatasnamakan", "catut", "mencatut", "dicatut", "palsu",
    "hoaks", "hoax", "waspada", "bukan",
)  # fmt: skip
_NOT_RECRUITER = _words(_NOT_RECRUITER_WORDS, "(?:nya)?")
# _STRONG_CUE and _NOT_RECRUITER in one scan of the window before the name (one search instead of
# two). It finds the matches of both: no word of one list fits where a word of the other does, and
# no word of one list starts inside a word of the other (tests check both).
_CUE_OR_BLOCKER = re.compile(
    rf"[^a-z0-9](?:(?P<cue>{trie_pattern(_STRONG_WORDS)})|(?P<blocker>{trie_pattern(_NOT_RECRUITER_WORDS)}))"
    r"(?:nya)?(?![a-z0-9])"
)
# A full stop after a short word is an abbreviation ("pt.", "jl.", "no."), not a sentence end. The
# character class first lets re skip in C to the next candidate.
_SENTENCE_END = re.compile(r"[.!?;](?:(?<=[!?;])|(?<=[a-z0-9)]{4}\.))(?![a-z0-9])")


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
    ordered = sorted(hits, key=lambda h: (h[1], h[2]))
    if not ordered:
        return []  # most ads name no employer: what the steps below give for no match
    by_entry: dict[int, list[tuple[int, int]]] = {}
    for index, start, end in ordered:
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


def _line(norm: Normalized, a: int, b: int) -> tuple[int, int, int]:
    """Normalised (start of the previous line, start of the line, end of the line) of the original
    line that holds the original span ``[a, b)``: the normaliser folds line breaks, but ads are laid
    out in lines ("Fasilitas:" / "- BPJS Kesehatan") and a cue on another line is about something else."""
    original = norm.original
    line = original.rfind("\n", 0, a) + 1
    previous = original.rfind("\n", 0, max(line - 1, 0)) + 1 if line else 0
    stop = original.find("\n", b)
    stop = len(original) if stop < 0 else stop
    return (
        bisect_left(norm.starts, previous),
        bisect_left(norm.starts, line),
        bisect_left(norm.starts, stop),
    )


def _ends(pattern: re.Pattern[str], spaced: str, lo: int, hi: int) -> list[int]:
    """Ends of the matches of a :func:`_words` pattern that lie in ``text[lo:hi]``, where ``spaced``
    is ``" " + text``: there the word at ``i`` starts at ``i + 1`` with the character before it at
    ``i``, so ``pos`` stays ``lo`` and ``endpos`` is ``hi + 1``."""
    return [match.end() - 1 for match in pattern.finditer(spaced, lo, hi + 1)]


def _cues_and_blockers(spaced: str, lo: int, hi: int) -> tuple[list[int], list[int]]:
    """``(_ends(_STRONG_CUE, ...), _ends(_NOT_RECRUITER, ...))`` of ``text[lo:hi]``, in one scan."""
    found: dict[str | None, list[int]] = {"cue": [], "blocker": []}
    for match in _CUE_OR_BLOCKER.finditer(spaced, lo, hi + 1):
        found[match.lastgroup].append(match.end() - 1)
    return found["cue"], found["blocker"]


def _recruiting(norm: Normalized, spaced: str, start: int, end: int, lines: tuple[int, int, int]) -> bool:
    text = norm.text
    previous, line, stop = lines  # see _line
    # A recruitment word may stand on the line above ("LOWONGAN KERJA" / "PT PLN", or a poster's
    # wrapped line); a weak one only on the name's own line.
    lo = max(0, start - _BEFORE, previous)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    lo = ends[-1].end() if ends else lo
    cues, blockers = _cues_and_blockers(spaced, lo, start)
    cues += _ends(_WEAK_CUE, spaced, max(lo, line, start - _WEAK_BEFORE), start)
    last_cue = max(cues, default=-1)
    if blockers and blockers[-1] > last_cue:
        return False  # "lowongan admin toko dekat Indomaret": the name is a landmark
    if cues or _STRONG_CUE.search(spaced, start, end + 1):
        return True  # "... lowongan PLN", or a name that says it: "Rekrutmen Bersama BUMN"
    if _CUE_AFTER.search(text[end : min(stop, end + _AFTER)]):
        return True
    # A letterhead: the name on a short line of its own near the top, a recruitment word below it.
    letterhead = start < _HEADING and stop - line <= _LETTERHEAD_LINE
    return letterhead and _RECRUITMENT_WORD.search(spaced, end, end + _HEADING_AFTER + 1) is not None


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
    found = _spans(_matcher().findall(text) if hits is None else hits)
    if not found:
        return []  # most ads name no employer
    entries = employers()
    mentions = []
    spaced = " " + text  # for the cue words, see _ends
    # ``norm.to_original`` without its clamping: an alias match is a non-empty span inside the text.
    starts, ends = norm.starts, norm.ends
    for index, start, end in found:
        a, b = starts[start], ends[end - 1]
        recruiting = _recruiting(norm, spaced, start, end, _line(norm, a, b))
        mentions.append(EmployerMention(entries[index], norm.original[a:b], a, b, recruiting))
    return mentions
