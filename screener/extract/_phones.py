"""Phone numbers in text: :class:`phonenumbers.PhoneNumberMatcher`'s matches, found faster.

The matcher is pure Python: it runs its own candidate regex over the whole text and, for every
candidate (prices, dates, times: most of an ad's digits), trims it, tries inner pieces and parses
them. :func:`phone_matches` gives exactly its matches (``tests/extract/test_contacts_fast.py`` and
``tests/extract/test_extract_same_output.py`` and ``tests/extract/test_phones_plain.py`` check
that) with these shortcuts:

1. **Windows.** The matcher's candidate regex (``_PATTERN``) only allows digits, its punctuation and
   the letters of extension words ("ext", "extension", "int", "anexo", "x"); a line break or any other
   ASCII consonant (``_BLOCKERS``) can never be inside a candidate. So the text splits at those
   characters into runs, and a run with fewer digits than any valid number has and no letter cannot
   give a match (see 2). Two C-level regexes find the other runs (:func:`_live_runs`); the matcher
   runs on each of them alone, with one character of context before (a blocker, which the matcher
   reads to reject "abc0812...") and three after (the blocker and the two characters its time-stamp
   check reads).
   Candidates never cross a blocker and the matcher reads no further than that, so every run gives
   the matches the whole-text matcher finds in it.
2. **Digit bound.** :class:`CandidateFilter` rejects a candidate with fewer digits than any VALID
   number has (:func:`min_valid_digits`) before the library parses it.
3. **Cache.** Whether a candidate is a valid number depends only on the candidate, the characters
   just before and after it, the region and the leniency; the same prices, dates and numbers come
   back ad after ad, so :func:`_verified` remembers the last few thousand answers.
4. **Plain digits.** A candidate made only of ASCII digits and separators (spaces, dots, slashes,
   dashes), with perhaps a leading "+" (nearly all of them: phone numbers, prices, dates), is parsed
   by :func:`_verified_plain`, which takes the steps of the library's ``parse`` and ``_verify`` that
   can change anything for such a string, calling the library's own helpers for each, and skips the
   steps that provably leave it unchanged (see there). Other candidates go the library's way.
5. **Plain runs.** A run whose only digits are one plain token has that token as the matcher's only
   candidate, so :func:`_plain_run_match` tests it without running the matcher (see there).

The matcher gives up after ``max_tries`` (65535) failed attempts over the whole text. Each candidate
of length L costs it at most 6 * (L + 1) + 1 attempts and candidates do not overlap, so on a text of
at most ``65535 // 13`` characters it never gives up, whether it runs once or per window; longer
texts go through one whole-text matcher, as before.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any, NamedTuple

import phonenumbers
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    REGION_CODE_FOR_NON_GEO_ENTITY,
    CountryCodeSource,
    Leniency,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberMatcher,
    country_code_for_valid_region,
    national_significant_number,
    re_util,
    region_code_for_country_code,
)
from phonenumbers.phonenumbermatcher import (
    _MATCHING_BRACKETS,
    _PUB_PAGES,
    _SLASH_SEPARATED_DATES,
    _is_national_prefix_present_if_required,
)
from phonenumbers.phonenumberutil import (
    _MAX_INPUT_STRING_LENGTH,
    _MAX_LENGTH_FOR_NSN,
    _MIN_LENGTH_FOR_NSN,
    ValidationResult,
    _extract_country_code,
    _is_number_matching_desc,
    _match_national_number,
    _maybe_strip_national_prefix_carrier_code,
    _parse_prefix_as_idd,
    _set_italian_leading_zeros_for_phone_number,
    _test_number_length,
)
from phonenumbers.re_util import re_compile

__all__ = ["CandidateFilter", "PhoneMatch", "min_valid_digits", "phone_matches"]

_MAX_TRIES = 65535  # PhoneNumberMatcher's default
_WINDOW_SAFE_LENGTH = _MAX_TRIES // 13  # see the module docstring
# ASCII letters outside "ext", "extension", "int", "anexo" and "x", and line breaks: no candidate of
# the matcher's pattern contains one, even case-insensitively.
_BLOCKERS = "bcdfghjklmpqruvwyzBCDFGHJKLMPQRUVWYZ\r\n"
_CONTEXT_BEFORE = 1  # the character before a candidate (a Latin letter there rejects it)
_CONTEXT_AFTER = 3  # the character after a candidate, and ":MM" after a time stamp


# The library compiles a metadata pattern on every use, through ``re.compile``'s own (bounded) cache
# unless told to keep them; the same pattern strings give the same regexes, only found faster.
# (Versions before the switch existed just go without.)
getattr(re_util, "enable_pattern_cache", lambda: None)()


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


# -- 4. plain digits ----------------------------------------------------------------------------------

# A "plain" candidate: ASCII digits, runs of separators between them (spaces, no-break and ideographic
# spaces, dots, slashes, hyphens, Unicode dashes and minus: the library's punctuation minus brackets,
# "x", "~" and invisible marks), perhaps one leading "+" right before a digit. No bracket, letter, "#",
# ",", ";" or "~", and no other digit than ASCII.
_SEPARATOR_CLASS = "[ .\\-/\u00a0\u3000\u2010-\u2015\u2212]"
_PLAIN = re.compile(f"(\\+?)([0-9]+(?:{_SEPARATOR_CLASS}+[0-9]+)*)")
_SEPARATORS = re.compile(f"{_SEPARATOR_CLASS}+")
# A plain candidate with brackets: perhaps one opening bracket first, brackets among the separators,
# perhaps one closing bracket last ("(021) 555-1234", "(+62 812) 7734 1029"). Brackets are the
# library's punctuation too; ``_parse_and_verify`` tests how they pair before parsing.
_OPEN, _CLOSE = "[(\\[（［]", "[)\\]）］]"
_BRACKETED = re.compile(f"{_OPEN}?(\\+?)([0-9]+(?:(?:{_SEPARATOR_CLASS}|{_OPEN}|{_CLOSE})+[0-9]+)*){_CLOSE}?")
_NOT_DIGITS = re.compile("[^0-9]+")
_LEAD_CHARS = "([（［+＋"  # the library's _LEAD_CLASS: a candidate starting so skips one test
_TOO_SHORT_OR_LOCAL = (
    ValidationResult.TOO_SHORT,
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ValidationResult.INVALID_LENGTH,
)


class _NotPlain(Exception):
    """The library takes a path :func:`_parse_plain` does not copy: let the library decide."""


# The ASCII characters the library calls a Latin letter or invalid punctuation (a test compares).
_ASCII_BAD_NEIGHBOURS = frozenset("$%" + string.ascii_letters)


def _bad_neighbour(char: str) -> bool:
    """The matcher's VALID test of the characters around a candidate: "%", a currency or a Latin
    letter next to it rejects it. ASCII characters (nearly all neighbours) are looked up."""
    if char.isascii():
        return char in _ASCII_BAD_NEIGHBOURS
    return PhoneNumberMatcher._is_invalid_punctuation_symbol(char) or PhoneNumberMatcher._is_latin_letter(
        char
    )


def _is_valid(number: PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number``, trying the mobile pattern first.

    For a country code of one region the library answers: the region's general pattern matches and
    so does one of its type patterns (premium rate, toll free, ... fixed line, then mobile unless the
    metadata says mobile and fixed-line patterns are the same); the order of the types only decides
    which one it names. Numbers in ads are mostly mobiles, the type it tries last."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    if len(regions) != 1 or regions[0] == REGION_CODE_FOR_NON_GEO_ENTITY:
        return bool(phonenumbers.is_valid_number(number))
    metadata = PhoneMetadata.metadata_for_region(regions[0].upper(), None)
    if metadata is None or number.country_code != country_code_for_valid_region(regions[0]):
        return bool(phonenumbers.is_valid_number(number))
    nsn = national_significant_number(number)
    if metadata.same_mobile_and_fixed_line_pattern or not _is_number_matching_desc(nsn, metadata.mobile):
        return bool(phonenumbers.is_valid_number(number))
    return _is_number_matching_desc(nsn, metadata.general_desc)


@cache
def _idd_pattern(international_prefix: str | None) -> re.Pattern[str]:
    """The international dialling prefix pattern, compiled as ``_maybe_extract_country_code`` does."""
    return re_compile("NonMatch" if international_prefix is None else international_prefix)


class _Parsed(NamedTuple):
    number: PhoneNumber  # with the fields the matcher keeps (no raw input, source or carrier code)
    metadata: PhoneMetadata  # what parse read the national number with
    from_default: bool  # the country code is the default region's, not written (FROM_DEFAULT_COUNTRY)
    stripped: bool  # parse's _maybe_strip_national_prefix_carrier_code stripped a prefix


def _parse_plain(plus: bool, digits: str, region: str) -> _Parsed | None:
    """``phonenumbers.parse(candidate, region)`` for a plain candidate whose digits are ``digits``
    (with a leading "+" if ``plus``), or None where ``parse`` raises NumberParseException. Raises
    :class:`_NotPlain` on the rare paths not copied.

    Why the skipped steps change nothing for a plain candidate ``c`` (with or without brackets): ``c``
    holds no ";" (no RFC 3966 phone-context or isub); ``_extract_possible_number`` drops an opening
    bracket before its "+" or first digit and closing brackets after its last digit, and no more
    (``_SECOND_NUMBER_START`` needs an "x" after a slash); what is left has no letter, "#", ",", ";"
    or "~" that every extension pattern needs, and with 3 or more digits (the caller's bound is
    higher) it is viable: its separators are all the library's punctuation. ``_normalize`` of its text after the "+" is ``digits`` (no letters: no vanity
    conversion; ASCII digits map to themselves), and so is ``normalize_digits_only(raw_input)``.
    """
    metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
    if metadata is None or metadata.country_code is None or len(digits) < 3:
        raise _NotPlain
    default_code: int = metadata.country_code
    from_default = False
    if plus:  # _maybe_extract_country_code, FROM_NUMBER_WITH_PLUS_SIGN (3 digits or more)
        country_code, national = _extract_country_code(digits)
        if country_code == 0:
            raise _NotPlain  # INVALID_COUNTRY_CODE after a plus: parse retries without the plus
    elif _parse_prefix_as_idd(_idd_pattern(metadata.international_prefix), digits)[0]:
        raise _NotPlain  # FROM_NUMBER_WITH_IDD
    else:
        country_code, national = _country_code_without_plus(digits, metadata)
        from_default = country_code == 0
    if country_code != 0:
        number_region = region_code_for_country_code(country_code)
        if number_region != region:
            metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, number_region)
            if metadata is None:
                raise _NotPlain  # parse asserts it is not
    else:
        national = digits
        country_code = default_code
    if len(national) < _MIN_LENGTH_FOR_NSN:
        return None  # TOO_SHORT_NSN
    _, potential, stripped = _maybe_strip_national_prefix_carrier_code(national, metadata)
    if _test_number_length(potential, metadata) not in _TOO_SHORT_OR_LOCAL:
        national = potential
    if not _MIN_LENGTH_FOR_NSN <= len(national) <= _MAX_LENGTH_FOR_NSN:
        return None  # TOO_SHORT_NSN or TOO_LONG
    number = PhoneNumber(country_code=country_code, national_number=int(national))
    _set_italian_leading_zeros_for_phone_number(national, number)
    return _Parsed(number, metadata, from_default, stripped)


def _country_code_without_plus(digits: str, metadata: PhoneMetadata) -> tuple[int, str]:
    """``_maybe_extract_country_code`` without a plus or an international prefix: the default region's
    own country code written without "+" ("6281...") when the number reads better without it, else 0."""
    code = str(metadata.country_code)
    if metadata.country_code is not None and digits.startswith(code):
        general_desc = metadata.general_desc
        _, potential, _ = _maybe_strip_national_prefix_carrier_code(digits[len(code) :], metadata)
        if (
            not _match_national_number(digits, general_desc, False)
            and _match_national_number(potential, general_desc, False)
        ) or _test_number_length(digits, metadata) == ValidationResult.TOO_LONG:
            return metadata.country_code, potential
    return 0, ""


def _verified_plain(
    lead: bool, plus: bool, digits: str, before: str, after: str, region: str
) -> PhoneNumber | None:
    """The library's ``_parse_and_verify`` at leniency VALID for a plain candidate (see
    :func:`_parse_plain`), once its bracket tests passed (a candidate without brackets passes them:
    ``_PUB_PAGES`` needs a "("). It has no "x", so ``_contains_only_valid_x_chars`` holds. ``lead``:
    it starts with a bracket or plus, which skips the test of the character before it."""
    if before and not lead and _bad_neighbour(before):
        return None
    if after and _bad_neighbour(after):
        return None
    parsed = _parse_plain(plus, digits, region)
    if parsed is None:
        return None
    if not _is_valid(parsed.number):
        return None
    if parsed.from_default and not _national_prefix_present(parsed, digits):
        return None
    return parsed.number


def _national_prefix_present(parsed: _Parsed, digits: str) -> bool:
    """``_is_national_prefix_present_if_required`` for a number read with its default region.

    That test is true on every path but one, where it is whether ``_maybe_strip_national_prefix_
    carrier_code(digits, <metadata of the number's region>)`` strips something. For a number read with
    its default region, ``parse`` made that very call on ``digits``; when it also used that region's
    metadata, a strip there answers True here (the function is pure), and only a number without a
    prefix pays for the full test."""
    number = parsed.number
    region = region_code_for_country_code(number.country_code or 0)
    if parsed.stripped and region == parsed.metadata.id:
        return True
    probe = PhoneNumber(
        country_code=number.country_code,
        national_number=number.national_number,
        italian_leading_zero=number.italian_leading_zero,
        number_of_leading_zeros=number.number_of_leading_zeros,
        raw_input=digits,
        country_code_source=CountryCodeSource.FROM_DEFAULT_COUNTRY,
    )
    return bool(_is_national_prefix_present_if_required(probe))


@lru_cache(maxsize=8192)
def _verified(candidate: str, before: str, after: str, region: str, leniency: int) -> PhoneNumber | None:
    """The number the plain matcher accepts for ``candidate`` between ``before`` and ``after`` (each
    one character, or empty at an edge of the text), or None. The matcher reads nothing else of the
    text here, so a text made of just these characters gets the same answer."""
    plain = _PLAIN.fullmatch(candidate)
    bracketed = None if plain else _BRACKETED.fullmatch(candidate)
    shape = plain or bracketed
    if shape and leniency == Leniency.VALID and len(candidate) <= _MAX_INPUT_STRING_LENGTH:
        if bracketed and (not _MATCHING_BRACKETS.fullmatch(candidate) or _PUB_PAGES.search(candidate)):
            return None  # the library's first test in _parse_and_verify
        lead = candidate[0] in _LEAD_CHARS
        try:
            return _verified_plain(
                lead, shape[1] == "+", _NOT_DIGITS.sub("", shape[2]), before, after, region
            )
        except _NotPlain:
            pass
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


# The same class, matched on the reversed text from a position in a run, reaches back to its start.
_RUN_BACK = re.compile(f"[^{_BLOCKERS}]*+")
_DIGIT = re.compile(r"\d")  # what the matcher's pattern calls a digit (str.isdecimal)
_LETTER_CLASS = f"[^{_BLOCKERS}\\W\\d_]"  # a letter, or a number-like symbol (only adds runs)
_LETTER = re.compile(_LETTER_CLASS)
# An opening bracket or plus, a letter, then the first digit after them, in one run.
_LEAD_LETTER_DIGIT = re.compile(f"[(\\[（［+＋][^{_BLOCKERS}\\d]*?{_LETTER_CLASS}[^{_BLOCKERS}\\d]*+\\d")


@cache
def _run_from_digit(least: int) -> re.Pattern[str]:
    """From the first digit of a run to the run's end, for the runs with ``least`` characters from
    that digit on, or with a letter after it and a digit after the letter. Tried at each digit of a
    run in turn (the scan skips ahead to a digit in C), it matches at the first one or at none: from
    a later digit there are fewer characters, letters and digits left."""
    return re.compile(
        f"\\d(?=[^{_BLOCKERS}]{{{least - 1}}}|[^{_BLOCKERS}]*?{_LETTER_CLASS}[^{_BLOCKERS}]*?\\d)"
        f"[^{_BLOCKERS}]*+"
    )


def _live_runs(text: str, least: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of non-blockers where a candidate can pass :class:`CandidateFilter`,
    in text order: with ``least`` digits, or with a letter between a digit (or an opening bracket or
    plus) and a digit: in a candidate, a letter is an "x" after its opening bracket or plus, an "x"
    separator, or part of an extension after its digits, and digits always follow it.

    Two regexes find them, so that Python looks only at the few runs that may be live: the first
    from a run's first digit (:func:`_run_from_digit`: ``least`` digits need ``least`` characters; a
    letter after the first digit then a digit is one of the triples), the second the triples whose
    lead is a bracket or plus before the first digit (``_LEAD_LETTER_DIGIT``); any other triple has a
    digit first, and so the first digit of the run before its letter."""
    found = {}  # a position in a live run: the run's end
    for run in _run_from_digit(least).finditer(text):
        first, end = run.span()
        if len(_DIGIT.findall(text, first, end)) >= least or _letter_then_digit(text, first + 1, end):
            found[first] = end
    for triple in _LEAD_LETTER_DIGIT.finditer(text):
        run_end = _RUN_BACK.match(text, triple.start())  # always matches, maybe empty
        found.setdefault(triple.start(), run_end.end() if run_end else triple.end())
    if not found:
        return []
    reversed_text = text[::-1]
    runs = {}
    for inside, end in found.items():
        back = _RUN_BACK.match(reversed_text, len(text) - inside)  # always matches, maybe empty
        runs[len(text) - back.end() if back else inside] = end
    return sorted(runs.items())


def _letter_then_digit(text: str, start: int, end: int) -> bool:
    """A letter in ``text[start:end]``, then a digit after it."""
    letter = _LETTER.search(text, start, end)
    return letter is not None and _DIGIT.search(text, letter.end(), end) is not None


def phone_matches(text: str, region: str, leniency: int = Leniency.VALID) -> Iterator[PhoneMatch]:
    """The matches of ``PhoneNumberMatcher(text, region, leniency)``, in text order."""
    if len(text) > _WINDOW_SAFE_LENGTH:
        for m in CandidateFilter(text, region, leniency=leniency):
            yield PhoneMatch(m.start, m.end, m.raw_string, m.number)
        return
    least = min_valid_digits(region)
    for a, b in _live_runs(text, least):
        plain = _PLAIN_RUN.fullmatch(text, a, b)
        if plain:
            found = _plain_run_match(text, plain.start(1), plain.end(1), least, region, leniency)
            if found is not None:
                yield from found
                continue
        lo = max(0, a - _CONTEXT_BEFORE)
        for m in CandidateFilter(text[lo : b + _CONTEXT_AFTER], region, leniency=leniency):
            if lo + m.start >= b:
                break  # a candidate in the context after the run: the next run's, if anyone's
            yield PhoneMatch(lo + m.start, lo + m.end, m.raw_string, m.number)


# A run whose only digits are one plain token (see _PLAIN), within the matcher's limits (at most 17
# digits a group, 4 separators between groups, 18 groups; the library allows 20, 4 and 21), with no
# lead character (opening bracket, plus) before it but its own plus.
_PLAIN_RUN = re.compile(
    f"[^\\d(\\[（［+＋]*+(\\+?[0-9]{{1,17}}(?:{_SEPARATOR_CLASS}{{1,4}}[0-9]{{1,17}}){{0,17}})\\D*+"
)


def _plain_run_match(
    text: str, start: int, end: int, least: int, region: str, leniency: int
) -> tuple[PhoneMatch, ...] | None:
    """The matcher's matches in a run matched by ``_PLAIN_RUN``, its token at ``text[start:end]``;
    None when the library must try the token's inner pieces.

    Why the matcher's only candidate in such a run is the token: a candidate starts at a lead
    character or a digit, and there is none before the token; its pattern, greedy, takes the whole
    token (separators are its punctuation, groups within its limits); after the token the run has no
    digit, which every continuation of a candidate and every extension pattern needs. So the matcher
    tests the token alone: a slash-separated date is rejected outright; the time-stamp test needs
    ":" and a digit right after it, and the run has no digit there; then ``_parse_and_verify`` (the
    digit bound, then :func:`_verified` with the characters around the token); only if that fails does
    it try the token's inner pieces: slices of the token, with no more digits and no letter, so a
    token under the digit bound has none that passes. They are tried here as the matcher tries them
    (its own method, reading the same characters around them); when none passes, the matcher goes on
    after the token and finds nothing more in the run. When one passes, the matcher goes on from the
    end of that piece, inside the token: the caller runs it on the whole run then."""
    token = text[start:end]
    if _SLASH_SEPARATED_DATES.search(token):
        return ()
    if sum(map(str.isdigit, token)) < least:
        return ()  # no letter in a plain token: it and every piece of it fail the digit bound
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    number = _verified(token, before, after, region, leniency)
    if number is not None:
        return (PhoneMatch(start, end, token, number),)
    inner = CandidateFilter(text, region, leniency=leniency)._extract_inner_match(token, start)
    return () if inner is None else None
