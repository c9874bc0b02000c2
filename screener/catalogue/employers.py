"""Known employers and public bodies as data (``employers.toml``), for impersonation checks.

Scam vacancies borrow the names of state companies, ministries, public hospitals and big private
employers (DOMAIN.md section 2b) but send applicants to channels those employers never use
(section 2c). Each entry names an employer (or a class of public institution), the regexes that
find it in normalised text, its official channels (domains; a subdomain counts) and short facts
with their source. The file is loaded and validated once; an invalid entry is a
:class:`~screener.errors.CatalogueError` that names it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from screener.catalogue import EMPLOYER_KINDS, check_regex, literal_prefixes
from screener.errors import CatalogueError

__all__ = ["KINDS", "PUBLIC_KINDS", "Employer", "Fact", "employers", "load_employers", "parse_employers"]

KINDS = EMPLOYER_KINDS
# Public bodies: any ``.go.id`` domain is one of their official channels (DOMAIN.md section 2c).
PUBLIC_KINDS = frozenset({"government", "public_service", "public_institution_class", "placement_authority"})

_FIELDS = frozenset({"id", "kind", "names", "aliases", "official_channels", "facts"})
_REQUIRED = ("id", "kind", "names", "aliases")
_FACT_FIELDS = frozenset({"id", "en", "source"})
# Lower-case host names only: no scheme, path, port, spaces or trailing dot.
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
_ID = re.compile(r"[a-z0-9][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Fact:
    """Something an officer can check, in Indonesian and English, with where it comes from."""

    id: str
    en: str
    source: str


@dataclass(frozen=True, slots=True)
class Employer:
    """One known employer, public body or class of public institutions."""

    id: str
    kind: str  # see KINDS
    names: tuple[str, ...]
    aliases: tuple[str, ...]  # regexes over normalised text, catalogue pattern rules
    official_channels: tuple[str, ...]  # domains
    facts: tuple[Fact, ...]

    @property
    def public(self) -> bool:
        return self.kind in PUBLIC_KINDS

    def is_official_domain(self, domain: str) -> bool:
        """Whether ``domain`` (lower case) is one of the official domains or a subdomain of one."""
        if self.public and (domain == "go.id" or domain.endswith(".go.id")):
            return True
        return any(domain == d or domain.endswith("." + d) for d in self.official_channels)


def _strings(entry_id: str, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogueError(f"employer {entry_id}: {key} must be a list of non-empty strings")
    return tuple(value)


def _fact(entry_id: str, raw: Any) -> Fact:
    if not isinstance(raw, dict):
        raise CatalogueError(f"employer {entry_id}: each fact is a table with id, en and source")
    unknown = sorted(set(raw) - _FACT_FIELDS)
    if unknown:
        raise CatalogueError(f"employer {entry_id}: unknown fact field(s) {', '.join(unknown)}")
    for key in sorted(_FACT_FIELDS):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CatalogueError(f"employer {entry_id}: a fact lacks {key}")
    return Fact(id=raw["id"].strip(), en=raw["en"].strip(), source=raw["source"].strip())


def _check_alias(entry_id: str, alias: str) -> None:
    check_regex(alias, f"employer {entry_id}", "alias", "aliases")
    try:
        literal_prefixes(alias)
    except CatalogueError as exc:
        raise CatalogueError(f"employer {entry_id}: {exc}") from exc


def _employer(raw: Any, index: int) -> Employer:
    if not isinstance(raw, dict):
        raise CatalogueError(f"employer #{index + 1} is not a table")
    raw_id = raw.get("id")
    entry_id = raw_id if isinstance(raw_id, str) else f"#{index + 1}"
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise CatalogueError(f"employer {entry_id}: unknown field(s) {', '.join(unknown)}")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise CatalogueError(f"employer {entry_id} lacks {', '.join(missing)}")
    if not _ID.fullmatch(entry_id):
        raise CatalogueError(f"employer {entry_id}: id must be lower-case letters, digits and _")
    if raw["kind"] not in KINDS:
        raise CatalogueError(f"employer {entry_id}: unknown kind {raw['kind']!r}")
    names = _strings(entry_id, raw, "names")
    aliases = _strings(entry_id, raw, "aliases")
    if not names or not aliases:
        raise CatalogueError(f"employer {entry_id}: names and aliases must not be empty")
    for alias in aliases:
        _check_alias(entry_id, alias)
    domains = _strings(entry_id, raw, "official_channels")
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise CatalogueError(
                f"employer {entry_id}: official channel {domain!r} is not a lower-case domain "
                "(no scheme, path or spaces)"
            )
    facts_raw = raw.get("facts", [])
    if not isinstance(facts_raw, list):
        raise CatalogueError(f"employer {entry_id}: facts must be a list of tables")
    return Employer(
        id=entry_id,
        kind=raw["kind"],
        names=names,
        aliases=aliases,
        official_channels=domains,
        facts=tuple(_fact(entry_id, fact) for fact in facts_raw),
    )


def parse_employers(text: str) -> tuple[Employer, ...]:
    """Parse and validate the TOML text of an employer list (``[[employer]]`` tables).

    Raises
    ------
    CatalogueError
        Naming the entry: an unknown or missing field, a fact without ``source``, a malformed
        domain, an empty alias list, an invalid alias regex, or an id or alias used twice.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"employers.toml is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"employer"})
    if unknown:
        raise CatalogueError(f"employers.toml: unknown top-level key(s) {', '.join(unknown)}")
    entries = tuple(_employer(raw, i) for i, raw in enumerate(data.get("employer", [])))
    seen: dict[str, str] = {}
    ids: set[str] = set()
    for entry in entries:
        if entry.id in ids:
            raise CatalogueError(f"employer {entry.id}: duplicate id")
        ids.add(entry.id)
        for alias in entry.aliases:
            if alias in seen:
                raise CatalogueError(f"employer {entry.id}: alias {alias!r} is already used by {seen[alias]}")
            seen[alias] = entry.id
    return entries


def load_employers(path: str | Path) -> tuple[Employer, ...]:
    """Parse and validate an employer list from a file (see :func:`parse_employers`)."""
    return parse_employers(Path(path).read_text(encoding="utf-8"))


@cache
def employers() -> tuple[Employer, ...]:
    """Every entry of ``employers.toml``, in file order (loaded and validated once)."""
    text = resources.files(__package__).joinpath("employers.toml").read_text(encoding="utf-8")
    return parse_employers(text)
