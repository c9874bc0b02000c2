"""The places and employers extractors and the shared pattern pass give exactly the output of main's
code before the scan work (tests/reference/places_old.py, employers_old.py, indicators_old.py).

find_places and find_employers now map their spans to the original text straight from the offset
maps instead of through ``Normalized.to_original`` (which clamps): the cases below put places and
employers where normalisation changes the text most (flags, spaced and leet letters, full-width
letters, zero-width characters, line breaks, the very start and end of the text), next to the
project corpus, tests/data and the shared real texts (read only, skipped when absent). The recruiting
test of employers now finds its strong cues and blockers in one scan; the last tests check that this
scan finds what the two did.
"""

from __future__ import annotations

import random
from functools import cache

import pytest
from reference import employers_old, places_old
from reference import indicators_old as old_indicators
from sample_texts import data_lines, have_real_texts, real_texts

from screener import indicators
from screener.datasets import load_corpus
from screener.extract import employers, places
from screener.normalize import normalize

_NAMES = [
    "Kamboja", "K4MB0JA", "K A M B O J A", "kam-boja", "🇰🇭", "🇲🇲", "Myanmar", "Phnom Penh", "phnompenh",
    "KK Park", "kk-park", "kkpark", "Malaysia", "ke KL", "via  KL", "kl", "Thailand", "Thai", "Hong Kong",
    "hong-kong", "Dubai", "padang pasir", "nasi padang", "Padang", "Ｋａｍｂｏｊａ", "Kam\u200bboja", "Sihanoukville",
    "PT Pertamina", "PERTAMINA (PERSERO)", "Bank BRI", "B R I", "BKN", "CPNS", "Indomaret", "PLN", "P L N",
    "BPJS Kesehatan", "BP2MI", "KP2MI", "Puskesmas", "RSUD", "Pos Indonesia", "PT Pos", "EPS-TOPIK", "Ｐｅｒｔａｍｉｎａ",
]  # fmt: skip
_WORDS = [
    "lowongan", "kerja", "di", "ke", "gaji", "dekat", "melalui", "hrd", "membuka lowongan", "admin", "tanpa",
    "pengalaman", "tiket", "gratis", "biaya", "ditanggung", "Rp 5jt", "wa 0812-7734-1029", "📍", "✅", "—", "•",
]  # fmt: skip
_GLUE = ["", " ", "  ", "\n", "\n\n", ", ", ". ", "-", "/", "(", ") ", ":", "\t", "\u00a0", "\u200b", "!!"]


def _cases(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        pieces = [rng.choice(_NAMES if rng.random() < 0.4 else _WORDS) for _ in range(rng.randint(1, 10))]
        text = rng.choice(["", "", *_GLUE])
        for piece in pieces:
            text += (piece.upper() if rng.random() < 0.15 else piece) + rng.choice(_GLUE)
        texts.append(text.rstrip() if rng.random() < 0.5 else text)  # a name at the very end, or not
    return texts


@cache
def _corpus() -> tuple[str, ...]:
    return tuple(load_corpus().texts)


def assert_same_scans(texts: list[str] | tuple[str, ...]) -> None:
    for text in texts:
        norm = normalize(text)
        assert places.find_places(norm) == places_old.find_places(norm), text[:120]
        hits = indicators._pattern_hits(norm)
        assert hits == old_indicators._pattern_hits(norm), text[:120]
        expected = employers_old.find_employers(norm)
        assert employers.find_employers(norm) == expected, text[:120]
        assert employers.find_employers(norm, hits[2]) == expected, text[:120]  # as detect() calls it


def test_same_scans_on_generated_cases() -> None:
    texts = _cases(4000, seed=31)
    texts.append(" ".join(_cases(200, seed=32)))  # a long text
    assert_same_scans(texts)
    found = [normalize(text) for text in texts]
    assert sum(len(places.find_places(norm)) for norm in found) > 2000
    assert sum(len(employers.find_employers(norm)) for norm in found) > 1500


def test_same_scans_on_the_test_data() -> None:
    assert_same_scans(data_lines())


@pytest.mark.slow  # old and new scans over the ~7,000 ads of the corpus: about 10 s
def test_same_scans_on_the_whole_corpus() -> None:
    assert_same_scans(_corpus())


@pytest.mark.slow
@pytest.mark.skipif(not have_real_texts(), reason="no shared real texts here")
def test_same_scans_on_the_shared_real_texts() -> None:
    texts = list(real_texts())
    assert texts
    assert_same_scans(texts)


def test_the_cue_and_blocker_words_can_share_one_scan() -> None:
    # See employers._CUE_OR_BLOCKER. Where a word of one list fits, a word of the other does not: if
    # one starts with the other, the longer one goes on with a letter or digit other than "nya".
    cues, blockers = employers._STRONG_WORDS, employers._NOT_RECRUITER_WORDS
    for short, long in [(a, b) for a in cues for b in blockers] + [(b, a) for a in cues for b in blockers]:
        if long.startswith(short):
            rest = long[len(short) :]
            assert rest[0].isalnum() and not rest.startswith("nya"), (short, long)
    # And no word of one list starts inside a word of the other (after a space in a phrase).
    for words, others in ((cues, blockers), (blockers, cues)):
        inner = [word[i + 1 :] for word in words for i, char in enumerate(word) if char == " "]
        assert not [(rest, other) for rest in inner for other in others if rest.startswith(other)]


def test_the_one_scan_finds_what_the_two_scans_found() -> None:
    rng = random.Random(41)
    pieces = [*employers._STRONG_WORDS, *employers._NOT_RECRUITER_WORDS, "nya", "x", "1", "kerja", "-", "é"]
    breaks = [" ", "", ". ", ", ", "\n", "/", "nya ", "-", "  "]
    found = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) + rng.choice(breaks) for _ in range(rng.randint(1, 10)))
        spaced = " " + text
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text) + 2)
        expected = (
            employers._ends(employers._STRONG_CUE, spaced, lo, hi),
            employers._ends(employers._NOT_RECRUITER, spaced, lo, hi),
        )
        assert employers._cues_and_blockers(spaced, lo, hi) == expected, (text, lo, hi)
        found += len(expected[0]) + len(expected[1])
    assert found > 2500
