"""The modus-operandi catalogue: indicators as data (``indicators.toml``), loaded once.

Each indicator names a recruitment pattern from ``DOMAIN.md`` with its explanation for an officer,
advice, legal basis, the patterns that find it in normalised text and the example phrases that
the table-driven tests run. Patterns must begin with a literal word (or a group of literal
alternatives) of at least two characters: the matcher only tries a pattern where its first word
occurs, which is what keeps matching the whole catalogue one fast pass.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private module, not in typeshed
from typing import Any

from screener.errors import CatalogueError

__all__ = ["Indicator", "catalogue", "indicator_by_id", "literal_prefixes"]

SOURCES = ("places", "money", "contacts", "employers")
# Kinds of employer an ``employers`` indicator can be limited to (see ``employers.toml``).
EMPLOYER_KINDS = (
    "government", "public_service", "public_institution_class", "state_company", "joint_recruitment",
    "private", "placement_authority", "licensed_agency_class",
)  # fmt: skip
CHANNELS = ("unofficial",)
PLACE_STATUSES = ("scam_hub", "no_agreement", "transit", "official_destination", "moratorium_sector")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One modus-operandi indicator (a red flag, or a legal-placement signal when weight < 0)."""

    id: str
    name_id: str
    name_en: str
    weight: float
    group: str
    explanation_id: str
    explanation_en: str
    advice_id: str
    advice_en: str
    legal_basis: str
    patterns: tuple[str, ...]
    # Evidence from an extractor: a place with one of these statuses, a foreign hub phone, a salary.
    place_status: tuple[str, ...]
    # When true the indicator needs both a pattern hit and a place of ``place_status``.
    requires_place: bool
    source: str | None
    examples_positive: tuple[str, ...]
    examples_negative: tuple[str, ...]
    # A second set of patterns that must also match somewhere (e.g. an invitation AND a booking request).
    with_patterns: tuple[str, ...] = ()
    # For source="employers": the kinds of employer that count (all when empty), and whether an
    # unofficial application channel is needed too.
    employer_kinds: tuple[str, ...] = ()
    channel: str | None = None

    @property
    def level(self) -> str:
        """H / M / L as in DOMAIN.md, from the magnitude of the weight."""
        w = abs(self.weight)
        return "H" if w >= 2.5 else "M" if w >= 1.5 else "L"

    @property
    def lowers_risk(self) -> bool:
        return self.weight < 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_id": self.name_id,
            "name_en": self.name_en,
            "weight": self.weight,
            "level": self.level,
            "group": self.group,
            "explanation_id": self.explanation_id,
            "explanation_en": self.explanation_en,
            "advice_id": self.advice_id,
            "advice_en": self.advice_en,
            "legal_basis": self.legal_basis,
        }


def check_regex(pattern: str, owner: str, noun: str, plural: str) -> None:
    """Refuse a catalogue regex that does not compile, has capturing groups or upper-case letters.

    Messages start with ``owner`` ("indicator fee_upfront") and call the regex ``noun`` / ``plural``.
    """
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise CatalogueError(f"{owner}: bad {noun} {pattern!r}: {exc}") from exc
    if compiled.groups:
        raise CatalogueError(f"{owner}: use (?:...) not capturing groups in {pattern!r}")
    if pattern != pattern.lower():
        raise CatalogueError(f"{owner}: {plural} match lower-cased text: {pattern!r}")


def literal_prefixes(pattern: str) -> frozenset[str]:
    """The literal words a match of ``pattern`` must start with (each at least two characters).

    Raises
    ------
    CatalogueError
        When the pattern does not start with a literal word or a group of literal alternatives.
    """
    parsed = list(sre_parse.parse(pattern))
    prefixes = _prefixes(parsed)
    if not prefixes or any(len(p) < 2 for p in prefixes):
        raise CatalogueError(f"pattern {pattern!r} must start with a literal word of two or more characters")
    return frozenset(prefixes)


