"""canonical_text (the clustering's cheap canonical form, written with a byte translation) gives
exactly its regex definition on every text the project has (the corpus, tests/data, the shared real
texts when present), on edge cases (whitespace kinds, Unicode digits and case folds, lone
surrogates) and on any text hypothesis draws."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sample_texts import data_lines, have_real_texts, real_texts

from screener.datasets import load_corpus
from screener.dedupe import canonical_text


def _regex_canonical_text(text: str) -> str:
    """The definition canonical_text had: digits to "#", every other run of non a-z "#" to a space."""
    return re.sub(r"[^a-z#]+", " ", re.sub(r"\d+(?:[ .,-]\d+)*", "#", text.lower())).strip()


CANONICAL_EDGE_TEXTS = [
    "",
    " ",
    "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028",  # every kind of whitespace
    "🇰🇭",
    "\ud83d lone surrogate \udc00",
    "KELVIN \u212a, İstanbul, ΣΑΣ, ß, ﬁ",  # lower() makes ASCII letters of some non-ASCII ones
    "١٢٣ ٤٥٦ fullwidth １２３．４５ bold 𝟏𝟐𝟑 devanagari ९८७",  # non-ASCII digits become "#"
    "gaji 5.000.000 - 7.500.000 /bln ## #1 1#",
    "\x00\x7f\x80\xff",
    "a" * 70_000,
]


def test_canonical_text_equals_the_regex_definition_on_every_text() -> None:
    texts = [
        *load_corpus().texts,
        *data_lines(),
        *CANONICAL_EDGE_TEXTS,
        *(t.upper() for t in CANONICAL_EDGE_TEXTS),
    ]
    for text in texts:
        assert canonical_text(text) == _regex_canonical_text(text)


@pytest.mark.skipif(not have_real_texts(), reason="the shared real texts are not beside the repository")
def test_canonical_text_equals_the_regex_definition_on_the_real_texts() -> None:
    for text in real_texts():
        assert canonical_text(text) == _regex_canonical_text(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=60))
def test_canonical_text_equals_the_regex_definition_on_any_text(text: str) -> None:
    assert canonical_text(text) == _regex_canonical_text(text)
