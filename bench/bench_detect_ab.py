"""Benchmark: detect() and its extractors of this tree against another checkout's, interleaved, CPU time.

Loads ``screener/indicators.py``, the catalogue matcher and the money, places and employers extractors
of ``--base`` (e.g. a clean checkout of main) as separate modules next to this tree's, checks that both give the same
findings on the corpus, then times each step old and new in alternating order (the machine's load
hits both alike) and prints the best round in µs of this process's CPU time per ad:

- ``own``: ``detect()`` with pattern matching and the extractors answered from a cache: its own work;
- ``detect``: ``detect()`` of already normalised text (the base's with the base's extractors);
- ``money``, ``places``, ``employers``: each extractor alone (employers with the alias matches given).

    python bench/bench_detect_ab.py --base /work/main [--ads 2000] [--rounds 15] [--steps own,money]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_detect import _cached

from screener import indicators
from screener.datasets import load_corpus
from screener.extract import employers, money, places
from screener.normalize import normalize


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _best(fn: Callable[[], object], times: list[float]) -> None:
    started = time.process_time()
    fn()
    times.append(time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout's root")
    parser.add_argument("--ads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", default="own,detect,money,places,employers")
    args = parser.parse_args()

    root = args.base / "screener"
    base = _load("base_indicators", root / "indicators.py")
    base_money = _load("base_money", root / "extract" / "money.py")
    base_places = _load("base_places", root / "extract" / "places.py")
    base_employers = _load("base_employers", root / "extract" / "employers.py")
    base_matcher = _load("base_matcher", root / "catalogue" / "matcher.py")
    base.PrefixMatcher = base_matcher.PrefixMatcher  # type: ignore[attr-defined]  # before its first use
    base_employers.PrefixMatcher = base_matcher.PrefixMatcher  # type: ignore[attr-defined]
    base.extract_money = base_money.extract_money  # type: ignore[attr-defined]
    base.find_places = base_places.find_places  # type: ignore[attr-defined]
    base.find_employers = base_employers.find_employers  # type: ignore[attr-defined]

    norms = [normalize(text) for text in load_corpus().texts[: args.ads]]
    for norm in norms:  # the base's classes differ from this tree's: compare their reprs
        old, new = base.detect(norm), indicators.detect(norm)
        fields = ("hits", "places", "contacts", "money", "salary", "employers", "ids")
        assert repr([getattr(old, f) for f in fields]) == repr([getattr(new, f) for f in fields])
    hits = [indicators._pattern_hits(norm)[2] for norm in norms]
    steps: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "own": (_cached(base, norms), _cached(indicators, norms)),
        "detect": (lambda: [base.detect(n) for n in norms], lambda: [indicators.detect(n) for n in norms]),
        "money": (
            lambda: [base_money.extract_money(n) for n in norms],
            lambda: [money.extract_money(n) for n in norms],
        ),
        "places": (
            lambda: [base_places.find_places(n) for n in norms],
            lambda: [places.find_places(n) for n in norms],
        ),
        "employers": (
            lambda: [base_employers.find_employers(n, h) for n, h in zip(norms, hits, strict=True)],
            lambda: [employers.find_employers(n, h) for n, h in zip(norms, hits, strict=True)],
        ),
    }
    print(f"{'step':<12}{'base µs/ad':>12}{'new µs/ad':>12}{'ratio':>8}")
    for name in args.steps.split(","):
        old_fn, new_fn = steps[name]
        old_times: list[float] = []
        new_times: list[float] = []
        for round_ in range(args.rounds):
            pair = [(old_fn, old_times), (new_fn, new_times)]
            for fn, times in pair if round_ % 2 == 0 else pair[::-1]:
                _best(fn, times)
        old_us, new_us = (min(t) / len(norms) * 1e6 for t in (old_times, new_times))
        print(f"{name:<12}{old_us:>12.2f}{new_us:>12.2f}{old_us / new_us:>8.2f}")


if __name__ == "__main__":
    main()
