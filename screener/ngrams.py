"""Word and character n-grams hashed in NumPy: the model's text features without a Python loop per n-gram.

scikit-learn's ``TfidfVectorizer`` builds every n-gram as a Python string and looks it up in a dict;
for character n-grams that is a Python step per character of every ad, the classifier's ceiling.
:class:`HashedTfidf` reads a batch of texts as one array of code points and hashes every n-gram with
array arithmetic (:mod:`screener.ngram_hashing`): character n-grams within words (like ``char_wb``)
and word n-grams of ``\\w\\w+`` tokens.

Each n-gram's 64-bit hash falls in one of ``2**n_bits`` buckets. ``fit`` keeps the buckets scikit-learn
would keep as terms (``min_df``, ``max_df``, ``max_features`` by total count) and their smoothed idf,
and names each kept bucket by one n-gram that fell in it, so ``get_feature_names_out`` still reads as
words. ``transform`` gives the same l2-normalised (sublinear) TF-IDF rows as ``TfidfVectorizer``
would over those terms. The hashes are fixed functions of the code points (no per-process seed), so
a pickled model transforms the same in every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags

from screener.ngram_hashing import NgramHashes, _code_points, hash_ngrams, ngram_windows
from screener.row_runs import row_runs

__all__ = ["HashedCorpus", "HashedTfidf", "NgramHashes", "hash_ngrams"]

# Texts are hashed in chunks of about this many code points, which bounds the temporary arrays.
_CHUNK_CHARS = 1 << 20
# The transform's chunks are smaller: its temporaries (a few uint64 arrays of this length) then stay
# in the CPU caches and below malloc's mmap threshold (about 15% less CPU at 256 ads than 1 << 20).
_TRANSFORM_CHUNK_CHARS = 1 << 16


def _chunks(texts: Sequence[str], chunk_chars: int = _CHUNK_CHARS) -> list[tuple[int, int]]:
    """``(first, stop)`` index ranges of ``texts`` of about ``chunk_chars`` characters each."""
    bounds, first, size = [], 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= chunk_chars:
            bounds.append((first, i + 1))
            first, size = i + 1, 0
    if first < len(texts) or not bounds:
        bounds.append((first, len(texts)))
    return bounds


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and their counts (by sorting: NumPy 2's hash-based ``np.unique`` is
    much slower on millions of int64 keys). Sorts ``values`` in place: every caller builds it anew."""
    values.sort()
    return _sorted_unique_counts(values)


def _sort_rows(keys: np.ndarray, starts: list[int]) -> None:
    """Sort ``keys`` in place, whose rows are runs in order, row ``r``'s from ``starts[r]`` on.

    Sorting each run of a few rows alone (:func:`~screener.row_runs.row_runs`) gives the same array as
    sorting it whole (the row is in a key's high bits, so a run's keys all lie between its
    neighbours'), with shorter sorts: several times less CPU on 256 ads than one sort of them all."""
    for first, stop in row_runs([*starts[1:], len(keys)]):
        keys[first:stop].sort()


