"""Near-duplicate detection for reposted ads: MinHash over character shingles, with LSH banding.

Moderators see the same scam template reposted thousands of times with a new phone number, a new
salary or different emoji. :func:`canonical_text` removes what reposters change (digits, emoji,
punctuation, case), :func:`signature` takes a MinHash of its
character 5-gram shingles, and :func:`band_keys` cuts the signature into LSH bands: two ads that share
any band key are candidate duplicates, confirmed by :func:`similarity` (the estimated Jaccard
similarity of their shingle sets) at or above ``threshold``.

With 64 hashes in 16 bands of 4 rows, pairs at Jaccard 0.5 become candidates about 64% of the time
and pairs at 0.8 more than 99.9% of the time; :class:`NearDuplicateIndex` keeps the clusters in memory
(union-find), and the review queue stores the band keys in its database to do the same at scale.
The scoring worker sketches a chunk of ads at once with :func:`signatures`, equal row for row to
:func:`signature`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "NUM_HASHES",
    "NearDuplicateIndex",
    "band_keys",
    "band_keys_many",
    "canonical_text",
    "signature",
    "signatures",
    "similarity",
]

NUM_HASHES = 64
BANDS = 16
ROWS = NUM_HASHES // BANDS
SHINGLE = 5
GROUP_BYTES = 1 << 16  # text bytes sketched together by signatures() (about 128 ads)
_rng = np.random.default_rng(20240601)  # fixed: signatures must be comparable across processes and runs
_A = _rng.integers(0, 1 << 63, size=NUM_HASHES, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=NUM_HASHES, dtype=np.uint64)
# A run of digits, with single spaces, dots, commas or hyphens inside: r"\d+(?:[ .,-]\d+)*" written
# with "\d\d*" for "\d+" (the same matches), because a pattern that opens with one character class
# lets ``re`` skip in C to the next digit, where "\d+" made it try a match at every position
# (a third less time on an ad).
_DIGITS = re.compile(r"\d\d*(?:[ .,-]\d+)*")
# Every run of characters other than a-z and "#" (spaces included) becomes one space: the same as
# turning each run of characters other than a-z, "#" and space into a space and then collapsing runs
# of spaces, in one pass. The pattern is the definition; canonical_text gets the same text without it.
_GAPS = re.compile(r"[^a-z#]+")
# Byte -> itself for a-z and "#", a space for every other byte (every byte of a non-ASCII character's
# UTF-8 encoding is 0x80 or above, so such a character becomes spaces).
_KEEP_OR_SPACE = bytes(byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz#" else 0x20 for byte in range(256))
_PRIME = np.uint64(1_000_003)
_BAND_MASK = (1 << 63) - 1


def canonical_text(text: str) -> str:
    """The ad with what reposters change removed: case, numbers (phone numbers, salaries, dates all
    become ``#``), emoji, punctuation and spacing.

    Deliberately cheaper than the screener's normaliser: clustering runs on every ingested ad, and a
    repost that also re-spells a word or two still shares most of its shingles with the original.

    The gaps (:data:`_GAPS`) are not replaced by the regex, which paid for each of the ~70 gaps of an
    ad: the text's UTF-8 bytes are mapped (every byte other than a-z and "#" to a space) and split on
    the spaces, and the words joined with one space, the ends stripped as before; the same text at
    about a third of the cost. The digits stay a ``str`` regex: ``\\d`` is every Unicode digit.
    """
    marked = _DIGITS.sub("#", text.lower()).encode("utf-8", "surrogatepass")  # a lone surrogate too
    return b" ".join(marked.translate(_KEEP_OR_SPACE).split()).decode("ascii")


def _shingle_hashes(canonical: str) -> np.ndarray:
    data = np.frombuffer(canonical.encode("utf-8"), dtype=np.uint8).astype(np.uint64)
    if len(data) < SHINGLE:
        data = np.concatenate([data, np.zeros(SHINGLE - len(data), dtype=np.uint64)])
    n = len(data) - SHINGLE + 1
    hashes = np.zeros(n, dtype=np.uint64)
    for j in range(SHINGLE):  # a polynomial hash of each window; uint64 arithmetic wraps by design
        hashes = hashes * _PRIME + data[j : j + n]
    return np.unique(hashes)


def _padded(canonical: str) -> bytes:
    """The text's UTF-8 bytes, zero-padded to one shingle when shorter (as :func:`_shingle_hashes`)."""
    data = canonical.encode("utf-8")
    return data + bytes(SHINGLE - len(data)) if len(data) < SHINGLE else data


def _groups(parts: Sequence[bytes]) -> list[tuple[int, int]]:
    """``(start, stop)`` runs of ``parts`` of about :data:`GROUP_BYTES` together (at least one part):
    small enough for the arrays of :func:`signatures` to stay in the CPU's cache."""
    groups = []
    start = size = 0
    for i, part in enumerate(parts):
        if size and size + len(part) > GROUP_BYTES:
            groups.append((start, i))
            start, size = i, 0
        size += len(part)
    groups.append((start, len(parts)))
    return groups


def _window_hashes(parts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The window hashes of ``parts`` laid end to end, and ``reduceat`` indices for them.

    The hashes are those of :func:`_shingle_hashes` (same polynomial, same wrap-around), computed
    once over the concatenated bytes. Windows that straddle two parts are computed too but never
    used: the indices alternate ``start of part i``, ``end of part i's windows``, so the segments at
    even positions are exactly each part's own windows (at least one, thanks to the padding) and the
    odd ones the straddling windows in between. Duplicate shingles are not removed: they cannot
    change a minimum.
    """
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    data = np.frombuffer(b"".join(parts), dtype=np.uint8).astype(np.uint64)
    n = len(data) - SHINGLE + 1
    hashes = data[:n].copy()
    for j in range(1, SHINGLE):
        hashes *= _PRIME
        hashes += data[j : j + n]
    starts = np.zeros(len(parts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    indices = np.empty(2 * len(parts) - 1, dtype=np.int64)
    indices[0::2] = starts
    indices[1::2] = (starts + lengths - SHINGLE + 1)[:-1]
    return hashes, indices


def signature(text: str, *, canonical: bool = False) -> np.ndarray:
    """The MinHash signature (``NUM_HASHES`` uint64 values) of an ad (or of its canonical text).

    Each hash function is multiply-shift hashing, ``(a * x + b) mod 2**64`` keeping the high 32 bits,
    with odd random ``a``: cheap in numpy (the multiplication wraps) and close enough to min-wise
    independent for estimating Jaccard similarity.
    """
    shingles = _shingle_hashes(text if canonical else canonical_text(text))
    values = np.multiply.outer(_A, shingles)
    values += _B[:, None]
    # Keeping the high 32 bits is monotone, so it is taken of each minimum, not of every value.
    return values.min(axis=1) >> np.uint64(32)


def signatures(canonicals: Sequence[str]) -> np.ndarray:
    """The MinHash signatures of many canonical texts: row ``i`` equals
    ``signature(canonicals[i], canonical=True)``, bit for bit.

    The scoring worker sketches a whole chunk at once: one pass per hash function over all the
    chunk's shingles (``np.minimum.reduceat`` takes each text's minimum) instead of a dozen small
    numpy calls per ad. The values are the same ``(a * x + b) mod 2**64`` with the same wrap-around,
    and the minimum over a text's windows is the minimum over its (deduplicated) shingle set.
    """
    out = np.empty((len(canonicals), NUM_HASHES), dtype=np.uint64)
    parts = [_padded(c) for c in canonicals]
    for start, stop in _groups(parts) if parts else ():
        hashes, indices = _window_hashes(parts[start:stop])
        values = np.empty_like(hashes)
        for k in range(NUM_HASHES):
            np.multiply(hashes, _A[k], out=values)
            values += _B[k]
            out[start:stop, k] = np.minimum.reduceat(values, indices)[0::2]
    out >>= np.uint64(32)
    return out


def band_keys(sig: np.ndarray) -> list[int]:
    """One 63-bit key per LSH band (the band's index is folded in, so bands never collide).

    Band ``b`` hashes the bytes of ``sig[b * ROWS : (b + 1) * ROWS]``: the same bytes as that slice
    of ``sig.tobytes()``, which is taken once.
    """
    raw = sig.tobytes()
    step = ROWS * sig.itemsize
    return [
        (hash_bytes(raw[band * step : (band + 1) * step]) ^ (band << 56)) & _BAND_MASK
        for band in range(BANDS)
    ]


_BAND_SHIFTS = np.arange(BANDS, dtype=np.uint64) << np.uint64(56)


def band_keys_many(sigs: np.ndarray) -> list[list[int]]:
    """:func:`band_keys` of every row of ``sigs`` (one signature per row), equal row for row.

    The scoring worker keys a whole chunk at once: the band digests are joined and read back as one
    array, so the fold of the band index and the mask are two numpy operations, not 16 Python ones
    per ad. The digests are those of :func:`hash_bytes`, over the same bytes of each row.
    """
    if sigs.ndim != 2 or sigs.shape[1] != NUM_HASHES:
        return [band_keys(sig) for sig in sigs]
    raw = np.ascontiguousarray(sigs).tobytes()  # rows in order, each row's bytes as its tobytes()
    step = ROWS * sigs.itemsize
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(raw[i : i + step], digest_size=8).digest() for i in range(0, len(raw), step)])
    hashes = np.frombuffer(digests, dtype="<u8").reshape(len(sigs), BANDS)
    keys: list[list[int]] = ((hashes ^ _BAND_SHIFTS) & np.uint64(_BAND_MASK)).tolist()
    return keys


def hash_bytes(data: bytes) -> int:
    """A stable 64-bit hash (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


@dataclass
class NearDuplicateIndex:
    """In-memory clustering of ads into near-duplicate campaigns (union-find over LSH candidates)."""

    threshold: float = 0.6
    _buckets: dict[int, list[int]] = field(default_factory=dict)
    _signatures: list[np.ndarray] = field(default_factory=list)
    _parent: list[int] = field(default_factory=list)

    def _find(self, i: int) -> int:
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def add(self, text: str) -> int:
        """Add an ad; returns its position. Use :meth:`cluster` for its campaign."""
        return self._add_signature(signature(text))

    def add_many(self, texts: Sequence[str]) -> list[int]:
        """Add ads in order, as :meth:`add` one by one would (the same signatures, computed together
        by :func:`signatures`); returns their positions."""
        sigs = signatures([canonical_text(t) for t in texts])
        return [self._add_signature(sig, keys) for sig, keys in zip(sigs, band_keys_many(sigs), strict=True)]

    def _add_signature(self, sig: np.ndarray, keys: list[int] | None = None) -> int:
        index = len(self._signatures)
        self._signatures.append(sig)
        self._parent.append(index)
        candidates: set[int] = set()
        for key in band_keys(sig) if keys is None else keys:
            bucket = self._buckets.setdefault(key, [])
            candidates.update(bucket)
            bucket.append(index)
        for other in candidates:
            if similarity(sig, self._signatures[other]) >= self.threshold:
                root_a, root_b = self._find(index), self._find(other)
                if root_a != root_b:
                    self._parent[max(root_a, root_b)] = min(root_a, root_b)
        return index

    def cluster(self, index: int) -> int:
        """The campaign of the ad at ``index``: the position of its cluster's first ad."""
        return self._find(index)
