"""One-pass matching of many regular expressions that each start with a literal word.

The indicator catalogue and the employer list both hold many small regexes over normalised text.
Trying each one over the whole text would cost one scan per regex; instead a table maps the first
characters of every regex's literal first word (see :func:`screener.catalogue.literal_prefixes`)
to the regexes that can start there, one anchor regex finds the word starts where some literal
first word begins, and only the regexes whose literal first word is there are tried (``pattern.match``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
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

    Notes
    -----
    One anchor regex, a trie of every literal prefix, stops only at word starts where some prefix
    occurs, and captures the longest one there. Every other prefix that occurs at that position is
    a prefix of that longest one, so the regexes worth trying there depend on it alone: they are
    looked up once, already in the order in which they are reported (a regex filed under several of
    the position's heads is tried once per head, as the table of heads would try it).
    """

    def __init__(self, patterns: Iterable[tuple[K, str]]) -> None:
        heads: dict[str, list[_Anchored[K]]] = defaultdict(list)
        for key, source in patterns:
            anchored = _Anchored(key, re.compile(source), tuple(sorted(literal_prefixes(source))))
            for head in {p[:_KEY] for p in anchored.prefixes}:
                heads[head].append(anchored)
        prefixes = {p for group in heads.values() for anchored in group for p in anchored.prefixes}
        self._candidates = {longest: _candidates(heads, longest) for longest in prefixes}
        # The character before a word start, then the longest literal prefix there. Matching a
        # character first (not a look-behind) lets ``re`` skip ahead to the next candidate in C.
        self._starts = re.compile(r"[^a-z0-9](?=(" + trie_pattern(prefixes) + "))")

    def findall(self, text: str) -> list[tuple[K, int, int]]:
        """``(key, start, end)`` for every non-empty match, in order of start position.

        A list, not a generator: its callers take every match, and a generator's resumption per
        match cost more than appending to a list.
        """
        found: list[tuple[K, int, int]] = []
        candidates = self._candidates
        # A space in front gives a word start at position 0 its character before; the anchor is that
        # character, so its start in the padded text is the word start's position in ``text``.
        for anchor in self._starts.finditer(" " + text):
            pos = anchor.start()
            for key, match_at in candidates[anchor[1]]:
                match = match_at(text, pos)
                if match and match.end() > pos:
                    found.append((key, pos, match.end()))
        return found


def _candidates(
    heads: dict[str, list[_Anchored[K]]], longest: str
) -> tuple[tuple[K, Callable[[str, int], re.Match[str] | None]], ...]:
    """(key, bound ``match``) of the regexes to try where ``longest`` is the longest literal prefix.

    They are the regexes filed under a head of ``longest`` (its first 2, 3 and 4 characters, in
    that order) that have a literal prefix ``longest`` starts with: exactly the regexes a scan of
    every head at the position would try after checking their literal prefixes.
    """
    return tuple(
        (anchored.key, anchored.pattern.match)
        for n in range(2, _KEY + 1)
        if n <= len(longest)
        for anchored in heads.get(longest[:n], ())
        if longest.startswith(anchored.prefixes)
    )
