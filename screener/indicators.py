"""Find the catalogue's indicators in one ad.

Pattern matching is one pass over the word starts of the normalised text
(:class:`~screener.catalogue.matcher.PrefixMatcher`): only the patterns whose literal first word
starts at a position are tried there. An indicator with ``with_patterns`` needs a hit of both sets.
Indicators fed by an extractor (places, salary, contacts, employers) are decided from the
extractors' results in :func:`detect`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from screener.catalogue import Indicator, catalogue
from screener.catalogue.employers import Employer
from screener.catalogue.matcher import PrefixMatcher
from screener.extract.channels import UNOFFICIAL, classify
from screener.extract.contacts import FOREIGN_SCAM_HUB_REGIONS, Contact, find_contacts
from screener.extract.employers import EmployerMention, alias_patterns, find_employers
from screener.extract.money import MoneyAmount, SalarySignal, extract_money, salary_signal
from screener.extract.places import PlaceMention, find_places
from screener.normalize import Normalized, normalize
from screener.slots import slot_constructor

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
    employers: tuple[EmployerMention, ...] = ()

    @property
    def text(self) -> str:
        """The normalised text (what the n-gram features read)."""
        return self.norm.text


# Evidence(...), IndicatorHit(...) and Findings(...) with every field positional, at about half the
# cost: detect() makes each of them per hit or per ad.
_new_evidence = slot_constructor(Evidence)
_new_hit = slot_constructor(IndicatorHit)
_new_findings = slot_constructor(Findings)

# Keys of the one matcher: (indicator index, _PATTERN or _WITH) and (employer entry index, _ALIAS).
_PATTERN, _WITH, _ALIAS = 0, 1, 2
_Spans = dict[int, list[tuple[int, int]]]


@cache
def _matcher() -> PrefixMatcher[tuple[int, int]]:
    """Every indicator pattern and ``with_patterns`` pattern, and every employer alias: one pass."""
    patterns = [
        ((index, part), source)
        for index, indicator in enumerate(catalogue())
        for part, sources in ((_PATTERN, indicator.patterns), (_WITH, indicator.with_patterns))
        for source in sources
    ]
    patterns += [((index, _ALIAS), alias) for index, alias in alias_patterns()]
    return PrefixMatcher(patterns)


def _pattern_hits(norm: Normalized) -> tuple[_Spans, _Spans, list[tuple[int, int, int]]]:
    """Normalised spans per indicator index of its ``patterns`` and of its ``with_patterns``, and
    the employer alias matches as (entry index, start, end)."""
    parts: tuple[_Spans, _Spans] = (defaultdict(list), defaultdict(list))
    aliases: list[tuple[int, int, int]] = []
    for (index, part), start, end in _matcher().findall(norm.text):
        if part == _ALIAS:
            aliases.append((index, start, end))
        else:
            parts[part][index].append((start, end))
    return parts[0], parts[1], aliases


def match_patterns(norm: Normalized) -> dict[int, list[tuple[int, int]]]:
    """Normalised spans per indicator index, for every hit of its ``patterns`` in ``norm``."""
    return _pattern_hits(norm)[0]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@cache
def _two_part() -> frozenset[int]:
    """Catalogue indices of the indicators with ``with_patterns`` (they need a hit of both sets)."""
    return frozenset(index for index, indicator in enumerate(catalogue()) if indicator.with_patterns)


@cache
def _extractor_fed() -> tuple[tuple[int, Indicator], ...]:
    """The indicators (with their catalogue index) that take evidence from the places, salary,
    contacts or employer extractors: the only ones :func:`detect` has more to do for after pattern
    matching."""
    return tuple(
        (index, indicator)
        for index, indicator in enumerate(catalogue())
        if indicator.place_status or indicator.source in ("money", "contacts", "employers")
    )


# A public body's official route in words: SSCASN ("melalui SSCASN"), a .go.id address the contacts
# extractor could not read ("rsud.kab.go.1d" in a scanned poster), a job fair it runs with the labour
# office ("bursa kerja", "pameran kerja": DOMAIN.md §2c), its website ("pengumuman di
# website Dinas Kesehatan", "laman resmi Pemkab"), or applying in person at its office ("pendaftaran
# langsung di kantor Dinkes"). Not when negated: "tanpa melalui SSCASN", "bukan lewat situs resmi".
#
# The pattern consumes the character before the route (the text is read with a space in front) instead
# of a look-behind, so ``re`` skips ahead in C between candidates; a match's start in the padded text
# is then the route's start in the text. Every route ends with a letter or digit, so no match could
# start where the previous one ended: the matches are the ones a look-behind would find.
_OFFICIAL_ROUTE = re.compile(
    r"[^a-z0-9](?:sscasn|[a-z0-9-]*go\.?[i1l]d|bursa kerja|pameran kerja|job ?fair|expo kerja"
    r"|(?:website|situs|laman|web|portal) (?:resmi|dinas|pemkab|pemkot|pemprov|pemda|pemerintah|kabupaten"
    r"|kota|provinsi|instansi|kementerian|bkn|bkd|bkpsdm|bkpp|rsud|puskesmas)"
    r"|(?:diantar|antar|langsung|datang|pendaftaran|lamaran|berkas|daftar)(?: \w+)? (?:ke|di) kantor)(?![a-z0-9])"
)
_NEGATION_BEFORE = re.compile(
    r"(?<![a-z0-9])(?:tanpa|tidak|tak|bukan|non|luar|selain)(?![a-z0-9])[^.]{0,20}$"
)


def _official_route(text: str) -> bool:
    return any(
        not _NEGATION_BEFORE.search(text, max(0, m.start() - 25), m.start())
        for m in _OFFICIAL_ROUTE.finditer(" " + text)
    )


class _Channels:
    """What the ``employers`` indicators of one ad share, each worked out once on first need: the
    class of every contact as a way to apply to an employer, and whether the text gives a public
    body's official route."""

    def __init__(self, contacts: Sequence[Contact], text: str) -> None:
        self.contacts = contacts
        self.text = text
        self._classes: dict[str, list[str]] = {}
        self._route: bool | None = None

    def classes(self, employer: Employer) -> list[str]:
        """:func:`~screener.extract.channels.classify` of every contact, for ``employer``."""
        found = self._classes.get(employer.id)
        if found is None:
            found = self._classes[employer.id] = [classify(contact, employer) for contact in self.contacts]
        return found

    def official_route(self) -> bool:
        if self._route is None:
            self._route = _official_route(self.text)
        return self._route


