"""Benchmark: full assessment vs the bare classifier, on the project's own corpus.

Prints batch throughput (ads/s) of the ``score-file`` code path (``Screener.iter_assess`` in batches)
and of the bare classifier (``predict_proba`` of the same pipeline, no explanations), measured
interleaved in one run, and the single-ad latency of ``assess()`` (p50/p99). The last line is
``key=value`` pairs; ``ratio`` is the cost of a full assessment over the bare classifier's
(classifier ads/s divided by assessment ads/s: 1.0 = no overhead).

    python bench/bench_assess.py [--rounds 3] [--single 1000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from screener.assessment import Screener
from screener.datasets import load_corpus


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the whole corpus")
    parser.add_argument("--single", type=int, default=1000, help="ads for the single-ad latency")
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()

    texts = load_corpus().texts
    screener = Screener()
    screener.assess_many(texts[:50])  # warm caches (regex compilation, catalogue)

    assess_rates, classifier_rates = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        count = sum(1 for _ in screener.iter_assess(texts, batch_size=args.batch_size))
        assess_rates.append(count / (time.perf_counter() - started))
        started = time.perf_counter()
        for i in range(0, len(texts), args.batch_size):
            screener.predict_risk(texts[i : i + args.batch_size])
        classifier_rates.append(len(texts) / (time.perf_counter() - started))

    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(args.single, len(texts)), replace=False)]
    latencies = []
    for text in sample:
        started = time.perf_counter()
        screener.assess(text)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]

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
    print(
        f"assess_ads_per_s={assess_rate:.0f} classifier_ads_per_s={classifier_rate:.0f} ratio={ratio:.2f} "
        f"p50_ms={p50:.2f} p99_ms={p99:.2f}"
    )


if __name__ == "__main__":
    main()
