"""Passes 5 and 9 (and the fold before 5): whitespace runs folded, spaced-out letters joined.

``k a m b o j a``, ``k.a.m.b.o.j.a`` and ``k-a-m-b-o-j-a`` become ``kamboja``; whitespace is folded
to single spaces with none at either end.
"""

from __future__ import annotations

import re

from screener.normalizing.offsets import Buffer, join_kept, rewrite

_SPACE_RUN = re.compile("  +")


def fold_spaces(buf: Buffer) -> Buffer:
    r"""Whitespace folded: a run of spaces becomes one, none is left at either end.

    By then ``" "`` is the only whitespace character (see :func:`.folding.lower_ascii`), so this is
    what folding every r"\s+" run gives; ``str.strip`` and a search for two spaces run in C.
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
    return join_kept(text, runs, 1), starts, ends


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


def _joined_letters(match: re.Match[str]) -> str | None:
    joined = _SEPARATORS.sub("", match.group())
    letters = sum(ch.isalpha() for ch in joined)
    if letters < 3:  # "1 2 3 4", "rp 5 . 000"
        return None
    return joined


def join_spaced_letters(buf: Buffer) -> Buffer:
    """Pass 5: four or more single letters or digits, separated by spaces or punctuation, joined."""
    if not _has_two_lone_characters(buf[0]):
        return buf
    return rewrite(buf, _SPACED, _joined_letters)
