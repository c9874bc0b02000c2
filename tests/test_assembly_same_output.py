"""The assembly after ``detect()`` gives exactly what it gave before the "buildfast2" changes.

The old code (commit 0fcf639) is kept under tests/reference/assembly_old.py: the modus features,
the summary, the slot constructors, the word counts and ``to_dict``. Both run on the project corpus, the texts
under tests/data, the catalogue's examples, generated texts that stress the changed parts (offer
cue words next to ASCII and non-ASCII word and non-word characters, runs of Unicode whitespace)
and, when present, the shared real texts (read only, never copied into the repository). Features
must agree bit for bit, assessments field by field, through ``to_dict()`` and through ``json.dumps``.
"""

from __future__ import annotations

import json
import math
import random
import re
import struct
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pytest
from reference.assembly_old import (
    ReferenceScreener,
    assessment_to_dict,
    modus_entries,
    modus_row,
    offer_cues,
    result_to_dict,
)
from reference.assembly_old import summarise as old_summarise
from sample_texts import data_lines, have_real_texts, real_texts

from screener.assessment import (
    Assessment,
    IndicatorResult,
    Screener,
    TopTerm,
    _indicator_results,
    _new_assessment,
    _new_result,
    _word_counts,
)
from screener.catalogue import catalogue
from screener.datasets import load_corpus
from screener.features import _OFFER_CUES_ASCII, ModusFeatures, _offer_cues
from screener.indicators import Evidence, Findings, IndicatorHit, detect
from screener.model import MIN_SCOPE_WORDS
from screener.reasons import summarise
from screener.slots import slot_constructor
from screener.vocabulary import Scope, Tier

# The shared real texts next to the checkout (../shared/data): compared when present.
EDGE_TEXTS = ["x", "🇰🇭🇰🇭", "a " * 500, "tanpa", "gaji 15jt tanpa pengalaman", "K4MB0JA!!! wa +855"]

# Pieces of generated texts: the offer cue words and phrases (whole, cut short, run on, with two
# spaces), words around them, and separators that are word characters or not, ASCII or not.
_CUE_PIECES = (
    "lowongan", "dibutuhkan", "membuka pendaftaran", "membuka  pendaftaran", "pendaftaran", "job desc",
    "jobdesc", "job description", "job descriptions", "job  desc", "job opening", "requirement",
    "requirements", "requirementss", "tanggung jawab", "kirim cv", "kirim lamaran", "lamaran",
    "daftarkan segera", "daftar diri", "gaji", "gajinya", "upah", "kontrak kerja", "we are hiring",
    "looking for", "responsibility", "responsibilities", "vacancies", "mencari tenaga", "shift",
    "penerimaan calon", "seleksi", "interview", "posisi", "salary", "honor", "tugas utama",
)  # fmt: skip
_WORDS = ("kerja", "di", "malaysia", "kamboja", "wa", "08123", "café", "naïve", "日本", "öl", "x_y", "_")
_SEPARATORS = (
    " ", "  ", "\n", "\t", ", ", ".", ":", "(", ")", "-", "/", "_", "é", "ñ", "ß", "中", "٣", "²",
    "•", "–", "’", "“", "”", "\u00a0", "\u2003", "\u3000", "\u200b", "🙂", "🇰🇭", "\x1c", "\u2028",
)  # fmt: skip


def _generated_texts(count: int, seed: int = 15) -> list[str]:
    """Texts made of cue pieces and words glued by random separators (half of them ASCII only)."""
    rng = random.Random(seed)
    ascii_separators = [s for s in _SEPARATORS if s.isascii()]
    texts = []
    for i in range(count):
        separators = ascii_separators if i % 2 else _SEPARATORS
        pieces = rng.choices(_CUE_PIECES + _WORDS, k=rng.randint(1, 14))
        if i % 2:
            pieces = [p for p in pieces if p.isascii()] or ["gaji"]
        text = "".join(p + rng.choice(separators) for p in pieces)
        texts.append(text if rng.random() < 0.5 else text.upper() if rng.random() < 0.2 else text.strip())
    return texts


@cache
def _texts() -> tuple[str, ...]:
    examples = [text for i in catalogue() for text in (*i.examples_positive, *i.examples_negative)]
    return (*load_corpus().texts, *data_lines(), *examples, *EDGE_TEXTS, *_generated_texts(600))


def _bits(values: list[float]) -> list[int]:
    """Each float's bits (so -0.0 and 0.0, or two NaNs, are told apart as they would be stored)."""
    return [struct.unpack("<q", struct.pack("<d", value))[0] for value in values]


def _modus(screener: Screener) -> ModusFeatures:
    modus = screener._scorer.blocks[-1].transformer
    assert isinstance(modus, ModusFeatures)
    return modus


