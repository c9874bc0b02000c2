"""All the cores: score batches on a pool of processes, each loading the model once.

:class:`PoolScorer` keeps the output in input order and its memory constant: at most ``2 × jobs``
batches are in flight, and reading waits while they are. A file of one batch is scored in this
process (starting processes would cost more than it saves).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from screener.errors import ScreenerError
from screener.scorefile import Batch, LocalScorer, format_batch

__all__ = ["PoolScorer", "check_jobs", "default_jobs"]

# The model of this worker process, loaded once by the pool's initializer.
_screener: Any = None


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_jobs(jobs: int | None) -> int:
    """``None`` means all cores; anything below 1 is refused."""
    if jobs is None:
        return default_jobs()
    if jobs < 1:
        raise ScreenerError(
            f"--jobs must be 1 or more (got {jobs}); leave it out to use all {default_jobs()} cores",
            f"--jobs harus 1 atau lebih (bukan {jobs}); tanpa --jobs semua {default_jobs()} inti dipakai",
        )
    return jobs


def _load(model: str | None) -> None:
    global _screener
    from screener.assessment import Screener

    _screener = Screener(model)


def _score(batch: Batch) -> list[str]:
    return format_batch(_screener, batch)


def _context() -> Any:
    # fork starts a worker in milliseconds and this CLI process holds no threads or model yet;
    # elsewhere (macOS, Windows) the platform's safe default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


class PoolScorer:
    """Scores batches on ``jobs`` processes, in order, with at most ``2 × jobs`` batches in flight."""

    def __init__(self, model: str | Path | None = None, *, jobs: int | None = None) -> None:
        from screener.model import default_model_path

        self.jobs = check_jobs(jobs)
        # Resolved once here, so every process loads the same model even if models/DEFAULT moves.
        self.model = str(model) if model is not None else str(default_model_path())

    def map(self, batches: Iterable[Batch]) -> Iterator[list[str]]:
        it = iter(batches)
        first = next(it, None)
        if first is None:
            return
        second = next(it, None)
        if second is None or self.jobs == 1:
            local = LocalScorer(self.model)
            yield from local.map([first] if second is None else _chain(first, second, it))
            return
        window = 2 * self.jobs
        with ProcessPoolExecutor(
            self.jobs, mp_context=_context(), initializer=_load, initargs=(self.model,)
        ) as pool:
            pending: deque[Future[list[str]]] = deque()
            source = _chain(first, second, it)
            while True:
                try:
                    batch = next(source)
                except StopIteration:
                    break
                except ScreenerError:
                    # A bad record: write what was read before it, then report it.
                    while pending:
                        yield _result(pending.popleft())
                    raise
                pending.append(pool.submit(_score, batch))
                if len(pending) >= window:
                    yield _result(pending.popleft())
            while pending:
                yield _result(pending.popleft())


def _result(future: Future[list[str]]) -> list[str]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise ScreenerError(
            f"a scoring process died ({exc}); is the machine out of memory? try fewer --jobs",
            f"proses penilai mati ({exc}); memori habis? coba --jobs lebih kecil",
        ) from None


def _chain(first: Batch, second: Batch, rest: Iterator[Batch]) -> Iterator[Batch]:
    yield first
    yield second
    yield from rest