def _prefixes(items: list[Any]) -> set[str] | None:
    """Literal strings that every match of the parsed ``items`` starts with (None: no literal start)."""
    literal = ""
    for index, (op, av) in enumerate(items):
        if op is sre_parse.LITERAL:
            literal += chr(av)
            continue
        if not literal and op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT, sre_parse.AT):
            continue  # a leading look-behind or boundary does not consume text
        rest: set[str] | None = None
        if op is sre_parse.SUBPATTERN:
            rest = _prefixes(list(av[-1]) + list(items[index + 1 :]))
        elif op is sre_parse.BRANCH:
            rest = set()
            for branch in av[1]:
                sub = _prefixes(list(branch) + list(items[index + 1 :]))
                if not sub:
                    rest = None
                    break
                rest |= sub
        elif op is sre_parse.IN and all(kind is sre_parse.LITERAL for kind, _ in av):
            rest = {literal + chr(code) for _, code in av}
            return rest
        if rest:
            return {literal + r for r in rest}
        break
    return {literal} if literal else None


def _as_tuple(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    return tuple(value)


def _build(raw: dict[str, Any]) -> Indicator:
    required = ("id", "name_id", "name_en", "weight", "explanation_id", "explanation_en", "advice_id")
    missing = [key for key in required if key not in raw]
    if missing:
        raise CatalogueError(f"indicator {raw.get('id', '?')} lacks {', '.join(missing)}")
    indicator = Indicator(
        id=raw["id"],
        name_id=raw["name_id"],
        name_en=raw["name_en"],
        weight=float(raw["weight"]),
        group=raw.get("group", "other"),
        explanation_id=raw["explanation_id"].strip(),
        explanation_en=raw["explanation_en"].strip(),
        advice_id=raw["advice_id"].strip(),
        advice_en=raw.get("advice_en", "").strip(),
        legal_basis=raw.get("legal_basis", ""),
        patterns=_as_tuple(raw, "patterns"),
        place_status=_as_tuple(raw, "place_status"),
        requires_place=bool(raw.get("requires_place", False)),
        source=raw.get("source"),
        examples_positive=_as_tuple(raw, "examples_positive"),
        examples_negative=_as_tuple(raw, "examples_negative"),
        with_patterns=_as_tuple(raw, "with_patterns"),
        employer_kinds=_as_tuple(raw, "employer_kinds"),
        channel=raw.get("channel"),
    )
    if indicator.source is not None and indicator.source not in SOURCES:
        raise CatalogueError(f"indicator {indicator.id}: unknown source {indicator.source!r}")
    for status in indicator.place_status:
        if status not in PLACE_STATUSES:
            raise CatalogueError(f"indicator {indicator.id}: unknown place status {status!r}")
    for kind in indicator.employer_kinds:
        if kind not in EMPLOYER_KINDS:
            raise CatalogueError(f"indicator {indicator.id}: unknown employer kind {kind!r}")
    if indicator.channel is not None and indicator.channel not in CHANNELS:
        raise CatalogueError(f"indicator {indicator.id}: unknown channel {indicator.channel!r}")
    if (indicator.employer_kinds or indicator.channel) and indicator.source != "employers":
        raise CatalogueError(
            f"indicator {indicator.id}: employer_kinds and channel need source = 'employers'"
        )
    if indicator.with_patterns and not indicator.patterns:
        raise CatalogueError(f"indicator {indicator.id}: with_patterns needs patterns")
    for pattern in indicator.patterns + indicator.with_patterns:
        check_regex(pattern, f"indicator {indicator.id}", "pattern", "patterns")
        literal_prefixes(pattern)
    if not (indicator.patterns or indicator.place_status or indicator.source):
        raise CatalogueError(f"indicator {indicator.id} has no way to be found")
    return indicator


@cache
def catalogue() -> tuple[Indicator, ...]:
    """All indicators, in catalogue order (loaded and validated once)."""
    text = resources.files(__package__).joinpath("indicators.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    indicators = tuple(_build(raw) for raw in data["indicator"])
    ids = [i.id for i in indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"duplicate indicator ids: {duplicates}")
    return indicators


@cache
def _by_id() -> dict[str, Indicator]:
    return {indicator.id: indicator for indicator in catalogue()}


def indicator_by_id(indicator_id: str) -> Indicator:
    """Look one indicator up; ``KeyError`` for an unknown id."""
    return _by_id()[indicator_id]
