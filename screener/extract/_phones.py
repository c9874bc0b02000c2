"""Phone numbers in text: :class:`phonenumbers.PhoneNumberMatcher`'s matches, found faster.

The matcher is pure Python: it runs its own candidate regex over the whole text and, for every
candidate (prices, dates, times: most of an ad's digits), trims it, tries inner pieces and parses
them. :func:`phone_matches` gives exactly its matches (``tests/extract/test_contacts_fast.py`` and
``tests/extract/test_extract_same_output.py`` check that) with three shortcuts:

1. **Windows.** The matcher's candidate regex (``_PATTERN``) only allows digits, its punctuation and
   the letters of extension words ("ext", "extension", "int", "anexo", "x"); a line break or any other
   ASCII consonant (``_BLOCKERS``) can never be inside a candidate. So the text splits at those
   characters into runs, and a run with fewer digits than any valid number has and no letter cannot
   give a match (see 2). One C-level regex finds the other runs; the matcher runs on each of them
   alone, with one character of context before (a blocker, which the matcher reads to reject
   "abc0812...") and three after (the blocker and the two characters its time-stamp check reads).
   Candidates never cross a blocker and the matcher reads no further than that, so every run gives
   the matches the whole-text matcher finds in it.
2. **Digit bound.** :class:`CandidateFilter` rejects a candidate with fewer digits than any VALID
   number has (:func:`min_valid_digits`) before the library parses it.
3. **Cache.** Whether a candidate is a valid number depends only on the candidate, the characters
   just before and after it, the region and the leniency; the same prices, dates and numbers come
   back ad after ad, so :func:`_verified` remembers the last few thousand answers.

The matcher gives up after ``max_tries`` (65535) failed attempts over the whole text. Each candidate
of length L costs it at most 6 * (L + 1) + 1 attempts and candidates do not overlap, so on a text of
at most ``65535 // 13`` characters it never gives up, whether it runs once or per window; longer
texts go through one whole-text matcher, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any, NamedTuple

import phonenumbers
from phonenumbers import Leniency, PhoneMetadata, PhoneNumber, PhoneNumberMatcher

__all__ = ["CandidateFilter", "PhoneMatch", "min_valid_digits", "phone_matches"]

_MAX_TRIES = 65535  # PhoneNumberMatcher's default
_WINDOW_SAFE_LENGTH = _MAX_TRIES // 13  # see the module docstring
# ASCII letters outside "ext", "extension", "int", "anexo" and "x", and line breaks: no candidate of
# the matcher's pattern contains one, even case-insensitively.
_BLOCKERS = "bcdfghjklmpqruvwyzBCDFGHJKLMPQRUVWYZ\r\n"
_CONTEXT_BEFORE = 1  # the character before a candidate (a Latin letter there rejects it)
_CONTEXT_AFTER = 3  # the character after a candidate, and ":MM" after a time stamp


class PhoneMatch(NamedTuple):
    """A number found in the text: ``text[start:end] == raw``."""

    start: int
    end: int
    raw: str
    number: PhoneNumber


@cache
def min_valid_digits(region: str) -> int:
    """The fewest digits any VALID number can have when read with default ``region``: a national
    number of ``region``, or a country code plus a national number of that country (an international
    or trunk prefix only adds digits). From the library's own metadata, so it follows its updates."""

    def shortest(metadata: object) -> int | None:
        lengths = [
            n for n in getattr(getattr(metadata, "general_desc", None), "possible_length", ()) if n > 0
        ]
        return min(lengths) if lengths else None

    national = shortest(PhoneMetadata.metadata_for_region(region)) or 1
    international = [national + len(str(phonenumbers.country_code_for_region(region)))]
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        for name in regions:
            if name == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
                found = shortest(PhoneMetadata.metadata_for_nongeo_region(code))
            else:
                found = shortest(PhoneMetadata.metadata_for_region(name))
            if found is not None:
                international.append(len(str(code)) + found)
    return max(1, min(national, *international))


