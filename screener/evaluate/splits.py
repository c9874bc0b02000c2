"""Train/test splits that keep near-duplicates on one side: :func:`split_dataset` and its groups.

``grouped`` splits keep whole groups on one side: the corpus ``group``, or, for data without groups
(such as EMSCAD), the near-duplicate clusters of :func:`near_duplicate_groups`, so a template family
cannot be learnt from the train part and recognised in the test part. ``stratified`` is a plain
stratified split, kept for comparison with published, leakier figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from screener.datasets import Dataset
from screener.errors import DataError

__all__ = [
    "DUPLICATE_NGRAM",
    "DUPLICATE_THRESHOLD",
    "TEST_SIZE",
    "Split",
    "near_duplicate_groups",
    "split_dataset",
]

TEST_SIZE = 0.2
DUPLICATE_THRESHOLD = 0.8
DUPLICATE_NGRAM = 5


def _shingle_text(text: str) -> str:
    # Digits become one 0 so copies that differ only in a phone number, price or date still match.
    return re.sub(r"\s+", " ", re.sub(r"\d+", "0", text.casefold())).strip()


def near_duplicate_groups(
    texts: Sequence[str],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    ngram: int = DUPLICATE_NGRAM,
    chunk: int = 512,
) -> list[str]:
    """Group ids that put near-identical texts together, for grouped splits of data without groups.

    Method: each text is case-folded, every run of digits becomes ``0`` and whitespace is collapsed;
    the texts become TF-IDF vectors of character ``ngram``-grams (sublinear tf, l2-normalised); every
    pair with cosine similarity ``>= threshold`` is linked, and the connected components of that
    graph are the groups (so a chain of small edits stays in one group). Ids are ``"dup-<n>"``.

    Parameters
    ----------
    texts : sequence of str
    threshold : float, default=0.8
        Cosine similarity at or above which two texts are near-duplicates.
    ngram : int, default=5
        Character n-gram length.
    chunk : int, default=512
        Rows compared at a time (memory is about ``chunk * len(texts)`` similarities).
    """
    n = len(texts)
    if n == 0:
        return []
    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=(ngram, ngram), sublinear_tf=True, lowercase=False, dtype=np.float32
    )
    x = vectoriser.fit_transform([_shingle_text(t) or " " for t in texts]).tocsr()
    xt = x.T.tocsc()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, n, chunk):
        similar = (x[start : start + chunk] @ xt).tocoo()
        keep = similar.data >= threshold - 1e-6
        rows.append(similar.row[keep] + start)
        cols.append(similar.col[keep])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    graph = sparse.coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return [f"dup-{label}" for label in labels.tolist()]


@dataclass(frozen=True)
class Split:
    """Row positions of one train/test split and the groups it respected."""

    train_index: np.ndarray
    test_index: np.ndarray
    kind: str  # "grouped" or "stratified"
    groups: list[str] | None  # the groups used (corpus groups or near-duplicate clusters), if any
    group_source: str  # "corpus", "near-duplicate clusters" or "none"

    def groups_in_both(self) -> set[str]:
        """Groups with rows on both sides (empty for a grouped split)."""
        if self.groups is None:
            return set()
        train_groups = {self.groups[i] for i in self.train_index.tolist()}
        return train_groups & {self.groups[i] for i in self.test_index.tolist()}


def split_dataset(
    dataset: Dataset, *, split: str = "grouped", seed: int = 0, test_size: float = TEST_SIZE
) -> Split:
    """Split ``dataset`` about 80/20, stratified by label.

    ``grouped``: the first fold of a seeded :class:`~sklearn.model_selection.StratifiedGroupKFold` with
    ``round(1 / test_size)`` folds, on the dataset's groups or, when it has none, on
    :func:`near_duplicate_groups`. ``stratified``: :func:`~sklearn.model_selection.train_test_split`.
    """
    y = np.asarray(dataset.labels)
    if split == "stratified":
        train_index, test_index = train_test_split(
            np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
        )
        return Split(
            np.sort(train_index),
            np.sort(test_index),
            "stratified",
            dataset.groups,
            "corpus" if dataset.groups is not None else "none",
        )
    if split != "grouped":
        raise DataError(
            f"unknown split {split!r}; expected 'grouped' or 'stratified'",
            f"pembagian {split!r} tidak dikenal; seharusnya 'grouped' atau 'stratified'",
        )
    if dataset.groups is not None:
        groups, source = list(dataset.groups), "corpus"
    else:
        groups, source = near_duplicate_groups(dataset.texts), "near-duplicate clusters"
    n_splits = max(2, round(1 / test_size))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    train_index, test_index = next(splitter.split(np.zeros(len(y)), y, groups))
    return Split(np.sort(train_index), np.sort(test_index), "grouped", groups, source)
