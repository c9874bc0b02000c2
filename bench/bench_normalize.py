"""Benchmark: ``normalize()`` against the pre-optimisation implementation, on the project's corpus.

Both run on the same texts, interleaved round by round in one process (the machine is shared, so only
the ratio within one run is meaningful). Prints µs per ad (median of the rounds) for each and the
ratio old/new; the last line is ``key=value`` pairs.

    python bench/bench_normalize.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test-only oracle lives in tests/

from screener.datasets import load_corpus
from screener.normalize import normalize
from tests.reference.normalize_v1 import normalize as normalize_v1


def _per_ad_us(function: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        function(text)
    return (time.perf_counter() - start) / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    texts = load_corpus().texts
    for text in texts[:200]:  # warm the per-character folding caches of both
        normalize(text)
        normalize_v1(text)
    old: list[float] = []
    new: list[float] = []
    for _ in range(args.rounds):
        old.append(_per_ad_us(normalize_v1, texts))
        new.append(_per_ad_us(normalize, texts))
    old_us, new_us = statistics.median(old), statistics.median(new)
    print(f"{len(texts)} ads, mean {sum(map(len, texts)) / len(texts):.0f} characters, {args.rounds} rounds")
    print(f"old {old_us:.1f} µs/ad  new {new_us:.1f} µs/ad  speed-up {old_us / new_us:.2f}x")
    print(f"ads={len(texts)} old_us={old_us:.1f} new_us={new_us:.1f} ratio={old_us / new_us:.2f}")


if __name__ == "__main__":
    main()
