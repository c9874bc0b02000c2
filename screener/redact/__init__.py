"""Redaction of personal data in ad text, for everything shown to educators, exported or retained.

Ads carry recruiters' and victims' phone numbers, names, handles, links and bank accounts. Masking
keeps the shape of the ad (so a class can still see "a +855 number was here") without the data:

    "hubungi Bu Siti +855 96 412 7781, a.n. Andi Saputra" -> "hubungi Bu [NAMA] [TELEPON], a.n. [NAMA]"

Sources of spans, merged (the longest wins where they overlap):

- contacts from :func:`screener.extract.contacts.find_contacts` (valid numbers, links, e-mail, handles);
- every phone-like digit run, valid or not, and numbers spelled out in words (:mod:`._phones`);
- names after their usual markers and account numbers after bank words (:mod:`._names`).

:class:`Redaction` lists each mask with its span on the original text, so spans computed on the
original (evidence of red flags) can be moved onto the redacted text: :func:`move_span` here, and
:func:`redact_assessment` for a stored assessment (used when raw text is retired, see
``service.privacy``).
"""

from __future__ import annotations

from screener.redact._core import LABELS, Redaction, move_span, redact
from screener.redact._phones import phone_like_spans
from screener.redact._remap import redact_assessment

__all__ = ["LABELS", "Redaction", "move_span", "phone_like_spans", "redact", "redact_assessment"]