@lru_cache(maxsize=8192)
def _verified(candidate: str, before: str, after: str, region: str, leniency: int) -> PhoneNumber | None:
    """The number the plain matcher accepts for ``candidate`` between ``before`` and ``after`` (each
    one character, or empty at an edge of the text), or None. The matcher reads nothing else of the
    text here, so a text made of just these characters gets the same answer."""
    matcher = PhoneNumberMatcher(before + candidate + after, region, leniency=leniency)
    match = PhoneNumberMatcher._parse_and_verify(matcher, candidate, len(before))
    return match.number if match is not None else None


class CandidateFilter(PhoneNumberMatcher):
    """``PhoneNumberMatcher`` that rejects a candidate too short to be a valid number before parsing,
    and parses a candidate seen before in the same context only once.

    A candidate with fewer digits than any VALID number has is rejected by counting them; one with a
    letter (vanity numbers, extensions: letters may be read as digits) always goes the full way.
    """

    def _parse_and_verify(self, candidate: str, offset: int) -> Any:
        least = min_valid_digits(self.preferred_region)
        if sum(map(str.isdigit, candidate)) < least and not any(map(str.isalpha, candidate)):
            return None
        text = self.text
        end = offset + len(candidate)
        number = _verified(
            candidate,
            text[offset - 1] if offset > 0 else "",
            text[end] if end < len(text) else "",
            self.preferred_region,
            self.leniency,
        )
        return None if number is None else phonenumbers.PhoneNumberMatch(offset, candidate, number)


# A run of non-blockers from its first digit to its end (the scan skips ahead to a digit in C); the
# same class, matched on the reversed text, reaches back to the run's start.
_RUN_FROM_DIGIT = re.compile(f"\\d[^{_BLOCKERS}]*+")
_RUN_BACK = re.compile(f"[^{_BLOCKERS}]*+")
_DIGIT = re.compile(r"\d")  # what the matcher's pattern calls a digit (str.isdecimal)
_LETTER = re.compile(f"[^{_BLOCKERS}\\W\\d_]")  # a letter, or a number-like symbol (only adds runs)
_LEAD_OR_DIGIT = re.compile(r"[(\[（［+＋\d]")  # what the matcher's pattern starts a candidate with


def _live_runs(text: str, least: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the runs of non-blockers where a candidate can pass :class:`CandidateFilter`:
    with ``least`` digits, or with a letter between a digit (or an opening bracket or plus) and a
    digit: in a candidate, a letter is an "x" after its opening bracket or plus, an "x" separator, or
    part of an extension after its digits, and digits always follow it."""
    reversed_text = ""
    for run in _RUN_FROM_DIGIT.finditer(text):
        first, end = run.span()
        reversed_text = reversed_text or text[::-1]
        back = _RUN_BACK.match(reversed_text, len(text) - first)  # always matches, maybe empty
        start = len(text) - back.end() if back else first
        if len(_DIGIT.findall(text, first, end)) < least:
            lead = _LEAD_OR_DIGIT.search(text, start, end)
            letter = _LETTER.search(text, lead.end(), end) if lead else None
            if letter is None or _DIGIT.search(text, letter.end(), end) is None:
                continue
        yield start, end


def phone_matches(text: str, region: str, leniency: int = Leniency.VALID) -> Iterator[PhoneMatch]:
    """The matches of ``PhoneNumberMatcher(text, region, leniency)``, in text order."""
    if len(text) > _WINDOW_SAFE_LENGTH:
        for m in CandidateFilter(text, region, leniency=leniency):
            yield PhoneMatch(m.start, m.end, m.raw_string, m.number)
        return
    for a, b in _live_runs(text, min_valid_digits(region)):
        lo = max(0, a - _CONTEXT_BEFORE)
        for m in CandidateFilter(text[lo : b + _CONTEXT_AFTER], region, leniency=leniency):
            if lo + m.start >= b:
                break  # a candidate in the context after the run: the next run's, if anyone's
            yield PhoneMatch(lo + m.start, lo + m.end, m.raw_string, m.number)
