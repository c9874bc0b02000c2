"""Benchmark: ``normalize()`` against an earlier implementation, on the project's corpus.

The earlier one is ``tests/reference/normalize_old.py`` (the single module before the split into
``screener/normalizing/``), or with ``--against v1`` ``tests/reference/normalize_v1.py`` (before the
first speed-up). Both run on the same texts in one process, interleaved chunk by chunk (200 ads of
old, the same 200 of new, alternating which goes first), for several rounds; each chunk counts with
its fastest round of CPU time (``time.process_time``), which keeps other processes' bursts on a
shared machine out of the figures. Only the ratio within one run is meaningful. Prints µs per ad for
each and the ratio old/new; the last line is ``key=value`` pairs.

    python bench/bench_normalize.py [--rounds 7] [--against old|v1]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test-only oracle lives in tests/

from screener.datasets import load_corpus
from screener.normalize import normalize
from tests.reference.normalize_old import normalize as normalize_old
from tests.reference.normalize_v1 import normalize as normalize_v1

_ORACLES = {"old": normalize_old, "v1": normalize_v1}


def _seconds(function: Callable[[str], object], texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        function(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--against", choices=sorted(_ORACLES), default="old")
    args = parser.parse_args()
    earlier = _ORACLES[args.against]
    texts = load_corpus().texts
    for text in texts[:200]:  # warm the per-character folding caches of both
        normalize(text)
        earlier(text)
    chunks = [texts[i : i + 200] for i in range(0, len(texts), 200)]
    old = [float("inf")] * len(chunks)
    new = [float("inf")] * len(chunks)
    for round_ in range(args.rounds):
        for i, chunk in enumerate(chunks):
            order = [(old, earlier), (new, normalize)]
            for best, function in order if (round_ + i) % 2 else order[::-1]:
                best[i] = min(best[i], _seconds(function, chunk))
    old_us, new_us = sum(old) / len(texts) * 1e6, sum(new) / len(texts) * 1e6
    print(
        f"{len(texts)} ads, mean {sum(map(len, texts)) / len(texts):.0f} characters, {args.rounds} rounds, against {args.against}"
    )
    print(f"old {old_us:.1f} µs/ad  new {new_us:.1f} µs/ad  speed-up {old_us / new_us:.2f}x")
    print(f"ads={len(texts)} old_us={old_us:.1f} new_us={new_us:.1f} ratio={old_us / new_us:.2f}")


if __name__ == "__main__":
    main()