def _sorted_unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_unique_counts` of ``values`` sorted already."""
    if len(values) == 0:
        return values, np.zeros(0, dtype=np.int64)
    new = np.empty(len(values), dtype=bool)
    new[0] = True
    np.not_equal(values[1:], values[:-1], out=new[1:])
    firsts = new.nonzero()[0]
    counts = np.empty(len(firsts), dtype=np.int64)
    np.subtract(firsts[1:], firsts[:-1], out=counts[:-1])
    counts[-1] = len(values) - firsts[-1]
    return values.take(firsts), counts


@cache
def _sublinear_table() -> np.ndarray:
    """``1 + ln(count)`` of the counts 1 .. 4095 (index 0 unused), by the very calls
    :meth:`HashedTfidf._weights` makes on an array of counts (NumPy's log gives each element the same
    bits wherever it sits in the array), so a lookup is the same number as computing it."""
    counts = np.arange(1 << 12, dtype=np.int64)
    counts[0] = 1
    table = np.log(counts, dtype=np.float64)
    table += 1.0
    return table


def _text_of(doc: Any) -> str:
    # Findings carry the normalised text; plain strings are taken as they are.
    text = getattr(doc, "text", doc)
    if not isinstance(text, str):
        raise TypeError(f"expected str or Findings, got {type(doc).__name__}")
    return text


class HashedCorpus:
    """Every n-gram bucket of a corpus, hashed once: cross-validation fits and transforms subsets of
    the same texts many times (:meth:`HashedTfidf.fit_corpus`, :meth:`HashedTfidf.rows_corpus`).

    Parameters
    ----------
    texts : sequence of str or Findings
    analyzer, ngram_range, n_bits
        As the :class:`HashedTfidf` that will read it.
    """

    def __init__(
        self, texts: Sequence[Any], analyzer: str, ngram_range: tuple[int, int], n_bits: int
    ) -> None:
        self.texts = [_text_of(doc) for doc in texts]
        self.analyzer, self.ngram_range, self.n_bits = analyzer, (ngram_range[0], ngram_range[1]), n_bits
        buckets, rows = [], []
        for first, stop in _chunks(self.texts):
            grams = hash_ngrams(self.texts[first:stop], analyzer, self.ngram_range)
            buckets.append((grams.hash >> np.uint64(64 - n_bits)).astype(np.int32))
            rows.append((grams.row + first).astype(np.int32))
        row = np.concatenate(rows)
        order = np.argsort(row, kind="stable")  # by text, each text's n-grams in hash_ngrams order
        self.bucket = np.concatenate(buckets)[order]
        self.indptr = np.zeros(len(self.texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=len(self.texts)), out=self.indptr[1:])

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """``(bucket, row)`` of every n-gram of the texts ``rows`` (renumbered 0..len(rows)-1)."""
        if rows is None:
            counts = np.diff(self.indptr)
            return self.bucket.astype(np.int64), np.repeat(np.arange(len(self.texts)), counts)
        rows = np.asarray(rows, dtype=np.int64)
        counts = self.indptr[rows + 1] - self.indptr[rows]
        local = np.repeat(np.arange(len(rows)), counts)
        offsets = np.repeat(self.indptr[rows] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        index = np.arange(int(counts.sum()), dtype=np.int64) + offsets
        return self.bucket[index].astype(np.int64), local


class HashedTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over hashed word or character n-grams (``TfidfVectorizer``'s numbers, NumPy's speed).

    Parameters
    ----------
    analyzer : {"word", "char"}, default="word"
        Word n-grams of ``\\w\\w+`` tokens, or character n-grams within words (as ``char_wb``).
    ngram_range : tuple (min_n, max_n), default=(1, 1)
    min_df : int, default=1
        Keep buckets found in at least this many texts.
    max_df : float, default=1.0
        Drop buckets found in more than this share of the texts.
    max_features : int or None, default=None
        Keep at most this many buckets, the most frequent (total count) first.
    sublinear_tf : bool, default=True
        Use ``1 + log(tf)`` for the term frequency.
    n_bits : int, default=22
        ``2**n_bits`` hash buckets.
    dtype : numpy dtype, default=np.float32
        Of the output matrix.

    Attributes
    ----------
    buckets_ : ndarray of int64
        The kept buckets, sorted (column ``j`` is bucket ``buckets_[j]``).
    idf_ : ndarray of float64
        Smoothed idf of each column: ``ln((1 + n) / (1 + df)) + 1``.
    feature_names_ : ndarray of str
        One n-gram that fell in each kept bucket (the most frequent one is not tracked: the first seen).
    """

    def __init__(
        self,
        *,
        analyzer: str = "word",
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int = 1,
        max_df: float = 1.0,
        max_features: int | None = None,
        sublinear_tf: bool = True,
        n_bits: int = 22,
        dtype: Any = np.float32,
    ) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.n_bits = n_bits
        self.dtype = dtype

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, X: Sequence[Any], y: object = None) -> HashedTfidf:
        self._check_params()
        return self.fit_corpus(HashedCorpus(X, self.analyzer, self.ngram_range, self.n_bits))

    def _check_params(self) -> None:
        if self.analyzer not in ("word", "char"):
            raise ValueError(f"analyzer must be 'word' or 'char', got {self.analyzer!r}")
        if not 8 <= self.n_bits <= 30:
            raise ValueError("n_bits must be between 8 and 30")

    def fit_corpus(self, corpus: HashedCorpus, rows: np.ndarray | None = None) -> HashedTfidf:
        """Fit on the texts ``rows`` of ``corpus`` (all of them by default), hashed already."""
        self._check_params()
        if (corpus.analyzer, corpus.ngram_range, corpus.n_bits) != (
            self.analyzer, tuple(self.ngram_range), self.n_bits,
        ):  # fmt: skip
            raise ValueError("the corpus was hashed for other n-grams")
        size = 1 << self.n_bits
        bucket, row = corpus.take(rows)
        n_docs = len(corpus) if rows is None else len(rows)
        total = np.bincount(bucket, minlength=size)
        pairs, _ = _unique_counts(row * size + bucket)
        df = np.bincount(pairs % size, minlength=size)
        keep = (df >= self.min_df) & (df <= self.max_df * n_docs) & (df > 0)
        candidates = np.flatnonzero(keep)
        if self.max_features is not None and len(candidates) > self.max_features:
            order = np.lexsort((candidates, -total[candidates]))
            candidates = np.sort(candidates[order[: self.max_features]])
        if len(candidates) == 0:
            raise ValueError("no n-grams left after min_df / max_df: too few texts")
        self.buckets_ = candidates.astype(np.int64)
        self.idf_ = np.log((1.0 + n_docs) / (1.0 + df[candidates])) + 1.0
        self._table: np.ndarray | None = None
        texts = corpus.texts if rows is None else [corpus.texts[i] for i in rows]
        self.feature_names_ = self._names(texts, bucket, row)
        return self

    def _names(self, texts: list[str], bucket: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Each kept bucket's name: its first n-gram in ``texts`` (``bucket``/``row``: their n-grams)."""
        width = len(self.buckets_)
        column = self._lookup()[bucket].astype(np.int64) - 1
        found = np.flatnonzero(column >= 0)
        # The first occurrence of each column: a reversed scatter leaves the earliest index.
        where = np.full(width, -1, dtype=np.int64)
        where[column[found[::-1]]] = found[::-1]
        first_row = row[where]
        # Hash those texts again, with positions, and find the n-gram in each.
        needed = np.unique(first_row)
        grams = hash_ngrams([texts[i] for i in needed.tolist()], self.analyzer, self.ngram_range)
        size = 1 << self.n_bits
        keys = grams.row * size + (grams.hash >> np.uint64(64 - self.n_bits)).astype(np.int64)
        order = np.argsort(keys, kind="stable")
        wanted = np.searchsorted(needed, first_row) * size + self.buckets_
        at = order[np.searchsorted(keys[order], wanted)]
        local_rows = grams.row[at].tolist()
        return np.asarray(
            [grams.name(i, texts[needed[r]]) for i, r in zip(at.tolist(), local_rows, strict=True)],
            dtype=object,
        )

    # -- transforming --------------------------------------------------------------------------

    def _lookup(self) -> np.ndarray:
        """Bucket -> column + 1 (0: not a feature), built on first use and not pickled."""
        table = getattr(self, "_table", None)
        if table is None:
            dtype = np.uint16 if len(self.buckets_) < (1 << 16) - 1 else np.uint32
            table = np.zeros(1 << self.n_bits, dtype=dtype)
            table[self.buckets_] = np.arange(1, len(self.buckets_) + 1, dtype=dtype)
            self._table = table
        return table

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_table"] = None
        return state

    def _key_layout(self, n_rows: int) -> tuple[int, type[np.unsignedinteger[Any]]]:
        """How an n-gram's (row, column) packs into one integer key: ``row << bits | (column + 1)``,
        with ``bits`` just enough for ``len(buckets_)`` (0 in the low bits: not a column).

        The packing is increasing in (row, column), so sorted keys run by row then column as the old
        ``row * width + column`` did, and the row and column come back by a shift and a mask instead of a
        division. Keys are uint32 when all of them fit (half the bytes to sort), else uint64."""
        bits = self._column_bits()
        return bits, (np.uint32 if n_rows << bits <= 1 << 32 else np.uint64)

    def _column_bits(self) -> int:
        return len(self.buckets_).bit_length()

    def rows(self, X: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(indptr, indices, data)`` of the TF-IDF rows of ``X`` (float64), CSR with sorted columns.

        The n-grams' hashes come from :func:`~screener.ngram_hashing.ngram_windows`, one slot per window
        and no positions; each slot's bucket is looked up, and only the slots that are n-grams (not
        ``invalid``) in a column are kept, before the sort. A single text needs no row in its keys (and
        its column numbers are its keys). In a batch, each text's slots come together and in text order,
        so its kept columns do too: where each text's keys begin is a binary search of the kept slots
        for its first slot, and the row goes into the keys' high bits once, for the kept ones only."""
        texts = [_text_of(doc) for doc in X]
        bits, dtype = self._key_layout(len(texts))
        if not texts:
            return self._tfidf(np.zeros(0, dtype), 0)
        table = self._lookup()
        shift = np.uint64(64 - self.n_bits)
        many = len(texts) > 1
        columns, starts, before = [], [], 0
        for first, stop in _chunks(texts, _TRANSFORM_CHUNK_CHARS):
            points, leading = _code_points(texts[first:stop])
            hashes, invalid, firsts = ngram_windows(
                points, self.analyzer, self.ngram_range, leading if many else None
            )
            # The buckets (below 2**n_bits) read as int64 are the same numbers: NumPy's index type,
            # so the gather converts nothing; ``take`` gathers with fewer instructions than indexing.
            column = table.take(np.right_shift(hashes, shift, out=hashes).view(np.int64))
            found = column != 0
            if invalid is not None:
                np.greater(found, invalid, out=found)  # a column and an n-gram: found and not invalid
            kept = found.nonzero()[0]
            columns.append(column.take(kept))
            if firsts is not None:
                text_starts = np.searchsorted(kept, firsts)
                text_starts += before
                starts.append(text_starts)
                before += len(kept)
        column = np.concatenate(columns) if len(columns) > 1 else columns[0]
        if not many:
            return self._tfidf_one(column)
        start = np.concatenate(starts) if len(starts) > 1 else starts[0]
        keys = np.arange(len(texts), dtype=dtype)
        keys <<= dtype(bits)
        keys = np.repeat(keys, np.diff(start, append=len(column)))
        keys |= column
        return self._tfidf(keys, len(texts), only_columns=True, starts=start.tolist())

    def rows_corpus(
        self, corpus: HashedCorpus, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`rows` of the texts ``rows`` of ``corpus``, hashed already."""
        bucket, row = corpus.take(rows)
        return self._tfidf(self._keys(bucket, row), len(corpus) if rows is None else len(rows))

    def transform_corpus(self, corpus: HashedCorpus, rows: np.ndarray | None = None) -> sparse.csr_matrix:
        return self._matrix(*self.rows_corpus(corpus, rows))

    def _keys(self, bucket: np.ndarray, row: np.ndarray) -> np.ndarray:
        """The keys (:meth:`_key_layout`, uint64) of the n-grams in ``bucket`` of texts ``row``."""
        bits = self._column_bits()
        keys = row.astype(np.uint64)
        keys <<= np.uint64(bits)
        keys |= self._lookup()[bucket]
        return keys

    def _tfidf(
        self, keys: np.ndarray, n_rows: int, *, only_columns: bool = False, starts: list[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows from the n-grams' keys (:meth:`_key_layout`, sorted here in place; non-columns
        included unless ``only_columns``), in any order, or each row's keys together and the rows in
        order, row ``r``'s from ``starts[r]`` on (then :func:`_sort_rows` sorts a few rows at a time).

        Each row's first entry is found by a binary search of the sorted keys for ``row << bits``
        (below it: the earlier rows' keys, whose columns are at least 1), the offsets that counting
        each row's entries gave before."""
        if n_rows == 1:
            return self._tfidf_one(keys)
        bits = self._column_bits()
        if starts is None:
            keys.sort()
        else:
            _sort_rows(keys, starts)
        counted = len(keys)
        keys, counts = _sorted_unique_counts(keys)
        column = keys & keys.dtype.type((1 << bits) - 1)
        if not only_columns:
            found = np.flatnonzero(column)
            if len(found) < len(column):
                keys, counts, column = keys[found], counts[found], column[found]
        indptr = np.empty(n_rows + 1, dtype=np.int64)
        indptr[0], indptr[-1] = 0, len(keys)
        firsts = np.arange(1, n_rows, dtype=keys.dtype)
        firsts <<= keys.dtype.type(bits)
        indptr[1:-1] = np.searchsorted(keys, firsts)
        row = np.repeat(np.arange(n_rows), np.diff(indptr))
        indices = np.subtract(column, 1, dtype=np.int64)
        data = self._weights(counts, indices, counted)
        norms = np.sqrt(np.bincount(row, weights=data * data, minlength=n_rows))
        norms[norms == 0] = 1.0
        data /= norms.take(row)
        return indptr, indices, data

    def _tfidf_one(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_tfidf` of a single row, whose keys are its columns + 1, with fewer NumPy calls.

        The same numbers: the non-columns (key 0) sort first, so they are the first group if any; the
        row's sum of squares is the running sum's last value, which adds the squares one by one in order
        from the first as ``np.bincount`` does (not pairwise as ``np.sum``); and dividing by the norm
        as a scalar is the same IEEE division as by an array of it."""
        counted = len(keys)
        keys, counts = _unique_counts(keys)
        if len(keys) and keys[0] == 0:
            keys, counts = keys[1:], counts[1:]
        indices = np.subtract(keys, 1, dtype=np.int64)
        data = self._weights(counts, indices, counted)
        if len(data):
            norm = np.sqrt(np.add.accumulate(data * data)[-1])  # np.cumsum's own ufunc
            data /= norm if norm != 0 else 1.0
        return np.asarray([0, len(data)], dtype=np.int64), indices, data

    def _weights(self, counts: np.ndarray, indices: np.ndarray, counted: int) -> np.ndarray:
        """TF-IDF of each entry, unnormalised: ``(1 + ln(count)) * idf`` (sublinear) or ``count * idf``.
        ``np.log(counts, dtype=float64)`` is the cast to float64 and the log in one call; counts below
        ``len(_sublinear_table())`` (nearly all: most are 1) look ``1 + ln(count)`` up instead. No count
        exceeds ``counted`` (the n-grams counted), so a single ad needs no search for the largest."""
        if self.sublinear_tf:
            table = _sublinear_table()
            if counted < len(table) or int(np.maximum.reduce(counts)) < len(table):
                data = table.take(counts)
            else:
                data = np.log(counts, dtype=np.float64)
                data += 1.0
        else:
            data = counts.astype(np.float64)
        data *= self.idf_.take(indices)
        return data

    def _matrix(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            (data.astype(self.dtype), indices, indptr), shape=(len(indptr) - 1, len(self.buckets_))
        )

    def transform(self, X: Sequence[Any]) -> sparse.csr_matrix:
        return self._matrix(*self.rows(X))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return self.feature_names_.copy()

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
