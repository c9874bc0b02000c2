"""The contact extractor's shortcuts give exactly the output of the plain code they replace."""

import dataclasses
import random
import re

import phonenumbers
import pytest
from phonenumbers import PhoneMetadata, PhoneNumberMatcher

from screener.datasets import load_corpus
from screener.extract import contacts as contacts_mod
from screener.indicators import detect


def _shortest_valid_number_brute_force(region: str) -> int:
    """The fewest digits of any example number the library calls valid, read with ``region``."""
    shortest = 99
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        for name in regions:
            if name == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
                metadata = PhoneMetadata.metadata_for_nongeo_region(code)
            else:
                metadata = PhoneMetadata.metadata_for_region(name)
            for length in metadata.general_desc.possible_length:
                shortest = min(shortest, len(str(code)) + length)
    return shortest


def test_the_digit_bound_is_below_every_valid_number() -> None:
    least = contacts_mod._min_valid_digits("ID")
    assert 1 < least <= _shortest_valid_number_brute_force("ID")
    # The shortest valid numbers of a few regions pass the bound (read internationally).
    for text in ("+683 7290", "+290 22158", "+49 30 123456"):
        number = phonenumbers.parse(text, "ID")
        if phonenumbers.is_valid_number(number):
            assert sum(ch.isdigit() for ch in text) >= least


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("hubungi +683 7290 atau wa 0812-3456-7890", id="short-foreign-number"),
        pytest.param("gaji 5.000.000, jam 08.00-17.00, tgl 12/03/2026, hp 0812 3456 7890", id="money-dates"),
        pytest.param("call 1-800-FLOWERS or 0812-3456-7890", id="vanity-letters"),
        pytest.param("telp (021) 5551234 ext. 12 / 0811 222 3333", id="extension"),
        pytest.param("+855 96 412 7781 dan +95 9 123 456 789", id="hub-numbers"),
    ],
)
def test_phone_filter_matches_the_plain_matcher(text) -> None:
    fast = list(contacts_mod._phone_contacts(text))
    plain = list(contacts_mod._phone_contacts(text, matcher=PhoneNumberMatcher))
    assert fast == plain


@pytest.mark.slow  # the plain matcher over the whole corpus takes seconds
def test_phone_filter_matches_the_plain_matcher_on_the_whole_corpus() -> None:
    texts = load_corpus().texts
    found = 0
    for text in texts:
        fast = list(contacts_mod._phone_contacts(text))
        assert fast == list(contacts_mod._phone_contacts(text, matcher=PhoneNumberMatcher)), text[:80]
        found += len(fast)
    assert found > 100  # the corpus has phone numbers: the comparison compared something


def test_to_dict_is_dataclasses_asdict() -> None:
    texts = load_corpus().texts[::7]
    findings = [detect(text) for text in texts]
    contacts = [c for f in findings for c in f.contacts]
    places = [p for f in findings for p in f.places]
    assert contacts and places
    for contact in contacts:
        assert contact.to_dict() == dataclasses.asdict(contact)
        assert list(contact.to_dict()) == list(dataclasses.asdict(contact))
    for place in places:
        assert place.to_dict() == {**dataclasses.asdict(place), "place": dataclasses.asdict(place.place)}


def test_the_digit_run_precheck_passes_the_texts_the_greedy_one_passed() -> None:
    greedy = re.compile(r"\d(?:[\s().\-/]{0,3}\d){7,}")  # the pre-check before it stopped at 8 digits
    rng = random.Random(8)
    alphabet = "0123456789" * 3 + " \t\n().-/    ..--//((a+x,:\u00a0\u3000٠١"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(30000)]
    texts += list(load_corpus().texts)
    for text in texts:
        assert bool(contacts_mod._DIGIT_RUN.search(text)) == bool(greedy.search(text)), text


def test_the_split_url_trigger_finds_the_stretches_of_the_alternation() -> None:
    alternation = re.compile(r"\.(?:[a-z]|(?<=www\.))|//", re.IGNORECASE)  # the trigger before the split
    rng = random.Random(12)
    alphabet = "./wW:aZ1 \t\nİıſK\u212a-@"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(30000)]
    texts += list(load_corpus().texts)
    for text in texts:
        split = contacts_mod._stretches(contacts_mod._URL_TRIGGER, text, contacts_mod._SLASHES)
        assert split == contacts_mod._stretches(alternation, text), text
