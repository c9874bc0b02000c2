"""Trends: what is changing week by week in the ads screened, and what is new this week.

Pure functions over :class:`TrendRecord` (one per scored ad, built by :func:`record_from_assessment`
from an ``Assessment`` as JSON); the service reads the records from its store. Weeks start on Monday
(UTC). Dimensions counted per week, for offers and for *flagged* offers (tier ``sedang`` or
``tinggi``): destination (a place abroad; places in Indonesia count as ``Indonesia``), cover role (the
job the ad offers, from :data:`COVER_ROLES`), indicator, salary band (:func:`salary_band`), platform
and source (the group / channel / page, else the import's source).

*New this week* (:func:`whats_new`): destinations, cover roles, phone-number countries and contacts
first seen in the last seven days, or seen in more sources than they were before those days.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = [
    "COVER_ROLES",
    "DIMENSIONS",
    "NewItem",
    "TrendRecord",
    "Trends",
    "compute_trends",
    "cover_roles",
    "record_from_assessment",
    "salary_band",
    "week_start",
]

DIMENSIONS = ("destination", "cover_role", "indicator", "salary_band", "platform", "source")
NEW_KINDS = ("destination", "cover_role", "phone_country", "contact")
FLAGGED_TIERS = frozenset(("sedang", "tinggi"))

# The cover jobs recruiters name, as (label, word patterns on lower-cased text).
COVER_ROLES: tuple[tuple[str, str], ...] = (
    ("admin / CS", r"\badmin\b|customer service|\bcs\b|layanan pelanggan"),
    ("operator", r"\boperator\b"),
    ("marketing / telemarketing", r"marketing|telemarket|\bsales\b"),
    ("IT / programmer", r"\bit\b|programmer|developer|data entry|input data"),
    ("penerjemah / translator", r"penerjemah|translator|interpreter"),
    ("gudang / pabrik", r"gudang|warehouse|pabrik|factory|produksi"),
    ("ABK / kapal", r"\babk\b|anak buah kapal|kapal|pelaut|fishing|cruise|pesiar"),
    ("perkebunan", r"kebun|sawit|perkebunan|plantation|petik"),
    ("konstruksi", r"konstruksi|construction|tukang|bangunan|las\b|welder"),
    ("sopir", r"sopir|supir|driver"),
    ("restoran / hotel", r"restoran|restaurant|hotel|pelayan|waiter|waitress|koki|cook|chef"),
    (
        "spa / hiburan",
        r"\bspa\b|terapis|therapist|massage|pijat|\bkaraoke\b|\bladies\b|hostess|\bpemandu lagu\b",
    ),
    ("model / artis", r"\bmodel\b|talent|\bartis\b"),
    ("perawat / caregiver", r"perawat|caregiver|nurse|lansia|jompo"),
    ("ART / PRT", r"\bart\b|\bprt\b|rumah tangga|housemaid|domestic helper|baby ?sitter|nanny"),
)


def _literals(pattern: str) -> tuple[str, ...]:
    """For each alternative of ``pattern``, its longest plain run of letters: text that every match
    contains, so a substring test rules a role out before any regex runs."""
    runs = (max(re.split(r"\\b|[^a-z ]|.\?", alt), key=len) for alt in pattern.split("|"))
    return tuple(run for run in runs if run)


_ROLES = tuple((label, re.compile(pattern), _literals(pattern)) for label, pattern in COVER_ROLES)

# Monthly pay in IDR: (upper bound exclusive, label).
SALARY_BANDS: tuple[tuple[float, str], ...] = (
    (5e6, "< 5 jt"),
    (10e6, "5-10 jt"),
    (20e6, "10-20 jt"),
    (50e6, "20-50 jt"),
    (float("inf"), "≥ 50 jt"),
)
NO_SALARY = "tanpa gaji / no pay"


def week_start(when: datetime) -> date:
    """The Monday (UTC) of ``when``'s week."""
    day = when.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def cover_roles(text: str) -> list[str]:
    """The cover roles an ad names (labels of :data:`COVER_ROLES`, in that order)."""
    lowered = text.lower()
    return [
        label
        for label, pattern, literals in _ROLES
        if any(literal in lowered for literal in literals) and pattern.search(lowered)
    ]


def salary_band(idr_per_month: float | None) -> str:
    if idr_per_month is None or idr_per_month <= 0:
        return NO_SALARY
    return next(label for limit, label in SALARY_BANDS if idr_per_month < limit)


@dataclass(frozen=True)
class TrendRecord:
    """One scored ad as trends see it."""

    when: datetime
    offer: bool
    flagged: bool
    platform: str | None
    source: str | None
    destinations: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    salary_band: str = NO_SALARY
    phone_countries: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


