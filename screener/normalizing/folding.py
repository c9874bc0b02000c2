"""Passes 1, 2 and 4: flags and money emoji named, non-ASCII characters folded, ASCII lower-cased.

Flag emoji (a pair of regional indicators) become the country name, money emoji ``uang``; every other
non-ASCII character is folded by compatibility (NFKD, combining marks dropped, case-folded):
fullwidth and "bold" Unicode letters become ASCII, zero-width and control characters disappear, any
other symbol or emoji becomes a space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from screener.normalizing.offsets import Buffer, substitute

_FLAG_NAMES = {
    "KH": "kamboja", "MM": "myanmar", "LA": "laos", "TH": "thailand", "VN": "vietnam",
    "PH": "filipina", "MY": "malaysia", "SG": "singapura", "ID": "indonesia", "TW": "taiwan",
    "HK": "hong kong", "JP": "jepang", "KR": "korea", "SA": "arab saudi", "AE": "uni emirat arab",
    "QA": "qatar", "KW": "kuwait", "OM": "oman", "JO": "yordania", "TR": "turki", "BN": "brunei",
    "CN": "china", "AU": "australia", "ZA": "afrika selatan", "BY": "belarus", "IT": "italia",
}  # fmt: skip
_MONEY_EMOJI = "💰💵💴💶💷💸🤑💲🪙"

# Passes 1 and 2 in one scan: a non-ASCII character, or a pair of regional indicators (a flag). It
# starts with the character class so that ``re`` skips ASCII in C; the same matches, in the same
# order, as the flag pass followed by the folding pass.
_FLAG_OR_NON_ASCII = re.compile(r"[^\x20-\x7e\n](?:(?<=[\U0001f1e6-\U0001f1ff])[\U0001f1e6-\U0001f1ff])?")


def _flag_text(flag: str) -> str:
    """The country name of a flag (a pair of regional indicators), a space if it is not listed."""
    code = "".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in flag)
    name = _FLAG_NAMES.get(code)
    return f" {name} " if name else " "


def _fold_char(ch: str) -> str:
    if ch in _MONEY_EMOJI:
        return " uang "
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Mn", "Me"):  # controls, zero-width/format characters, combining marks
        return ""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", ch) if unicodedata.category(c) not in ("Mn", "Me")
    ).casefold()
    if category in ("So", "Sk", "Co", "Cn", "Cs") and not folded.isascii():
        return " "  # emoji and pictographs separate words
    return folded


@lru_cache(maxsize=4096)
def _fold_text(found: str) -> str:
    """What a match of :data:`_FLAG_OR_NON_ASCII` becomes; cached, as a pure function of the matched text."""
    return _flag_text(found) if len(found) == 2 else _fold_char(found)


# What the fold pass leaves alone in an ASCII text: printable ASCII and the line break.
_UNFOLDED_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


def _needs_folding(text: str) -> bool:
    """Whether ``text`` has a match of :data:`_FLAG_OR_NON_ASCII`, without a scan by ``re``.

    Any non-ASCII character is a match. In an ASCII text only a control character is, and deleting
    every other byte in C (``bytes.translate``) shows whether there is one at several times the speed
    of ``re``, which tests each character against the class in turn.
    """
    return not text.isascii() or bool(text.encode("ascii").translate(None, _UNFOLDED_ASCII))


def fold_non_ascii(buf: Buffer) -> Buffer:
    """Passes 1 and 2: flags, money emoji and every other character outside printable ASCII folded."""
    if not _needs_folding(buf[0]):  # half the ads: plain ASCII
        return buf
    return substitute(buf, _FLAG_OR_NON_ASCII, _fold_text)


def lower_ascii(buf: Buffer) -> Buffer:
    """Pass 4: ASCII letters lower-cased and line breaks made spaces, nothing else touched.

    Same length, so the offset map is unchanged. After folding, the line break is the only whitespace
    besides the space; turning it into a space here leaves the whitespace pass only the runs that change.
    ``bytes.lower`` changes only ASCII letters, and UTF-8 keeps every non-ASCII character in bytes
    above 0x7f, so the round trip is exact and runs in C (``str.translate`` costs a dict look-up per
    character).
    """
    text, starts, ends = buf
    if text.isascii():
        return text.lower().replace("\n", " "), starts, ends
    raw = text.encode("utf-8", "surrogatepass").lower().replace(b"\n", b" ")
    return raw.decode("utf-8", "surrogatepass"), starts, ends