def _same_features(modus: ModusFeatures, f: Findings) -> None:
    new_row, old_row = modus.row(f), modus_row(modus, f)
    assert _bits(new_row) == _bits(old_row), f.norm.original[:80]
    (new_columns, new_values), (old_columns, old_values) = modus.entries(f), modus_entries(modus, f)
    assert new_columns == old_columns, f.norm.original[:80]
    assert _bits(new_values) == _bits(old_values), f.norm.original[:80]


def _same_assessments(screener: Screener, texts: list[str], batch_size: int = 256) -> None:
    reference = ReferenceScreener(screener.model)
    texts = [t for t in texts if t.strip()]
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        new, old = screener.assess_many(batch), reference.assess_many(batch)
        for n, o, text in zip(new, old, batch, strict=True):
            assert n == o, text[:80]
            new_dict, old_dict = n.to_dict(), assessment_to_dict(o)
            assert new_dict == old_dict, text[:80]
            assert json.dumps(new_dict) == json.dumps(old_dict), text[:80]  # key order and types too
            assert json.dumps(new_dict, ensure_ascii=False) == json.dumps(old_dict, ensure_ascii=False)


def _cue_path(text: str) -> str:
    """Which way ``_offer_cues`` reads ``text``: ASCII text, other text with the ASCII pattern, or
    the Unicode pattern because a match touches a non-ASCII word character."""
    if text.isascii():
        return "ascii"
    padded = " " + text
    spans = [m.span() for m in _OFFER_CUES_ASCII.finditer(padded)]
    touching = any(re.match(r"\w", padded[i : i + 1]) for span in spans for i in span)
    return "unicode" if touching else "ascii pattern"


def test_offer_cues_on_generated_texts() -> None:
    texts = _generated_texts(20_000)
    paths = Counter(_cue_path(t) for t in texts)
    assert min(paths[path] for path in ("ascii", "ascii pattern", "unicode")) > 1_000, paths
    assert [_offer_cues(t) for t in texts] == [offer_cues(t) for t in texts]
    assert {offer_cues(t) for t in texts} == {0, 1, 2, 3, 4, 5}
    # A non-ASCII word character next to a cue word, before it or after it, in many spellings.
    letters = ("é", "ñ", "ß", "中", "٣", "²", "_", "ǅ", "ⅷ", "–", "•", "🙂", "\u0301")
    for letter in letters:
        for cue in ("lowongan", "membuka pendaftaran", "job desc", "gaji", "daftar segera"):
            for text in (
                f"{letter}{cue} gaji",
                f"{cue}{letter} lamaran",
                f"x {cue}{letter}",
                f"{letter}{cue}",
            ):
                assert _offer_cues(text) == offer_cues(text), text


def test_word_counts_decide_as_the_full_counts() -> None:
    rng = random.Random(6)
    spaces = (" ", "  ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\u2028", "\u200b")
    texts = ["", " ", "a", " a ", "a " * 5, "a " * 6, " a" * 7, "a  b"]
    texts += [
        "".join(rng.choice(("a", "bc", *spaces)) for _ in range(rng.randint(0, 30))) for _ in range(20_000)
    ]
    findings = [
        Findings(norm=detect(t or "x").norm, hits=(), places=(), contacts=(), money=(), salary=None)
        for t in texts[:50]
    ]
    counts = _word_counts(findings)
    assert [n < MIN_SCOPE_WORDS for n in counts] == [len(f.text.split()) < MIN_SCOPE_WORDS for f in findings]
    for text in texts:  # the rule _word_counts relies on, on texts detect() would not keep as they are
        assert len(text.split(maxsplit=MIN_SCOPE_WORDS)) == min(len(text.split()), MIN_SCOPE_WORDS + 1)


@pytest.mark.parametrize("scale", [None, 0.37, math.inf])
def test_modus_features_on_corpus_sample(screener: Screener, scale: float | None) -> None:
    modus = _modus(screener)
    if scale is not None:
        modus = ModusFeatures(scale).fit([])
    for text in (*load_corpus().texts[:300], *EDGE_TEXTS, *_generated_texts(200)):
        _same_features(modus, detect(text))


def test_quoted_share_with_every_kind_of_quotation(screener: Screener) -> None:
    modus = _modus(screener)
    quotes = [('"', '"'), ("“", "”"), ("«", "»"), ("„", "“"), ("„", "”"), ("“", '"'), ('"', ""), ("", "»")]
    examples = [text for indicator in catalogue()[:40] for text in indicator.examples_positive[:1]]
    shares = set()
    for example in examples:
        for opening, closing in quotes:
            text = f"Waspada, iklan ini menipu: {opening}{example}{closing} jangan percaya."
            _same_features(modus, detect(text))
            shares.add(modus_row(modus, detect(text))[-2])
    assert len(shares) > 1  # quoted and not quoted evidence both occur


@pytest.mark.slow  # detect() and both feature rows over ~8,000 texts: about 15 s
def test_modus_features_on_every_text(screener: Screener) -> None:
    modus = _modus(screener)
    for text in _texts():
        _same_features(modus, detect(text))


