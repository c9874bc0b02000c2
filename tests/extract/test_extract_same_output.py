"""The optimised extractors give exactly the output of the pre-optimisation ones (tests/reference/).

Every field of every Contact, PlaceMention, MoneyAmount and EmployerMention is compared on the whole
project corpus, the texts under tests/data, the shared real texts beside the repository (../shared/data) (read only, skipped
when absent) and generated hard cases (fixed seed): numbers at the edges of the text, next to each
other, in links, next to dates, prices, letters and brackets, foreign and vanity numbers.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import asdict
from functools import cache
from pathlib import Path

import pytest
from phonenumbers import PhoneNumberMatcher
from phonenumbers import phonenumbermatcher as library_matcher
from reference import contacts_old, employers_old, money_old, places_old
from sample_texts import data_lines, have_real_texts, real_texts

from screener.datasets import load_corpus
from screener.extract import _phones, contacts, employers, money, places
from screener.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]


def _contacts(module, text: str) -> list[dict]:
    return [c.to_dict() for c in module.find_contacts(text)]


def _others(text: str, modules: tuple) -> tuple:
    places_mod, money_mod, employers_mod = modules
    norm = normalize(text)
    return (
        [p.to_dict() for p in places_mod.find_places(norm)],
        [m.to_dict() for m in money_mod.extract_money(norm)],
        [(e.employer, e.text, e.start, e.end, e.recruiting) for e in employers_mod.find_employers(norm)],
    )


def assert_same(texts: list[str]) -> None:
    for text in texts:
        assert _contacts(contacts, text) == _contacts(contacts_old, text), text[:120]
        new = _others(text, (places, money, employers))
        assert new == _others(text, (places_old, money_old, employers_old)), text[:120]


@cache
def _corpus() -> list[str]:
    return list(load_corpus().texts)


_PHONES = [
    "0812-7734-1029", "0812 7734 1029", "081277341029", "6281277341029", "+62 812-7734-1029",
    "+6281277341029", "(021) 5550 1234", "021-5550-1234", "+855 96 412 7781", "+95 9 254 123 456",
    "+856 20 9812 3456", "+66 81 234 5678", "+60 17-334 5521", "+683 7290", "+290 22158",
    "1-800-FLOWERS", "(021) 5551234 ext. 12", "0811 222 3333 x 12", "0811-222-3333#", "08.11.22.23.33",
    "0812/7734/1029", "０８１２－７７３４－１０２９", "٠٨١٢٧٧٣٤١٠٢٩", "+62 (812) 7734 1029", "[0812] 7734 1029",
]  # fmt: skip
_OTHERS = [
    "Rp 5.000.000", "Rp5jt", "5-7 juta", "$1,200", "USD 1000", "12/03/2026", "2026-03-12 10", "08.00-17.00",
    "10:30", "1x24 jam", "4x6", "3 x 4", "usia 18-35 tahun", "no rek BCA 1234567890", "WA", "Telegram",
    "wa.me/6281277341029", "https://t.me/agen_kerja", "api.whatsapp.com/send?phone=6281277341029",
    "bit.ly/kerja123", "hrd@pt-contoh.co.id", "@agen_kerja", "www.contoh-kerja.com/0812",
    "loker.id/2026/0812", "abc", "def", "PT Pertamina", "Kamboja", "ke KL", "Phnom Penh", "Bank BRI",
    "lowongan", "gaji", "biaya", "ext", "int", "anexo", "x", "İ", "ſ", "#", "~", "...", "(", ")", "+",
    "www.12-3.45", "WWW.CONTOH.COM", "x@y.id@z", "@@a_b", "//", "http://a.b/c.d", "t.me/+AbC", "s.id/x?y=1",
]  # fmt: skip
_GLUE = [
    "",
    " ",
    "  ",
    "\n",
    ", ",
    "-",
    "/",
    ". ",
    ":",
    "(",
    ")",
    "x",
    " ext ",
    "a",
    "b",
    "\t",
    "\u00a0",
    "\u3000",
    "\u2028",
]


def _hard_cases(count: int, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = [rng.choice(_PHONES if rng.random() < 0.45 else _OTHERS) for _ in range(rng.randint(1, 7))]
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(_GLUE) + part
        texts.append(text)
    return texts


@pytest.mark.slow  # the old and new extractors over the ~7,000 ads of the corpus: about 10 s
def test_same_output_on_the_whole_corpus() -> None:
    assert_same(_corpus())


def test_same_output_on_the_test_data() -> None:
    assert_same(data_lines())


@pytest.mark.slow
@pytest.mark.skipif(not have_real_texts(), reason="no real texts on this machine")
def test_same_output_on_the_real_texts() -> None:
    assert_same(list(real_texts()))


def test_same_output_on_generated_hard_cases() -> None:
    texts = _hard_cases(3000)
    texts.append(" ".join(_hard_cases(300, seed=16)))  # a long text: the phone search's fallback
    assert len(texts[-1]) > _phones._WINDOW_SAFE_LENGTH
    assert_same(texts)
    # and the phone search alone equals the plain matcher (without the 8-digit gate of find_contacts)
    found = 0
    for text in texts:
        fast = list(_phones.phone_matches(text, "ID"))
        plain = [(m.start, m.end, m.raw_string, m.number) for m in PhoneNumberMatcher(text, "ID")]
        assert [tuple(m) for m in fast] == plain, text
        found += len(fast)
    assert found > 250


def test_the_cache_gives_the_same_answer_in_another_context() -> None:
    # The same candidate after a letter (rejected) and after a space (accepted).
    assert [m.raw for m in _phones.phone_matches("a0812-7734-1029 x 0812-7734-1029", "ID")] == [
        "0812-7734-1029"
    ]
    assert list(_phones.phone_matches("hp0812-7734-1029", "ID")) == []


def test_no_candidate_of_the_matcher_crosses_a_blocker() -> None:
    # The windows rest on this: the library's candidate pattern never matches a blocker character.
    pattern = library_matcher._PATTERN
    rng = random.Random(7)
    alphabet = "0123456789 -./()[]+x#~:;,=\t\u00a0\u3000extnsioaдоб" + _phones._BLOCKERS
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        for start in range(len(text)):
            match = pattern.match(text, start)
            if match:
                assert not set(match.group()) & set(_phones._BLOCKERS), (text, match.group())
    letters = {chr(c) for c in range(0x10000) if chr(c).isalpha()}
    case_variants = {c for c in letters if re.fullmatch(pattern.pattern, "1" + c + "2", pattern.flags)}
    assert not case_variants & set(_phones._BLOCKERS)


# -- places, money and employers: generated texts that stress the tries and the bounded searches --

_EDGE_GLUE = [
    "",
    " ",
    "  ",
    "-",
    "--",
    ".",
    ",",
    "/",
    "(",
    ")",
    "1",
    "7",
    "a",
    "x",
    "\n",
    ": ",
    " - ",
    "'",
    "#",
]


def _gazetteer_phrases() -> list[str]:
    """Every alias, guarded alias, [ignore] phrase and guard word of the places data file."""
    data = tomllib.loads((ROOT / "screener" / "catalogue" / "places.toml").read_text(encoding="utf-8"))
    phrases = [alias for entry in data["place"] for alias in entry["aliases"] + entry.get("guarded", [])]
    phrases += data["ignore"]["phrases"] + data["guard"]["before"]
    return phrases


def _variant(rng: random.Random, phrase: str) -> str:
    """The phrase with each space kept, hyphenated or dropped, sometimes cut short or upper-cased."""
    words = phrase.split(" ")
    text = words[0]
    for word in words[1:]:
        text += rng.choice([" ", "-", "", " ", "  "]) + word
    roll = rng.random()
    if roll < 0.1 and len(text) > 2:
        text = text[: rng.randint(1, len(text) - 1)]  # a prefix of an alias: must not match
    elif roll < 0.2:
        text = text.upper()
    elif roll < 0.25:
        text += rng.choice(["a", "s", "nya", "1"])  # a longer word: must not match
    return text


def _place_cases(count: int, seed: int = 17) -> list[str]:
    rng = random.Random(seed)
    phrases = [*_gazetteer_phrases(), "ke kl", "di kl", "via kl", "kl", "ke  kl", "ke-kl"]
    texts = []
    for _ in range(count):
        parts = [_variant(rng, rng.choice(phrases)) for _ in range(rng.randint(1, 6))]
        text = rng.choice(_EDGE_GLUE)
        for part in parts:
            text += part + rng.choice(_EDGE_GLUE)
        texts.append(text)
    return texts


def test_same_places_on_generated_hard_cases() -> None:
    texts = _place_cases(4000)
    texts.append(" ".join(_place_cases(300, seed=18)))  # a long text
    assert_same(texts)
    assert sum(len(places.find_places(normalize(text))) for text in texts) > 4000


@pytest.mark.parametrize(
    "aliases",
    [
        pytest.param({"ab cd", "abc", "abce", "ab"}, id="space-or-not"),
        pytest.param({"a b", "abc", "ab c d", "a"}, id="empty-tail-not-last"),
        pytest.param({"x -y", "x-y", "xy", "x y z"}, id="hyphen-in-alias"),
        pytest.param({"kk park", "k k park", "kkp", "k"}, id="nested-spaces"),
    ],
)
def test_the_place_trie_matches_like_the_flat_alternation(aliases: set[str]) -> None:
    flat = "|".join(places._alias_regex(a) for a in sorted(aliases, key=lambda a: (-len(a), a)))
    old = re.compile(rf"(?<![a-z0-9])(?:{flat})(?![a-z0-9])")
    new = re.compile(rf"(?<![a-z0-9])(?:{places._alternation(aliases)})(?![a-z0-9])")
    rng = random.Random(3)
    alphabet = "abcdekpxyz -."
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], text


_EMPLOYER_NAMES = [
    "PT Pertamina", "Pertamina (Persero)", "Bank BRI", "BRI", "BKN", "CPNS", "PPPK", "Indomaret", "Alfamart",
    "PLN", "PT PLN (PERSERO)", "BPJS Kesehatan", "BP2MI", "KP2MI", "Kemnaker", "Puskesmas", "RSUD", "BUMN",
    "Rekrutmen Bersama BUMN", "Telkom", "Pos Indonesia", "PT Pos", "EPS-TOPIK", "Kementerian Keuangan",
]  # fmt: skip
_CUE_PIECES = [
    *employers._STRONG_WORDS, *employers._WEAK_WORDS, *employers._RECRUITMENT_WORDS,
    *employers._NOT_RECRUITER_WORDS, "lowongannya", "hrnya", "dekatnya", "membuka lowongan", "is hiring",
    "sedang mencari karyawan", "buka", "karir", "Hormat kami,", "HR Recruitment", "Hal: Undangan",
]  # fmt: skip
_FILLER = [
    "admin",
    "toko",
    "dengan",
    "gaji",
    "tetap",
    "kerja",
    "di",
    "ke",
    "kota",
    "pt.",
    "jl.",
    "no. 5",
    "2026",
]
_BREAKS = [" ", " ", " ", ". ", "! ", "? ", "; ", ", ", "\n", "\n\n", " - ", ": ", "(", ") ", "", "/", "..."]


def _employer_cases(count: int, seed: int = 19) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            roll = rng.random()
            pool = _EMPLOYER_NAMES if roll < 0.3 else _CUE_PIECES if roll < 0.7 else _FILLER
            piece = rng.choice(pool)
            parts.append(piece.upper() if rng.random() < 0.2 else piece)
            if rng.random() < 0.1:
                parts.append(
                    " ".join(rng.choice(_FILLER) for _ in range(rng.randint(5, 40)))
                )  # past a window
        texts.append("".join(part + rng.choice(_BREAKS) for part in parts).strip(" "))
    return texts


def test_same_employers_on_generated_hard_cases() -> None:
    texts = _employer_cases(4000)
    texts.append("\n".join(_employer_cases(200, seed=20)))  # a long text
    assert_same(texts)
    mentions = [e for text in texts for e in employers.find_employers(normalize(text))]
    assert len(mentions) > 4000
    assert 0.2 < sum(e.recruiting for e in mentions) / len(mentions) < 0.8


@pytest.mark.parametrize(
    "words",
    [
        pytest.param(employers._STRONG_WORDS, id="strong"),
        pytest.param(employers._WEAK_WORDS, id="weak"),
        pytest.param(employers._RECRUITMENT_WORDS, id="recruitment"),
        pytest.param(employers._NOT_RECRUITER_WORDS, id="not-recruiter"),
    ],
)
def test_the_cue_words_meet_the_conditions_of_the_fast_search(words: tuple[str, ...]) -> None:
    # See employers._words: each word ends with a letter or digit, and at most one word fits at a
    # position, whatever follows it ("nya" or a character that is not a letter or digit).
    assert all(re.fullmatch(r"[a-z0-9 ]*[a-z0-9]", word) for word in words)
    for short in words:
        for long in words:
            if long != short and long.startswith(short):
                rest = long[len(short) :]
                assert rest[0].isalnum() and not rest.startswith("nya"), (short, long)


@pytest.mark.parametrize(
    "name",
    ["_STRONG_CUE", "_WEAK_CUE", "_RECRUITMENT_WORD", "_NOT_RECRUITER", "_SENTENCE_END"],
)
def test_the_cue_patterns_find_what_the_old_ones_found(name: str) -> None:
    old, new = getattr(employers_old, name), getattr(employers, name)
    rng = random.Random(5)
    pieces = [*_CUE_PIECES, *_FILLER, "x", "1", "nya", "a.", "abcd.", "ab).", "!", ";", ".", "-", "é"]
    found = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) + rng.choice(_BREAKS) for _ in range(rng.randint(1, 8))).lower()
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text) + 3)
        if name == "_SENTENCE_END":
            expected = [m.end() for m in old.finditer(text, lo, hi)]
            assert [m.end() for m in new.finditer(text, lo, hi)] == expected, (text, lo, hi)
        else:  # both are searched on the text after a space (see employers._ends)
            expected = employers_old._ends(old, " " + text, lo, hi)
            assert employers._ends(new, " " + text, lo, hi) == expected, (text, lo, hi)
        found += len(expected)
    assert found > 250


_NUMBERS = [
    "5",
    "15",
    "150",
    "1.500",
    "1,5",
    "4.5",
    "15.000.000",
    "1,200",
    "2026",
    "0812",
    "10",
    "07",
    "8.5.2",
]
_UNITS = ["", "", " juta", "jt", " ribu", "rb", "k", "K", " miliar", " jutaan", " ribuan", "jt.", " Juta"]
_RANGES = ["-", " - ", " s/d ", " s.d. ", " sd ", " sampai ", " hingga ", "~", "–", " to ", "-"]
_PERIODS = [
    "/bulan", " / bulan", " per hari", "/hr", " sebulan", " perminggu", " tiap jam", " setiap tahun", "/ month",
    " a month", " an hour", " monthly", " harian", " per annum", "/h", "/wk", "/bln", " bulanan", ",-", ",--",
]  # fmt: skip
_MONEY_CUES = ["gaji", "Gaji per hari", "biaya", "DP", "bonus", "upah harian", "transfer", "uang muka", "fee"]


def _money_cases(count: int, seed: int = 23) -> list[str]:
    rng = random.Random(seed)
    prefixes = [*money_old._PREFIX.replace("\\", "").split("|"), "Rp.", "US $", "RP", "IDR ", "$ ", "usd"]
    suffixes = [
        *money_old._SUFFIX.split("|"),
        "dollars",
        "dollar singapura",
        "dolar hong kong",
        "ringgit malaysia",
    ]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 4)):
            text = (
                rng.choice(_MONEY_CUES) + rng.choice(["", " ", ": ", " sebesar "])
                if rng.random() < 0.4
                else ""
            )
            if rng.random() < 0.5:
                text += rng.choice(prefixes).replace("?", "") + rng.choice(["", " ", ". "])
            text += rng.choice(_NUMBERS) + rng.choice(_UNITS)
            if rng.random() < 0.3:
                text += (
                    rng.choice(_RANGES)
                    + rng.choice(["", rng.choice(prefixes).replace("?", "")])
                    + rng.choice(_NUMBERS)
                )
                text += rng.choice(_UNITS)
            if rng.random() < 0.5:
                text += rng.choice(["", " "]) + re.sub(r"[?+()|:]", "", rng.choice(suffixes))
            if rng.random() < 0.4:
                text += rng.choice(_PERIODS)
            if rng.random() < 0.05:
                text = rng.choice(["gaji 2 digit", "gaji 8 digit", "2 digit", "gaji 3digit"])
            parts.append(text)
        texts.append(
            rng.choice(["", "a", "x1 ", "("]) + rng.choice(_GLUE).join(parts) + rng.choice(["", ".", " ok"])
        )
    return texts


def test_same_money_on_generated_hard_cases() -> None:
    texts = _money_cases(4000)
    texts.append(" ".join(_money_cases(300, seed=24)))  # a long text
    assert_same(texts)
    found = [m for text in texts for m in money.extract_money(normalize(text))]
    assert len(found) > 4000
    assert {m.currency for m in found} >= {
        "IDR",
        "USD",
        "MYR",
        "TWD",
        "JPY",
        "HKD",
        "SGD",
        "KRW",
        "SAR",
        "EUR",
    }
    # the scanning regex itself: every group of every match, also of the matches extract_money drops
    for text in texts:
        norm = normalize(text).text
        new = [(m.span(), m.groups()) for m in money._MONEY.finditer(norm)]
        assert new == [(m.span(), m.groups()) for m in money_old._MONEY.finditer(norm)], text


def test_the_grouped_alternations_match_like_the_flat_ones() -> None:
    for grouped, flat in ((money._PREFIX, money_old._PREFIX), (money._SUFFIX, money_old._SUFFIX)):
        new, old = re.compile(rf"(?:{grouped})(?![a-z])"), re.compile(rf"(?:{flat})(?![a-z])")
        rng = random.Random(9)
        pieces = [*re.sub(r"[\\?+()|:]", " ", flat).split(), *set(re.sub(r"[\\?+()|:]", "", flat)), " "]
        for _ in range(20000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
            assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], text
    with pytest.raises(ValueError, match="one literal character"):
        money._by_first_char(["s?x"])


def test_place_dicts_are_fresh_copies_of_asdict() -> None:
    # The identity-keyed cache behind PlaceMention.to_dict: the dict of asdict(place), a new one per call.
    mention = places.find_places(normalize("kerja di Kamboja"))[0]
    first, second = mention.to_dict()["place"], mention.to_dict()["place"]
    assert first == asdict(mention.place) and list(first) == list(asdict(mention.place))
    first["id"] = "changed"
    assert second["id"] == mention.place.id and mention.to_dict()["place"]["id"] == mention.place.id
    twin = places.Place(**asdict(mention.place))  # an equal place that is another object
    assert places._place_dict(twin) == asdict(mention.place)


def test_generated_constructors_make_the_extractors_objects() -> None:
    norm = normalize("Gaji Rp 15.000.000/bulan di Kamboja")
    amount, mention = money.extract_money(norm)[0], places.find_places(norm)[0]
    for made in (amount, mention):
        values = [getattr(made, name) for name in type(made).__dataclass_fields__]
        rebuilt = type(made)(*values)
        assert type(made) is type(rebuilt) and made == rebuilt and hash(made) == hash(rebuilt)
