"""Benchmark: the assembly after ``detect()`` against the code before "buildfast2", interleaved.

The old code is the test oracle tests/reference/assembly_old.py (commit 0fcf639): its
``ReferenceScreener`` runs the old modus features, word counts and result building, and
``assessment_to_dict`` is the old ``Assessment.to_dict``. Findings are computed first (untimed) and
``detect`` is answered from them, as in bench_assemble.py. Each step runs old and new in turn, in
batches of ``--batch-size``, over ``--rounds`` rounds (the machine's load hits both alike); it prints
the median CPU time (``time.process_time``) per ad of each. ``--bulk-gc``: the collector thresholds
of the CLI, service and workers (screener/runtime.py).

    python bench/bench_assemble_ab.py [--rounds 5] [--batch-size 256] [--bulk-gc]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reference.assembly_old import ReferenceScreener, assessment_to_dict, modus_entries

import screener.assessment as assessment
from screener.assessment import Screener
from screener.datasets import load_corpus
from screener.indicators import Findings, detect
from screener.runtime import tune_for_bulk_assessment


def _seconds(step: Callable[[list[str]], object], batches: list[list[str]]) -> float:
    total = 0.0
    for batch in batches:
        started = time.process_time()
        result = step(batch)
        total += time.process_time() - started
        del result
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--bulk-gc", action="store_true")
    args = parser.parse_args()
    if args.bulk_gc:
        tune_for_bulk_assessment()

    texts = list(dict.fromkeys(t for t in load_corpus().texts if t.strip()))
    new = Screener()
    old = ReferenceScreener(new.model)
    findings: dict[str, Findings] = {text: detect(text) for text in texts}
    assessment.detect = findings.__getitem__  # type: ignore[attr-defined]  # only the assembly is timed
    batches = [texts[i : i + args.batch_size] for i in range(0, len(texts), args.batch_size)]
    assessed = {text: a for batch in batches for text, a in zip(batch, new.assess_many(batch), strict=True)}
    modus = new._scorer.blocks[-1].transformer
    steps: dict[str, tuple[Callable[[list[str]], object], Callable[[list[str]], object]]] = {
        "assess_many": (old.assess_many, new.assess_many),
        "modus rows": (
            lambda batch: [modus_entries(modus, findings[t]) for t in batch],
            lambda batch: [modus.entries(findings[t]) for t in batch],
        ),
        "to_dict": (
            lambda batch: [assessment_to_dict(assessed[t]) for t in batch],
            lambda batch: [assessed[t].to_dict() for t in batch],
        ),
    }
    print(f"{len(texts)} ads in batches of {args.batch_size}, CPU µs per ad (median of {args.rounds} rounds)")
    print(f"{'step':<14}{'old':>10}{'new':>10}{'old/new':>9}")
    for name, (old_step, new_step) in steps.items():
        old_seconds, new_seconds = [], []
        for _ in range(args.rounds):
            old_seconds.append(_seconds(old_step, batches))
            new_seconds.append(_seconds(new_step, batches))
        old_us = statistics.median(old_seconds) / len(texts) * 1e6
        new_us = statistics.median(new_seconds) / len(texts) * 1e6
        print(f"{name:<14}{old_us:>10.2f}{new_us:>10.2f}{old_us / new_us:>9.2f}")


if __name__ == "__main__":
    main()