def test_assessments_of_a_sample(screener: Screener) -> None:
    texts = [*load_corpus().texts[:400:7], *EDGE_TEXTS, *_generated_texts(40)]
    _same_assessments(screener, texts, batch_size=256)
    _same_assessments(screener, texts[:30], batch_size=1)  # one ad at a time takes the per-row paths


@pytest.mark.slow  # two full assessments of ~8,000 texts: about 25 s
def test_assessments_of_every_text(screener: Screener) -> None:
    _same_assessments(screener, list(_texts()))


@pytest.mark.slow  # ~1,500 texts through both: about 10 s
@pytest.mark.skipif(not have_real_texts(), reason="the shared real texts are not on this machine")
def test_features_and_assessments_of_the_shared_real_texts(screener: Screener) -> None:
    texts = list(real_texts())
    if not texts:
        pytest.skip("no shared real texts")
    modus = _modus(screener)
    for text in texts:
        _same_features(modus, detect(text))
    _same_assessments(screener, texts)


def test_to_dict_with_a_source_and_of_results_built_by_hand(screener: Screener) -> None:
    base = screener.assess("Dibutuhkan admin ke Kamboja, gaji 15jt, tanpa pengalaman, wa +855 12 345 678")
    fields = {name: getattr(base, name) for name in Assessment.__dataclass_fields__}
    with_source = Assessment(**{**fields, "source": {"kind": "image", "boxes": [[1, 2, 3, 4]]}})
    for assessment in (base, with_source):
        assert assessment.to_dict() == assessment_to_dict(assessment)
        assert json.dumps(assessment.to_dict()) == json.dumps(assessment_to_dict(assessment))
    for indicator in catalogue():
        public = indicator.to_dict()
        values = {name: public[name] for name in IndicatorResult.__dataclass_fields__ if name != "evidence"}
        for weight in (values["weight"], 2, -0.0, float("nan")):
            result = IndicatorResult(
                **{**values, "weight": weight}, evidence=({"start": 0, "end": 1, "text": "x"},)
            )
            assert json.dumps(result.to_dict()) == json.dumps(result_to_dict(result))
            assert list(result.to_dict()) == list(result_to_dict(result))


def test_summaries_of_made_up_results() -> None:
    # Unsorted results, equal weights, legal (negative) weights, more flags than the summary names.
    rng = random.Random(3)
    indicators = list(catalogue())
    for _ in range(3_000):
        chosen = rng.sample(indicators, rng.randint(0, 7))
        results = [IndicatorResult.from_hit(IndicatorHit(i, (Evidence(0, 1, "x"),))) for i in chosen]
        terms = tuple(
            TopTerm(f"kata {j}", rng.choice([-0.5, 0.0, 0.25, 1.0])) for j in range(rng.randint(0, 5))
        )
        arguments = {
            "tier": rng.choice(list(Tier)),
            "score": rng.randint(0, 100),
            "scope": rng.choice(list(Scope)),
            "scope_probability": rng.choice([None, 0.0, 0.4449, 0.5, 0.91]),
            "too_short": rng.random() < 0.3,
            "results": results,
            "terms": terms,
        }
        assert summarise(**arguments) == old_summarise(**arguments)


def test_to_dict_gives_fresh_containers(screener: Screener) -> None:
    assessment = screener.assess("Lowongan kerja Kamboja gaji 20jt, hubungi wa +855 12 345 678 sekarang")
    assert assessment.indicators and assessment.top_terms
    first = assessment.to_dict()
    expected = json.dumps(first)
    first["risk"] = -1
    first["indicators"][0]["name_id"] = "changed"
    first["indicators"][0]["evidence"].append("changed")
    first["indicators"].append("changed")
    first["top_terms"][0]["term"] = "changed"
    for key in ("places", "contacts", "top_terms"):
        first[key].append("changed")
    assert json.dumps(assessment.to_dict()) == expected


def test_generated_constructors_make_the_dataclass_objects(screener: Screener) -> None:
    assessment = screener.assess("Dibutuhkan admin ke Kamboja, gaji 15jt, tanpa pengalaman")
    values = [getattr(assessment, name) for name in Assessment.__dataclass_fields__]
    made = _new_assessment(*values)
    assert type(made) is Assessment and made == Assessment(*values)
    term = slot_constructor(TopTerm)("gaji besar", 0.25)
    assert term == TopTerm("gaji besar", 0.25) and hash(term) == hash(TopTerm("gaji besar", 0.25))
    hit = IndicatorHit(catalogue()[0], (Evidence(0, 4, "gaji"), Evidence(5, 9, "15jt")))
    assert _indicator_results([hit]) == (IndicatorResult.from_hit(hit),)
    with pytest.raises(TypeError):
        _new_result("too", "few")
    with pytest.raises(TypeError):
        _new_assessment(*values, None)

    @dataclass(frozen=True, slots=True)
    class Clashing:
        made: int

    with pytest.raises(ValueError, match="generated constructor"):
        slot_constructor(Clashing)
