"""Measure the extractors against their old copies (tests/reference/), interleaved.

The old places and employers extractors are main's code as of commit 0fcf639 (the base of the scan
work); the old contacts and money extractors predate the speed work of issue 15.

Runs each extractor, old and new in turn, over the whole project corpus ``--rounds`` times, in
chunks of ``--chunk`` ads (old then new on the same chunk), keeps the best time of each chunk and
reports their sum in microseconds per ad: a busy machine affects both alike, and a burst of other
work spoils one chunk of one round instead of a whole round. The
phone parse cache is measured twice: ``warm`` (kept across ads, as in a running service) and
``cold`` (cleared before every ad: no ad shares a price, date or number with another).

    .venv/bin/python bench/bench_extract.py [--rounds 5] [--chunk 200] [--only places,money,...]

``employers_hits`` is the employers extractor as detect() calls it: with the alias matches already
found (by the shared catalogue matcher), so only the overlap resolution and the recruiting test count.

The last line is ``key=value`` pairs: ``<extractor>_old_us <extractor>_new_us <extractor>_ratio``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reference import contacts_old, employers_old, money_old, places_old

from screener.datasets import load_corpus
from screener.extract import _phones, contacts, employers, money, places
from screener.normalize import normalize


def _seconds(function: Callable[[object], object], inputs: Sequence[object]) -> float:
    # CPU time of this process: the time the scheduler gives to the other work on a shared machine
    # does not count (it still slows the caches, hence the best of several rounds).
    start = time.process_time()
    for item in inputs:
        function(item)
    return time.process_time() - start


def _contacts_cold(text: str) -> object:
    _phones._verified.cache_clear()
    return contacts.find_contacts(text)


def _clear_then(function: Callable[[str], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        _phones._verified.cache_clear()  # the same clearing cost as the cold run, for a fair ratio
        return function(text)

    return run


def _with_hits(function: Callable[..., object]) -> Callable[[tuple], object]:
    def run(item: tuple) -> object:
        norm, hits = item
        return function(norm, hits)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=200, help="ads timed together")
    parser.add_argument("--only", default="", help="comma-separated extractors (default: all)")
    args = parser.parse_args()
    texts = list(load_corpus().texts)
    norms = [normalize(text) for text in texts]
    with_hits = [(norm, employers._matcher().findall(norm.text)) for norm in norms]
    cases: dict[str, tuple[Callable, Callable, Sequence[object]]] = {
        "contacts": (contacts_old.find_contacts, contacts.find_contacts, texts),
        "contacts_cold": (_clear_then(contacts_old.find_contacts), _contacts_cold, texts),
        "places": (places_old.find_places, places.find_places, norms),
        "money": (money_old.extract_money, money.extract_money, norms),
        "employers": (employers_old.find_employers, employers.find_employers, norms),
        "employers_hits": (
            _with_hits(employers_old.find_employers),
            _with_hits(employers.find_employers),
            with_hits,
        ),
    }
    if args.only:
        cases = {name: case for name, case in cases.items() if name in args.only.split(",")}
    chunks = range(0, len(texts), args.chunk)
    best = {name: [[float("inf")] * len(chunks) for _ in (0, 1)] for name in cases}
    # The cold pair clears the cache: it runs after the warm rounds, interleaved old / new itself.
    cold = [name for name in cases if name == "contacts_cold"]
    for phase in ([name for name in cases if name != "contacts_cold"], cold):
        for name in phase:  # one untimed pass: imports, metadata, regex compilation, the warm cache
            _seconds(cases[name][0], cases[name][2])
            _seconds(cases[name][1], cases[name][2])
        for _ in range(args.rounds):
            for name in phase:
                old, new, inputs = cases[name]
                for index, lo in enumerate(chunks):
                    chunk = inputs[lo : lo + args.chunk]
                    for side, function in ((0, old), (1, new)):
                        best[name][side][index] = min(best[name][side][index], _seconds(function, chunk))
    pairs = []
    for name, sides in best.items():
        old_us, new_us = (sum(times) / len(texts) * 1e6 for times in sides)
        print(f"{name:14s} old {old_us:7.1f} us/ad   new {new_us:7.1f} us/ad   x{old_us / new_us:.2f}")
        pairs += [
            f"{name}_old_us={old_us:.1f}",
            f"{name}_new_us={new_us:.1f}",
            f"{name}_ratio={old_us / new_us:.2f}",
        ]
    print(f"ads={len(texts)} rounds={args.rounds} " + " ".join(pairs))


if __name__ == "__main__":
    main()
