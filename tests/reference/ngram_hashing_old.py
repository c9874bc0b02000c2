"""Pre-optimisation copy of screener/ngram_hashing.py (commit 78b9950), kept as a test-only oracle.

Hashing every word and character n-gram of a batch of texts with array arithmetic (NumPy over code
points): what :class:`screener.ngrams.HashedTfidf` counts.

* **character n-grams** (``analyzer="char"``, like ``char_wb``): the windows of ``" " + text + " "``
  with no whitespace inside (a space may only open or close a window, so n-grams stay within a word);
* **word n-grams** (``analyzer="word"``): tokens are runs of two or more word characters (``\\w\\w+``,
  as scikit-learn's default token pattern), and n consecutive tokens of one text make an n-gram.

:func:`hash_ngrams` lists every n-gram with where it is (to name a bucket); :func:`hashes_by_row` gives
the same hashes with only their texts' rows (the transform's path). The hashes are fixed functions of
the code points (no per-process seed), so a pickled model transforms the same in every process.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

import numpy as np

__all__ = ["NgramHashes", "hash_ngrams", "hashes_by_row"]

_U64 = np.uint64
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_POLY = _U64(0x100000001B3)  # multiplier of the fixed-length character hash

# Word characters among the first 128 code points (\w: letters, digits and underscore).
_ASCII_WORD = np.zeros(128, dtype=bool)
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _ASCII_WORD[ord(_c)] = True


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a uint64 array (wrapping arithmetic): a well-spread hash.

    NumPy checks integer overflow only on scalars, never on arrays, so no ``np.errstate`` is needed
    here or below (it costs microseconds a call, which a single ad pays dozens of times); constants
    that wrap are computed in Python ints (``_SALT``)."""
    x ^= x >> _U64(30)
    x *= _M1
    x ^= x >> _U64(27)
    x *= _M2
    x ^= x >> _U64(31)
    return x


class NgramHashes:
    """The n-grams of a batch of texts: hash, row (text index), and where in that text they are.

    ``start`` and ``end`` index the text itself (for character n-grams, ``" " + text + " "``), so a
    bucket can be named by an n-gram that fell in it. Word n-grams also keep their tokens
    (``tokens[k]`` is the ``(start, end)`` of the k-th token, ``first[i]`` the first token of n-gram
    ``i`` and ``size[i]`` its length in tokens), so a name joins the tokens with one space as
    scikit-learn does.
    """

    __slots__ = ("end", "first", "hash", "row", "size", "start", "tokens")

    def __init__(
        self,
        hash: np.ndarray,
        row: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        first: np.ndarray | None = None,
        size: np.ndarray | None = None,
        tokens: np.ndarray | None = None,
    ) -> None:
        self.hash, self.row, self.start, self.end = hash, row, start, end
        self.first, self.size, self.tokens = first, size, tokens

    def name(self, i: int, text: str) -> str:
        """The n-gram ``i`` as scikit-learn would write it (``text`` is its row's text)."""
        if self.first is None or self.size is None or self.tokens is None:
            return f" {text} "[int(self.start[i]) : int(self.end[i])]
        shift = int(self.start[i]) - int(self.tokens[self.first[i], 0])
        return " ".join(
            text[a + shift : b + shift]
            for a, b in self.tokens[self.first[i] : self.first[i] + self.size[i]].tolist()
        )


def _code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The texts as one array ``" " + t0 + " " + t1 + ... + " "`` of code points, and where each
    text's leading space is."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = " " + " ".join(texts) + " "
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    leading = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(lengths[:-1] + 1, out=leading[1:])
    return points, leading


def _is_space(points: np.ndarray) -> np.ndarray:
    # The normaliser folds all whitespace to single spaces; anything at or below U+0020 counts too.
    return points <= 32


@cache
def _bmp_word_table() -> np.ndarray:
    """Word characters among the first 65,536 code points, as ``_word_mask`` reads them (built once,
    on the first text with a non-ASCII character: 64 KB instead of a Python call per character)."""
    table = np.fromiter((chr(c).isalnum() for c in range(1 << 16)), dtype=bool, count=1 << 16)
    table[:128] = _ASCII_WORD
    return table


def _word_mask(points: np.ndarray) -> np.ndarray:
    if len(points) == 0 or int(points.max()) < 128:
        return _ASCII_WORD[points]
    mask = np.zeros(len(points), dtype=bool)
    bmp = points < (1 << 16)
    mask[bmp] = _bmp_word_table()[points[bmp]]
    if not bmp.all():
        others = np.flatnonzero(~bmp)
        unique, inverse = np.unique(points[others], return_inverse=True)
        is_word = np.asarray([chr(c).isalnum() for c in unique.tolist()], dtype=bool)
        mask[others] = is_word[inverse]
    return mask


