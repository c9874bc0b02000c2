"""Concurrent requests' texts are assessed together (``service.batching``), each getting exactly the
assessment it would get alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from screener import Assessment, Screener
from screener.datasets import load_corpus
from service import batching
from service.batching import AssessBatcher


class Counting:
    """A real screener that records the batches it is given; ``bad`` texts make it raise."""

    def __init__(self, screener: Screener, bad: str | None = None) -> None:
        self.screener = screener
        self.bad = bad
        self.batches: list[list[str]] = []

    def _check(self, texts: Sequence[str]) -> None:
        if self.bad is not None and any(self.bad in text for text in texts):
            raise ValueError(f"cannot assess {self.bad}")

    def assess_many(self, texts: Sequence[str]) -> list[Assessment]:
        self.batches.append(list(texts))
        self._check(texts)
        return self.screener.assess_many(texts)

    def assess(self, text: str) -> Assessment:
        self._check([text])
        return self.screener.assess(text)


def _run(batcher: AssessBatcher, texts: Sequence[str]) -> list[Any]:
    async def main() -> list[Any]:
        return await asyncio.gather(*(batcher.assess(text) for text in texts), return_exceptions=True)

    return asyncio.run(main())


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return load_corpus().texts[:300]


def test_a_burst_is_one_batch_with_each_ads_own_assessment(screener: Screener, texts: list[str]) -> None:
    counting = Counting(screener)
    burst = texts[:20]
    results = _run(AssessBatcher(lambda: counting), burst)  # type: ignore[arg-type, return-value]
    assert counting.batches == [burst]
    assert [r.to_dict() for r in results] == [screener.assess(text).to_dict() for text in burst]


def test_a_lone_request_is_assessed_alone(screener: Screener, texts: list[str]) -> None:
    counting = Counting(screener)
    batcher = AssessBatcher(lambda: counting)  # type: ignore[arg-type, return-value]
    for text in texts[:3]:
        assert _run(batcher, [text])[0].to_dict() == screener.assess(text).to_dict()
    assert counting.batches == [[text] for text in texts[:3]]


def test_a_large_burst_is_split_in_order(screener: Screener, texts: list[str]) -> None:
    counting = Counting(screener)
    burst = texts[:75]
    results = _run(AssessBatcher(lambda: counting), burst)  # type: ignore[arg-type, return-value]
    assert [len(batch) for batch in counting.batches] == [32, 32, 11]
    assert [text for batch in counting.batches for text in batch] == burst
    assert [r.to_dict() for r in results] == [screener.assess(text).to_dict() for text in burst]


def test_a_batch_holds_the_loop_for_a_bounded_number_of_characters(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batching, "MAX_BATCH_CHARS", 1000)
    counting = Counting(screener)
    burst = ["Lowongan admin gudang di Bekasi, gaji UMK. " * 10] * 5  # 430 characters each
    _run(AssessBatcher(lambda: counting), burst)  # type: ignore[arg-type, return-value]
    assert [len(batch) for batch in counting.batches] == [2, 2, 1]
    monkeypatch.setattr(batching, "MAX_BATCH_CHARS", 10)
    counting.batches.clear()
    _run(AssessBatcher(lambda: counting), burst[:2])  # type: ignore[arg-type, return-value]
    assert [len(batch) for batch in counting.batches] == [1, 1]  # a long text still goes, alone


def test_a_failing_text_fails_only_its_own_request(screener: Screener, texts: list[str]) -> None:
    counting = Counting(screener, bad="BOOM")
    burst = [texts[0], "BOOM " + texts[1], texts[2]]
    results = _run(AssessBatcher(lambda: counting), burst)  # type: ignore[arg-type, return-value]
    assert isinstance(results[1], ValueError)
    assert results[0].to_dict() == screener.assess(texts[0]).to_dict()
    assert results[2].to_dict() == screener.assess(texts[2]).to_dict()


def test_a_cancelled_request_is_not_assessed(screener: Screener, texts: list[str]) -> None:
    counting = Counting(screener)
    batcher = AssessBatcher(lambda: counting)  # type: ignore[arg-type, return-value]

    async def main() -> Assessment:
        gone = asyncio.ensure_future(batcher.assess(texts[0]))
        kept = asyncio.ensure_future(batcher.assess(texts[1]))
        await asyncio.sleep(0)  # both are waiting now
        gone.cancel()
        return await kept

    assert asyncio.run(main()).to_dict() == screener.assess(texts[1]).to_dict()
    assert counting.batches == [[texts[1]]]


def test_a_swapped_model_serves_the_next_batch(screener: Screener, texts: list[str]) -> None:
    first, second = Counting(screener), Counting(screener)
    current = [first]
    batcher = AssessBatcher(lambda: current[0])  # type: ignore[arg-type, return-value]
    _run(batcher, texts[:2])
    current[0] = second
    _run(batcher, texts[2:4])
    assert first.batches == [texts[:2]] and second.batches == [texts[2:4]]


def test_assessments_do_not_depend_on_the_batch(screener: Screener, texts: list[str]) -> None:
    """Every ad's assessment in batches of 1 to 32 ads (both of the scorer's paths: up to 8 rows
    without scipy, more with it) is its assessment alone."""
    alone = [screener.assess(text).to_dict() for text in texts]
    start, size = 0, 1
    while start < len(texts):
        batch = texts[start : start + size]
        assert [a.to_dict() for a in screener.assess_many(batch)] == alone[start : start + size]
        start, size = start + size, size % 32 + 1


def test_the_app_tunes_its_process_for_bulk_assessment(make_service: Any) -> None:
    import gc

    from screener.runtime import BULK_GC_THRESHOLDS

    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        make_service()
        assert gc.get_threshold() == BULK_GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
