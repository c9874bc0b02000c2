"""The faster matcher, detect(), features and assessment build give exactly the old output.

The old code is kept test-only under ``tests/reference/`` (the implementation before the speed work
of issue 15). Every text of the project corpus, the texts under ``tests/data`` and every catalogue
example goes through both; findings must agree field by field and assessments through ``to_dict()``.
The shared real texts beside the repository (``../shared/data``) are compared too when they exist (read only).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from reference.assessment_old import ReferenceScreener
from reference.indicators_old import _matcher as reference_matcher
from reference.indicators_old import detect as reference_detect
from reference.scoring_old import LinearScorer as ReferenceScorer
from sample_texts import data_lines, have_real_texts, real_texts

from screener.assessment import Screener
from screener.catalogue import catalogue
from screener.datasets import load_corpus
from screener.indicators import _matcher, detect
from screener.normalize import normalize

# Edge cases the corpus may lack: empty, tiny, emoji only, a long run, a pattern at the very end.
EDGE_TEXTS = ["", "x", "🇰🇭🇰🇭", "a " * 500, "tanpa", "gaji 15jt tanpa pengalaman", "K4MB0JA!!! wa +855"]


def _example_texts() -> list[str]:
    return [text for i in catalogue() for text in (*i.examples_positive, *i.examples_negative)]


@cache
def _texts() -> tuple[str, ...]:
    return (*load_corpus().texts, *data_lines(), *_example_texts(), *EDGE_TEXTS)


def _same_findings(text: str) -> None:
    new, old = detect(text), reference_detect(text)
    assert (new.norm.original, new.norm.text) == (old.norm.original, old.norm.text)
    assert (new.norm.starts, new.norm.ends) == (old.norm.starts, old.norm.ends)
    assert new.hits == old.hits, text[:80]
    assert new.ids == old.ids
    assert (new.places, new.contacts, new.money, new.salary, new.employers) == (
        old.places,
        old.contacts,
        old.money,
        old.salary,
        old.employers,
    )


def _same_assessments(screener: Screener, texts: list[str]) -> None:
    reference = ReferenceScreener(screener.model)
    texts = [t for t in texts if t.strip()]
    for start in range(0, len(texts), 256):
        batch = texts[start : start + 256]
        new = [a.to_dict() for a in screener.assess_many(batch)]
        old = [a.to_dict() for a in reference.assess_many(batch)]
        for n, o, text in zip(new, old, batch, strict=True):
            assert n == o, text[:80]


def test_generated_constructors_make_the_findings_objects() -> None:
    # detect() builds Evidence, IndicatorHit and Findings through slot constructors: the same objects.
    found = detect("Dibutuhkan admin ke Kamboja, gaji 15jt, tanpa pengalaman, wa +855 12 345 678")
    hit = found.hits[0]
    objects = (hit.evidence[0], hit, found)
    for made in objects:
        values = [getattr(made, name) for name in type(made).__dataclass_fields__]
        rebuilt = type(made)(*values)
        assert type(made) is type(rebuilt)
        assert [getattr(rebuilt, name) for name in type(made).__dataclass_fields__] == values
    assert hit == type(hit)(*[getattr(hit, name) for name in type(hit).__dataclass_fields__])


def test_matcher_finds_what_the_old_matcher_yields() -> None:
    # The one shared matcher (indicator patterns, with_patterns, employer aliases), old and new.
    new, old = _matcher(), reference_matcher()
    for text in _texts()[::5]:
        norm = normalize(text).text
        assert new.findall(norm) == list(old.finditer(norm)), text[:80]


@pytest.mark.slow  # the old and new detect() over ~7,000 texts: about 15 s
def test_detect_gives_the_old_findings_on_every_text() -> None:
    for text in _texts():
        _same_findings(text)


@pytest.mark.slow  # detect() and two scorers over ~7,000 texts: about 10 s
def test_scorer_gives_the_old_numbers_bit_for_bit(screener: Screener) -> None:
    model = screener.model
    old = ReferenceScorer(model.pipeline, model.category_model, model.scope_model)
    new = screener._scorer
    texts = [t for t in _texts() if t.strip()]
    for start in range(0, len(texts), 256):
        findings = [detect(t) for t in texts[start : start + 256]]
        x_new, x_old = new.features(findings), old.features(findings)
        for part in ("indptr", "indices", "data"):
            a, b = getattr(x_new, part), getattr(x_old, part)
            assert a.dtype == b.dtype and np.array_equal(a, b), part
        for method in ("risk", "offer_proba", "category_proba"):
            assert np.array_equal(getattr(new, method)(x_new), getattr(old, method)(x_old)), method


@pytest.mark.slow  # two full assessments of ~7,000 texts: about 20 s
def test_assessments_are_the_old_ones_on_every_text(screener: Screener) -> None:
    _same_assessments(screener, list(_texts()))


@pytest.mark.slow  # ~1,500 texts through old and new detect() and assessment: about 8 s
@pytest.mark.skipif(not have_real_texts(), reason="the shared real texts are not on this machine")
def test_same_output_on_the_shared_real_texts(screener: Screener) -> None:
    texts = list(real_texts())
    for text in texts:
        _same_findings(text)
    _same_assessments(screener, texts)
