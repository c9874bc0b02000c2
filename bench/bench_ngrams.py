"""Benchmark: CPU per ad of the shipped model's hashed n-gram blocks (``HashedTfidf.rows``), new vs old.

The "words" and "chars" blocks of the shipped model are run on the normalised corpus texts, in batches
of ``--batch`` ads (throughput) and one ad at a time (latency), interleaved round by round with the
pre-optimisation copy in ``tests/reference/ngrams_old.py`` given the same fitted state, so both sides
see the same machine load. Figures are process CPU time (``time.process_time``) per ad, the median
over rounds; ``ratio`` is new over old. Outputs are checked equal bit for bit before timing.

With ``--assess``, the whole ``Screener.assess_many`` is timed too (raw corpus texts, phone cache
cleared each round), the scorer's n-gram blocks swapped between the new and the old copies (its
``to_dict()`` output checked equal first).

    python bench/bench_ngrams.py [--rounds 5] [--batch 256] [--single 2000] [--assess]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screener.assessment import Screener
from screener.datasets import load_corpus
from screener.normalize import normalize
from tests.reference import ngrams_old


def _old_copy(block: Any) -> Any:
    """The pre-optimisation class holding the same fitted state as ``block``."""
    old = ngrams_old.HashedTfidf.__new__(ngrams_old.HashedTfidf)
    old.__dict__.update(block.__getstate__())
    return old


def _cpu_per_ad(block: Any, batches: list[list[str]]) -> float:
    n_ads = sum(len(batch) for batch in batches)
    start = time.process_time()
    for batch in batches:
        block.rows(batch)
    return (time.process_time() - start) / n_ads * 1e6


def _check_same(new: Any, old: Any, batches: list[list[str]]) -> None:
    for batch in batches:
        for got, want in zip(new.rows(batch), old.rows(batch), strict=True):
            assert got.dtype == want.dtype and np.array_equal(got, want), "outputs differ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--single", type=int, default=2000, help="ads timed one at a time per round")
    parser.add_argument("--assess", action="store_true", help="also time the whole assess_many")
    args = parser.parse_args()

    texts = [normalize(t).text for t in load_corpus().texts]
    union = Screener().model.pipeline.named_steps["features"]
    blocks = {name: block for name, block in union.transformer_list if name in ("words", "chars")}
    batched = [texts[i : i + args.batch] for i in range(0, len(texts), args.batch)]
    singles = [[t] for t in texts[: args.single]]
    print(f"{len(texts)} ads, mean {statistics.mean(map(len, texts)):.0f} chars; µs CPU per ad")
    results: dict[str, float] = {}
    for name, new in blocks.items():
        old = _old_copy(new)
        _check_same(new, old, batched + singles[:200])
        for label, batches in ((f"batch{args.batch}", batched), ("batch1", singles)):
            times: dict[str, list[float]] = {"old": [], "new": []}
            for _ in range(args.rounds):
                times["old"].append(_cpu_per_ad(old, batches))
                times["new"].append(_cpu_per_ad(new, batches))
            o, n = statistics.median(times["old"]), statistics.median(times["new"])
            results[f"{name}_{label}_old"], results[f"{name}_{label}_new"] = o, n
            print(f"{name:5} {label:9} old {o:8.2f}  new {n:8.2f}  ratio {n / o:.3f}")
    for label in (f"batch{args.batch}", "batch1"):
        o = results[f"words_{label}_old"] + results[f"chars_{label}_old"]
        n = results[f"words_{label}_new"] + results[f"chars_{label}_new"]
        print(f"both  {label:9} old {o:8.2f}  new {n:8.2f}  ratio {n / o:.3f}")
    if args.assess:
        _assess(args)


def _assess(args: argparse.Namespace) -> None:
    from screener.extract import _phones
    from screener.scoring import _HashedBlock

    screener = Screener()
    texts = load_corpus().texts
    hashed = [b for b in screener._scorer.blocks if isinstance(b, _HashedBlock)]
    sides = {"new": [b.transformer for b in hashed]}
    sides["old"] = [_old_copy(t) for t in sides["new"]]

    def use(side: str) -> None:
        for block, transformer in zip(hashed, sides[side], strict=True):
            block.transformer = transformer

    def cpu_per_ad(side: str, batches: list[list[str]]) -> float:
        use(side)
        _phones._verified.cache_clear()
        start = time.process_time()
        for batch in batches:
            screener.assess_many(batch)
        return (time.process_time() - start) / sum(map(len, batches)) * 1e6

    batched = [texts[i : i + args.batch] for i in range(0, len(texts), args.batch)]
    for label, batches in ((f"batch{args.batch}", batched), ("batch1", [[t] for t in texts[: args.single]])):
        outputs = {}
        for side in ("old", "new"):
            use(side)
            outputs[side] = [a.to_dict() for batch in batches[:3] for a in screener.assess_many(batch)]
        assert outputs["old"] == outputs["new"], "assessments differ"
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            for side in ("old", "new"):
                times[side].append(cpu_per_ad(side, batches))
        o, n = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"assess_many {label:9} old {o:8.1f}  new {n:8.1f}  saved {o - n:6.1f} µs/ad")


if __name__ == "__main__":
    main()
