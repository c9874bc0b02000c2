"""Ranking the word n-grams that moved the model most, for a whole batch of ads at once.

:meth:`screener.assessment.Screener._top_terms` shows each ad's top terms; ranking every row of a
batch in a few array operations costs less than a sort per row, and gives exactly the per-row
choice (see :func:`rank_top_terms` for when that is certain; the other rows keep the per-row code).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screener.row_runs import row_runs

__all__ = ["FEW_VALUES", "RankedTerms", "rank_top_terms", "round_4"]

# Up to this many values, Python's own ``round`` per value beats NumPy's cost per call.
FEW_VALUES = 8


@dataclass(frozen=True, slots=True)
class RankedTerms:
    """Every row's terms, ranked for a whole batch: see :func:`rank_top_terms`."""

    entries: np.ndarray  # the terms' entries (positions among the batch's readable entries), row by row
    weights: list[float]  # their weights, rounded as ``TopTerm`` shows them, in the same order
    ends: list[int]  # row i's terms are entries[ends[i - 1]:ends[i]] (from 0 for the first row)
    unsure: list[int]  # rows left out (no entries): their terms depend on the order of ties


def rank_top_terms(contributions: np.ndarray, counts: np.ndarray, k: int) -> RankedTerms:
    """What :meth:`screener.assessment.Screener._row_terms` picks for every row at once, for the rows where that is certain.

    ``contributions`` holds the rows' entries one row after the other, ``counts[i]`` of row i. The
    per-row code sorts a row with ``np.argsort`` (not stable), takes the ``k`` last entries backwards
    and the ``k`` first (each entry once), drops those with ``-1e-3 < value < 1e-3``, rounds to 4
    places and sorts stably by descending weight. When no entry it keeps has an exactly equal value
    in its row, each kept entry's place in ascending order is the same in every sort (the number of
    entries below it), so the choice and the order below are exactly the per-row code's. Rows where a
    kept entry has an equal are returned as ``unsure``.
    """
    n_rows = len(counts)
    order = _by_row_then_value(contributions, counts)
    values = contributions[order]
    row_of = np.repeat(np.arange(n_rows), counts)
    size = counts[row_of]
    position = np.arange(len(values)) - (np.cumsum(counts) - counts)[row_of]  # place in its row, ascending
    top = position >= size - k
    shown = (top | (position < k)) & ~((values > -1e-3) & (values < 1e-3))
    same = (values[1:] == values[:-1]) & (row_of[1:] == row_of[:-1])
    tied = np.zeros(len(values), dtype=bool)
    tied[1:] = same
    tied[:-1] |= same
    unsure_rows = np.zeros(n_rows, dtype=bool)
    unsure_rows[row_of[(tied & shown) | np.isnan(values)]] = True
    shown &= ~unsure_rows[row_of]
    kept = np.flatnonzero(shown)
    # The per-row code's choice order: the top k backwards first, then the bottom k forwards.
    choice = np.where(top[kept], size[kept] - 1 - position[kept], k + position[kept])
    rounded = round_4(values[kept])
    final = _by_descending_weight(rounded, row_of[kept], choice, n_rows, k)
    ends = np.cumsum(np.bincount(row_of[kept], minlength=n_rows))
    return RankedTerms(
        order[kept][final], rounded[final].tolist(), ends.tolist(), np.flatnonzero(unsure_rows).tolist()
    )


def round_4(values: np.ndarray) -> np.ndarray:
    """``round(value, 4)`` of every value, bit for bit, without a decimal string per value.

    Python rounds the exact binary value to 4 decimals (half to even) and reads that decimal back:
    ``D / 10**4`` correctly rounded, for the integer ``D`` nearest to ``value * 10**4``. Below
    ``2**30`` the product ``value * 10000.0`` is within ``2**-23`` of the exact one, so when it is
    more than ``1e-6`` away from a half, ``rint`` of it is ``D``, and ``D / 10000.0`` (two exact
    doubles, one correctly rounded division) is Python's result. The rest (near a half, huge or
    not finite) are left to ``round``. A handful of values are rounded by ``round`` directly.
    """
    if len(values) <= FEW_VALUES:
        return np.asarray([round(value, 4) for value in values.tolist()], dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # inf and nan go to ``round`` below
        scaled = values * 10000.0
        clear = (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6) & (np.abs(scaled) < 2.0**30)
        rounded = np.rint(scaled) / 10000.0
    for i in np.flatnonzero(~clear).tolist():
        rounded[i] = round(float(values[i]), 4)
    return rounded


def _by_row_then_value(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The order of the entries by row, then by ascending value (equal values in any order).

    ``values`` lists the rows one after the other, so a stable sort of the row numbers keeps the
    value order within each row; row numbers of 8 or 16 bits sort by NumPy's radix sort.
    """
    if len(counts) == 1:
        return np.argsort(values)
    order = _argsort_in_runs(values, counts)
    rows = np.repeat(np.arange(len(counts), dtype=np.min_scalar_type(len(counts))), counts)
    return order[np.argsort(rows[order], kind="stable")]


def _argsort_in_runs(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """An order of ``values`` by ascending value within runs of whole rows
    (:func:`~screener.row_runs.row_runs`; rows one after the other, ``counts[i]`` values in row i), the
    runs in row order: after a stable sort by row, each row's values ascend as after one
    ``np.argsort`` of them all (equal values in any order, NaN last)."""
    order = np.empty(len(values), dtype=np.intp)
    for first, stop in row_runs(np.cumsum(counts).tolist()):
        part = np.argsort(values[first:stop])
        part += first
        order[first:stop] = part
    return order


def _by_descending_weight(
    weights: np.ndarray, rows: np.ndarray, choice: np.ndarray, n_rows: int, k: int
) -> np.ndarray:
    """The order of the chosen entries (by row, ascending value) by row, descending weight, then
    choice order: the per-row code's stable sort by ``-weight`` of the list in choice order.

    Rounding keeps the order, so the entries of one row with one weight sit together: each such run
    gets a number, the runs of a row are numbered backwards, and a run number times ``2k`` plus the
    choice rank (below ``2k``) is a key no two entries share.
    """
    if len(weights) == 0:
        return np.zeros(0, dtype=np.int64)
    starts_run = np.ones(len(weights), dtype=bool)
    starts_run[1:] = (weights[1:] != weights[:-1]) | (rows[1:] != rows[:-1])
    run = np.cumsum(starts_run) - 1
    counts = np.bincount(rows, minlength=n_rows)
    last = np.cumsum(counts) - 1
    first = last - counts + 1
    first_run, last_run = run[first.clip(0, len(run) - 1)], run[last.clip(0, len(run) - 1)]
    backwards = first_run[rows] + last_run[rows] - run
    return np.argsort(backwards * (2 * k) + choice)
