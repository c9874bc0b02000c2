"""The pre-optimisation ``screener.normalize`` (main at 6af9458), kept only as a test oracle.

Tests compare the optimised :func:`screener.normalize.normalize` with this implementation to prove
the same output (text and offset maps). Do not import it from library code.

Original module docstring follows.

Normalise ad text for matching, keeping an offset map back to the original.

Scam ads dodge keyword filters with tricks such as ``K4mb0ja``, ``K A M B O J A``, ``kam.boja``,
flag emoji and chat abbreviations. :func:`normalize` undoes these in a fixed sequence of passes and
records, for every character of the normalised text, the span of the original text it came from, so
every piece of evidence found on the normalised text can be reported on the text the user pasted.

Passes, in order:

1. flag emoji (a pair of regional indicators) -> the country name, money emoji -> ``uang``;
2. compatibility folding of every non-ASCII character (NFKD, combining marks dropped, case-folded):
   fullwidth and "bold" Unicode letters become ASCII, zero-width and control characters disappear,
   any other symbol or emoji becomes a space;
3. punctuation inside a word removed (``kam.boja`` -> ``kamboja``), a full stop with no space after it
   before a capital letter read as a sentence end (``Kamboja.Gaji`` -> ``Kamboja Gaji``);
4. ASCII lower case and whitespace folded;
5. spaced-out letters joined (``k a m b o j a`` -> ``kamboja``);
6. digits used as letters inside a word (``k4mb0ja`` -> ``kamboja``), leaving money (``rp5jt``) alone;
7. a letter repeated three or more times folded to one (``gratisss`` -> ``gratis``);
8. chat abbreviations expanded (``yg`` -> ``yang``, ``15jt`` -> ``15 juta``, ``tiket pp`` -> ``tiket pulang pergi``);
9. whitespace folded to single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True, slots=True, eq=False)
class Normalized:
    """Normalised text plus, per character, the original span it came from.

    ``starts[i]`` and ``ends[i]`` give the original span of ``text[i]``; several normalised
    characters may share one original span (an expansion) and one may cover several (a join).
    """

    original: str
    text: str
    starts: list[int]
    ends: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original text."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.starts[start], self.ends[end - 1]

    def original_slice(self, start: int, end: int) -> str:
        """The original text behind the normalised span ``[start, end)``."""
        a, b = self.to_original(start, end)
        return self.original[a:b]


# A pass rewrites (text, starts, ends); each replacement inherits the original span it replaced.
_Buffer = tuple[str, list[int], list[int]]


def _rewrite(buf: _Buffer, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> _Buffer:
    text, starts, ends = buf
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    changed = False
    for match in pattern.finditer(text):
        replacement = repl(match)
        a, b = match.span()
        if replacement is None or (replacement == text[a:b]):
            continue
        changed = True
        pieces.append(text[pos:a])
        new_starts.extend(starts[pos:a])
        new_ends.extend(ends[pos:a])
        if replacement:
            if b > a:
                span_start, span_end = starts[a], ends[b - 1]
            else:  # an insertion: anchor it on the neighbouring character
                anchor = starts[a] if a < len(text) else (ends[-1] if ends else 0)
                span_start = span_end = anchor
            if len(replacement) == b - a:  # same length: keep the per-character map
                new_starts.extend(starts[a:b])
                new_ends.extend(ends[a:b])
            else:
                new_starts.extend([span_start] * len(replacement))
                new_ends.extend([span_end] * len(replacement))
            pieces.append(replacement)
        pos = b
    if not changed:
        return buf
    pieces.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(pieces), new_starts, new_ends


# -- pass 1: flags and money emoji -------------------------------------------------------------

_FLAG_NAMES = {
    "KH": "kamboja", "MM": "myanmar", "LA": "laos", "TH": "thailand", "VN": "vietnam",
    "PH": "filipina", "MY": "malaysia", "SG": "singapura", "ID": "indonesia", "TW": "taiwan",
    "HK": "hong kong", "JP": "jepang", "KR": "korea", "SA": "arab saudi", "AE": "uni emirat arab",
    "QA": "qatar", "KW": "kuwait", "OM": "oman", "JO": "yordania", "TR": "turki", "BN": "brunei",
    "CN": "china", "AU": "australia", "ZA": "afrika selatan", "BY": "belarus", "IT": "italia",
}  # fmt: skip
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_MONEY_EMOJI = "💰💵💴💶💷💸🤑💲🪙"


def _flag_repl(match: re.Match[str]) -> str:
    code = "".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in match.group())
    name = _FLAG_NAMES.get(code)
    return f" {name} " if name else " "


# -- pass 2: per-character folding -------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x20-\x7e\n]")


@lru_cache(maxsize=4096)
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


def _fold_repl(match: re.Match[str]) -> str:
    return _fold_char(match.group())


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# -- passes 4-7: de-obfuscation ----------------------------------------------------------------

# "k a m b o j a", "k.a.m.b.o.j.a", "k-a-m-b-o-j-a": four or more single characters.
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z0-9][ .\-_*]{1,2}){3,}[a-z0-9](?![a-z0-9])")
_SEPARATORS = re.compile(r"[ .\-_*]")
# Every _SPACED match contains a lone character between two separators (its second one): a cheap
# test that lets the pass be skipped on ordinary text.
_SPACED_TRIGGER = re.compile(r"[ .\-_*][a-z0-9][ .\-_*]")


def _spaced_repl(match: re.Match[str]) -> str | None:
    joined = _SEPARATORS.sub("", match.group())
    letters = sum(ch.isalpha() for ch in joined)
    if letters < 3:  # "1 2 3 4", "rp 5 . 000"
        return None
    return joined


# Runs before lower-casing: "Kamboja.Gaji" is a missing space after a full stop, "kam.boja" a dodge.
# Both patterns start with the punctuation and check the letter before it with a lookbehind placed
# after it: the same matches as a leading lookbehind, but ``re`` can skip in C to the next punctuation
# mark instead of trying the pattern at every character.
_SENTENCE_DOT = re.compile(r"\.(?<=[a-z]\.)(?=[A-Z])")
_INNER_PUNCT = re.compile(r"[.*_'`|~](?<=[A-Za-z].)(?=[A-Za-z])")

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
_LEET_TOKEN = re.compile(r"(?<![a-z0-9])[a-z]+[013457][a-z0-9]*")
# Every _LEET_TOKEN match contains a look-alike digit right after a letter.
_LEET_TRIGGER = re.compile(r"[013457](?<=[a-z].)")
_MONEY_LIKE = re.compile(
    r"(?:rp|idr|usd|us|rm|myr|thb|nt|ntd|sgd|hkd|aed|sar)?\d+(?:[.,]\d+)*"
    r"(?:jt|juta|rb|ribu|k|m|an|x|jam|thn|th|bln|hr|hari|org|orang|usd|rm|baht|won|yen|dolar|dollar|ringgit)?"
)
# Real words with digits inside: the migrant-placement agency and licence acronyms.
_KEEP_DIGITS = ("p3mi", "p2mi", "p4gn")
_SANDWICHED_DIGIT = re.compile(r"(?<=[a-z])[013457](?=[a-z])")
_TRAILING_DIGIT = re.compile(r"(?<=[a-z]{4})[04](?![a-z0-9])")


def _leet_repl(match: re.Match[str]) -> str | None:
    token = match.group()
    if _MONEY_LIKE.fullmatch(token) or any(keep in token for keep in _KEEP_DIGITS):
        return None
    token = _SANDWICHED_DIGIT.sub(lambda m: _LEET[m.group()], token)
    if sum(ch.isdigit() for ch in token) == 1:
        token = _TRAILING_DIGIT.sub(lambda m: _LEET[m.group()], token)
    return token


_REPEATED = re.compile(r"([a-z])\1{2,}")

# -- pass 8: chat abbreviations ----------------------------------------------------------------

ABBREVIATIONS = {
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "untk": "untuk", "tdk": "tidak",
    "krn": "karena", "sdh": "sudah", "udh": "sudah", "udah": "sudah", "blm": "belum", "bs": "bisa",
    "tp": "tapi", "krj": "kerja", "kerjaan": "pekerjaan", "loker": "lowongan kerja",
    "lowker": "lowongan kerja", "ln": "luar negeri", "japri": "jalur pribadi", "jt": "juta",
    "jeti": "juta", "rb": "ribu", "bln": "bulan", "thn": "tahun", "org": "orang", "pglmn": "pengalaman",
    "tele": "telegram", "tg": "tanjung", "tj": "tanjung", "dm": "direct message", "pengalamn": "pengalaman",
    "gaji2": "gaji", "sy": "saya", "jg": "juga", "sm": "sama", "lgsg": "langsung", "lsg": "langsung",
}  # fmt: skip
_ABBREVIATION = re.compile(
    r"(?<![a-z0-9])(" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![a-z0-9])\.?"
)
_NUMBER_UNIT = re.compile(r"(?<=\d)(jt|juta|rb|ribu)(?![a-z0-9])\.?")
_NUMBER_UNIT_TRIGGER = re.compile(r"\d[jr]")
_PP = re.compile(r"(?<![a-z0-9])pp(?![a-z0-9])")
_PP_TICKET_BEFORE = re.compile(r"(?:tiket|pesawat) $")
_PP_PLACE_BEFORE = re.compile(r"(?<![a-z0-9])(?:di|ke) $")
_PP_REGULATION_AFTER = re.compile(r" ?(?:no\b|nomor|nomer|\d)")


def _pp_repl(match: re.Match[str]) -> str | None:
    """ "tiket pp" is a return ticket; "di pp" / "ke pp" is Phnom Penh (not "PP No. 22", a regulation)."""
    text, start = match.string, match.start()
    before = text[max(0, start - 8) : start]
    if _PP_TICKET_BEFORE.search(before):
        return "pulang pergi"
    if _PP_PLACE_BEFORE.search(before) and not _PP_REGULATION_AFTER.match(text, match.end()):
        return "phnom penh"
    return None


def _abbreviation_repl(match: re.Match[str]) -> str:
    return ABBREVIATIONS[match.group(1)]


def _number_unit_repl(match: re.Match[str]) -> str:
    unit = match.group(1)
    return " juta" if unit.startswith("j") else " ribu"


# Whitespace runs that folding changes: two or more characters, a lone character other than " ", or a
# lone one at either end of the text. A single space between words is left alone; matching only the
# runs that change keeps _rewrite from calling back into Python for every space, and starting the
# pattern with \s lets ``re`` skip in C to the next whitespace. A match starts at the first character
# of a run and takes all of it, so the matches are exactly the changing runs of a plain r"\s+".
_WHITESPACE = re.compile(r"\s(?:\s+|(?<! )|(?<=^\s)|$)")


def _whitespace_repl(match: re.Match[str]) -> str:
    a, b = match.span()
    text = match.string
    return "" if a == 0 or b == len(text) else " "


def _rewrite_if(
    buf: _Buffer,
    trigger: re.Pattern[str] | str,
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], str | None],
) -> _Buffer:
    """:func:`_rewrite`, skipped when ``buf`` lacks ``trigger`` (a substring, or a regex that finds it).

    ``trigger`` must be present in every match of ``pattern``; most ads lack it, and testing for it
    is much cheaper than scanning with ``pattern`` (whose leading lookbehind is tried at every
    character).
    """
    text = buf[0]
    present = trigger in text if isinstance(trigger, str) else trigger.search(text) is not None
    return _rewrite(buf, pattern, repl) if present else buf


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the offset map back to it.

    Parameters
    ----------
    text : str
        The ad as the user pasted it.

    Returns
    -------
    Normalized
        The normalised text with ``starts``/``ends`` giving each character's original span.
    """
    n = len(text)
    buf: _Buffer = (text, list(range(n)), list(range(1, n + 1)))
    if not text.isascii():
        buf = _rewrite(buf, _FLAG, _flag_repl)
    buf = _rewrite(buf, _NON_ASCII, _fold_repl)
    buf = _rewrite(buf, _SENTENCE_DOT, lambda m: " ")
    buf = _rewrite(buf, _INNER_PUNCT, lambda m: "")
    buf = (buf[0].translate(_ASCII_LOWER), buf[1], buf[2])
    buf = _rewrite(buf, _WHITESPACE, _whitespace_repl)
    buf = _rewrite_if(buf, _SPACED_TRIGGER, _SPACED, _spaced_repl)
    buf = _rewrite_if(buf, _LEET_TRIGGER, _LEET_TOKEN, _leet_repl)
    buf = _rewrite(buf, _REPEATED, lambda m: m.group(1))
    buf = _rewrite_if(buf, _NUMBER_UNIT_TRIGGER, _NUMBER_UNIT, _number_unit_repl)
    buf = _rewrite_if(buf, "pp", _PP, _pp_repl)
    buf = _rewrite(buf, _ABBREVIATION, _abbreviation_repl)
    buf = _rewrite(buf, _WHITESPACE, _whitespace_repl)
    return Normalized(original=text, text=buf[0], starts=buf[1], ends=buf[2])
