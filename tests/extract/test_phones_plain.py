"""The plain-digits shortcut of :mod:`screener.extract._phones` decides like the library.

``_verified`` parses a plain candidate (ASCII digits, spaces, dots, dashes, a leading "+") with its
own copy of the steps of ``phonenumbers.parse`` that matter for it. These tests compare it with the
library's own ``_parse_and_verify`` on many generated candidates and contexts (every field of the
number), check the claims that let it skip the other steps, and compare the whole search with the
plain ``PhoneNumberMatcher`` on generated adversarial texts.
"""

from __future__ import annotations

import random
import re

import pytest
from phonenumbers import Leniency, PhoneNumberMatcher
from phonenumbers import phonenumberutil as util

from screener.datasets import load_corpus
from screener.extract import _phones

# Prefixes that take the parser down each of its paths: national prefix, the default country code
# without "+", the international prefix (ID: 008, 009), other regions' codes, zeros.
_STARTS = ["0", "08", "081", "0812", "62", "628", "6208", "008", "009", "001", "0062", "00", "000", "8", "5",
           "1", "21", "855", "95", "856", "66", "60", "683", "290", "800", "1500", "0800", "39", "44", ""]  # fmt: skip
_SEPARATORS = [" ", ".", "-", "  ", " - ", "..", "-.", " . ", "/", " / ", "//", "\u2013", " \u2013 ", "\u2014", "\u2010",
               "\u2212", "\u00a0", "\u3000", "./"]  # fmt: skip
_CONTEXTS = ["", " ", "a", "Z", "x", "é", "\u0301", "$", "€", "%", "Rp"[-1], ":", "(", ")", "/", "+", "1",
             "\u00a0", "\n", "ß", "д", "#", ",", "*", "£", "¥"]  # fmt: skip
_REGIONS = ["ID", "US", "CA", "GB", "IT", "RU", "KH", "MY"]


def _plain_candidate(rng: random.Random) -> str:
    """Random digits after a start from _STARTS, or (half the time) an Indonesian mobile or fixed-line
    number, grouped with random separators, perhaps after a "+"."""
    if rng.random() < 0.5:
        start = rng.choice(["08", "628", "08", "8", "021", "6221", "0"])
        digits = (
            start
            + rng.choice("123456789")
            + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 11)))
        )
    else:
        digits = rng.choice(_STARTS) + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 14)))
    out, i = "", 0
    while i < len(digits):
        step = rng.randint(1, 5)
        if out:
            out += rng.choice(_SEPARATORS) if rng.random() < 0.6 else ""
        out += digits[i : i + step]
        i += step
    return ("+" if rng.random() < 0.3 else "") + out


def _library(candidate: str, before: str, after: str, region: str) -> object:
    matcher = PhoneNumberMatcher(before + candidate + after, region, leniency=Leniency.VALID)
    match = PhoneNumberMatcher._parse_and_verify(matcher, candidate, len(before))
    return None if match is None else vars(match.number)


def _fast(candidate: str, before: str, after: str, region: str) -> object:
    number = _phones._verified.__wrapped__(candidate, before, after, region, Leniency.VALID)
    return None if number is None else vars(number)


def test_plain_candidates_are_verified_like_the_library() -> None:
    rng = random.Random(2026)
    accepted = 0
    for _ in range(40000):
        candidate = _plain_candidate(rng)
        assert _phones._PLAIN.fullmatch(candidate), candidate
        before = rng.choice(_CONTEXTS) if rng.random() < 0.5 else " "
        after = rng.choice(_CONTEXTS) if rng.random() < 0.5 else " "
        region = "ID" if rng.random() < 0.7 else rng.choice(_REGIONS)
        expected = _library(candidate, before, after, region)
        assert _fast(candidate, before, after, region) == expected, (candidate, before, after, region)
        accepted += expected is not None
    assert accepted > 2500  # the comparison covered accepted numbers, not only rejections


def _bracketed_candidate(rng: random.Random) -> str:
    """A plain candidate with brackets put in: first, last, around a group, unbalanced, nested."""
    text = _plain_candidate(rng)
    opening, closing = rng.choice([("(", ")"), ("[", "]"), ("（", "）"), ("［", "］"), ("(", "]")])
    roll = rng.random()
    if roll < 0.4:  # around the first group: "(021) 555 1234", "(+62 812) 7734"
        cut = next((i for i, ch in enumerate(text) if i and not ch.isdigit()), len(text))
        text = opening + text[:cut] + closing + text[cut:]
    elif roll < 0.6:
        text = opening + text + (closing if rng.random() < 0.7 else "")
    elif roll < 0.8:  # inside, where a separator was
        spots = [i for i, ch in enumerate(text) if not ch.isdigit() and ch != "+"]
        for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
            text = text[:i] + rng.choice([opening, closing, opening + closing, " " + opening]) + text[i + 1 :]
    else:
        text = text + closing
    return text


