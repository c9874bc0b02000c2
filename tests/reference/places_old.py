"""Pre-optimisation copy of screener/extract/places.py (commit 6af9458), kept as a test-only oracle.

Kept verbatim (only this docstring and imports of sibling oracles differ) so tests can prove the
optimised extractor gives the same output on the corpus and on generated hard cases. Not used by the
library.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from screener.normalize import Normalized, normalize
from screener.vocabulary import PlaceStatus

__all__ = ["KINDS", "STATUSES", "Place", "PlaceMention", "find_places", "gazetteer"]

KINDS = frozenset({"country", "city", "hub", "region", "port"})
STATUSES = frozenset(str(status) for status in PlaceStatus)


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    id: str
    name_id: str
    name_en: str
    kind: str  # "country" | "city" | "hub" | "region" | "port"
    country: str  # ISO 3166-1 alpha-2 of the country it is in
    status: str  # see STATUSES


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place found in an ad; ``start``/``end`` index the original text and ``text`` is that slice."""

    place: Place
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"place": _place_dict(self.place), "text": self.text, "start": self.start, "end": self.end}


@lru_cache(maxsize=4096)
def _place_fields(place: Place) -> tuple[tuple[str, Any], ...]:
    return tuple(asdict(place).items())  # a gazetteer entry never changes: convert it once


def _place_dict(place: Place) -> dict[str, Any]:
    return dict(_place_fields(place))


@dataclass(frozen=True, slots=True)
class _Index:
    places: tuple[Place, ...]
    pattern: re.Pattern[str]
    by_key: dict[str, Place | None]  # None: an [ignore] phrase


def _key(alias: str) -> str:
    """Lookup key of a matched alias: separators dropped, so "hong-kong" and "hongkong" agree."""
    return alias.replace(" ", "").replace("-", "")


def _alias_regex(alias: str) -> str:
    # A space in an alias also matches a hyphen or nothing: "kk park", "kk-park", "kkpark".
    return r"[ \-]?".join(re.escape(word) for word in alias.split(" "))


def _alternation(aliases: set[str]) -> str:
    """One alternative per alias, longest first, grouped under their first character.

    ``re`` tries the alternatives of a flat alternation one by one at every word start; grouped as
    ``k(?:amboja|...)|m(?:yanmar|...)`` it tries only the group of the character in the text.
    Aliases with different first characters never match at the same place, and within a group the
    longest-first order is kept, so the match is the one the flat alternation would give.
    """
    groups: dict[str, list[str]] = {}
    for alias in sorted(aliases, key=lambda a: (-len(a), a)):
        first = re.escape(alias[0])  # re.escape works per character: this is a prefix of the regex
        groups.setdefault(first, []).append(_alias_regex(alias)[len(first) :])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


def _normalised(alias: str, where: str) -> str:
    text = normalize(alias).text
    if not text:
        raise ValueError(f"places.toml: alias {alias!r} of {where} normalises to nothing")
    return text


def _build(data: dict[str, Any]) -> _Index:
    places: list[Place] = []
    by_key: dict[str, Place | None] = {}
    plain: set[str] = set()
    guarded: set[str] = set()

    def add(alias: str, place: Place | None, bucket: set[str]) -> None:
        where = place.id if place else "[ignore]"
        norm = _normalised(alias, where)
        key = _key(norm)
        if key in by_key and by_key[key] != place:
            other = by_key[key]
            raise ValueError(
                f"places.toml: alias {alias!r} of {where} clashes with {other.id if other else '[ignore]'}"
            )
        by_key[key] = place
        bucket.add(norm)

    seen_ids: set[str] = set()
    for entry in data["place"]:
        place = Place(
            id=entry["id"],
            name_id=entry["name_id"],
            name_en=entry["name_en"],
            kind=entry["kind"],
            country=entry["country"],
            status=entry["status"],
        )
        if place.id in seen_ids:
            raise ValueError(f"places.toml: duplicate id {place.id!r}")
        if place.kind not in KINDS:
            raise ValueError(f"places.toml: {place.id}: unknown kind {place.kind!r}")
        if place.status not in STATUSES:
            raise ValueError(f"places.toml: {place.id}: unknown status {place.status!r}")
        if not re.fullmatch(r"[A-Z]{2}", place.country):
            raise ValueError(f"places.toml: {place.id}: country must be ISO alpha-2, got {place.country!r}")
        seen_ids.add(place.id)
        places.append(place)
        for alias in entry["aliases"]:
            add(alias, place, plain)
        for alias in entry.get("guarded", ()):
            add(alias, place, guarded)
    ignore: set[str] = set()
    for phrase in data.get("ignore", {}).get("phrases", ()):
        add(phrase, None, ignore)

    branches = [f"(?P<alias>{_alternation(plain | ignore)})"]
    if guarded:
        before = _alternation({_normalised(w, "[guard]") for w in data["guard"]["before"]})
        branches.insert(0, f"(?:{before}) (?P<guarded>{_alternation(guarded)})")
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(branches) + r")(?![a-z0-9])")
    return _Index(places=tuple(places), pattern=pattern, by_key=by_key)


@lru_cache(maxsize=1)
def _index() -> _Index:
    raw = resources.files("screener").joinpath("catalogue", "places.toml").read_text(encoding="utf-8")
    return _build(tomllib.loads(raw))


def gazetteer() -> tuple[Place, ...]:
    """Every place of the gazetteer, in file order."""
    return _index().places


def find_places(norm: Normalized) -> list[PlaceMention]:
    """Find the places named in a normalised ad.

    Parameters
    ----------
    norm : Normalized
        The ad after :func:`screener.normalize.normalize`.

    Returns
    -------
    list of PlaceMention
        In text order, one per occurrence; where aliases overlap the longest wins ("thailand", not
        "thai"). Spans index ``norm.original``.
    """
    index = _index()
    mentions: list[PlaceMention] = []
    for match in index.pattern.finditer(norm.text):
        group = "guarded" if match.group("guarded") is not None else "alias"
        place = index.by_key.get(_key(match.group(group)))
        if place is None:  # an [ignore] phrase
            continue
        start, end = norm.to_original(*match.span(group))
        mentions.append(PlaceMention(place=place, text=norm.original[start:end], start=start, end=end))
    return mentions
