"""Personal names after their usual markers, and bank account numbers after bank words.

A name is one to four capitalised words (or ALL-CAPS words after a strong marker such as "Nama:" or
"a/n"), with initials ("M. Rizki") and "bin"/"binti" allowed inside. It is masked only after a
marker, so capitalised place and company names elsewhere stay readable:

- addressing: Sdr. / Sdri. / Saudara / Saudari, Kpd. and Yth., and chains of them ("Kpd Sdr. Ahmad
  Fauzi", "Kepada Yth. Bapak Joko"); a bare "kepada" is left alone, prose uses it for roles
  ("melapor kepada Kepala Produksi");
- labels: "Nama:" (with its colon: "nama perusahaan" is prose), "a/n", "a.n.", "an.", "atas nama",
  "nama saya", "CP", "contact person", "hubungi";
- honorifics: Bapak / Bpk / Pak, Ibu / Bu, Kak, Mas, Mbak, Bang, Om, Tante, Koh, Cici, Tuan, Nyonya,
  Nona, Mr / Mrs / Ms / Miss ... but only where a capitalised word follows that is not a common
  word of job ads ("Ibu Rumah Tangga", "Kak Admin", "Bapak/Ibu", "MS Office" are left alone).
"""

from __future__ import annotations

import re

__all__ = ["account_spans", "name_spans"]

_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'][A-Za-z]+)?|[A-Z]\.)"
_CAPS_WORD = r"[A-Z]{2,}(?:[-'][A-Z]+)?"
_JOIN = r"(?:\s+(?:bin|binti|van|de|al)\s+|\s+)"
_NAME = rf"{_NAME_WORD}(?:{_JOIN}{_NAME_WORD}){{0,3}}"
_CAPS_NAME = rf"{_CAPS_WORD}(?:[ \t]+{_CAPS_WORD}){{0,3}}"

# Strong markers: what follows is a name (ALL-CAPS names accepted too).
_STRONG = (
    r"sdr|sdri|saudara|saudari|kpd|yth|nama[ \t]*:|a\s?/\s?n|a\.\s?n|an\.|atas\s+nama|nama\s+saya|namaku|"
    r"cp|c\.p|contact\s+person|narahubung"
)
# Weak markers: a capitalised name must follow (honorifics, "hubungi", "saya").
_WEAK = (
    r"bapak|bpk|pak|ibu|bu|kak|kakak|mas|mbak|mba|bang|abang|om|tante|sis|bro|koh|cici|tuan|nyonya|"
    r"nona|dik|adik|mr|mrs|ms|miss|hubungi|kontak|saya"
)
_MARKER = rf"(?:(?i:{_STRONG}|{_WEAK}))"
_NAMES = re.compile(
    # One or more markers ("Kpd Sdr.", "Yth. Bapak"), each with its optional dot/colon, then the name.
    rf"(?<![\w/])(?P<markers>{_MARKER}\.?[ \t]*:?[ \t]*(?:{_MARKER}\.?[ \t]*:?[ \t]*)*)"
    rf"(?<=[\s.:])(?P<name>{_NAME}|{_CAPS_NAME})"
)
_STRONG_ONLY = re.compile(rf"(?i)(?:{_STRONG})\.?\s*:?\s*$")
_MARKER_WORD = re.compile(rf"(?i)^(?:{_STRONG}|{_WEAK})$")

