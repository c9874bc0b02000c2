"""Benchmark: the CPU an assessment spends after ``detect()``, on the project's own corpus.

Each batch's findings are computed first, untimed; ``detect`` inside :mod:`screener.assessment` is
then replaced by a lookup of those findings, so ``Screener.assess_many`` costs only what comes after
the rules: the features, the model, the top terms and building the :class:`Assessment`. Prints the
CPU time (``time.process_time``, so other processes on the machine do not count) per ad in batches
of ``--batch-size`` and one ad at a time (``assess()``), the median over ``--rounds`` rounds. Run it
with ``PYTHONPATH=<checkout>`` to measure another checkout the same way (the library's public API
is all it uses).

    python bench/bench_assemble.py [--rounds 5] [--batch-size 256] [--single 2000] [--bulk-gc]

It also prints the CPU per ad of ``to_dict()`` of each batch's assessments and of ``json.dumps`` of
those, as the queue worker does with every ad (``--bulk-gc``: with the collector thresholds the
worker processes set, see screener/runtime.py).

On a busy machine CPU time still varies by some percent; callgrind counts instructions, which do
not (``--callgrind N`` instruments only the ``assess_many`` calls on N ads: in batches, or one at a
time with ``--one-at-a-time``; ``--to-dict`` adds ``to_dict()`` of their assessments;
``--with-detect`` leaves ``detect()`` in, so the count is a whole assessment from the raw text;
divide callgrind's "Collected" by N)::

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        python bench/bench_assemble.py --callgrind 1024
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import time

import numpy as np

import screener.assessment as assessment
from screener.assessment import Screener
from screener.datasets import load_corpus
from screener.indicators import detect
from screener.runtime import tune_for_bulk_assessment


def _cpu_us_per_ad(screener: Screener, batches: list[list[str]]) -> tuple[float, float, float]:
    """CPU µs per ad of ``assess_many`` on each batch, its findings computed beforehand (untimed),
    then of ``to_dict()`` of its assessments and of ``json.dumps`` of those (what the queue worker
    does with every ad).

    Only one batch's findings are held at a time, so the garbage collector sees about the heap it
    would see in a real run (holding every text's findings would make its full passes far dearer).
    """
    seconds, to_dict_seconds, json_seconds, count = 0.0, 0.0, 0.0, 0
    for batch in batches:
        findings = {text: detect(text) for text in batch}
        assessment.detect = findings.__getitem__  # type: ignore[attr-defined]  # only the build is timed
        started = time.process_time()
        assessed = screener.assess_many(batch)
        built = time.process_time()
        data = [a.to_dict() for a in assessed]
        converted = time.process_time()
        for item in data:
            json.dumps(item)
        dumped = time.process_time()
        seconds += built - started
        to_dict_seconds += converted - built
        json_seconds += dumped - converted
        count += len(batch)
    return seconds / count * 1e6, to_dict_seconds / count * 1e6, json_seconds / count * 1e6


def _callgrind(
    screener: Screener, texts: list[str], batch_size: int, to_dict: bool = False, with_detect: bool = False
) -> None:
    """Instrument ``assess_many`` on ``texts`` in batches, their findings computed first unless
    ``with_detect`` (and ``to_dict()`` of the assessments too with ``to_dict``)."""
    if not with_detect:
        findings = {text: detect(text) for text in texts}
        assessment.detect = findings.__getitem__  # type: ignore[attr-defined]
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=False)
    for batch in batches:
        assessed = screener.assess_many(batch)
        if to_dict:
            [a.to_dict() for a in assessed]
    subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=False)
    print(f"ads={len(texts)} batch={batch_size} (divide callgrind's 'Collected' by the ads)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--single", type=int, default=2000, help="ads for the one-at-a-time figure")
    parser.add_argument("--callgrind", type=int, default=0, help="instrument this many ads, then stop")
    parser.add_argument("--one-at-a-time", action="store_true", help="with --callgrind: batches of one")
    parser.add_argument("--to-dict", action="store_true", help="with --callgrind: to_dict() of each too")
    parser.add_argument(
        "--with-detect",
        action="store_true",
        help="with --callgrind: detect() counted too (a whole assessment)",
    )
    parser.add_argument(
        "--bulk-gc", action="store_true", help="the collector thresholds of the CLI, service and workers"
    )
    args = parser.parse_args()
    if args.bulk_gc:
        tune_for_bulk_assessment()

    texts = list(dict.fromkeys(t for t in load_corpus().texts if t.strip()))
    screener = Screener()
    screener.assess_many(texts[:50])  # warm up
    batches = [texts[i : i + args.batch_size] for i in range(0, len(texts), args.batch_size)]
    if args.callgrind:
        batch_size = 1 if args.one_at_a_time else args.batch_size
        _callgrind(screener, texts[100 : 100 + args.callgrind], batch_size, args.to_dict, args.with_detect)
        return
    rng = np.random.default_rng(0)
    single = [[texts[i]] for i in rng.choice(len(texts), size=min(args.single, len(texts)), replace=False)]

    batch_us, to_dict_us, json_us, single_us = [], [], [], []
    for _ in range(args.rounds):
        batch, to_dict, dumps = _cpu_us_per_ad(screener, batches)
        batch_us.append(batch)
        to_dict_us.append(to_dict)
        json_us.append(dumps)
        single_us.append(_cpu_us_per_ad(screener, single)[0])
    print(
        f"screener from {assessment.__file__}; {len(texts)} distinct ads; gc thresholds {gc.get_threshold()}"
    )
    print(
        f"to_dict() of batch {args.batch_size}: {statistics.median(to_dict_us):.1f} µs/ad  {[round(u, 1) for u in to_dict_us]}"
    )
    print(f"json.dumps of those: {statistics.median(json_us):.1f} µs/ad  {[round(u, 1) for u in json_us]}")
    print(
        f"after detect, batch {args.batch_size}: {statistics.median(batch_us):.1f} µs/ad  {[round(u, 1) for u in batch_us]}"
    )
    print(
        f"after detect, one ad at a time: {statistics.median(single_us):.1f} µs/ad  {[round(u, 1) for u in single_us]}"
    )


if __name__ == "__main__":
    main()