def test_bracketed_candidates_are_verified_like_the_library() -> None:
    rng = random.Random(31)
    shortcut = accepted = 0
    for _ in range(30000):
        candidate = _bracketed_candidate(rng)
        before = rng.choice(_CONTEXTS) if rng.random() < 0.5 else " "
        after = rng.choice(_CONTEXTS) if rng.random() < 0.5 else " "
        region = "ID" if rng.random() < 0.7 else rng.choice(_REGIONS)
        expected = _library(candidate, before, after, region)
        assert _fast(candidate, before, after, region) == expected, (candidate, before, after, region)
        shortcut += bool(_phones._BRACKETED.fullmatch(candidate))
        accepted += expected is not None
    assert shortcut > 20000 and accepted > 1000, (shortcut, accepted)


@pytest.mark.parametrize(
    "candidate",
    ["0812-7734-1029", "+62 812-7734-1029", "6281277341029", "081277341029", "021-5550-1234", "5.000.000",
     "+855 96 412 7781", "+0812 7734 1029", "008 62 812 7734 1029", "0086281277341029", "+1 800 555 0100",
     "+39 06 1234 5678", "+7 495 123-45-67", "12", "+12", "+123", "0" * 20, "9" * 17, "1 2 3"],
)  # fmt: skip
def test_known_shapes_are_verified_like_the_library(candidate: str) -> None:
    for region in _REGIONS:
        for before, after in (("", ""), (" ", " "), ("a", " "), (" ", "a"), ("$", "%")):
            assert _fast(candidate, before, after, region) == _library(candidate, before, after, region)


def test_the_parse_steps_skipped_for_plain_candidates_change_nothing() -> None:
    # _parse_plain's docstring: a plain candidate is its own possible number, has no extension and is
    # viable with 3 digits or more.
    rng = random.Random(11)
    for _ in range(20000):
        candidate = _plain_candidate(rng)
        assert util._build_national_number_for_parsing(candidate) == candidate
        assert util._maybe_strip_extension(candidate) == ("", candidate)
        digits = _phones._SEPARATORS.sub("", candidate.lstrip("+"))
        assert util._normalize(candidate.lstrip("+")) == digits == util.normalize_digits_only(candidate)
        if len(digits) >= 3:
            assert util._is_viable_phone_number(candidate)


_PIECES = ["0812-7734-1029", "0812 7734 1029", "+62 812 7734 1029", "6281277341029", "081277341029",
           "(021) 5550 1234", "021-5550-1234", "+855 96 412 7781", "+95 9 254 123 456", "08.11.22.23.33",
           "0812/7734/1029", "12/03/2026", "2026-03-12 10", "10:30", "5.000.000", "Rp 5.000.000", "$1,200",
           "1-800-FLOWERS", "ext. 12", " x 12", "x", "#", "٠٨١٢٧٧٣٤١٠٢٩", "０８１２－７７３４－１０２９",
           "+", "++62 812 7734 1029", "+ 62 812 7734 1029", "0062 812 7734 1029", "008 62 812 7734 1029",
           "3-4 (5", "12-34 (56", "[0812] 7734", "€", "%", "abc", "tel", "wa", "081", "7734", "1029", "-", ".",
           "/", ":", ";", ",", " ", "  ", "\n", "\u00a0", "1", "23", "456", "0", "00", "+0812 7734 1029",
           "0812–7734–1029", "08.00–17.00", "0812/7734 1029", "12/03", "2026/2027", "0812\u00a07734\u00a01029",
           "0812 – 7734", "~", "0812~12", "+62\u20128127734\u20121029", "0812 / x12", "/x"]  # fmt: skip


def _adversarial_text(rng: random.Random) -> str:
    text = ""
    for _ in range(rng.randint(1, 8)):
        piece = rng.choice(_PIECES)
        if rng.random() < 0.3:
            piece = "".join(ch if not ch.isdigit() else rng.choice("0123456789") for ch in piece)
        text += piece + (
            rng.choice(["", " ", "-", ".", "/", ":", "x", "a", "("]) if rng.random() < 0.5 else ""
        )
    return text


def test_the_search_finds_what_the_plain_matcher_finds_on_adversarial_texts() -> None:
    rng = random.Random(404)
    found = 0
    for _ in range(6000):
        text = _adversarial_text(rng)
        _phones._verified.cache_clear()  # every candidate computed, none remembered from another text
        fast = [tuple(m) for m in _phones.phone_matches(text, "ID")]
        plain = [(m.start, m.end, m.raw_string, m.number) for m in PhoneNumberMatcher(text, "ID")]
        assert fast == plain, text
        assert [vars(m[3]) for m in fast] == [vars(m[3]) for m in plain], text
        found += len(fast)
    assert found > 2000


# -- the runs of the text the search looks at --------------------------------------------------------

_B = _phones._BLOCKERS


