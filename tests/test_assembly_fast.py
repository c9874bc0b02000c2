"""The batch-wide shortcuts of building assessments give exactly what the row-by-row code gives.

:meth:`Screener._top_terms` ranks a whole batch at once and leaves to :meth:`Screener._row_terms`
(the per-row code) only the rows whose terms depend on how ``np.argsort`` orders equal values. Rows
made up here stress that: many exactly equal contributions (columns sharing a coefficient, equal
values), weights that round alike, rows shorter than ``2k`` and empty rows. The corpus itself goes
through tests/test_same_output.py.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from screener.assessment import IndicatorResult, Screener, TopTerm, _top_term
from screener.catalogue import catalogue
from screener.datasets import load_corpus
from screener.indicators import Evidence, IndicatorHit, detect
from screener.scoring import SparseRows


def _row_by_row(screener: Screener, x: SparseRows, k: int) -> list[tuple[TopTerm, ...]]:
    keep = screener._readable[x.indices]
    indices = x.indices[keep]
    contributions = x.data[keep] * screener._coef[indices]
    bounds = np.zeros(x.n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(x.row_ids()[keep], minlength=x.n_rows), out=bounds[1:])
    return [screener._row_terms(indices[a:b], contributions[a:b], k) for a, b in pairwise(bounds.tolist())]


def _crafted_rows(screener: Screener, seed: int, n_rows: int) -> SparseRows:
    """Rows of readable columns (many sharing a coefficient) and other columns, values from a small set."""
    rng = np.random.default_rng(seed)
    readable = np.flatnonzero(screener._readable)
    _, inverse, counts = np.unique(screener._coef[readable], return_inverse=True, return_counts=True)
    shared = readable[np.argsort(-counts[inverse], kind="stable")]  # the biggest groups first
    unreadable = np.flatnonzero(~screener._readable)
    pool = np.unique(np.concatenate([shared[:200], readable[:200], unreadable[:50]]))
    indptr, indices, data = [0], [], []
    for _ in range(n_rows):
        size = int(rng.choice([0, 1, 2, 5, 11, 12, 13, 30, 120]))
        columns = rng.choice(pool, size=size, replace=False)
        values = rng.choice([0.05, 0.1, 0.1000001, 0.2, 1 / 3, 0.5, 1.0], size=size)
        indices.extend(columns.tolist())
        data.extend(values.tolist())
        indptr.append(len(indices))
    return SparseRows(
        np.asarray(indptr, dtype=np.int64),
        np.asarray(indices, dtype=np.int64),
        np.asarray(data, dtype=np.float64),
        len(screener._names),
    )


@pytest.mark.parametrize("k", [1, 3, 6])
@pytest.mark.parametrize("seed", range(4))
def test_batch_top_terms_are_the_row_by_row_terms(screener: Screener, k: int, seed: int) -> None:
    for n_rows in (1, 9, 300):
        x = _crafted_rows(screener, seed, n_rows)
        fast, slow = screener._top_terms(x, k), _row_by_row(screener, x, k)
        assert fast == slow
        assert {type(t.weight) for row in fast for t in row} <= {float}


def test_batch_top_terms_on_corpus_ads(screener: Screener) -> None:
    findings = [detect(text) for text in load_corpus().texts[:600]]
    x = screener._scorer.features(findings)
    for k in (2, 6):
        assert screener._top_terms(x, k) == _row_by_row(screener, x, k)


def test_fast_constructors_make_the_dataclass_objects() -> None:
    assert _top_term("gaji besar", 0.1234) == TopTerm("gaji besar", 0.1234)
    assert hash(_top_term("a", -1.0)) == hash(TopTerm("a", -1.0))
    indicator = catalogue()[0]
    hit = IndicatorHit(indicator, (Evidence(0, 4, "gaji"),))
    public = indicator.to_dict()
    made = IndicatorResult.from_hit(hit)
    assert made == IndicatorResult(
        **{name: public[name] for name in IndicatorResult.__dataclass_fields__ if name != "evidence"},
        evidence=({"start": 0, "end": 4, "text": "gaji"},),
    )
    assert made.to_dict()["evidence"] == [{"start": 0, "end": 4, "text": "gaji"}]
