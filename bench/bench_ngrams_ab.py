"""Benchmark: the shipped model's n-gram blocks (``HashedTfidf.rows``) of this checkout against another
checkout's, interleaved in one process.

``--base DIR`` is the other checkout (say a worktree of main): its ``screener/ngrams.py`` and
``screener/ngram_hashing.py`` are loaded under other module names, and a copy of each shipped block
("words", "chars") is given the same fitted state, so both sides read the same model and see the same
machine load. Outputs are checked equal bit for bit first (batches and single ads). Each round times
base then this checkout (in turn reversed), on the normalised corpus texts in batches of ``--batch``
and one ad at a time; it prints the median CPU time (``time.process_time``) per ad.

    python bench/bench_ngrams_ab.py --base /work/main [--rounds 7] [--batch 256] [--single 2000] [--assess]

``--assess``: the whole ``Screener.assess_many`` on batches of ``--batch`` raw corpus ads instead, the
scorer's two n-gram blocks swapped between the two sides (findings computed first, untimed, and
``detect`` answered from them, as bench/bench_assemble.py does; ``to_dict()`` checked equal first).

``--callgrind N`` instead instruments only this checkout's ``rows`` calls of both blocks on N ads (in
batches of ``--batch``; ``--batch 1``: one at a time); divide callgrind's "Collected" by N. Run it with
``PYTHONPATH=<checkout>`` to count another checkout the same way (it needs no ``--base``)::

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        python bench/bench_ngrams_ab.py --callgrind 512
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from screener.assessment import Screener
from screener.datasets import load_corpus
from screener.normalize import normalize


def _base_module(checkout: Path) -> ModuleType:
    """The other checkout's ``screener.ngrams``, importing its own ``ngram_hashing``."""
    spec = importlib.util.spec_from_file_location(
        "base_ngram_hashing", checkout / "screener/ngram_hashing.py"
    )
    assert spec is not None and spec.loader is not None
    hashing = importlib.util.module_from_spec(spec)
    sys.modules["base_ngram_hashing"] = hashing
    spec.loader.exec_module(hashing)
    source = (checkout / "screener/ngrams.py").read_text()
    source = source.replace("from screener.ngram_hashing import", "from base_ngram_hashing import")
    module = ModuleType("base_ngrams")
    sys.modules["base_ngrams"] = module
    exec(compile(source, str(checkout / "screener/ngrams.py"), "exec"), module.__dict__)
    return module


def _cpu_per_ad(block: Any, batches: list[list[str]]) -> float:
    start = time.process_time()
    for batch in batches:
        block.rows(batch)
    return (time.process_time() - start) / sum(map(len, batches)) * 1e6


def _callgrind(blocks: list[Any], texts: list[str], batch_size: int) -> None:
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=False)
    for batch in batches:
        for block in blocks:
            block.rows(batch)
    subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=False)
    print(f"ads={len(texts)} batch={batch_size} (divide callgrind's 'Collected' by the ads)")


def _assess(base_module: ModuleType, batch_size: int, rounds: int) -> None:
    import screener.assessment as assessment
    from screener.indicators import detect
    from screener.scoring import _HashedBlock

    screener = Screener()
    texts = list(dict.fromkeys(t for t in load_corpus().texts if t.strip()))
    findings = {text: detect(text) for text in texts}
    assessment.detect = findings.__getitem__  # type: ignore[attr-defined]  # only what follows is timed
    hashed = [b for b in screener._scorer.blocks if isinstance(b, _HashedBlock)]
    sides: dict[str, list[Any]] = {"new": [b.transformer for b in hashed], "base": []}
    for transformer in sides["new"]:
        copy = base_module.HashedTfidf.__new__(base_module.HashedTfidf)
        copy.__dict__.update(transformer.__getstate__())
        sides["base"].append(copy)
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]

    def run(side: str) -> tuple[float, list[dict[str, Any]]]:
        for block, transformer in zip(hashed, sides[side], strict=True):
            block.transformer = transformer
        start, out = time.process_time(), []
        for batch in batches:
            out.append(screener.assess_many(batch))
        seconds = time.process_time() - start
        return seconds / len(texts) * 1e6, [a.to_dict() for assessed in out[:3] for a in assessed]

    assert run("base")[1] == run("new")[1], "assessments differ"
    times: dict[str, list[float]] = {"base": [], "new": []}
    for i in range(rounds):
        for side in ("base", "new") if i % 2 == 0 else ("new", "base"):
            times[side].append(run(side)[0])
    b, n = statistics.median(times["base"]), statistics.median(times["new"])
    print(f"assess_many batch{batch_size}: base {b:.1f}  new {n:.1f} µs/ad  new/base {n / b:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--single", type=int, default=2000, help="ads timed one at a time per round")
    parser.add_argument("--callgrind", type=int, default=0, help="instrument this many ads, then stop")
    parser.add_argument("--assess", action="store_true", help="time the whole assess_many instead")
    args = parser.parse_args()

    texts = [normalize(t).text for t in dict.fromkeys(t for t in load_corpus().texts if t.strip())]
    union = Screener().model.pipeline.named_steps["features"]
    blocks = {name: block for name, block in union.transformer_list if name in ("words", "chars")}
    for block in blocks.values():  # warm up (lookup tables, caches)
        block.rows(texts[:50])
        block.rows(texts[:1])
    if args.callgrind:
        _callgrind(list(blocks.values()), texts[100 : 100 + args.callgrind], args.batch)
        return
    if args.base is None:
        parser.error("--base is needed unless --callgrind")
    base_module = _base_module(args.base)
    if args.assess:
        _assess(base_module, args.batch, args.rounds)
        return
    batched = [texts[i : i + args.batch] for i in range(0, len(texts), args.batch)]
    singles = [[t] for t in texts[: args.single]]
    print(f"{len(texts)} ads; CPU µs per ad, median of {args.rounds} rounds; base {args.base}")
    for name, new in blocks.items():
        base = base_module.HashedTfidf.__new__(base_module.HashedTfidf)
        base.__dict__.update(new.__getstate__())
        for batch in batched + singles[:300]:
            for got, want in zip(new.rows(batch), base.rows(batch), strict=True):
                assert got.dtype == want.dtype and np.array_equal(got, want), "outputs differ"
        for label, batches in ((f"batch{args.batch}", batched), ("batch1", singles)):
            times: dict[str, list[float]] = {"base": [], "new": []}
            for i in range(args.rounds):
                sides = [("base", base), ("new", new)]
                for side, block in sides[:: 1 if i % 2 == 0 else -1]:
                    times[side].append(_cpu_per_ad(block, batches))
            b, n = statistics.median(times["base"]), statistics.median(times["new"])
            print(f"{name:5} {label:9} base {b:8.2f}  new {n:8.2f}  new/base {n / b:.3f}")


if __name__ == "__main__":
    main()
