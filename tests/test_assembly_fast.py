"""The batch-wide shortcuts of building assessments give exactly what the row-by-row code gives.

:meth:`Screener._top_terms` ranks a whole batch at once and leaves to :meth:`Screener._row_terms`
(the per-row code) only the rows whose terms depend on how ``np.argsort`` orders equal values. Rows
made up here stress that: many exactly equal contributions (columns sharing a coefficient, equal
values), weights that round alike, rows shorter than ``2k`` and empty rows. The corpus itself goes
through tests/test_same_output.py.
"""

from __future__ import annotations

import copy
import math
from itertools import pairwise

import numpy as np
import pytest
from reference.assessment_old import ReferenceScreener
from reference.features_old import modus_row
from reference.scoring_old import LinearScorer as ReferenceScorer

from screener.assessment import _FEW_ROWS, IndicatorResult, Screener, TopTerm, _top_term
from screener.catalogue import catalogue
from screener.datasets import load_corpus
from screener.features import ModusFeatures
from screener.indicators import Evidence, Findings, IndicatorHit, detect
from screener.scoring import SparseRows
from screener.term_ranking import round_4
from screener.vocabulary import Scope, Tier


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
    for n_rows in (1, 5, 9, 300):
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


def test_features_of_small_batches_are_the_old_ones(screener: Screener) -> None:
    # tests/test_same_output.py compares batches of 256; one ad (assess()) takes its own path.
    model = screener.model
    old = ReferenceScorer(model.pipeline, model.category_model, model.scope_model)
    findings = [detect(text) for text in (*load_corpus().texts[:200], "x", "gaji 15jt tanpa pengalaman")]
    for size in (1, 2, 3):
        for start in range(0, len(findings), size):
            batch = findings[start : start + size]
            new_x, old_x = screener._scorer.features(batch), old.features(batch)
            assert new_x.width == old_x.width
            for part in ("indptr", "indices", "data"):
                a, b = getattr(new_x, part), getattr(old_x, part)
                assert a.dtype == b.dtype and np.array_equal(a, b), part


def _modus(screener: Screener) -> ModusFeatures:
    block = screener._scorer.blocks[-1]
    assert isinstance(block.transformer, ModusFeatures)
    return block.transformer


def _dense_entries(modus: ModusFeatures, f: Findings) -> tuple[list[int], list[float]]:
    """The scaled dense row's non-zeros, as the modus block used to find them."""
    with np.errstate(invalid="ignore"):  # zero times inf
        scaled = np.asarray(modus_row(modus, f), dtype=np.float64) * modus.scale
    columns = np.flatnonzero(scaled)
    return columns.tolist(), scaled[columns].tolist()


@pytest.mark.parametrize("scale", [None, 0.37, 3, math.inf])
def test_modus_entries_are_the_scaled_rows_non_zeros(screener: Screener, scale: float | None) -> None:
    modus = copy.copy(_modus(screener))
    if scale is not None:
        modus.scale = scale
    findings = [detect(text) for text in (*load_corpus().texts[:400], "x", "K4MB0JA!!! wa +855")]
    for f in findings:
        assert modus.row(f) == modus_row(modus, f)
        columns, values = modus.entries(f)
        dense_columns, dense_values = _dense_entries(modus, f)
        assert columns == dense_columns
        assert np.array_equal(np.asarray(values), np.asarray(dense_values), equal_nan=True)


def test_modus_entries_of_a_model_fitted_with_fewer_features(screener: Screener) -> None:
    modus = copy.copy(_modus(screener))
    modus.feature_names_ = modus.feature_names_[:-3]  # the last three features did not exist yet
    for f in (detect(text) for text in load_corpus().texts[:300]):
        assert len(modus.row(f)) == len(modus.feature_names_)
        assert modus.entries(f) == _dense_entries(modus, f)


def test_round_4_is_pythons_round_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    halves = (rng.integers(-(10**6), 10**6, size=20_000) + 0.5) / 10_000
    values = np.concatenate(
        [
            *(rng.normal(size=20_000) * scale for scale in (1e-3, 0.1, 1.0, 100.0)),
            halves,
            np.nextafter(halves, np.inf),
            np.nextafter(halves, -np.inf),
            [0.0, -0.0, 1e-3, -1e-3, 0.00015, 0.00025, 2.675, 1.00005, -1.00005, 1e20, -1e-20, 2.0**30 / 1e4],
            [np.inf, -np.inf, np.nan],
        ]
    )
    for size in (3, len(values)):  # a handful goes through round() itself
        rounded = round_4(values[-size:])
        expected = np.asarray([round(value, 4) for value in values[-size:].tolist()])
        assert np.array_equal(rounded.view(np.int64), expected.view(np.int64))


def test_categories_of_a_few_rows_are_the_batch_ones(screener: Screener) -> None:
    rng = np.random.default_rng(1)
    n_categories = len(screener._categories)
    proba = rng.choice([0.0, 0.1, 0.25, 0.5], size=(300, n_categories))  # many ties
    proba[7, 2] = np.nan
    scopes = [[Scope.OFFER, Scope.NOT_OFFER][i] for i in rng.integers(0, 2, size=300).tolist()]
    tiers = [list(Tier)[i] for i in rng.integers(0, len(Tier), size=300).tolist()]
    batch = screener._categories_of(proba, scopes, tiers)
    assert len(batch) > _FEW_ROWS
    few = [
        category
        for start in range(0, 300, 3)
        for category in screener._categories_of(
            proba[start : start + 3], scopes[start : start + 3], tiers[start : start + 3]
        )
    ]
    assert few == batch


def test_single_ads_and_small_batches_are_assessed_as_before(screener: Screener) -> None:
    # tests/test_same_output.py compares batches of 256; one ad and a few take the per-row paths.
    reference = ReferenceScreener(screener.model)
    texts = [*load_corpus().texts[:150:3], "x", "gaji 15jt tanpa pengalaman", "K4MB0JA!!! wa +855"]
    for size in (1, 3):
        for start in range(0, len(texts), size):
            batch = texts[start : start + size]
            new, old = screener.assess_many(batch), reference.assess_many(batch)
            assert new == old, batch[0][:80]
            assert [a.to_dict() for a in new] == [a.to_dict() for a in old]
    assert screener.assess(texts[0]) == reference.assess(texts[0])
