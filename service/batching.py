"""Assessing the texts of concurrent requests together, in one ``Screener.assess_many`` call.

A batch costs the screener about half as much per ad as an ad alone: the model's arithmetic and
NumPy's fixed cost per call are paid once per batch (on the development machine, CPU per ad: 1 ad
~0.87 ms, 8 ads ~0.45 ms, 16 ads ~0.41 ms). Under load, many requests reach scoring while the event
loop is busy with another one; here they wait for the end of that turn of the loop and are assessed
together. A lone request waits for nothing but the rest of the turn it arrived in. Each ad's
assessment is the same whatever it is batched with (``tests/test_same_output.py`` checks batch and
single-ad results alike).

The batch runs on the event loop, as a single short ad did before (see
:data:`service.scoring.INLINE_MAX_CHARS`); :data:`MAX_BATCH_CHARS` bounds how long it holds the loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable

from screener import Assessment, Screener

__all__ = ["MAX_BATCH_ADS", "MAX_BATCH_CHARS", "AssessBatcher"]

MAX_BATCH_ADS = 32  # beyond ~16 ads a batch gets no cheaper per ad
MAX_BATCH_CHARS = 32_768  # about 20 ms of the loop on the development machine

_Pending = list[tuple[str, "asyncio.Future[Assessment]"]]


class AssessBatcher:
    """Assess texts for coroutines on one event loop, in batches of those waiting at once.

    Parameters
    ----------
    screener_of : callable
        Returns the screener to use; read at every batch, so a swapped model is used at once.
    """

    def __init__(self, screener_of: Callable[[], Screener]) -> None:
        self._screener_of = screener_of
        # Per event loop (a test client may run its own): the texts waiting and their futures.
        self._waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pending] = (
            weakref.WeakKeyDictionary()
        )

    async def assess(self, text: str) -> Assessment:
        """The assessment of ``text``, computed with the texts of other requests waiting with it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Assessment] = loop.create_future()
        waiting = self._waiting.get(loop)
        if waiting is None:
            waiting = self._waiting[loop] = []
        if not waiting:  # the first to wait: the batch runs once the loop's current turn is done
            loop.call_soon(self._run, loop)
        waiting.append((text, future))
        return await future

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        waiting = self._waiting.get(loop, [])
        batch, rest = _take(waiting)
        self._waiting[loop] = rest
        if rest:
            loop.call_soon(self._run, loop)
        batch = [(text, future) for text, future in batch if not future.done()]  # cancelled: dropped
        if not batch:
            return
        screener = self._screener_of()
        try:
            results = screener.assess_many([text for text, _ in batch])
        except Exception:
            # One bad text must not fail the others: each is assessed alone, its own error its own.
            for text, future in batch:
                try:
                    future.set_result(screener.assess(text))
                except Exception as error:  # handed to the request that sent the text
                    future.set_exception(error)
            return
        for (_, future), assessment in zip(batch, results, strict=True):
            future.set_result(assessment)


def _take(waiting: _Pending) -> tuple[_Pending, _Pending]:
    """The first batch of ``waiting`` (at least one text; at most :data:`MAX_BATCH_ADS` texts and,
    beyond the first, :data:`MAX_BATCH_CHARS` characters) and the rest."""
    chars = 0
    for count, (text, _) in enumerate(waiting[:MAX_BATCH_ADS]):
        chars += len(text)
        if count and chars > MAX_BATCH_CHARS:
            return waiting[:count], waiting[count:]
    return waiting[:MAX_BATCH_ADS], waiting[MAX_BATCH_ADS:]
