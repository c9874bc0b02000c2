"""Passes 3, 6 and 7: punctuation inside words, digits used as letters, letters repeated.

``kam.boja`` -> ``kamboja`` (and ``Kamboja.Gaji`` -> ``Kamboja Gaji``, a missing space after a full
stop), ``k4mb0ja`` -> ``kamboja`` (leaving money such as ``rp5jt`` alone), ``gratisss`` -> ``gratis``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from screener.normalizing.offsets import Buffer, Edit, char_bytes, delete, rewrite, splice

# Runs before lower-casing: "Kamboja.Gaji" is a missing space after a full stop, "kam.boja" a dodge.
# The pattern starts with the full stop and checks the letter before it with a lookbehind placed after
# it: the same matches as a leading lookbehind, but ``re`` can skip in C to the next full stop instead
# of trying the pattern at every character.
_SENTENCE_DOT = re.compile(r"\.(?<=[a-z]\.)(?=[A-Z])")


def split_run_on_sentences(buf: Buffer) -> Buffer:
    """Pass 3a: a full stop between a small and a capital letter made a space (same length, same map)."""
    text, starts, ends = buf
    return _SENTENCE_DOT.sub(" ", text), starts, ends


# Punctuation between two letters: the matches of r"[.*_'`|~](?<=[A-Za-z].)(?=[A-Za-z])". ``re`` would
# test every character against the first class in turn; instead they are found on the text's
# :func:`~.offsets.char_bytes` mapped to three classes in C (an ASCII letter "a", one of the marks ".",
# every other byte a space), where the pattern starts with a literal full stop. Exact because the
# letters and the marks are all ASCII.
_LETTER_PUNCT_CLASSES = bytes(
    0x61 if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A else 0x2E if b in b".*_'`|~" else 0x20 for b in range(256)
)
_INNER_PUNCT_CLASS = re.compile(rb"\.(?<=a\.)(?=a)")


def delete_inner_punctuation(buf: Buffer) -> Buffer:
    """Pass 3b: punctuation between two letters deleted."""
    classes = char_bytes(buf[0]).translate(_LETTER_PUNCT_CLASSES)
    if b"a.a" not in classes:  # two ads in three: no need to list the matches
        return buf
    return delete(buf, [match.span() for match in _INNER_PUNCT_CLASS.finditer(classes)])


_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
# A leet token: a word that starts with letters and has a look-alike digit right after them, up to
# the end of the word; the matches of r"(?<![a-z0-9])[a-z]+[013457][a-z0-9]*". Each has such a digit
# right after a letter: :func:`_leet_edits` finds those (few, in few ads) and works out the token
# around each, where scanning for word starts cost a test at every word. The digits are found like the
# punctuation above, on classes of the text's bytes ("a"-"z" made "a", a look-alike digit "3").
_LETTER_LEET_DIGIT_CLASSES = bytes(
    0x61 if 0x61 <= b <= 0x7A else 0x33 if b in b"013457" else 0x20 for b in range(256)
)
_LETTER_THEN_LEET_DIGIT = re.compile(rb"a3")  # matches cannot overlap: each ends with its digit
_ALNUM_RUN = re.compile(r"[a-z0-9]*")
_MONEY_LIKE = re.compile(
    r"(?:rp|idr|usd|us|rm|myr|thb|nt|ntd|sgd|hkd|aed|sar)?\d+(?:[.,]\d+)*"
    r"(?:jt|juta|rb|ribu|k|m|an|x|jam|thn|th|bln|hr|hari|org|orang|usd|rm|baht|won|yen|dolar|dollar|ringgit)?"
)
# Real words with digits inside: the migrant-placement agency and licence acronyms.
_KEEP_DIGITS = ("p3mi", "p2mi", "p4gn")
_SANDWICHED_DIGIT = re.compile(r"(?<=[a-z])[013457](?=[a-z])")
_TRAILING_DIGIT = re.compile(r"(?<=[a-z]{4})[04](?![a-z0-9])")


def _leet_edits(text: str, classes: bytes) -> Iterator[Edit]:
    """Every leet token of ``text`` (``classes``: its bytes as above), in order, with what :func:`_unleet` makes of it."""
    end = 0
    for pair in _LETTER_THEN_LEET_DIGIT.finditer(classes):
        digit = pair.end() - 1
        if digit < end:  # a second digit of the token just done
            continue
        start = digit - 1
        while start > 0 and "a" <= text[start - 1] <= "z":
            start -= 1
        if start > 0 and "0" <= text[start - 1] <= "9":  # the letters do not start a word
            continue
        rest = _ALNUM_RUN.match(text, digit + 1)  # always matches, perhaps nothing
        end = rest.end() if rest else digit + 1
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
    classes = char_bytes(buf[0]).translate(_LETTER_LEET_DIGIT_CLASSES)
    if b"a3" not in classes:  # three ads in four have no digit right after a letter
        return buf
    return splice(buf, _leet_edits(buf[0], classes))


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
