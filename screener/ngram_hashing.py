"""Hashing every word and character n-gram of a batch of texts with array arithmetic (NumPy over code
points): what :class:`screener.ngrams.HashedTfidf` counts.

* **character n-grams** (``analyzer="char"``, like ``char_wb``): the windows of ``" " + text + " "``
  with no whitespace inside (a space may only open or close a window, so n-grams stay within a word);
* **word n-grams** (``analyzer="word"``): tokens are runs of two or more word characters (``\\w\\w+``,
  as scikit-learn's default token pattern), and n consecutive tokens of one text make an n-gram.

:func:`hash_ngrams` lists every n-gram with where it is (to name a bucket); :func:`ngram_windows` gives
the same hashes with only what tells their texts apart (the transform's path). The hashes are fixed functions of
the code points (no per-process seed), so a pickled model transforms the same in every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

__all__ = ["NgramHashes", "hash_ngrams", "ngram_windows"]

_U64 = np.uint64
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_POLY = _U64(0x100000001B3)  # multiplier of the fixed-length character hash

# Word characters among the first 128 code points (\w: letters, digits and underscore).
_ASCII_WORD = np.zeros(128, dtype=bool)
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _ASCII_WORD[ord(_c)] = True


def _mix(x: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """splitmix64's finaliser, in place on a uint64 array (wrapping arithmetic): a well-spread hash.

    ``scratch`` (a uint64 array of ``x``'s shape, or None) takes the shifted copies, so a caller that
    mixes several arrays allocates that temporary once. NumPy checks integer overflow only on scalars,
    never on arrays, so no ``np.errstate`` is needed here or below (it costs microseconds a call, which
    a single ad pays dozens of times); constants that wrap are computed in Python ints (``_SALT``)."""
    scratch = np.right_shift(x, _U64(30), out=scratch)
    x ^= scratch
    x *= _M1
    x ^= np.right_shift(x, _U64(27), out=scratch)
    x *= _M2
    x ^= np.right_shift(x, _U64(31), out=scratch)
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
    if len(texts) == 1:  # a single ad: the same arrays without the NumPy calls a batch needs
        joined = f" {texts[0]} "
        leading = np.zeros(1, dtype=np.int64)
    else:
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        joined = " " + " ".join(texts) + " "
        leading = np.zeros(len(texts), dtype=np.int64)
        if len(texts) > 1:
            np.cumsum(lengths[:-1] + 1, out=leading[1:])
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
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


def _word_mask(points: np.ndarray, top: int | None = None) -> np.ndarray:
    """Which code points are word characters (``top``: ``points.max()`` if the caller has it)."""
    if len(points) == 0 or (int(points.max()) if top is None else top) < 128:
        return _ASCII_WORD.take(points)  # take: faster than indexing by a uint32 array
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
    """Hashes, starts and ends of the runs of two or more word characters (``points`` from
    :func:`_code_points`: it opens and closes with a space, so every run starts and ends inside it).

    Each character of a token contributes mix(code point, position in the token); the token's hash is
    the wrapping sum over its characters, then its length, mixed. The sums are taken over every run of
    word characters, one-character runs included (``np.add.reduceat`` over consecutive runs, no search
    for each character's run), and the one-character runs are dropped afterwards: a run's sum is the
    same whichever other runs are summed beside it."""
    # Ufunc methods and ndarray.nonzero rather than np.diff, np.flatnonzero or .max(): the same
    # arrays without their Python wrappers, which a single ad pays for on every call.
    word = _word_mask(points, int(np.maximum.reduce(points)) if len(points) else 0)
    # Alternately the position before a run's first character and that of its last.
    edges = np.not_equal(word[1:], word[:-1]).nonzero()[0]
    if len(edges) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=_U64), empty, empty
    starts, ends = edges[0::2] + 1, edges[1::2] + 1
    lengths = ends - starts
    firsts = np.cumsum(lengths)  # where each run begins among the word characters, once ...
    offset = np.arange(int(firsts[-1]), dtype=np.int64)
    firsts -= lengths  # ... its own length is taken off the running total
    offset -= np.repeat(firsts, lengths)
    sums = np.add.reduceat(_character_parts(points[word], offset, int(np.maximum.reduce(lengths))), firsts)
    if int(np.minimum.reduce(lengths)) < 2:
        kept = (lengths >= 2).nonzero()[0]
        sums, starts, ends, lengths = sums[kept], starts[kept], ends[kept], lengths[kept]
    sums += lengths.astype(_U64) * _GOLDEN
    return _mix(sums), starts, ends


# mix((code point << 20) | offset) of every ASCII character at every offset below 32 in its token (most
# characters of most tokens), computed with _mix itself: a lookup instead of a mix per character.
_TABLE_OFFSETS = 32
_ASCII_PARTS = _mix(
    (np.arange(128, dtype=_U64)[:, None] << _U64(20) | np.arange(_TABLE_OFFSETS, dtype=_U64)[None, :]).ravel()
)


def _character_parts(characters: np.ndarray, offset: np.ndarray, longest: int) -> np.ndarray:
    """mix((code point << 20) | min(offset, 2**20 - 1)) of each token character: looked up in
    ``_ASCII_PARTS`` when every one is ASCII and every offset fits the table (``longest``: the longest
    token), else computed (a batch with one non-ASCII word character computes them all)."""
    if longest <= _TABLE_OFFSETS and int(np.maximum.reduce(characters)) < 128:
        index = characters.astype(np.intp)
        index <<= 5  # log2(_TABLE_OFFSETS)
        index |= offset
        return _ASCII_PARTS.take(index)
    keys = characters.astype(_U64)
    keys <<= _U64(20)
    wide_offset = offset.astype(_U64)
    if longest >= 1 << 20:
        np.minimum(wide_offset, _U64((1 << 20) - 1), out=wide_offset)
    keys |= wide_offset
    return _mix(keys, wide_offset)


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


Windows = tuple[np.ndarray, "np.ndarray | None", "np.ndarray | None"]


def _slots(
    counts: list[int], by_start: bool, dtype: type, no_window: bool | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """A flat array with a slot for every window, and the view of it that holds each length's windows
    (``counts[k]`` windows of the k-th length, ``counts[0]`` the most).

    Either the lengths one after another (window ``i`` of the k-th length at ``offset_k + i``), or
    ``by_start``: a row of slots per start, one a length (window ``i`` at ``i * len(counts) + k``), so
    the slots run in text order and the caller's rows come out grouped. There the slots past a
    length's last window (near the end, where a longer window does not fit) are no window at all, and
    are set to ``no_window`` if it is given."""
    if by_start and len(counts) > 1:
        whole: np.ndarray = np.empty((counts[0], len(counts)), dtype=dtype)
        if no_window is not None:
            for k, count in enumerate(counts):
                whole[count:, k] = no_window
        return whole.reshape(-1), [whole[:count, k] for k, count in enumerate(counts)]
    flat: np.ndarray = np.empty(sum(counts), dtype=dtype)
    views, at = [], 0
    for count in counts:
        views.append(flat[at : at + count])
        at += count
    return flat, views


def _char_windows(points: np.ndarray, low: int, high: int, leading: np.ndarray | None) -> Windows:
    """Every window of n code points for n in ``low..high``, in the layout of :func:`_slots` (by start
    when ``leading`` is given): window ``i`` of length n starts at position ``i``; ``invalid`` marks
    the windows with whitespace inside (not n-grams) and the slots that are no window (None when no
    slot can be either). A valid window's hash is its n-gram's hash (the same polynomial, salt and mix
    as :func:`_char_ngrams`): the polynomials are rolled in place over the whole array, and all lengths
    are salted into one array and mixed at once, without first gathering the valid windows (most
    windows are valid; the caller drops the others with one mask). A window from one text into the
    next has their separating space inside, so it is invalid already."""
    counts = [len(points) - n + 1 for n in range(low, high + 1) if len(points) > n - 1]
    by_start = leading is not None
    hashes, hash_views = _slots(counts, by_start, _U64)
    invalid, invalid_views = _slots(counts, by_start, bool, True) if high > 2 else (None, [])
    space = _is_space(points)
    wide = points.astype(_U64)
    raw = wide  # the polynomial of the 1-gram at each position; rolled in place from n = 2 on
    inner_space = None  # a space at positions 1..n-2 of the window (n >= 3)
    for n in range(2, low + len(counts)):
        count = len(points) - n + 1
        if count <= 0:
            break
        if n == 2:
            raw = np.multiply(wide[:count], _POLY)
        else:
            raw = raw[:count]
            raw *= _POLY
        raw += wide[n - 1 : n - 1 + count]
        stored = n >= low
        if n >= 3:
            out = invalid_views[n - low] if stored and invalid is not None else None
            inner = space[1 : 1 + count] if inner_space is None else inner_space[:count]
            inner_space = np.bitwise_or(inner, space[n - 2 : n - 2 + count], out=out)
        if stored:
            np.add(raw, _SALT[n], out=hash_views[n - low])
            if n == 2 and invalid is not None:
                invalid_views[0][:] = False
    firsts = None if leading is None else leading * max(len(counts), 1)
    return _mix(hashes), invalid, firsts


def _token_windows(points: np.ndarray, low: int, high: int, leading: np.ndarray | None) -> Windows:
    """Every run of n consecutive tokens for n in ``low..high`` (as in :func:`hash_ngrams`), in the
    layout of :func:`_slots` (by start when ``leading`` is given): window ``i`` of length n starts at
    token ``i``; ``invalid`` marks the windows that cross from one text to the next and the slots that
    are no window (None when no slot can be either). Every length ends with the same salt-and-mix, so
    all are mixed at once; each length is rolled in its own array, which is contiguous (a view by
    start is not, and NumPy's loops over strided arrays are slower), and salted into its slots.

    A window of n tokens from token ``i`` crosses into the next text when one of the tokens ``i + 1``
    .. ``i + n - 1`` is the first of a text: those few slots are marked, rather than every token's
    text compared with its neighbours'."""
    token_hash, token_start, _ = _tokens(points)
    counts = [len(token_hash) - n + 1 for n in range(low, high + 1) if len(token_hash) > n - 1]
    hashes, views = _slots(counts, leading is not None, _U64)
    invalid, firsts = None, None
    if leading is not None:
        first_token = np.searchsorted(token_start, leading)
        firsts = first_token * max(len(counts), 1)
        if counts and low + len(counts) > 2:  # some window has two tokens or more
            invalid = np.zeros(len(hashes), dtype=bool)
            crossing = invalid.reshape(counts[0], -1)  # [start, k], as the slots by start
            for k, n in enumerate(range(low, low + len(counts))):
                crossing[counts[k] :, k] = True  # no window: past the last token
                for j in range(1, n):
                    start = first_token[1:] - j
                    crossing[start[(start >= 0) & (start < counts[k])], k] = True
    for k, (n, count) in enumerate(zip(range(low, high + 1), counts, strict=False)):
        if n == 1:
            np.add(token_hash, _SALT[1], out=views[k])
            continue
        h = np.multiply(token_hash[:count], _POLY)
        for j in range(1, n):
            if j > 1:
                h *= _POLY
            h += token_hash[j : j + count]
            _mix(h)
        np.add(h, _SALT[n], out=views[k])
    return _mix(hashes), invalid, firsts


def ngram_windows(
    points: np.ndarray, analyzer: str, ngram_range: tuple[int, int], leading: np.ndarray | None
) -> Windows:
    """The transform's path: ``(hashes, invalid, firsts)``, the hashes of :func:`hash_ngrams` without
    the positions that only naming a bucket needs.

    ``points`` and ``leading`` come from :func:`_code_points` (``leading`` None: a single text, whose
    windows may come in any order). ``hashes`` has a slot for every window (of code points, or of
    tokens) of every length, and ``invalid`` (None: none) marks the slots that are not n-grams, to be
    dropped. With ``leading``, the slots of each text come together, the texts in order (a window
    belongs to the text it starts in), and ``firsts[r]`` is the first slot of text ``r``: the caller
    tells the texts apart by where their slots begin, without a row number for every slot, and can
    sort a few texts' n-grams at a time (``firsts`` is None without ``leading``)."""
    low, high = ngram_range
    if analyzer == "char":
        if low < 2:
            raise ValueError("character n-grams start at 2")
        return _char_windows(points, low, high, leading)
    if analyzer != "word":
        raise ValueError(f"analyzer must be 'word' or 'char', got {analyzer!r}")
    return _token_windows(points, low, high, leading)
