"""Benchmark: full assessment vs the bare classifier, on the project's own corpus.

Prints batch throughput (ads/s) of the ``score-file`` code path (``Screener.iter_assess`` in batches)
and of the bare classifier (``predict_proba`` of the same pipeline, no explanations), measured
interleaved in one run, and the single-ad latency of ``assess()`` (p50/p99). The last line is
``key=value`` pairs; ``ratio`` is the cost of a full assessment over the bare classifier's
(classifier ads/s divided by assessment ads/s: 1.0 = no overhead).

It also prints the full assessment on all cores: ``jobs_ads_per_s`` (a process pool over chunks of
the corpus, the model loaded once per process, results in order) and ``dask_local_ads_per_s`` (the
same chunks on a Dask ``LocalCluster`` with one single-threaded worker process per core, the model
broadcast to the workers once as ``screener.distributed`` does; ``nan`` when dask is not installed).
Both are measured after their workers have loaded the model.

The process first takes the garbage-collector settings the ``screener`` command sets for bulk
assessment (:mod:`screener.runtime`; the forked pool inherits them, and the Dask workers are given them
as ``screener.distributed`` gives its local cluster's workers).

    python bench/bench_assess.py [--rounds 3] [--single 1000] [--jobs N]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from screener.assessment import Screener
from screener.datasets import load_corpus

_worker_screener: Screener | None = None


def _forget_seen_ads() -> None:
    """Clear what the library remembers of ads it has seen (phone numbers parsed in their context), so
    a round over ads already assessed costs what the first round did: every figure here is for ads
    never seen before (a real feed of reposts would hit that cache more often)."""
    try:
        from screener.extract import _phones
    except ImportError:  # a version without that cache (to measure an older checkout)
        return
    _phones._verified.cache_clear()


_model_path: str | None = None  # --model, read by the pool's forked workers


def _load_worker(model_path: str | None = None) -> None:
    global _worker_screener
    _worker_screener = Screener(model_path or _model_path)


def _assess_chunk(texts: list[str]) -> int:
    """Assess one chunk in a worker (the model loaded once per process); returns how many."""
    global _worker_screener
    if _worker_screener is None:
        _load_worker()
    assert _worker_screener is not None
    _forget_seen_ads()
    return len(_worker_screener.assess_many(texts))


def _chunks(texts: list[str], size: int) -> list[list[str]]:
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def jobs_rate(texts: list[str], jobs: int, batch_size: int, rounds: int) -> float:
    """Ads/s of the full assessment over a process pool of ``jobs`` workers (median of ``rounds``)."""
    chunks = _chunks(texts, batch_size)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_load_worker) as pool:
        list(pool.map(_assess_chunk, chunks[:jobs]))  # every worker has loaded the model
        rates = []
        for _ in range(rounds):
            started = time.perf_counter()
            count = sum(pool.map(_assess_chunk, chunks))
            rates.append(count / (time.perf_counter() - started))
    return statistics.median(rates)


def _assess_with(screener: Screener, texts: list[str]) -> int:
    """One Dask task: assess a chunk with the model the cluster holds; returns how many."""
    _forget_seen_ads()
    return len(screener.assess_many(texts))


def _tune_workers(client: Any) -> None:
    """The collector setting ``screener.distributed`` gives its local cluster's workers (a checkout
    without it: the workers keep Python's defaults, as that code did)."""
    try:
        from screener.runtime import tune_for_bulk_assessment
    except ImportError:
        return
    client.run(tune_for_bulk_assessment)


def dask_rate(texts: list[str], jobs: int, batch_size: int, rounds: int) -> float:
    """Ads/s on a Dask LocalCluster of ``jobs`` single-threaded worker processes, the model shipped
    to every worker once as ``screener.distributed`` does (``Client.scatter(broadcast=True)``); nan
    without dask."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        return math.nan
    chunks = _chunks(texts, batch_size)
    cluster: Any = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(cluster) as client:
            model = client.scatter(Screener(_model_path), broadcast=True)
            _tune_workers(client)
            client.gather(client.map(_assess_with, [model] * jobs, chunks[:jobs], pure=False))  # warm
            rates = []
            for _ in range(rounds):
                started = time.perf_counter()
                futures = client.map(_assess_with, [model] * len(chunks), chunks, pure=False)
                count = sum(client.gather(futures))
                rates.append(count / (time.perf_counter() - started))
    finally:
        cluster.close()
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the whole corpus")
    parser.add_argument("--single", type=int, default=1000, help="ads for the single-ad latency")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument(
        "--model", default=None, help="a .joblib model (default: the project's default model)"
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="use only the first N ads of the corpus (0 = all)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for jobs_ads_per_s")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")

    try:  # as the `screener` command (score-file) and the service's processes do
        from screener.runtime import tune_for_bulk_assessment
    except ImportError:  # an older checkout, measured with PYTHONPATH: its own defaults
        pass
    else:
        tune_for_bulk_assessment()
    texts = load_corpus().texts
    if args.limit > 0:
        texts = texts[: args.limit]
    global _model_path
    _model_path = args.model
    screener = Screener(args.model)
    screener.assess_many(texts[:50])  # warm caches (regex compilation, catalogue)

    assess_rates, classifier_rates = [], []
    for _ in range(args.rounds):
        _forget_seen_ads()
        started = time.perf_counter()
        count = sum(1 for _ in screener.iter_assess(texts, batch_size=args.batch_size))
        assess_rates.append(count / (time.perf_counter() - started))
        _forget_seen_ads()
        started = time.perf_counter()
        for i in range(0, len(texts), args.batch_size):
            screener.predict_risk(texts[i : i + args.batch_size])
        classifier_rates.append(len(texts) / (time.perf_counter() - started))

    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(args.single, len(texts)), replace=False)]
    latencies = []
    for text in sample:
        _forget_seen_ads()
        started = time.perf_counter()
        screener.assess(text)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]

    jobs = jobs_rate(texts, args.jobs, args.batch_size, args.rounds)
    dask = dask_rate(texts, args.jobs, args.batch_size, args.rounds)

    assess_rate = statistics.median(assess_rates)
    classifier_rate = statistics.median(classifier_rates)
    ratio = classifier_rate / assess_rate
    print(
        f"corpus: {len(texts)} ads, mean {np.mean([len(t) for t in texts]):.0f} characters; model {screener.version}"
    )
    print(
        f"full assessment (score-file path): {assess_rate:,.0f} ads/s  (rounds: {[round(r) for r in assess_rates]})"
    )
    print(
        f"bare classifier (predict_proba):   {classifier_rate:,.0f} ads/s  (rounds: {[round(r) for r in classifier_rates]})"
    )
    print(f"assess() single ad over {len(sample)} ads: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"full assessment, {args.jobs} processes: {jobs:,.0f} ads/s; Dask LocalCluster: {dask:,.0f} ads/s")
    print(
        f"assess_ads_per_s={assess_rate:.0f} classifier_ads_per_s={classifier_rate:.0f} ratio={ratio:.2f} "
        f"p50_ms={p50:.2f} p99_ms={p99:.2f} jobs_ads_per_s={jobs:.0f} dask_local_ads_per_s={dask:.0f}"
    )


if __name__ == "__main__":
    main()
