"""The redaction itself: gather the spans, merge them, replace each by its ``[LABEL]``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from screener.extract.contacts import find_contacts
from screener.redact._names import account_spans, name_spans
from screener.redact._phones import phone_like_spans, spelled_number_spans

__all__ = ["LABELS", "Redaction", "move_span", "redact"]

LABELS = {
    "phone": "[TELEPON]",
    "whatsapp": "[WHATSAPP]",
    "telegram": "[TELEGRAM]",
    "email": "[EMAIL]",
    "url": "[TAUTAN]",
    "shortener": "[TAUTAN]",
    "handle": "[AKUN]",
    "name": "[NAMA]",
    "account": "[REKENING]",
    "erased": "[DIHAPUS]",  # a value erased on request, wherever it stood
}


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text and what was masked (kind and span on the original), in text order."""

    text: str
    masked: tuple[tuple[str, int, int], ...]

    def move(self, position: int, *, is_end: bool = False) -> int:
        """``position`` in the original text as a position in :attr:`text`; inside a mask it snaps to
        the mask's label (its start, or its end when ``is_end``)."""
        shift = 0
        for kind, start, end in self.masked:
            if position <= start:
                break
            label = len(LABELS[kind])
            if position >= end:
                shift += label - (end - start)
                continue
            return start + shift + (label if is_end else 0)
        return position + shift


def move_span(redaction: Redaction, start: int, end: int) -> tuple[int, int]:
    """A span on the original moved onto the redacted text (covering whole labels it touches)."""
    return redaction.move(start), redaction.move(end, is_end=True)


def _literal_spans(text: str, values: Sequence[str]) -> list[tuple[int, int, str]]:
    lower = text.lower()
    spans = []
    for value in values:
        needle = value.strip().lower()
        position = 0
        while needle and (found := lower.find(needle, position)) >= 0:
            spans.append((found, found + len(needle), "erased"))
            position = found + len(needle)
    return spans


def _spans(text: str, erase: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    spans = _literal_spans(text, erase)
    spans += [(c.start, c.end, c.kind) for c in find_contacts(text)]
    spans += [(a, b, "account") for a, b in account_spans(text)]
    spans += [(a, b, "name") for a, b in name_spans(text)]
    spans += [(a, b, "phone") for a, b in phone_like_spans(text)]
    spans += [(a, b, "phone") for a, b in spelled_number_spans(text)]
    # Longest first wins where spans overlap (a phone inside an account line is one mask); the
    # more specific kinds come first, so "WA 0812..." stays [WHATSAPP] and "BRI 0123..." [REKENING]
    # when the generic phone-like run covers the same stretch.
    order = {id(s): i for i, s in enumerate(spans)}
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), order[id(s)]))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end, merged[-1][2])
            continue
        merged.append((start, end, kind))
    return merged


def redact(text: str, *, erase: Sequence[str] = ()) -> Redaction:
    """Mask phone numbers (valid or not, in digits or words), chat links and handles, e-mails, URLs,
    names and account numbers; and every occurrence of the ``erase`` values (any case), which an
    erasure request names and the patterns above may not recognise (a name without a marker)."""
    pieces = []
    position = 0
    masked = []
    for start, end, kind in _spans(text, erase):
        pieces.append(text[position:start])
        pieces.append(LABELS[kind])
        masked.append((kind, start, end))
        position = end
    pieces.append(text[position:])
    return Redaction("".join(pieces), tuple(masked))
