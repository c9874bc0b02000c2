"""The offset map a normalisation pass carries along, and the helpers that edit text and map together.

A pass rewrites a :data:`Buffer` ``(text, starts, ends)``: ``starts[i]`` and ``ends[i]`` are the
span of the original text that ``text[i]`` came from, and each replacement inherits the original
span it replaced. The map lists belong to one :func:`~screener.normalize.normalize` call, so the
helpers edit them in place, and only where a replacement changes the length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

# The text and, per character, the start and end of the original span it came from.
Buffer = tuple[str, list[int], list[int]]
# One edit of a pass: replace text[a:b] by the string (None: leave it).
Edit = tuple[int, int, str | None]
# What a pass makes of a match (None: leave it).
Replace = Callable[[re.Match[str]], str | None]

# Offsets of ads up to 16,384 characters come from this one shared list: a map built by slicing it copies references
# instead of creating an int object per character, which was the largest cost of an unchanged map.
_POSITIONS = list(range((1 << 14) + 1))


def identity_map(n: int) -> tuple[list[int], list[int]]:
    """``starts`` and ``ends`` of an unchanged text of length ``n``: ``[0..n)`` and ``[1..n]``."""
    positions = _POSITIONS if n < len(_POSITIONS) else list(range(n + 1))
    return positions[:n], positions[1 : n + 1]


def splice(buf: Buffer, edits: Iterable[Edit]) -> Buffer:
    """Apply ``edits`` (in text order, not overlapping) to ``buf``, carrying the offset map along.

    A replacement of another length takes the original span of what it replaced, for each of its
    characters; one of the same length keeps the per-character map. The map lists are edited in
    place from the right: each edit moves the tail of the list in C, where rebuilding both lists cost
    a Python-level copy of every offset per pass.
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


def rewrite(buf: Buffer, pattern: re.Pattern[str], replace: Replace) -> Buffer:
    """Replace every match of ``pattern`` by ``replace(match)`` (None: leave it)."""
    text = buf[0]
    first = pattern.search(text)
    if first is None:  # most passes find nothing in most ads: return before building anything
        return buf
    matches = itertools.chain((first,), pattern.finditer(text, first.end()))
    return splice(buf, ((m.start(), m.end(), replace(m)) for m in matches))


def substitute(buf: Buffer, pattern: re.Pattern[str], fold: Callable[[str], str]) -> Buffer:
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


def delete(buf: Buffer, spans: list[tuple[int, int]]) -> Buffer:
    """Every span ``(a, b)`` of ``spans`` (in order, not overlapping, not empty) deleted, the map in place.

    The text is joined from the pieces between the spans already found, where ``re.sub`` would scan
    the whole text a second time.
    """
    text, starts, ends = buf
    if not spans:
        return buf
    for a, b in reversed(spans):
        del starts[a:b], ends[a:b]
    return join_kept(text, spans, 0), starts, ends


def char_bytes(text: str) -> bytes:
    """``text`` as bytes, one per character: ASCII as it is, every other character (surrogates too) ``?``.

    Byte offsets are character offsets, so a scan of these bytes (after a ``bytes.translate`` to the
    classes a pass cares about) finds positions in the text itself; for a pass that looks only at
    ASCII characters, a non-ASCII one is just "none of those", which is what ``?`` is.
    """
    return text.encode("ascii", "replace")


def join_kept(text: str, spans: list[tuple[int, int]], keep: int) -> str:
    """``text`` with each span ``(a, b)`` (in order, not overlapping) cut down to its first ``keep`` characters."""
    pieces = []
    pos = 0
    for a, b in spans:
        pieces.append(text[pos : a + keep])
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)