# Capitalised words that follow a marker in ads without being a name.
_COMMON_WORDS = frozenset(
    {"Kami", "Anda", "Admin", "Gaji", "Info", "Segera", "Kerja", "Lowongan", "Loker", "Minat", "The", "We",
     "Our", "Hubungi", "Daftar", "Untuk", "Yang", "Dan", "Via", "WhatsApp", "Whatsapp", "Telegram", "Wa",
     "WA", "Dm", "DM", "HRD", "Hrd", "Rumah", "Kota", "Hamil", "Menyusui", "Bos", "Boss", "Agen", "Agency",
     "PT", "CV", "Perusahaan", "Kantor", "Sekarang", "Sini", "Di", "Ke", "Saja", "Aja",
     "Pelamar", "Calon", "Peserta", "Pekerja", "Karyawan", "Staff", "Staf", "Team", "Tim", "Recruiter",
     "Rekruter", "Sponsor", "Ibu", "Bapak", "Pak", "Bu", "All", "Semua", "Lengkap", "Jelas", "Sesuai",
     "Pengirim", "Penerima", "Rekening", "Bank", "Perempuan", "Wanita", "Pria", "Laki", "CS", "Customer",
     "Operator", "Marketing", "Driver", "Sopir", "Cleaning", "Office", "Manager", "Supervisor", "Ya", "Yes",
     "Tidak", "No", "Call", "Chat", "Line", "Japri", "Inbox", "Komen", "Kirim", "Cek", "Lihat", "Tanya",
     "Tersebut", "Ini", "Itu", "Sendiri", "Lain", "Aku", "Kita", "Mereka", "Dia", "Beliau", "Terima",
     "Tenaga", "TKI", "PMI", "BP2MI", "KP2MI", "Disnaker", "Polisi", "Polri", "Imigrasi", "Para", "Kepala",
     "Word", "Excel", "PowerPoint", "Powerpoint", "Outlook", "Access", "Project", "Visio"}
)  # fmt: skip
_ACCOUNT = re.compile(
    r"(?i:\b(?:rek(?:ening)?|no\.?\s?rek|norek|account|acc|bca|bri|bni|mandiri|bsi|btn|cimb|danamon|dana|ovo|"
    r"gopay|shopeepay|linkaja|seabank|jago)\b)"
    r"[^\d\n]{0,20}(?P<number>\d[\d .-]{6,22}\d)"
)


def _trim_name(name: str) -> tuple[int, str]:
    """Drop leading marker words and common words from a captured name: (offset dropped, rest)."""
    words = list(re.finditer(r"\S+", name))
    for i, word in enumerate(words):
        token = word.group().rstrip(".:")
        if _MARKER_WORD.match(token) or token in _COMMON_WORDS:
            continue
        if i == 0:
            return 0, name
        return word.start(), name[word.start() :]
    return len(name), ""


def _cut_at_common_word(name: str) -> str:
    """``name`` up to the first word that is not part of a name ("Siti Aminah Sekarang" -> "Siti Aminah")."""
    for word in list(re.finditer(r"\S+", name))[1:]:
        token = word.group().rstrip(".:,")
        if token in _COMMON_WORDS or _MARKER_WORD.match(token):
            return name[: word.start()].rstrip()
    return name


def name_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of names after a marker."""
    spans = []
    for match in _NAMES.finditer(text):
        name = match.group("name")
        start = match.start("name")
        if re.fullmatch(_CAPS_NAME, name) and not _STRONG_ONLY.search(match.group("markers")):
            continue  # "Pak HRD": ALL-CAPS after an honorific is an acronym, not a name
        first = name.split()[0].rstrip(".")
        if first in _COMMON_WORDS:
            continue  # "Ibu Rumah Tangga", "Kak Admin": a role, not a name
        if _MARKER_WORD.match(first):  # "Kpd Bapak Joko": the marker chain ran into the name group
            offset, rest = _trim_name(name)
            if not rest or rest.split()[0] in _COMMON_WORDS:
                continue
            start, name = start + offset, rest
        name = _cut_at_common_word(name)
        end = start + len(name.rstrip())
        if name.endswith(".") and not re.search(r"(?:^|\s)[A-Z]\.$", name):
            end -= 1  # the sentence's full stop, not an initial
        if end > start:
            spans.append((start, end))
    return spans


def account_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of account numbers after a bank word ("BRI 0123 4567 8901 234")."""
    return [(m.start("number"), m.end("number")) for m in _ACCOUNT.finditer(text)]
