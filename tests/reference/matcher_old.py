"""Pre-optimisation copy of screener/catalogue/matcher.py (commit 6af9458), kept as a test-only oracle.

One-pass matching of many regular expressions that each start with a literal word.

The indicator catalogue and the employer list both hold many small regexes over normalised text.
Trying each one over the whole text would cost one scan per regex; instead a table maps the first
characters of every regex's literal first word (see :func:`screener.catalogue.literal_prefixes`)
to the regexes that can start there, one anchor regex finds the word starts where some literal
first word begins, and only the regexes filed under that word are tried (``pattern.match``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from screener.catalogue import literal_prefixes

__all__ = ["PrefixMatcher", "trie_pattern"]

K = TypeVar("K", bound=Hashable)

# Regexes are filed under the first _KEY characters of their literal first word (or all of it).
_KEY = 4


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie so it tests one character at a time.

    ``re`` tries the alternatives of a flat alternation one by one at every position; a trie makes
    a failing position cost one or two character tests instead of one per word.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(trie)


@dataclass(frozen=True, slots=True)
class _Anchored(Generic[K]):
    key: K
    pattern: re.Pattern[str]
    prefixes: tuple[str, ...]


class PrefixMatcher(Generic[K]):
    """Find every match of many keyed regexes in one pass over the word starts of a text.

    Parameters
    ----------
    patterns : iterable of (key, regex source)
        Each regex must start with a literal word of two or more characters (after optional
        look-behinds); the key is reported with each of its matches.
    """

    def __init__(self, patterns: Iterable[tuple[K, str]]) -> None:
        table: dict[str, list[_Anchored[K]]] = defaultdict(list)
        for key, source in patterns:
            anchored = _Anchored(key, re.compile(source), tuple(sorted(literal_prefixes(source))))
            for head in {p[:_KEY] for p in anchored.prefixes}:
                table[head].append(anchored)
        self._table = {head: tuple(value) for head, value in table.items()}
        self._starts = re.compile(r"(?<![a-z0-9])(?=" + trie_pattern(self._table) + ")")

    def finditer(self, text: str) -> Iterator[tuple[K, int, int]]:
        """``(key, start, end)`` for every non-empty match, in order of start position."""
        table = self._table
        for anchor in self._starts.finditer(text):
            pos = anchor.start()
            for n in (2, 3, 4):
                for anchored in table.get(text[pos : pos + n], ()):
                    if not text.startswith(anchored.prefixes, pos):
                        continue  # a cheap check of the whole literal first word before the regex
                    match = anchored.pattern.match(text, pos)
                    if match and match.end() > pos:
                        yield anchored.key, pos, match.end()
