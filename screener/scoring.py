"""The fitted model's arithmetic, without scikit-learn's per-call overhead.

Scoring one ad through ``Pipeline.predict_proba`` spends most of its time in input validation and
dispatch (``check_array``, dataframe detection, joblib), not in arithmetic. :class:`LinearScorer`
reads the fitted parameters once - vocabularies, idf weights, coefficients, the sigmoid calibration
and the category model - and computes the same numbers directly. ``tests/test_scoring.py`` checks
that it agrees with the pipeline; the pipeline stays the model of record (training, persistence,
evaluation), this is only its fast evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from screener.features import ModusFeatures
from screener.indicators import Findings
from screener.ngrams import HashedTfidf

__all__ = ["LinearScorer", "SparseRows"]


@dataclass(frozen=True, slots=True)
class SparseRows:
    """Feature rows in CSR form as plain arrays (cheaper than a scipy matrix for a handful of rows)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.indptr[i], self.indptr[i + 1]
        return self.indices[a:b], self.data[a:b]

    def row_ids(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def to_csr(self) -> sparse.csr_matrix:
        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=(self.n_rows, self.width))


class _TfidfBlock:
    """``TfidfVectorizer.transform`` for a fitted vectoriser with l2 norm, idf and sublinear tf."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.binary:
            raise ValueError("only l2-normalised idf vectorisers are supported")
        self.analyzer = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.width = len(self.vocabulary)

    def transform(self, docs: Sequence[Findings]) -> SparseRows:
        vocabulary = self.vocabulary
        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        for doc in docs:
            row: dict[int, int] = {}
            for term in self.analyzer(doc):
                j = vocabulary.get(term)
                if j is not None:
                    row[j] = row.get(j, 0) + 1
            indices.extend(row)
            counts.extend(row.values())
            indptr.append(len(indices))
        data = np.asarray(counts, dtype=np.float64)
        cols = np.asarray(indices, dtype=np.int64)
        pointers = np.asarray(indptr, dtype=np.int64)
        if self.sublinear:
            np.log(data, out=data)
            data += 1.0
        data *= self.idf[cols]
        rows = np.repeat(np.arange(len(docs)), np.diff(pointers))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(docs)))
        norms[norms == 0] = 1.0
        data /= norms[rows]
        return SparseRows(pointers, cols, data, self.width)


class _HashedBlock:
    """:class:`~screener.ngrams.HashedTfidf` rows as :class:`SparseRows` (its own code: already fast)."""

    def __init__(self, transformer: HashedTfidf) -> None:
        self.transformer = transformer
        self.width = len(transformer.buckets_)

    def transform(self, docs: Sequence[Findings]) -> SparseRows:
        indptr, indices, data = self.transformer.rows(docs)
        return SparseRows(indptr, indices, data, self.width)


class _ModusBlock:
    def __init__(self, transformer: ModusFeatures) -> None:
        self.transformer = transformer
        self.width = len(transformer.feature_names_)

    def transform(self, docs: Sequence[Findings]) -> SparseRows:
        """The rows' non-zero scaled features (:meth:`ModusFeatures.entries`): what scaling the dense
        rows and keeping their non-zeros gave, row by row, columns ascending."""
        indptr, indices, data = [0], [], []
        for f in docs:
            columns, values = self.transformer.entries(f)
            indices += columns
            data += values
            indptr.append(len(indices))
        return SparseRows(
            np.asarray(indptr, dtype=np.int64),
            np.asarray(indices, dtype=np.int64),
            np.asarray(data, dtype=np.float64),
            self.width,
        )


def _hstack(blocks: list[SparseRows], n_rows: int) -> SparseRows:
    """The blocks side by side: each row holds its entries of block 0, then of block 1, and so on.

    Every entry goes straight to its place: entry ``e`` of a block, in row ``r``, moves by the same
    shift as every other entry of that block and row (the row's start in the result, plus the row's
    entries in the earlier blocks, minus the row's start in the block), so the places are ``arange``
    plus the shifts repeated per row: the arrays a stable sort by row would give, unsorted. One row
    is just the blocks one after the other.
    """
    columns, offset = [], 0
    for block in blocks:
        columns.append(block.indices + offset)
        offset += block.width
    index_type = np.result_type(*columns)
    data_type = np.result_type(*(block.data for block in blocks))
    if n_rows == 1:
        indices = np.concatenate(columns, dtype=index_type)
        data = np.concatenate([block.data for block in blocks], dtype=data_type)
        return SparseRows(np.asarray([0, len(indices)], dtype=np.int64), indices, data, offset)
    counts = np.stack([np.diff(block.indptr) for block in blocks])  # entries per (block, row)
    pointers = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts.sum(axis=0), out=pointers[1:])
    # Per (block, row): the row's start plus its entries in the earlier blocks (the block's own
    # start in the row is taken off below).
    shifts = pointers[:-1] + (np.cumsum(counts, axis=0) - counts)
    indices = np.empty(int(pointers[-1]), dtype=index_type)
    data = np.empty(int(pointers[-1]), dtype=data_type)
    for block, cols, shift, count in zip(blocks, columns, shifts, counts, strict=True):
        place = np.arange(len(cols)) + np.repeat(shift - block.indptr[:-1], count)
        indices[place] = cols
        data[place] = block.data
    return SparseRows(pointers, indices, data, offset)


_FEW_ROWS = 8  # up to this many rows, the decisions are summed without a scipy matrix


class LinearScorer:
    """Features, calibrated risk and category probabilities straight from the fitted parameters.

    Parameters
    ----------
    pipeline : Pipeline
        The fitted ``detect -> features -> classifier`` pipeline of :func:`screener.model.build_pipeline`.
    category_model : LogisticRegression
        The fitted category model on the same features.
    scope_model : LogisticRegression, optional
        The fitted offer / not-offer model on the same features (class 1 = offer).
    """

    def __init__(
        self,
        pipeline: Pipeline,
        category_model: LogisticRegression,
        scope_model: LogisticRegression | None = None,
    ) -> None:
        union = pipeline.named_steps["features"]
        if union.transformer_weights:
            raise ValueError("transformer weights are not supported")
        self.blocks: list[Any] = []
        for _, transformer in union.transformer_list:
            if isinstance(transformer, HashedTfidf):
                self.blocks.append(_HashedBlock(transformer))
            elif isinstance(transformer, TfidfVectorizer):
                self.blocks.append(_TfidfBlock(transformer))
            elif isinstance(transformer, ModusFeatures):
                self.blocks.append(_ModusBlock(transformer))
            else:
                raise ValueError(f"unsupported feature block {type(transformer).__name__}")
        classifier: CalibratedClassifierCV = pipeline.named_steps["classifier"]
        if len(classifier.calibrated_classifiers_) != 1 or classifier.method != "sigmoid":
            raise ValueError("expected one sigmoid-calibrated classifier (ensemble=False)")
        calibrated = classifier.calibrated_classifiers_[0]
        self.coef = np.asarray(calibrated.estimator.coef_[0], dtype=np.float64)
        self.intercept = float(calibrated.estimator.intercept_[0])
        calibrator = calibrated.calibrators[0]
        self.a, self.b = float(calibrator.a_), float(calibrator.b_)
        self.category_coef = np.asarray(category_model.coef_, dtype=np.float64)
        self.category_coef_t = np.ascontiguousarray(self.category_coef.T)  # one row per feature
        self.category_intercept = np.asarray(category_model.intercept_, dtype=np.float64)
        self.categories = [str(c) for c in category_model.classes_]
        if scope_model is not None:
            self.scope_coef: np.ndarray | None = np.asarray(scope_model.coef_[0], dtype=np.float64)
            self.scope_intercept = float(scope_model.intercept_[0])
        else:
            self.scope_coef, self.scope_intercept = None, 0.0
        # Every model's coefficients side by side (risk, scope, categories): :meth:`predict` does one
        # product for all of them, each column's sums the same as its own product's.
        columns = [self.coef, self.coef if self.scope_coef is None else self.scope_coef]
        self._stacked = np.ascontiguousarray(np.column_stack([*columns, self.category_coef_t]))

    # The decisions are CSR products: scipy adds each row's terms (value times coefficient) in order,
    # starting from zero, the very sums ``np.bincount`` over the rows gave, without gathering a
    # coefficient per entry first (tests/test_same_output.py checks them bit for bit).

    def features(self, findings: Sequence[Findings]) -> SparseRows:
        return _hstack([block.transform(findings) for block in self.blocks], len(findings))

    def risk(self, x: SparseRows) -> np.ndarray:
        return self._risk(x.to_csr() @ self.coef)

    def offer_proba(self, x: SparseRows) -> np.ndarray:
        """Probability that each text is a job offer (1 everywhere without a scope model)."""
        if self.scope_coef is None:
            return np.ones(x.n_rows)
        return self._offer(x.to_csr() @ self.scope_coef)

    def category_proba(self, x: SparseRows) -> np.ndarray:
        return self._categories(x.to_csr() @ self.category_coef_t)

    def predict(self, x: SparseRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`risk`, :meth:`offer_proba` and :meth:`category_proba` from one product: the same
        numbers (a CSR product sums each output column on its own, in the same order), for a third
        of the cost on a small batch, where building the CSR matrix and calling scipy dominate."""
        sums = self._stacked_sums(x)
        offers = np.ones(x.n_rows) if self.scope_coef is None else self._offer(sums[:, 1])
        return self._risk(sums[:, 0]), offers, self._categories(sums[:, 2:])

    def _stacked_sums(self, x: SparseRows) -> np.ndarray:
        """Each row's terms times every model's coefficients, summed in order from zero: by the CSR
        product, or for a handful of rows by ``np.bincount`` per column, which adds in the same order
        and costs less than building a scipy matrix.

        A single row's sums are a running sum down each column (``np.cumsum`` adds strictly in order,
        never pairwise) plus 0.0: the same additions as from zero, since ``0.0 + t`` is ``t`` for every
        ``t`` but -0.0, whose sign the final ``+ 0.0`` drops as a sum from zero would have."""
        if x.n_rows > _FEW_ROWS:
            return x.to_csr() @ self._stacked
        terms = np.take(self._stacked, x.indices, axis=0)  # a row gather: cheaper than fancy indexing
        terms *= x.data[:, None]
        if x.n_rows == 1 and len(terms):
            sums: np.ndarray = np.cumsum(terms, axis=0)[-1:]
            sums += 0.0
            return sums
        rows = x.row_ids()
        return np.column_stack(
            [np.bincount(rows, weights=terms[:, k], minlength=x.n_rows) for k in range(terms.shape[1])]
        )

    def _risk(self, sums: np.ndarray) -> np.ndarray:
        decision = sums + self.intercept
        return 1.0 / (1.0 + np.exp(self.a * decision + self.b))

    def _offer(self, sums: np.ndarray) -> np.ndarray:
        decision = sums + self.scope_intercept
        return 1.0 / (1.0 + np.exp(-decision))

    def _categories(self, sums: np.ndarray) -> np.ndarray:
        scores = sums + self.category_intercept
        if scores.shape[1] == 1:  # a binary category model
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)
