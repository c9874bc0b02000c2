"""Benchmark: where one scoring worker's CPU goes, per ad, stage by stage.

Runs ``bench_queue.py``'s SQLite (or PostgreSQL) pass with one in-process worker (``--workers 1``: the same
``ScoringWorker.run_once`` as every worker process) on N generated ads (corpus texts reposted with new
digits and emoji), with each stage's CPU time (``time.process_time``, this process) summed by a timer
wrapped around its function. Stages nest: ``score_rows`` (outside the write lock) contains
``assess_many``, ``sketch_many`` and ``prepare``, and what is left of it is ``to_dict`` and
``json.dumps``; ``record_scored`` (the write transaction, serialized across processes on SQLite) contains
``assign_clusters``, ``enqueue``, ``mark_scored`` and ``insert_assessments``. ``total`` is the whole
run's CPU (ingest included). Compare checkouts with ``PYTHONPATH=<checkout>``, run from outside them,
back to back: the figures move by some percent between runs on a shared machine.

    python bench/bench_worker_stages.py [--n 20000] [--chunk 500] [--postgres]

``--postgres``: the same on the local PostgreSQL (``bench_queue.PG_URL``, in a scratch schema). The
figures are this process's CPU only: the server's own work on the statements is not in them.

The last line is ``key=value`` pairs in µs per ad.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The queue benchmark beside this file: its generated ads and its run.
import bench_queue

from screener import Screener
from screener.model import default_model_path
from screener.runtime import tune_for_bulk_assessment
from service import worker
from service.store import campaigns, chunk_rows

STAGES: list[tuple[Any, str]] = [
    (worker, "score_rows"),
    (worker, "sketch_many"),
    (campaigns, "prepare"),
    (campaigns, "pending_ads"),
    (campaigns, "record_scored"),
    (campaigns, "_assign_clusters"),
    (campaigns, "_enqueue"),
    (chunk_rows, "mark_scored"),
    (chunk_rows, "insert_assessments"),
]


def _timed(spent: defaultdict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started

    return timed


def _database(folder: str, postgres: bool) -> AbstractContextManager[str]:
    """A SQLite file in ``folder``, or a scratch schema of the local PostgreSQL (dropped after)."""
    return bench_queue.scratch_postgres() if postgres else nullcontext(f"sqlite:///{folder}/bench.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument(
        "--postgres", action="store_true", help="the local PostgreSQL (a scratch schema) instead of SQLite"
    )
    args = parser.parse_args()
    tune_for_bulk_assessment()  # as the worker processes do
    texts = bench_queue.generate(args.n)
    screener = Screener(default_model_path())
    screener.assess(texts[0])
    spent: defaultdict[str, float] = defaultdict(float)
    screener.assess_many = _timed(spent, "assess_many", screener.assess_many)  # type: ignore[method-assign]
    for module, name in STAGES:  # looked up by name at each call, so the wrapper is what runs
        setattr(module, name, _timed(spent, name.lstrip("_"), getattr(module, name)))
    with tempfile.TemporaryDirectory() as folder, _database(folder, args.postgres) as url:
        started = time.process_time()
        bench_queue.run(url, texts, screener, args.chunk, Path(folder))
        spent["total"] = time.process_time() - started
    figures = {name: seconds / len(texts) * 1e6 for name, seconds in spent.items()}
    for name, value in sorted(figures.items(), key=lambda item: -item[1]):
        print(f"  {name:20s} {value:7.1f} µs/ad")
    print(" ".join(f"{name}={value:.1f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
