"""The bulk-assessment garbage-collector settings: set by the processes that assess in bulk only."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from screener.runtime import BULK_GC_THRESHOLDS, tune_for_bulk_assessment


@pytest.fixture
def restored_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_tuning_sets_the_bulk_thresholds(restored_thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)
    tune_for_bulk_assessment()
    assert gc.get_threshold() == BULK_GC_THRESHOLDS
    assert BULK_GC_THRESHOLDS[0] > 700 and gc.isenabled()  # rarer passes, never switched off


def _thresholds_after(code: str) -> tuple[int, ...]:
    out = subprocess.run(
        [sys.executable, "-c", f"import gc\n{code}\nprint(*gc.get_threshold())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return tuple(int(x) for x in out[-3:])


def test_importing_the_library_keeps_the_applications_settings() -> None:
    assert _thresholds_after("import screener\nfrom screener import Screener") == (700, 10, 10)


def test_the_screener_command_tunes_its_process() -> None:
    code = "from screener.cli import main\nmain(['indicators'])"
    assert _thresholds_after(code) == BULK_GC_THRESHOLDS
