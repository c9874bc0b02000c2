"""Redaction of personal data in ad text, for everything shown to educators or exported.

Ads carry recruiters' and victims' phone numbers, names, handles, links and bank accounts. Masking
keeps the shape of the ad (so a class can still see "a +855 number was here") without the data:

    "hubungi Bu Siti +855 96 412 7781, a.n. Andi Saputra" -> "hubungi Bu [NAMA] [TELEPON], a.n. [NAMA]"

Contacts come from :func:`screener.extract.contacts.find_contacts`; names from their usual markers
(honorifics, "a.n." / "atas nama", "nama saya", "contact person"); account numbers from bank words
followed by a long digit run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.extract.contacts import find_contacts

__all__ = ["Redaction", "redact"]

_LABELS = {
    "phone": "[TELEPON]",
    "whatsapp": "[WHATSAPP]",
    "telegram": "[TELEGRAM]",
    "email": "[EMAIL]",
    "url": "[TAUTAN]",
    "shortener": "[TAUTAN]",
    "handle": "[AKUN]",
    "name": "[NAMA]",
    "account": "[REKENING]",
}

# A capitalised name of one to three words after a marker. Names are matched on the original text,
# so "Bu Siti" is masked while "bu" in lower-case chat without a capitalised name is left alone.
_NAME_WORD = r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"
_NAME_MARKERS = re.compile(
    r"(?:\b(?:a\.?\s?n\.?|atas nama|nama saya|namaku|saya|contact person|cp|hubungi|kontak|"
    r"(?i:bapak|bpk|pak|ibu|bu|kak|kakak|mas|mbak|mba|bang|abang|om|tante|sis|bro|mr|mrs|ms|miss))"
    r"\.?:?\s+)" + rf"(?P<name>{_NAME})"
)
_ACCOUNT = re.compile(
    r"(?i:\b(?:rek(?:ening)?|no\.?\s?rek|account|acc|bca|bri|bni|mandiri|bsi|btn|cimb|danamon|dana|ovo|gopay)\b)"
    r"[^\d\n]{0,20}(?P<number>\d[\d .-]{6,22}\d)"
)
_COMMON_WORDS = frozenset(
    {"Kami", "Anda", "Admin", "Gaji", "Info", "Segera", "Kerja", "Lowongan", "Loker", "Minat", "The", "We",
     "Our", "Hubungi", "Daftar", "Untuk", "Yang", "Dan", "Via", "WhatsApp", "Telegram", "Wa", "Dm", "HRD", "Hrd"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text and what was masked (kind and original span), for tests and audits."""

    text: str
    masked: tuple[tuple[str, int, int], ...]


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(c.start, c.end, c.kind) for c in find_contacts(text)]
    for match in _NAME_MARKERS.finditer(text):
        name = match.group("name")
        if name.split()[0] in _COMMON_WORDS:
            continue
        spans.append((match.start("name"), match.end("name"), "name"))
    for match in _ACCOUNT.finditer(text):
        spans.append((match.start("number"), match.end("number"), "account"))
    # Longest first wins where spans overlap (a phone inside an account line is one mask).
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end, merged[-1][2])
            continue
        merged.append((start, end, kind))
    return merged


def redact(text: str) -> Redaction:
    """Mask phone numbers, chat links and handles, e-mails, URLs, names and account numbers."""
    pieces = []
    position = 0
    masked = []
    for start, end, kind in _spans(text):
        pieces.append(text[position:start])
        pieces.append(_LABELS[kind])
        masked.append((kind, start, end))
        position = end
    pieces.append(text[position:])
    return Redaction("".join(pieces), tuple(masked))
