"""Find the catalogue's indicators in one ad.

Pattern matching is one pass over the word starts of the normalised text: a table maps the first
two characters of every pattern's literal first word to the patterns that can start there, and
only those are tried (``pattern.match`` at that position). Indicators fed by an extractor (places,
salary, contacts) are decided from the extractors' results in :func:`detect`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from screener.catalogue import Indicator, catalogue, literal_prefixes
from screener.extract.contacts import FOREIGN_SCAM_HUB_REGIONS, Contact, find_contacts
from screener.extract.money import MoneyAmount, SalarySignal, extract_money, salary_signal
from screener.extract.places import PlaceMention, find_places
from screener.normalize import Normalized, normalize

__all__ = ["Evidence", "Findings", "IndicatorHit", "detect", "match_patterns"]

# Indicators whose presence means the ad asks little of the applicant (for the salary judgement).
ASKS_LITTLE = frozenset({"no_qualification", "typing_english_only"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the original text that triggered an indicator."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    indicator: Indicator
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Findings:
    """Everything the rules found in one ad: the input of the model's features and of the assessment."""

    norm: Normalized
    hits: tuple[IndicatorHit, ...]
    places: tuple[PlaceMention, ...]
    contacts: tuple[Contact, ...]
    money: tuple[MoneyAmount, ...]
    salary: SalarySignal | None
    ids: frozenset[str] = field(default=frozenset())

    @property
    def text(self) -> str:
        """The normalised text (what the n-gram features read)."""
        return self.norm.text


@dataclass(frozen=True, slots=True)
class _Anchored:
    indicator_index: int
    pattern: re.Pattern[str]
    prefixes: tuple[str, ...]


@cache
def _pattern_table() -> dict[str, tuple[_Anchored, ...]]:
    table: dict[str, list[_Anchored]] = defaultdict(list)
    for index, indicator in enumerate(catalogue()):
        for source in indicator.patterns:
            anchored = _Anchored(index, re.compile(source), tuple(sorted(literal_prefixes(source))))
            for key in {p[:_KEY] for p in anchored.prefixes}:
                table[key].append(anchored)
    return {key: tuple(value) for key, value in table.items()}


# Patterns are filed under the first _KEY characters of their literal first word (or all of it).
_KEY = 4


def _trie_pattern(words: set[str]) -> str:
    """A regular expression matching any of ``words``, shaped as a trie so it tests one character at a time."""
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


@cache
def _anchor_starts() -> re.Pattern[str]:
    """Positions where some pattern's literal first word starts: the only places worth trying."""
    keys = {key for key in _pattern_table()}
    return re.compile(r"(?<![a-z0-9])(?=" + _trie_pattern(keys) + ")")


def match_patterns(norm: Normalized) -> dict[int, list[tuple[int, int]]]:
    """Normalised spans per indicator index, for every pattern hit in ``norm``."""
    table = _pattern_table()
    text = norm.text
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start in _anchor_starts().finditer(text):
        pos = start.start()
        candidates = [c for n in (2, 3, 4) for c in table.get(text[pos : pos + n], ())]
        for anchored in candidates:
            if not text.startswith(anchored.prefixes, pos):
                continue  # a cheap check of the whole literal first word before the regex
            match = anchored.pattern.match(text, pos)
            if match and match.end() > pos:
                spans[anchored.indicator_index].append(match.span())
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@cache
def _extractor_fed() -> tuple[tuple[int, Indicator], ...]:
    """The indicators (with their catalogue index) that take evidence from the places, salary or
    contacts extractors: the only ones :func:`detect` has more to do for after pattern matching."""
    return tuple(
        (index, indicator)
        for index, indicator in enumerate(catalogue())
        if indicator.place_status or indicator.source in ("money", "contacts")
    )


def detect(text: str | Normalized) -> Findings:
    """Normalise ``text`` (unless already done), run the extractors and find every indicator."""
    norm = text if isinstance(text, Normalized) else normalize(text)
    indicators = catalogue()
    pattern_spans = match_patterns(norm)
    places = tuple(find_places(norm))
    contacts = tuple(find_contacts(norm.original))
    money = tuple(extract_money(norm))

    original_spans: dict[int, list[tuple[int, int]]] = {}
    for index, spans in pattern_spans.items():
        original_spans[index] = [norm.to_original(a, b) for a, b in spans]

    hit_ids = {indicators[i].id for i in original_spans}
    official_destination = any(p.place.status == "official_destination" for p in places)
    salary = salary_signal(
        list(money), asks_little=bool(hit_ids & ASKS_LITTLE), official_destination=official_destination
    )

    for index, indicator in _extractor_fed():
        extra: list[tuple[int, int]] = []
        if indicator.place_status:
            place_spans = [(p.start, p.end) for p in places if p.place.status in indicator.place_status]
            if indicator.requires_place:
                if index in original_spans and not place_spans:
                    del original_spans[index]
                if index not in original_spans:
                    continue
            extra += place_spans
        if indicator.source == "money" and salary is not None and salary.unrealistic:
            extra.append((salary.amount.start, salary.amount.end))
        if indicator.source == "contacts":
            extra += [(c.start, c.end) for c in contacts if c.country in FOREIGN_SCAM_HUB_REGIONS]
        if extra:
            original_spans.setdefault(index, []).extend(extra)

    hits = []
    for index in sorted(original_spans):
        spans = _merge(original_spans[index])
        evidence = tuple(Evidence(a, b, norm.original[a:b]) for a, b in spans)
        hits.append(IndicatorHit(indicators[index], evidence))
    return Findings(
        norm=norm,
        hits=tuple(hits),
        places=places,
        contacts=contacts,
        money=money,
        salary=salary,
        ids=frozenset(hit.indicator.id for hit in hits),
    )
