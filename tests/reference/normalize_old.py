# Long on purpose: a verbatim copy of one module, kept as a test oracle.
"""``screener/normalize.py`` as on main at 0fcf639 (before the split into ``screener/normalizing/``), a test-only oracle.

Kept verbatim (only this docstring differs) so tests can prove the split and faster ``normalize`` gives
the same output: text, original and both offset lists. Do not import it from library code.

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

The passes are built to cost little when they have nothing to do, which is most of the time: each
starts with a test or a scan that runs in C (a pattern that starts with a literal or a rare
character, ``str`` and ``bytes`` methods), and calls back into Python only for what it changes. The
offset map is two lists edited in place, only where a replacement changes the length; the same
results, offsets included, as the straightforward implementation kept under ``tests/reference/``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
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
# One edit of a pass: replace text[a:b] by the string (None: leave it).
_Edit = tuple[int, int, str | None]

# Offsets of ads up to 16,384 characters come from this one shared list: a map built by slicing it copies references
# instead of creating an int object per character, which was the largest cost of an unchanged map.
_POSITIONS = list(range((1 << 14) + 1))


def _identity_map(n: int) -> tuple[list[int], list[int]]:
    """``starts`` and ``ends`` of an unchanged text of length ``n``: ``[0..n)`` and ``[1..n]``."""
    positions = _POSITIONS if n < len(_POSITIONS) else list(range(n + 1))
    return positions[:n], positions[1 : n + 1]


def _splice(buf: _Buffer, edits: Iterable[_Edit]) -> _Buffer:
    """Apply ``edits`` (in text order, not overlapping) to ``buf``, carrying the offset map along.

    A replacement of another length takes the original span of what it replaced, for each of its
    characters; one of the same length keeps the per-character map. The map lists belong to the
    :func:`normalize` call, so they are edited in place from the right: each edit moves the tail of
    the list in C, where rebuilding both lists cost a Python-level copy of every offset per pass.
    """
    text, starts, ends = buf
    pieces: list[str] = []
    changes: list[tuple[int, int, str, int, int]] = []
    pos = 0
    for a, b, replacement in edits:
        if replacement is None or (replacement == text[a:b]):
            continue
        if b > a:
            span_start, span_end = starts[a], ends[b - 1]
        else:  # an insertion: anchor it on the neighbouring character
            span_start = span_end = starts[a] if a < len(text) else (ends[-1] if ends else 0)
        changes.append((a, b, replacement, span_start, span_end))
        pieces.append(text[pos:a])
        pieces.append(replacement)
        pos = b
    if not changes:
        return buf
    pieces.append(text[pos:])
    for a, b, replacement, span_start, span_end in reversed(changes):
        if len(replacement) != b - a:  # same length: keep the per-character map
            starts[a:b] = [span_start] * len(replacement)
            ends[a:b] = [span_end] * len(replacement)
    return "".join(pieces), starts, ends


_Repl = Callable[[re.Match[str]], str | None]


def _rewrite(buf: _Buffer, pattern: re.Pattern[str], repl: _Repl) -> _Buffer:
    """Replace every match of ``pattern`` by ``repl(match)`` (None: leave it)."""
    text = buf[0]
    first = pattern.search(text)
    if first is None:  # most passes find nothing in most ads: return before building anything
        return buf
    matches = itertools.chain((first,), pattern.finditer(text, first.end()))
    return _splice(buf, ((m.start(), m.end(), repl(m)) for m in matches))


def _substitute(buf: _Buffer, pattern: re.Pattern[str], fold: Callable[[str], str]) -> _Buffer:
    """Replace every match of ``pattern`` by ``fold(matched text)``: ``re.sub`` builds the text in C.

    For a pass with many matches (folding); ``fold`` takes the matched text rather than the match,
    so it can be a cached function. Only the replacements of another length touch the map, so only
    they are remembered.
    """
    text, starts, ends = buf
    resized: list[tuple[int, int, str]] = []

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        replacement = fold(found)
        if len(replacement) != len(found):
            resized.append((*match.span(), replacement))
        return replacement

    text = pattern.sub(replace, text)
    for a, b, replacement in reversed(resized):  # a match is never empty: b > a
        starts[a:b] = [starts[a]] * len(replacement)
        ends[a:b] = [ends[b - 1]] * len(replacement)
    return text, starts, ends


# -- pass 1: flags and money emoji -------------------------------------------------------------

_FLAG_NAMES = {
    "KH": "kamboja", "MM": "myanmar", "LA": "laos", "TH": "thailand", "VN": "vietnam",
    "PH": "filipina", "MY": "malaysia", "SG": "singapura", "ID": "indonesia", "TW": "taiwan",
    "HK": "hong kong", "JP": "jepang", "KR": "korea", "SA": "arab saudi", "AE": "uni emirat arab",
    "QA": "qatar", "KW": "kuwait", "OM": "oman", "JO": "yordania", "TR": "turki", "BN": "brunei",
    "CN": "china", "AU": "australia", "ZA": "afrika selatan", "BY": "belarus", "IT": "italia",
}  # fmt: skip
_MONEY_EMOJI = "💰💵💴💶💷💸🤑💲🪙"


def _flag_text(flag: str) -> str:
    """The country name of a flag (a pair of regional indicators), a space if it is not listed."""
    code = "".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in flag)
    name = _FLAG_NAMES.get(code)
    return f" {name} " if name else " "


# -- pass 2: per-character folding -------------------------------------------------------------

# Passes 1 and 2 in one scan: a non-ASCII character, or a pair of regional indicators (a flag). It
# starts with the character class so that ``re`` skips ASCII in C; the same matches, in the same
# order, as the flag pass followed by the folding pass.
_FLAG_OR_NON_ASCII = re.compile(r"[^\x20-\x7e\n](?:(?<=[\U0001f1e6-\U0001f1ff])[\U0001f1e6-\U0001f1ff])?")


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


def _lower_ascii(text: str) -> str:
    """ASCII letters lower-cased and line breaks made spaces, nothing else touched.

    Same length, so the offset map is unchanged. After folding, the line break is the only whitespace
    besides the space; turning it into a space here leaves the whitespace pass only the runs that change.
    ``bytes.lower`` changes only ASCII letters, and UTF-8 keeps every non-ASCII character in bytes
    above 0x7f, so the round trip is exact and runs in C (``str.translate`` costs a dict look-up per
    character).
    """
    if text.isascii():
        return text.lower().replace("\n", " ")
    raw = text.encode("utf-8", "surrogatepass").lower().replace(b"\n", b" ")
    return raw.decode("utf-8", "surrogatepass")


# -- passes 4-7: de-obfuscation ----------------------------------------------------------------

# "k a m b o j a", "k.a.m.b.o.j.a", "k-a-m-b-o-j-a": four or more single characters.
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z0-9][ .\-_*]{1,2}){3,}[a-z0-9](?![a-z0-9])")
_SEPARATORS = re.compile(r"[ .\-_*]")
# Every _SPACED match contains two lone characters in a row between separators (its second and third):
# the matches of r"[ .\-_*][a-z0-9][ .\-_*]{1,2}[a-z0-9][ .\-_*]", a cheap test that lets the pass be
# skipped on ordinary text ("di 3 bulan" has only one). See :func:`_has_two_lone_characters`.
_ALNUM_A_SEPARATOR_SPACE = bytes(
    0x61 if 0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 else 0x20 if b in b" .-_*" else 0x23 for b in range(256)
)
# The trigger on those classes; it starts with the literal " a ", which ``re`` searches for in C.
_TWO_LONE_CLASSES = re.compile(rb" a  ?a ")


def _has_two_lone_characters(text: str) -> bool:
    """Whether ``text`` has a separator, a letter or digit, one or two separators, one, a separator.

    The trigger of :data:`_SPACED`. As a regex on the text it starts at every separator (every
    space); here the text's UTF-8 bytes are mapped to three classes ("a" for "a"-"z" and "0"-"9", a
    space for `` .-_*``, "#" for every other byte), and on those the pattern starts with a literal.
    Exact because every character of both classes is ASCII, and UTF-8 writes every non-ASCII
    character in bytes above 0x7f, which all become "#".
    """
    raw = text.encode("utf-8", "surrogatepass").translate(_ALNUM_A_SEPARATOR_SPACE)
    return _TWO_LONE_CLASSES.search(raw) is not None


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
# A leet token: a word that starts with letters and has a look-alike digit right after them, up to
# the end of the word; the matches of r"(?<![a-z0-9])[a-z]+[013457][a-z0-9]*". Each has such a digit
# right after a letter: :func:`_leet_edits` finds those (few, in few ads) and works out the token
# around each, where scanning for word starts cost a test at every word.
_LEET_DIGIT = re.compile(r"[013457](?<=[a-z].)")
_ALNUM_RUN = re.compile(r"[a-z0-9]*")
_MONEY_LIKE = re.compile(
    r"(?:rp|idr|usd|us|rm|myr|thb|nt|ntd|sgd|hkd|aed|sar)?\d+(?:[.,]\d+)*"
    r"(?:jt|juta|rb|ribu|k|m|an|x|jam|thn|th|bln|hr|hari|org|orang|usd|rm|baht|won|yen|dolar|dollar|ringgit)?"
)
# Real words with digits inside: the migrant-placement agency and licence acronyms.
_KEEP_DIGITS = ("p3mi", "p2mi", "p4gn")
_SANDWICHED_DIGIT = re.compile(r"(?<=[a-z])[013457](?=[a-z])")
_TRAILING_DIGIT = re.compile(r"(?<=[a-z]{4})[04](?![a-z0-9])")


def _leet_edits(text: str) -> Iterator[_Edit]:
    """Every leet token of ``text``, in order, with what :func:`_unleet` makes of it."""
    end = 0
    for digit in _LEET_DIGIT.finditer(text):
        if digit.start() < end:  # a second digit of the token just done
            continue
        start = digit.start() - 1
        while start > 0 and "a" <= text[start - 1] <= "z":
            start -= 1
        if start > 0 and "0" <= text[start - 1] <= "9":  # the letters do not start a word
            continue
        rest = _ALNUM_RUN.match(text, digit.end())  # always matches, perhaps nothing
        end = rest.end() if rest else digit.end()
        yield start, end, _unleet(text[start:end])


@lru_cache(maxsize=4096)
def _unleet(token: str) -> str | None:
    """What ``token`` becomes (None: left as it is); cached, since a few tokens ("d3", "s1", "p3mi") make most calls."""
    if _MONEY_LIKE.fullmatch(token) or any(keep in token for keep in _KEEP_DIGITS):
        return None
    token = _SANDWICHED_DIGIT.sub(lambda m: _LEET[m.group()], token)
    if sum(ch.isdigit() for ch in token) == 1:
        token = _TRAILING_DIGIT.sub(lambda m: _LEET[m.group()], token)
    return token


# Same matches as r"([a-z])\1{2,}"; two plain back-references before the repeat scan faster.
_REPEATED = re.compile(r"([a-z])\1\1+")
# bytes.translate tables: ASCII letters "a"-"z" kept, every other byte made 0x00 or 0xff.
_LETTERS_ELSE_00 = bytes(b if 0x61 <= b <= 0x7A else 0x00 for b in range(256))
_LETTERS_ELSE_FF = bytes(b if 0x61 <= b <= 0x7A else 0xFF for b in range(256))


def _has_tripled_letter(text: str) -> bool:
    """Whether ``text`` has a letter "a"-"z" three times in a row (the trigger of :data:`_REPEATED`).

    ``re`` would start a match at every letter; this compares every byte with the next one at once, as
    one XOR of two big integers: with other bytes made 0x00 on one side and 0xff on the other, a zero
    byte of the XOR is a letter followed by the same letter, and two zero bytes in a row are a triple.
    UTF-8 writes every non-ASCII character in bytes above 0x7f, so only ASCII letters count.
    """
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) < 3:
        return False
    following = int.from_bytes(raw[1:].translate(_LETTERS_ELSE_00), "big")
    preceding = int.from_bytes(raw[:-1].translate(_LETTERS_ELSE_FF), "big")
    return b"\0\0" in (following ^ preceding).to_bytes(len(raw) - 1, "big")


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


# An abbreviation is a whole word (a run of letters and digits), with the full stop after it if any:
# the matches of r"(?<![a-z0-9])(yg|dgn|...)(?![a-z0-9])\.?". Scanning for that alternation tests
# every word start; instead, the words of the text are listed in C (its UTF-8 bytes with every other
# byte made a space, split) and only the abbreviations among them are searched for, each by its own
# pattern that starts with the word, so ``re`` finds it by a fast literal search.
_NOT_WORD_TO_SPACE = bytes(b if 0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_ABBREVIATION_PATTERNS = {
    word.encode("ascii"): re.compile(rf"({re.escape(word)})(?<![a-z0-9]{re.escape(word)})(?![a-z0-9])\.?")
    for word in ABBREVIATIONS
}
# ``frozenset.intersection`` looks each word of the text up in this set; ``dict.keys() & words`` first
# copied all the keys into a new set on every call.
_ABBREVIATION_WORDS = frozenset(_ABBREVIATION_PATTERNS)


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
# A unit right after a digit, with its full stop: the matches of r"(?<=\d)(jt|juta|rb|ribu)(?![a-z0-9])\.?",
# found by one pattern per first letter of the units (see :func:`_number_unit_edits`).
_NUMBER_UNITS = (
    re.compile(r"j(?<=\dj)(?:t|uta)(?![a-z0-9])\.?"),
    re.compile(r"r(?<=\dr)(?:b|ibu)(?![a-z0-9])\.?"),
)
# The same matches as r"(?<![a-z0-9])pp(?![a-z0-9])", found by a search for the literal "pp".
_PP = re.compile(r"pp(?<![a-z0-9]pp)(?![a-z0-9])")
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


def _abbreviation_edits(text: str) -> list[_Edit]:
    """Every abbreviation in ``text`` (with its full stop), in order, with its expansion."""
    if text.isascii():
        return _abbreviation_edits_ascii(text)
    words = text.encode("utf-8", "surrogatepass").translate(_NOT_WORD_TO_SPACE).split()
    present = _ABBREVIATION_WORDS.intersection(words)
    matches = [match for word in present for match in _ABBREVIATION_PATTERNS[word].finditer(text)]
    matches.sort(key=lambda match: match.start())
    return [(match.start(), match.end(), ABBREVIATIONS[match.group(1)]) for match in matches]


def _abbreviation_edits_ascii(text: str) -> list[_Edit]:
    """:func:`_abbreviation_edits` for an ASCII text, by one scan of its word bytes from space to space.

    Splitting the text into words and looking each up cost a bytes object and a hash per word. Here
    the text's bytes, every byte other than "a"-"z" and "0"-"9" made a space and a space added at
    either end, are searched with :data:`_ABBREVIATION_AFTER_SPACE`: a word there is a run of letters
    and digits between two spaces, which is the pattern's whole-word condition. The text is ASCII, so
    byte offsets are character offsets (minus the leading space added).
    """
    padded = b" " + text.encode("ascii").translate(_NOT_WORD_TO_SPACE) + b" "
    edits: list[_Edit] = []
    for match in _ABBREVIATION_AFTER_SPACE.finditer(padded):
        start, end = match.start(), match.end() - 1
        expansion = ABBREVIATIONS[text[start:end]]
        if text.startswith(".", end):  # the full stop after it goes too
            end += 1
        edits.append((start, end, expansion))
    return edits


def _number_unit_edits(text: str) -> list[_Edit]:
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


_SPACE_RUN = re.compile("  +")


def _delete(buf: _Buffer, pattern: re.Pattern[str]) -> _Buffer:
    """Every match of ``pattern`` deleted, the map in place.

    The text is joined from the pieces between the matches already found, where ``re.sub`` would
    scan the whole text a second time.
    """
    text, starts, ends = buf
    spans = [match.span() for match in pattern.finditer(text)]
    if not spans:
        return buf
    for a, b in reversed(spans):
        del starts[a:b], ends[a:b]
    return _join_kept(text, spans, 0), starts, ends


def _join_kept(text: str, spans: list[tuple[int, int]], keep: int) -> str:
    """``text`` with each span ``(a, b)`` (in order, not overlapping) cut down to its first ``keep`` characters."""
    pieces = []
    pos = 0
    for a, b in spans:
        pieces.append(text[pos : a + keep])
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)


def _fold_spaces(buf: _Buffer) -> _Buffer:
    r"""Whitespace folded: a run of spaces becomes one, none is left at either end.

    By now ``" "`` is the only whitespace character (see :func:`_lower_ascii`), so this is what
    folding every r"\s+" run gives; ``str.strip`` and a search for two spaces run in C.
    """
    text, starts, ends = buf
    stripped = text.strip(" ")
    if len(stripped) != len(text):  # the ends deleted from the map in place
        tail, head = len(text.rstrip(" ")), len(text) - len(text.lstrip(" "))
        del starts[tail:], ends[tail:]
        del starts[:head], ends[:head]
        text = stripped
    if "  " not in text:
        return text, starts, ends
    # Each run becomes its first space, spanning the original span of the whole run.
    runs = [match.span() for match in _SPACE_RUN.finditer(text)]
    for a, b in reversed(runs):
        del starts[a + 1 : b], ends[a : b - 1]
    return _join_kept(text, runs, 1), starts, ends


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
    buf: _Buffer = (text, *_identity_map(len(text)))
    if _FLAG_OR_NON_ASCII.search(text):
        buf = _substitute(buf, _FLAG_OR_NON_ASCII, _fold_text)
    # A same-length replacement keeps the map, so ``re.sub`` can do it in C.
    buf = (_SENTENCE_DOT.sub(" ", buf[0]), buf[1], buf[2])
    buf = _delete(buf, _INNER_PUNCT)
    buf = (_lower_ascii(buf[0]), buf[1], buf[2])
    buf = _fold_spaces(buf)
    if _has_two_lone_characters(buf[0]):
        buf = _rewrite(buf, _SPACED, _spaced_repl)
    buf = _splice(buf, _leet_edits(buf[0]))
    if _has_tripled_letter(buf[0]):
        buf = _rewrite(buf, _REPEATED, lambda m: m.group(1))
    if edits := _number_unit_edits(buf[0]):  # most ads have none: skip the call
        buf = _splice(buf, edits)
    buf = _rewrite(buf, _PP, _pp_repl)
    if edits := _abbreviation_edits(buf[0]):
        buf = _splice(buf, edits)
    buf = _fold_spaces(buf)
    return Normalized(original=text, text=buf[0], starts=buf[1], ends=buf[2])
