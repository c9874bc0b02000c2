"""Cutting rows laid one after another into runs of whole rows, for sorting a batch a few rows at a time.

The n-gram rows (:mod:`screener.ngrams`) and the top terms (:mod:`screener.term_ranking`) both sort a
batch whose rows lie one after another. NumPy sorts a few hundred values several times cheaper per
value than the tens of thousands of a whole batch (on this project's AMD machines, uint32 keys at
~4 ns against ~21-26 ns, float64 ``argsort`` at ~22 against ~62 ns), so both sort runs of whole
rows instead, when that gives what they need.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["SORT_RUN", "row_runs"]

# A run holds at most this many values, unless one row alone has more.
SORT_RUN = 512


def row_runs(ends: Iterable[int], limit: int = SORT_RUN) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive runs of whole rows, row ``r`` ending at ``ends[r]`` (the last
    end is the number of values), each run at most ``limit`` values unless it is a single row; the
    runs cover every value in order."""
    runs = []
    first = last = 0
    for end in ends:
        if end - first > limit and last > first:
            runs.append((first, last))
            first = last
        last = end
    runs.append((first, last))
    return runs