def _employer_spans(
    indicator: Indicator, mentions: Sequence[EmployerMention], channels: _Channels
) -> list[tuple[int, int]]:
    """Evidence (original spans) of an ``employers`` indicator, empty when it does not apply.

    Per employer named as the recruiter (of ``employer_kinds``; for ``channel`` indicators also an
    employer merely named next to a look-alike domain): nothing when the ad gives one of its
    official channels (or, for a public body, points to SSCASN, its website or its office); else its
    mentions, plus the unofficial channels when the indicator asks for them (and nothing when there
    are none).
    """
    kinds = indicator.employer_kinds
    named: dict[str, list[EmployerMention]] = {}
    for mention in mentions:
        if not kinds or mention.employer.kind in kinds:
            named.setdefault(mention.employer.id, []).append(mention)
    spans: list[tuple[int, int]] = []
    for group in named.values():
        employer = group[0].employer
        classes = channels.classes(employer)
        if "official" in classes:
            continue
        # Named as the recruiter; or named at all next to a domain that borrows its name.
        if not any(m.recruiting for m in group) and not (indicator.channel and "lookalike" in classes):
            # (a look-alike carries this employer's name; an odd recruitment domain does not)
            continue
        if employer.public and channels.official_route():
            continue
        unofficial = [
            (c.start, c.end) for c, cls in zip(channels.contacts, classes, strict=True) if cls in UNOFFICIAL
        ]
        if indicator.channel == "unofficial":
            if not unofficial:
                continue
            spans += unofficial
        spans += [(m.start, m.end) for m in group]
    return spans


def detect(text: str | Normalized) -> Findings:
    """Normalise ``text`` (unless already done), run the extractors and find every indicator."""
    norm = text if isinstance(text, Normalized) else normalize(text)
    indicators = catalogue()
    pattern_spans, with_spans, alias_hits = _pattern_hits(norm)
    places = tuple(find_places(norm))
    contacts = tuple(find_contacts(norm.original))
    money = tuple(extract_money(norm))
    employers = tuple(find_employers(norm, alias_hits))

    for index in _two_part().intersection(pattern_spans):
        if index in with_spans:
            pattern_spans[index] += with_spans[index]
        else:
            del pattern_spans[index]  # half of a two-part indicator: not enough

    # ``norm.to_original`` without its clamping: a match is a non-empty span inside the text.
    starts, ends = norm.starts, norm.ends
    original_spans = {
        index: [(starts[a], ends[b - 1]) for a, b in spans] for index, spans in pattern_spans.items()
    }

    hit_ids = {indicators[i].id for i in original_spans}
    # The countries of the legal destinations named: the salary is compared with their wage.
    destinations = tuple(
        dict.fromkeys(p.place.country for p in places if p.place.status == "official_destination")
    )
    salary = salary_signal(
        list(money),
        asks_little=bool(hit_ids & ASKS_LITTLE),
        official_destination=bool(destinations),
        destinations=destinations,
    )

    channels = _Channels(contacts, norm.text)
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
        if indicator.source == "employers":
            employer_spans = _employer_spans(indicator, employers, channels)
            # The patterns of an employers indicator only add evidence to an employer found.
            if not employer_spans or (indicator.patterns and index not in original_spans):
                original_spans.pop(index, None)
                continue
            extra += employer_spans
        if extra:
            original_spans.setdefault(index, []).extend(extra)

    hits = []
    for index in sorted(original_spans):
        spans = _merge(original_spans[index])
        evidence = tuple([_new_evidence(a, b, norm.original[a:b]) for a, b in spans])
        hits.append(_new_hit(indicators[index], evidence))
    # Findings(norm=norm, hits=..., ..., employers=employers), its fields in order.
    ids = frozenset([hit.indicator.id for hit in hits])
    return _new_findings(norm, tuple(hits), places, contacts, money, salary, ids, employers)