def _char_ngrams(points: np.ndarray, low: int, high: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """``(n, hashes, starts)`` of the character n-grams with no whitespace inside, for n in
    ``low..high``. The polynomial of each window is rolled from the (n-1)-gram's over the whole array
    (contiguous slices, no gathers), then the valid windows are kept, salted with n and mixed."""
    space = _is_space(points)
    wide = points.astype(_U64)
    raw = wide  # the polynomial of the 1-gram at each position
    inner_space = np.zeros(len(points), dtype=bool)  # a space at positions 1..n-2 of the window
    out = []
    for n in range(2, high + 1):
        count = len(points) - n + 1
        if count <= 0:
            break
        raw = raw[:count] * _POLY + wide[n - 1 : n - 1 + count]  # wraps: uint64 arrays do not overflow-check
        inner_space = inner_space[:count] | space[n - 2 : n - 2 + count] if n > 2 else inner_space[:count]
        if n < low:
            continue
        starts = np.flatnonzero(~inner_space)
        h = raw[starts]
        h += _SALT[n]
        out.append((n, _mix(h), starts))
    return out


_SALT = {n: _U64((n * int(_GOLDEN)) % (1 << 64)) for n in range(1, 33)}


def _tokens(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes, starts and ends of the runs of two or more word characters."""
    word = _word_mask(points)
    if not word.any():
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=_U64), empty, empty
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    keep = ends - starts >= 2
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        return np.zeros(0, dtype=_U64), starts, ends
    # Each character of a token contributes mix(code point, position in the token); the token's hash
    # is the wrapping sum over its characters (np.add.reduceat), then its length, mixed.
    inside = np.flatnonzero(word)
    owner = np.searchsorted(starts, inside, side="right") - 1
    kept = (owner >= 0) & (inside < ends[np.maximum(owner, 0)])
    inside, owner = inside[kept], owner[kept]
    offset = np.minimum(inside - starts[owner], (1 << 20) - 1).astype(_U64)
    keys = (points[inside].astype(_U64) << _U64(20)) | offset
    parts = _mix(keys)
    sums = np.add.reduceat(parts, np.flatnonzero(np.diff(np.concatenate([[-1], owner])) != 0))
    sums += (ends - starts).astype(_U64) * _GOLDEN
    return _mix(sums), starts, ends


def _rows_of(positions: np.ndarray, leading: np.ndarray) -> np.ndarray:
    return np.searchsorted(leading, positions, side="right") - 1


def hash_ngrams(texts: Sequence[str], analyzer: str, ngram_range: tuple[int, int]) -> NgramHashes:
    """Every n-gram of ``texts`` (one batch), hashed; see the module docstring for what an n-gram is."""
    low, high = ngram_range
    points, leading = _code_points(texts)
    hashes, rows, starts, ends = [], [], [], []
    if analyzer == "char":
        if low < 2:
            raise ValueError("character n-grams start at 2")
        for n, h, s in _char_ngrams(points, low, high):
            r = _rows_of(s, leading)
            hashes.append(h)
            rows.append(r)
            starts.append(s - leading[r])  # in " " + text + " "
            ends.append(s + n - leading[r])
        return NgramHashes(*(np.concatenate(a) for a in (hashes, rows, starts, ends)))
    if analyzer != "word":
        raise ValueError(f"analyzer must be 'word' or 'char', got {analyzer!r}")
    token_hash, token_start, token_end = _tokens(points)
    token_row = _rows_of(token_start, leading)
    shift = leading[token_row] + 1
    firsts, sizes = [], []
    for n in range(low, high + 1):
        count = len(token_hash) - n + 1
        if count <= 0:
            continue
        same = np.ones(count, dtype=bool)
        h = token_hash[:count].copy()
        for k in range(1, n):
            same &= token_row[k : k + count] == token_row[:count]
            h = _mix(h * _POLY + token_hash[k : k + count])
        h += _SALT[n]  # n * _GOLDEN, wrapped
        h = _mix(h)
        index = np.flatnonzero(same)
        hashes.append(h[index])
        rows.append(token_row[index])
        starts.append(token_start[index] - shift[index])
        ends.append(token_end[index + n - 1] - shift[index])
        firsts.append(index)
        sizes.append(np.full(len(index), n, dtype=np.int64))
    tokens = np.stack([token_start, token_end], axis=1)
    if not hashes:
        empty = np.zeros(0, dtype=np.int64)
        return NgramHashes(np.zeros(0, dtype=_U64), empty, empty, empty, empty, empty, tokens)
    h, r, s, e, f, z = (np.concatenate(a) for a in (hashes, rows, starts, ends, firsts, sizes))
    return NgramHashes(h, r, s, e, f, z, tokens)


def hashes_by_row(
    texts: Sequence[str], analyzer: str, ngram_range: tuple[int, int]
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(hashes, rows)`` of the n-grams of ``texts``, one n-gram length at a time: the same n-grams
    and hashes as :func:`hash_ngrams`, without the positions that only naming a bucket needs (the
    transform's path). Rows come from a per-position lookup instead of a search per n-gram."""
    low, high = ngram_range
    points, leading = _code_points(texts)
    row_at = np.repeat(np.arange(len(texts)), np.diff(np.append(leading, len(points))))
    if analyzer == "char":
        if low < 2:
            raise ValueError("character n-grams start at 2")
        for _, hashes, starts in _char_ngrams(points, low, high):
            yield hashes, row_at[starts]
        return
    if analyzer != "word":
        raise ValueError(f"analyzer must be 'word' or 'char', got {analyzer!r}")
    token_hash, token_start, _ = _tokens(points)
    token_row = row_at[token_start]
    for n in range(low, high + 1):
        count = len(token_hash) - n + 1
        if count <= 0:
            continue
        if n == 1:
            yield _mix(token_hash + _SALT[1]), token_row
            continue
        same = np.ones(count, dtype=bool)
        h = token_hash[:count].copy()
        for k in range(1, n):
            same &= token_row[k : k + count] == token_row[:count]
            h = _mix(h * _POLY + token_hash[k : k + count])
        h += _SALT[n]
        index = np.flatnonzero(same)
        yield _mix(h)[index], token_row[index]
