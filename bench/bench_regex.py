"""Benchmark: which regular expressions a whole assessment spends its time in.

``re.compile`` is wrapped before the library is imported, so every pattern the library compiles
(module level or later) is timed on each ``search``, ``match``, ``fullmatch``, ``sub``, ``split``,
``findall`` and on each step of a ``finditer``; then ``Screener.assess_many`` runs over ``--ads``
corpus ads in batches of 256. Prints the wall time per ad of the whole run and of the regex calls,
and the patterns that cost most (µs per ad, calls per ad, the pattern's first characters).

The wrapper adds a Python call around every regex call, so the total is dearer than an unwrapped run
(compare ``bench_assess.py``) and short calls look dearer than they are; the long scans (the
catalogue's anchor, money, places, offer cues) are measured nearly as they run. Patterns the library
does not compile itself (``re.sub(<string>, ...)``, the ``phonenumbers`` metadata) are not counted.
The last line is ``key=value`` pairs.

    python bench/bench_regex.py [--ads 2048] [--top 15]
"""

from __future__ import annotations

import argparse
import collections
import re
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

_compile = re.compile
_ONE_CALL = frozenset({"search", "match", "fullmatch", "sub", "split", "findall"})
_clock = time.perf_counter
seconds: collections.Counter[str] = collections.Counter()
calls: collections.Counter[str] = collections.Counter()


class _Timed:
    """A compiled pattern whose calls add their time to ``seconds`` under the pattern's source."""

    __slots__ = ("_key", "_pattern")

    def __init__(self, pattern: re.Pattern[Any]) -> None:
        self._pattern = pattern
        self._key = pattern.pattern if isinstance(pattern.pattern, str) else repr(pattern.pattern)

    def _timed(self, method: str, *args: Any, **kwargs: Any) -> Any:
        started = _clock()
        result = getattr(self._pattern, method)(*args, **kwargs)
        seconds[self._key] += _clock() - started
        calls[self._key] += 1
        return result

    def __getattr__(self, name: str) -> Any:
        """The pattern's own attribute; its one-call methods timed (``finditer`` is below)."""
        if name in _ONE_CALL:
            return partial(self._timed, name)
        return getattr(self._pattern, name)

    def finditer(self, *args: Any, **kwargs: Any) -> Iterator[re.Match[Any]]:
        matches, key = self._pattern.finditer(*args, **kwargs), self._key
        while True:
            started = _clock()
            match = next(matches, None)
            seconds[key] += _clock() - started
            if match is None:
                return
            calls[key] += 1
            yield match


def _timed_compile(pattern: Any, flags: int = 0) -> Any:
    return _Timed(_compile(pattern, flags))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ads", type=int, default=2048)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    re.compile = _timed_compile  # type: ignore[assignment]  # before the library compiles anything
    from screener.assessment import Screener
    from screener.datasets import load_corpus

    texts = list(load_corpus().texts)[: args.ads]
    screener = Screener()
    screener.assess_many(texts[:256])  # warm up (caches, lazily built matchers)
    seconds.clear()
    calls.clear()
    started = _clock()
    for i in range(0, len(texts), 256):
        screener.assess_many(texts[i : i + 256])
    total = (_clock() - started) / len(texts) * 1e6
    in_regex = sum(seconds.values()) / len(texts) * 1e6
    print(f"{len(texts)} ads; whole run {total:.0f} µs/ad (wrapped), in regex calls {in_regex:.0f} µs/ad")
    for key, spent in seconds.most_common(args.top):
        print(f"{spent / len(texts) * 1e6:7.1f} µs/ad {calls[key] / len(texts):6.1f} calls/ad  {key[:90]!r}")
    print(
        f"ads={len(texts)} total_us_per_ad={total:.0f} regex_us_per_ad={in_regex:.0f} share={in_regex / total:.2f}"
    )


if __name__ == "__main__":
    main()
