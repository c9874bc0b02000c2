"""Pass 8: chat abbreviations expanded (``yg`` -> ``yang``, ``15jt`` -> ``15 juta``, ``tiket pp`` -> ``tiket pulang pergi``)."""

from __future__ import annotations

import re

from screener.normalizing.offsets import Buffer, Edit, char_bytes, rewrite, splice

ABBREVIATIONS = {
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "untk": "untuk", "tdk": "tidak",
    "krn": "karena", "sdh": "sudah", "udh": "sudah", "udah": "sudah", "blm": "belum", "bs": "bisa",
    "tp": "tapi", "krj": "kerja", "kerjaan": "pekerjaan", "loker": "lowongan kerja",
    "lowker": "lowongan kerja", "ln": "luar negeri", "japri": "jalur pribadi", "jt": "juta",
    "jeti": "juta", "rb": "ribu", "bln": "bulan", "thn": "tahun", "org": "orang", "pglmn": "pengalaman",
    "tele": "telegram", "tg": "tanjung", "tj": "tanjung", "dm": "direct message", "pengalamn": "pengalaman",
    "gaji2": "gaji", "sy": "saya", "jg": "juga", "sm": "sama", "lgsg": "langsung", "lsg": "langsung",
}  # fmt: skip


# An abbreviation is a whole word (a run of letters and digits), with the full stop after it if any:
# the matches of r"(?<![a-z0-9])(yg|dgn|...)(?![a-z0-9])\.?". Scanning the text for that alternation
# tests every word start; :func:`_abbreviation_edits` scans a byte copy of the text instead, in which
# every byte other than "a"-"z" and "0"-"9" is a space, so a word is a run between two spaces.
_NOT_WORD_TO_SPACE = bytes(b if 0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 else 0x20 for b in range(256))


def _abbreviation_after_space() -> re.Pattern[bytes]:
    """A space, then a whole abbreviation (group 1), on the text's bytes with every non-word byte a space.

    The alternatives are grouped by first letter (``d(?:gn|g|m)|...``), so at each space ``re`` tries
    one branch per first letter; the lookahead for a space makes each a whole word, whatever the order.
    """
    by_first_letter: dict[str, list[str]] = {}
    for word in ABBREVIATIONS:
        by_first_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    branches = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in by_first_letter.items())
    return re.compile(rf" ({branches})(?= )".encode("ascii"))


_ABBREVIATION_AFTER_SPACE = _abbreviation_after_space()


def _abbreviation_edits(text: str) -> list[Edit]:
    """Every abbreviation in ``text`` (with its full stop), in order, with its expansion.

    One scan of the text's word bytes, from space to space, with :data:`_ABBREVIATION_AFTER_SPACE`:
    the text's :func:`~.offsets.char_bytes` (one byte per character, so byte offsets are character
    offsets), every byte other than "a"-"z" and "0"-"9" made a space, and a space added at either
    end. Splitting the text into words and looking each up cost a bytes object and a hash per word.
    """
    padded = b" " + char_bytes(text).translate(_NOT_WORD_TO_SPACE) + b" "
    edits: list[Edit] = []
    for match in _ABBREVIATION_AFTER_SPACE.finditer(padded):
        start, end = match.start(), match.end() - 1  # minus the leading space added
        expansion = ABBREVIATIONS[text[start:end]]
        if text.startswith(".", end):  # the full stop after it goes too
            end += 1
        edits.append((start, end, expansion))
    return edits


def expand_abbreviations(buf: Buffer) -> Buffer:
    """Pass 8c: every whole-word chat abbreviation (with its full stop) expanded."""
    edits = _abbreviation_edits(buf[0])
    return splice(buf, edits) if edits else buf  # most ads have none: skip the call


# A unit right after a digit, with its full stop: the matches of r"(?<=\d)(jt|juta|rb|ribu)(?![a-z0-9])\.?",
# found by one pattern per first letter of the units (see :func:`_number_unit_edits`).
_NUMBER_UNITS = (
    re.compile(r"j(?<=\dj)(?:t|uta)(?![a-z0-9])\.?"),
    re.compile(r"r(?<=\dr)(?:b|ibu)(?![a-z0-9])\.?"),
)


def _number_unit_edits(text: str) -> list[Edit]:
    """Every unit right after a digit in ``text`` (with its full stop), in order, as " juta"/" ribu".

    Each pattern starts with a literal letter, which ``re`` finds by a fast search in C, and checks
    the digit before it with a lookbehind; a pattern led by the digit started at every digit (phone
    numbers are full of them). The two patterns' matches cannot overlap (no unit contains a digit,
    and each match starts right after one), so merged by position they are the matches of the
    single pattern.
    """
    matches = [match for pattern in _NUMBER_UNITS for match in pattern.finditer(text)]
    matches.sort(key=lambda match: match.start())
    return [
        (match.start(), match.end(), " juta" if match.group()[0] == "j" else " ribu") for match in matches
    ]


# bytes.translate table of the trigger of the units, on the text's char_bytes: a digit "0", "j" and
# "r" made "j", every other byte a space. ``\d`` also matches non-ASCII digits ("٣jt"), which are "?"
# there, so "?" counts as a digit: the test may say yes for nothing, never no for a unit. An ad
# without "0j" in these classes has no unit right after a digit (two ads in three), and the test
# costs less than the two scans.
_DIGIT_J_OR_R_CLASSES = bytes(
    0x30 if 0x30 <= b <= 0x39 or b == 0x3F else 0x6A if b in b"jr" else 0x20 for b in range(256)
)


def expand_number_units(buf: Buffer) -> Buffer:
    """Pass 8a: "jt"/"juta"/"rb"/"ribu" right after a digit made " juta"/" ribu"."""
    if b"0j" not in char_bytes(buf[0]).translate(_DIGIT_J_OR_R_CLASSES):
        return buf
    edits = _number_unit_edits(buf[0])
    return splice(buf, edits) if edits else buf


# The same matches as r"(?<![a-z0-9])pp(?![a-z0-9])", found by a search for the literal "pp".
_PP = re.compile(r"pp(?<![a-z0-9]pp)(?![a-z0-9])")
_PP_TICKET_BEFORE = re.compile(r"(?:tiket|pesawat) $")
_PP_PLACE_BEFORE = re.compile(r"(?<![a-z0-9])(?:di|ke) $")
_PP_REGULATION_AFTER = re.compile(r" ?(?:no\b|nomor|nomer|\d)")


def _pp_meaning(match: re.Match[str]) -> str | None:
    """ "tiket pp" is a return ticket; "di pp" / "ke pp" is Phnom Penh (not "PP No. 22", a regulation)."""
    text, start = match.string, match.start()
    before = text[max(0, start - 8) : start]
    if _PP_TICKET_BEFORE.search(before):
        return "pulang pergi"
    if _PP_PLACE_BEFORE.search(before) and not _PP_REGULATION_AFTER.match(text, match.end()):
        return "phnom penh"
    return None


def expand_pp(buf: Buffer) -> Buffer:
    """Pass 8b: "pp" read as "pulang pergi" after a ticket, "phnom penh" after "di"/"ke"."""
    return rewrite(buf, _PP, _pp_meaning)