def _live_runs_before(text: str, least: int) -> list[tuple[int, int]]:
    """The run finder written plainly (a reference for changes to the module's)."""
    digit, letter = re.compile(r"\d"), re.compile(f"[^{_B}\\W\\d_]")
    lead_or_digit, run_back = re.compile(r"[(\[（［+＋\d]"), re.compile(f"[^{_B}]*+")
    runs = []
    for run in re.finditer(f"\\d[^{_B}]*+", text):
        first, end = run.span()
        back = run_back.match(text[::-1], len(text) - first)
        start = len(text) - back.end() if back else first
        if len(digit.findall(text, first, end)) < least:
            lead = lead_or_digit.search(text, start, end)
            found = letter.search(text, lead.end(), end) if lead else None
            if found is None or digit.search(text, found.end(), end) is None:
                continue
        runs.append((start, end))
    return runs


def test_the_live_runs_are_those_of_the_one_step_per_run_finder() -> None:
    rng = random.Random(99)
    alphabet = "0123456789 -./()[]+x#:;,\u00a0\u3000extnsioaäéдоб٠٨（［＋$%€" + _B
    texts = [_adversarial_text(rng) for _ in range(3000)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(6000)]
    texts += list(load_corpus().texts)
    for text in texts:
        for least in (1, 3, _phones.min_valid_digits("ID"), 9):
            assert list(_phones._live_runs(text, least)) == _live_runs_before(text, least), (text, least)


def test_the_ascii_neighbour_test_is_the_library_s() -> None:
    for code in range(0x3000):  # all of ASCII (looked up) and the first non-ASCII blocks (the library)
        char = chr(code)
        library = PhoneNumberMatcher._is_invalid_punctuation_symbol(
            char
        ) or PhoneNumberMatcher._is_latin_letter(char)
        assert _phones._bad_neighbour(char) == bool(library), repr(char)


def test_mobile_first_validity_is_the_library_s() -> None:
    rng = random.Random(5)
    codes = [62, 1, 7, 44, 39, 60, 66, 95, 855, 856, 800, 808, 870, 881, 979, 290, 683, 886, 0, 999]
    valid = 0
    for _ in range(30000):
        if rng.random() < 0.5:
            candidate, region = _plain_candidate(rng), rng.choice(_REGIONS)
            try:
                number = util.parse(candidate, region)
            except util.NumberParseException:
                continue
        else:
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 17)))
            number = util.PhoneNumber(country_code=rng.choice(codes), national_number=int(digits))
            if rng.random() < 0.2:
                number.italian_leading_zero, number.number_of_leading_zeros = True, rng.choice([None, 1, 2])
        assert _phones._is_valid(number) == util.is_valid_number(number), number
        valid += _phones._is_valid(number)
    assert valid > 1500


# -- runs made of one plain token: the search decides them without the library's matcher -----------

_AROUND = ["", " ", "  ", "\t", ": ", "(", ")", "+", "x", "a", "é", "$", "%", ".", ",", "-", "/", ":", ";", "#",
           "~", "ext", " ext ", "\u00a0", "٠", "１", "²", "(+", "[", "]", "e", "int", "anexo", "доб", "?"]  # fmt: skip
_WORDS = ["hubungi", "WA", "gaji", "tgl", "jam", "Rp", "telp", "hp", "\n", "\r\n", "b", "z", ""]


def _token(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:  # beyond the matcher's limits: a long group, many groups, long separators
        groups = [
            "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 22)))
            for _ in range(rng.randint(1, 22))
        ]
        return "".join(g + rng.choice([" ", "-----", "  .  ", "-"]) for g in groups).rstrip(" -.")
    if roll < 0.2:  # dates and time stamps, which the matcher rejects
        return rng.choice(["12/03/2026", "1/2/26", "2026-03-12 10", "2026/03/12 09", "20260312 10", "31/12"])
    if roll < 0.3:  # numbers with an inner piece that is a valid number
        return rng.choice(
            ["5.000.000 0812 7734 1029", "0812 7734 1029 / 0813 5566 7788", "021 - 0812 7734 1029"]
        )
    return _plain_candidate(rng)


def test_plain_runs_are_matched_like_the_plain_matcher() -> None:
    rng = random.Random(77)
    decided = found = 0
    for _ in range(12000):
        text = ""
        for _ in range(rng.randint(1, 4)):
            text += rng.choice(_WORDS) + rng.choice(_AROUND) + _token(rng) + rng.choice(_AROUND)
            text += rng.choice(_WORDS) if rng.random() < 0.7 else ""
            if rng.random() < 0.2:
                text += rng.choice([":30", ":7", "0", " 1"])
        _phones._verified.cache_clear()
        fast = [tuple(m) for m in _phones.phone_matches(text, "ID")]
        plain = [(m.start, m.end, m.raw_string, m.number) for m in PhoneNumberMatcher(text, "ID")]
        assert fast == plain, text
        assert [vars(m[3]) for m in fast] == [vars(m[3]) for m in plain], text
        least = _phones.min_valid_digits("ID")
        decided += sum(
            bool(_phones._PLAIN_RUN.fullmatch(text, a, b)) for a, b in _phones._live_runs(text, least)
        )
        found += len(fast)
    assert decided > 5000 and found > 3000, (decided, found)
