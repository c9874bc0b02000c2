"""Find places (countries, cities, scam hubs, regions, ports) named in an ad.

The gazetteer is data: ``screener/catalogue/places.toml`` lists every place with its status
(``scam_hub``, ``no_agreement``, ``transit``, ``official_destination``, ``moratorium_sector``,
``domestic``) and the aliases ads use for it. This module loads it once, passes every alias through
:func:`screener.normalize.normalize` so aliases and ads are compared in the same form, and compiles one
alternation, longest alias first, bounded by non-alphanumeric characters. Matching runs on the
normalised text, so ``K4mb0ja``, ``K A M B O J A``, 🇰🇭 and ``di pp`` are found; spans are mapped back
to the original text.

Two refinements, both in the data file:

* ``[ignore] phrases`` contain an alias but are not places ("padang pasir", "nasi padang"); being
  longer, they win the alternation and are dropped.
* ``guarded`` aliases ("kl") count only right after one of the ``[guard] before`` words ("ke KL",
  "via KL"), because on their own they are chat abbreviations.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from screener.normalize import Normalized, normalize
from screener.slots import slot_constructor
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


# id(place) -> (the place, its fields as a dict): a gazetteer entry never changes, so it is converted
# once. Keyed by identity, because an ``lru_cache`` keyed by the place hashed all its fields (in
# Python: a frozen dataclass's ``__hash__``) on every call; the entry keeps the place alive, so its
# id is never reused while cached. Bounded like the cache it replaces (the gazetteer is far smaller).
_PLACE_DICTS: dict[int, tuple[Place, dict[str, Any]]] = {}
_MAX_PLACE_DICTS = 4096


def _place_dict(place: Place) -> dict[str, Any]:
    """``asdict(place)``, a new dict each call (a copy of the one converted first)."""
    cached = _PLACE_DICTS.get(id(place))
    if cached is None or cached[0] is not place:
        if len(_PLACE_DICTS) >= _MAX_PLACE_DICTS:
            _PLACE_DICTS.clear()
        cached = _PLACE_DICTS[id(place)] = (place, asdict(place))
    return cached[1].copy()


# PlaceMention(...) with every field positional, at about half the cost (one per mention found).
_new_mention = slot_constructor(PlaceMention)


@dataclass(frozen=True, slots=True)
class _Index:
    places: tuple[Place, ...]
    pattern: re.Pattern[str]
    # The pattern without its guarded branch, and what that branch cannot match without (" kl"): in
    # a text that holds none of these the branch fails everywhere, and skipping it saves a try at
    # every word start. ``in`` finds a string much faster than a regex.
    unguarded: re.Pattern[str]
    guard_needles: tuple[str, ...]
    by_key: dict[str, Place | None]  # None: an [ignore] phrase


def _key(alias: str) -> str:
    """Lookup key of a matched alias: separators dropped, so "hong-kong" and "hongkong" agree."""
    return alias.replace(" ", "").replace("-", "")


def _alias_regex(alias: str) -> str:
    # A space in an alias also matches a hyphen or nothing: "kk park", "kk-park", "kkpark".
    return r"[ \-]?".join(re.escape(word) for word in alias.split(" "))


def _alternation(aliases: set[str]) -> str:
    """One alternative per alias, longest first, shaped as a trie where that keeps the answer.

    ``re`` tries the alternatives of a flat alternation one by one at every word start; grouped by
    the text character each can start with (``k(?:am(?:boja|...)|...)|m(?:yanmar|...)``) it tests
    only the branch of the character in the text, so a failing word start costs a few tests instead
    of one per alias. See :func:`_trie` for why the match stays the one of the flat alternation.
    """
    return "|".join(_trie(sorted(aliases, key=lambda a: (-len(a), a))))


def _trie(rests: list[str]) -> list[str]:
    """The alternatives of ``rests`` (alias tails in the flat, longest-first order; a space stands for
    ``[ \\-]?``), grouped by the text character each tail can start with.

    At a given text character only the tails of its group can match, tried in their flat order, so
    ``re`` meets the same successful alternatives in the same order as in the flat alternation. A
    tail starting with a space can start with a space, a hyphen or its next character: it is filed in
    each of those groups, in the order ``[ \\-]?`` tries them (the separator, then nothing). An empty
    tail (an alias that ends here) matches before any character, so grouping keeps the order only
    when the empty tails come last; otherwise the tails stay a flat alternation.
    """
    if len(rests) == 1 or any(rests[i] == "" and rests[i + 1] for i in range(len(rests) - 1)):
        return [_alias_regex(rest) for rest in rests]
    groups: dict[str, list[str]] = {}
    for rest in rests:
        if rest.startswith(" "):  # "[ \-]?" takes a space or a hyphen, or nothing
            for char in (" ", "-"):
                groups.setdefault(char, []).append(rest[1:])
            groups.setdefault(rest[1], []).append(rest[2:])
        elif rest:
            groups.setdefault(rest[0], []).append(rest[1:])
    branches = []
    for char, members in groups.items():
        tails = _trie(members)
        branches.append(re.escape(char) + (tails[0] if len(tails) == 1 else f"(?:{'|'.join(tails)})"))
    if not rests[-1]:
        branches.append("")  # the aliases that end here, tried last as in the flat alternation
    return branches


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
    needles: tuple[str, ...] = ()
    if guarded:
        before = _alternation({_normalised(w, "[guard]") for w in data["guard"]["before"]})
        branches.insert(0, f"(?:{before}) (?P<guarded>{_alternation(guarded)})")
        needles = tuple({" " + alias.split(" ")[0] for alias in guarded})  # after the guard word
    return _Index(
        places=tuple(places),
        pattern=_bounded(branches),
        unguarded=_bounded(branches[-1:]),
        guard_needles=needles,
        by_key=by_key,
    )


def _bounded(branches: list[str]) -> re.Pattern[str]:
    """The branches as whole words. "[^a-z0-9]" takes the character before the word instead of a
    look-behind: a pattern that starts with a character class lets ``re`` skip in C to the next
    candidate, where a look-behind is tested at every position. find_places searches " " + text so
    the first word has one too."""
    return re.compile(r"[^a-z0-9](?:" + "|".join(branches) + r")(?![a-z0-9])")


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
    text = " " + norm.text  # every position of norm.text is one more here
    guarded = any(needle in text for needle in index.guard_needles)
    search = (index.pattern if guarded else index.unguarded).search
    by_key, original = index.by_key, norm.original
    # ``norm.to_original`` without its clamping: an alias is a non-empty span inside the text.
    starts, ends = norm.starts, norm.ends
    mentions: list[PlaceMention] = []
    match = search(text)
    while match is not None:
        group = match.lastgroup  # "guarded" or "alias": the patterns have no other group
        assert group is not None
        place = by_key.get(_key(match[group]))
        if place is not None:  # else an [ignore] phrase
            a, b = match.span(group)  # in ``text``: one more than in norm.text
            start, end = starts[a - 1], ends[b - 2]
            mentions.append(_new_mention(place, original[start:end], start, end))
        # The next alias may start right after this one when its last character is not a letter or
        # digit (as with the look-behind): its preceding character is this match's last one.
        match = search(text, match.end() - 1)
    return mentions
