"""row_runs cuts rows laid one after another into runs of whole rows that cover every value in order,
each at most the limit unless it is a single row."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from screener.row_runs import row_runs


@given(st.lists(st.integers(0, 40), max_size=60), st.integers(1, 64))
def test_runs_are_whole_rows_covering_everything_within_the_limit(counts: list[int], limit: int) -> None:
    ends = list(itertools.accumulate(counts))
    runs = row_runs(ends, limit)
    assert runs[0][0] == 0 and runs[-1][1] == (ends[-1] if ends else 0)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(runs))
    boundaries = {0, *ends}
    for start, stop in runs:
        assert start in boundaries and stop in boundaries
        rows_inside = len({end for end in ends if start < end <= stop})  # non-empty rows
        assert stop - start <= limit or rows_inside <= 1


def test_a_row_longer_than_the_limit_is_a_run_of_its_own() -> None:
    assert row_runs([3, 1003, 1005], limit=512) == [(0, 3), (3, 1003), (1003, 1005)]
