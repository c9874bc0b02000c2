"""Filter terms in either language: a place or an indicator named in Bahasa Indonesia, in English or
by its id finds the same records (``place=Cambodia`` and ``place=Kamboja``; ``indicator=dest_scam_hub``
and its display name)."""

from __future__ import annotations

from screener.catalogue import catalogue
from screener.extract.places import Place, find_places, gazetteer
from screener.normalize import normalize

__all__ = ["indicator_ids", "places_named"]


def places_named(query: str) -> list[Place]:
    """The gazetteer places ``query`` names: an id, a name in either language, or an alias."""
    wanted = query.strip().casefold()
    if not wanted:
        return []
    exact = [
        p for p in gazetteer() if wanted in (p.id.casefold(), p.name_id.casefold(), p.name_en.casefold())
    ]
    if exact:
        return exact
    found = {m.place.id: m.place for m in find_places(normalize(query))}
    return list(found.values())


def indicator_ids(query: str) -> set[str]:
    """The catalogue indicators ``query`` names: the id, or the Indonesian or English display name."""
    wanted = query.strip().casefold()
    if not wanted:
        return set()
    return {
        ind.id
        for ind in catalogue()
        if wanted in (ind.id.casefold(), ind.name_id.casefold(), ind.name_en.casefold())
    }