def record_from_assessment(
    assessment: dict[str, Any],
    *,
    text: str,
    when: datetime,
    platform: str | None,
    source: str | None,
) -> TrendRecord:
    """A :class:`TrendRecord` from an ``Assessment`` as JSON (``Assessment.to_dict()``)."""
    destinations = []
    for found in assessment.get("places") or ():
        place = found.get("place") or {}
        destinations.append("Indonesia" if place.get("country") == "ID" else str(place.get("name_id") or "?"))
    salary = (assessment.get("salary") or {}).get("amount") or {}
    pay = salary.get("idr_month_high") or salary.get("idr_month_low")
    contacts = assessment.get("contacts") or ()
    indicators = [i["id"] if isinstance(i, dict) else str(i) for i in assessment.get("indicators") or ()]
    return TrendRecord(
        when=when,
        offer=assessment.get("scope", "offer") == "offer",
        flagged=assessment.get("tier") in FLAGGED_TIERS,
        platform=platform,
        source=source,
        destinations=tuple(dict.fromkeys(destinations)),
        roles=tuple(cover_roles(text)),
        indicators=tuple(dict.fromkeys(indicators)),
        salary_band=salary_band(float(pay) if pay else None),
        phone_countries=tuple(
            dict.fromkeys(
                str(c["country"])
                for c in contacts
                if c.get("kind") in ("phone", "whatsapp") and c.get("country")
            )
        ),
        contacts=tuple(dict.fromkeys(str(c["value"]) for c in contacts if c.get("value"))),
    )


def _values(record: TrendRecord, dimension: str) -> Iterable[str]:
    if dimension == "destination":
        return record.destinations
    if dimension == "cover_role":
        return record.roles
    if dimension == "indicator":
        return record.indicators
    if dimension == "salary_band":
        return (record.salary_band,)
    if dimension == "platform":
        return (record.platform or "-",)
    if dimension == "source":
        return (record.source or "-",)
    if dimension == "phone_country":
        return record.phone_countries
    if dimension == "contact":
        return record.contacts
    raise ValueError(dimension)


@dataclass(frozen=True)
class NewItem:
    """Something new this week: first seen in it, or seen in more sources than before."""

    kind: str  # destination, cover_role, phone_country, contact
    value: str
    first_seen: datetime
    sources_before: int
    sources_now: int
    ads_this_week: int
    flagged_this_week: int

    @property
    def first_seen_this_week(self) -> bool:
        return self.sources_before == 0


@dataclass
class Trends:
    """Weekly counts (oldest week first) and what is new this week."""

    weeks: list[date]
    offers: list[int]
    flagged: list[int]
    # dimension -> value -> (offers per week, flagged per week)
    series: dict[str, dict[str, tuple[list[int], list[int]]]]
    new: list[NewItem] = field(default_factory=list)
    since: datetime | None = None


def compute_trends(records: Iterable[TrendRecord], *, now: datetime, weeks: int = 12, top: int = 8) -> Trends:
    """Weekly counts over the last ``weeks`` weeks (this one included) and what is new in the last
    seven days, from every record (older ones tell what is not new). ``top``: the values kept per
    dimension, by flagged then all offers in the window."""
    current = week_start(now)
    week_list = [current - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    index = {w: i for i, w in enumerate(week_list)}
    offers = [0] * weeks
    flagged = [0] * weeks
    counts: dict[str, dict[str, tuple[list[int], list[int]]]] = {d: {} for d in DIMENSIONS}
    since = now - timedelta(days=7)
    first_seen: dict[tuple[str, str], datetime] = {}
    sources_before: dict[tuple[str, str], set[str]] = defaultdict(set)
    sources_now: dict[tuple[str, str], set[str]] = defaultdict(set)
    week_ads: Counter[tuple[str, str]] = Counter()
    week_flagged: Counter[tuple[str, str]] = Counter()
    for record in records:
        if record.when > now:
            continue
        slot = index.get(week_start(record.when))
        if slot is not None and record.offer:
            offers[slot] += 1
            flagged[slot] += record.flagged
            for dimension in DIMENSIONS:
                for value in _values(record, dimension):
                    pair = counts[dimension].setdefault(value, ([0] * weeks, [0] * weeks))
                    pair[0][slot] += 1
                    pair[1][slot] += record.flagged
        if not record.offer:
            continue
        recent = record.when >= since
        source = record.source or record.platform or "-"
        for kind in NEW_KINDS:
            for value in _values(record, kind):
                key = (kind, value)
                if key not in first_seen or record.when < first_seen[key]:
                    first_seen[key] = record.when
                (sources_now if recent else sources_before)[key].add(source)
                if recent:
                    week_ads[key] += 1
                    week_flagged[key] += record.flagged
    series: dict[str, dict[str, tuple[list[int], list[int]]]] = {}
    for dimension, values in counts.items():
        ranked = sorted(values.items(), key=lambda kv: (-sum(kv[1][1]), -sum(kv[1][0]), kv[0]))
        series[dimension] = dict(ranked[:top])
    new = []
    for key, ads in week_ads.items():
        before = sources_before.get(key, set())
        everywhere = before | sources_now[key]
        if not before or len(everywhere) > len(before):
            new.append(
                NewItem(key[0], key[1], first_seen[key], len(before), len(everywhere), ads, week_flagged[key])
            )
    new.sort(key=lambda n: (NEW_KINDS.index(n.kind), -n.flagged_this_week, -n.ads_this_week, n.value))
    return Trends(week_list, offers, flagged, series, new, since)
