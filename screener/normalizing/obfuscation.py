"""Passes 3, 6 and 7: punctuation inside words, digits used as letters, letters repeated.

``kam.boja`` -> ``kamboja`` (and ``Kamboja.Gaji`` -> ``Kamboja Gaji``, a missing space after a full
stop), ``k4mb0ja`` -> ``kamboja`` (leaving money such as ``rp5jt`` alone), ``gratisss`` -> ``gratis``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from screener.normalizing.offsets import Buffer, Edit, delete, rewrite, splice

# Runs before lower-casing: "Kamboja.Gaji" is a missing space after a full stop, "kam.boja" a dodge.
# Both patterns start with the punctuation and check the letter before it with a lookbehind placed
# after it: the same matches as a leading lookbehind, but ``re`` can skip in C to the next punctuation
# mark instead of trying the pattern at every character.
_SENTENCE_DOT = re.compile(r"\.(?<=[a-z]\.)(?=[A-Z])")
_INNER_PUNCT = re.compile(r"[.*_'`|~](?<=[A-Za-z].)(?=[A-Za-z])")


def split_run_on_sentences(buf: Buffer) -> Buffer:
    """Pass 3a: a full stop between a small and a capital letter made a space (same length, same map)."""
    text, starts, ends = buf
    return _SENTENCE_DOT.sub(" ", text), starts, ends


# bytes.translate table of the trigger of _INNER_PUNCT: an ASCII letter "a", the punctuation ".",
# every other byte a space.
_LETTER_PUNCT_CLASSES = bytes(
    0x61 if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A else 0x2E if b in b".*_'`|~" else 0x20 for b in range(256)
)


def _has_inner_punctuation(text: str) -> bool:
    """Whether ``text`` has a match of :data:`_INNER_PUNCT`: a letter, one punctuation mark, a letter.

    ``re`` tests every character against the pattern's first class in turn; here the text's UTF-8
    bytes are mapped to three classes in C and searched for the literal ``a.a``. Exact because the
    letters and marks are all ASCII, and UTF-8 writes every non-ASCII character in bytes above 0x7f,
    which all become spaces.
    """
    return b"a.a" in text.encode("utf-8", "surrogatepass").translate(_LETTER_PUNCT_CLASSES)


def delete_inner_punctuation(buf: Buffer) -> Buffer:
    """Pass 3b: punctuation between two letters deleted."""
    if not _has_inner_punctuation(buf[0]):  # two ads in three
        return buf
    return delete(buf, _INNER_PUNCT)


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


# bytes.translate table of the trigger of _LEET_DIGIT: "a"-"z" made "a", a look-alike digit "3", every
# other byte a space.
_LETTER_LEET_DIGIT_CLASSES = bytes(
    0x61 if 0x61 <= b <= 0x7A else 0x33 if b in b"013457" else 0x20 for b in range(256)
)


def _has_leet_digit(text: str) -> bool:
    """Whether ``text`` has a match of :data:`_LEET_DIGIT`: a letter "a"-"z", then a look-alike digit.

    The same kind of test as :func:`_has_inner_punctuation`, for the literal ``a3``.
    """
    return b"a3" in text.encode("utf-8", "surrogatepass").translate(_LETTER_LEET_DIGIT_CLASSES)


def _leet_edits(text: str) -> Iterator[Edit]:
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


def unleet(buf: Buffer) -> Buffer:
    """Pass 6: digits used as letters inside a word read as the letters they stand for."""
    if not _has_leet_digit(buf[0]):  # three ads in four
        return buf
    return splice(buf, _leet_edits(buf[0]))


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


def _first_letter(match: re.Match[str]) -> str:
    return match.group(1)


def fold_repeated_letters(buf: Buffer) -> Buffer:
    """Pass 7: a letter repeated three or more times folded to one."""
    if not _has_tripled_letter(buf[0]):
        return buf
    return rewrite(buf, _REPEATED, _first_letter)
