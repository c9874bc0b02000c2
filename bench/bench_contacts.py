"""CPU time of ``find_contacts`` per ad over the project corpus, with the phone parse cache cold.

The cache of ``screener.extract._phones`` is cleared before every ad (as bench_extract's ``cold``
case does), so every ad costs what an ad never seen before costs. Prints the best of ``--rounds``
rounds in microseconds of process CPU per ad, for the whole extractor and its phone part.

To compare two checkouts, run this file under each in turn (alternating, a few times: the figures
are process CPU, but a busy machine still slows the caches)::

    PYTHONPATH=/work/main .venv/bin/python bench/bench_contacts.py
    PYTHONPATH=. .venv/bin/python bench/bench_contacts.py
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from screener.datasets import load_corpus
from screener.extract import _phones, contacts


def _cold_seconds(function: Callable[[str], object], texts: list[str]) -> float:
    clear = _phones._verified.cache_clear
    start = time.process_time()
    for text in texts:
        clear()
        function(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    texts = list(load_corpus().texts)
    cases: dict[str, Callable[[str], object]] = {
        "find_contacts": contacts.find_contacts,
        "phone_contacts": lambda text: list(contacts._phone_contacts(text)),
    }
    best = dict.fromkeys(cases, float("inf"))
    for function in cases.values():  # one untimed pass: imports, metadata, regexes
        _cold_seconds(function, texts)
    for _ in range(args.rounds):
        for name, function in cases.items():
            best[name] = min(best[name], _cold_seconds(function, texts))
    print(
        f"ads={len(texts)} rounds={args.rounds} "
        + " ".join(f"{name}_us={seconds / len(texts) * 1e6:.1f}" for name, seconds in best.items())
        + f" source={contacts.__file__}"
    )


if __name__ == "__main__":
    main()
