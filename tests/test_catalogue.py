import re

import pytest

from screener.catalogue import _build, catalogue, literal_prefixes
from screener.catalogue.matcher import PrefixMatcher, trie_pattern
from screener.errors import CatalogueError
from screener.indicators import detect

DOMAIN_SECTION_7 = {
    "dest_scam_hub", "dest_switch_border", "dest_me_domestic", "job_cover_role", "job_gambling_scam_explicit",
    "company_vague", "salary_unrealistic", "salary_usd_crypto", "no_qualification", "typing_english_only",
    "youth_target", "free_package", "tourist_visa_work", "coached_deception", "transit_route",
    "irregular_crossing", "urgency", "private_channel", "upfront_fee", "debt_deduction", "informal_recruiter",
    "no_contract", "document_control", "organ_sale", "leg_p3mi_licensed", "leg_job_order_sip", "leg_g2g",
    "leg_official_registration", "leg_work_visa_contract", "leg_official_destination",
    "leg_training_competency", "leg_cost_transparency",
}  # fmt: skip
DOMAIN_SECTION_2B = {"impersonation_employer", "selection_fee", "data_harvest_link", "task_deposit_scam"}
# Fake vacancies that look like real employers (DOMAIN.md section 2c), and fishing crews.
LOOK_LIKE_REAL_EMPLOYERS = {
    "impersonation_unofficial_channel", "fake_interview_invitation", "public_post_outside_casn",
    "seafarer_no_certificate",
}  # fmt: skip


def _examples(kind: str) -> list:
    params = []
    for indicator in catalogue():
        for number, text in enumerate(getattr(indicator, kind)):
            params.append(pytest.param(indicator.id, text, id=f"{indicator.id}-{number}"))
    return params


@pytest.mark.parametrize(("indicator_id", "text"), _examples("examples_positive"))
def test_positive_example_is_found(indicator_id: str, text: str) -> None:
    assert indicator_id in detect(text).ids


@pytest.mark.parametrize(("indicator_id", "text"), _examples("examples_negative"))
def test_negative_example_is_not_found(indicator_id: str, text: str) -> None:
    assert indicator_id not in detect(text).ids


def test_catalogue_covers_domain_md() -> None:
    ids = {indicator.id for indicator in catalogue()}
    assert ids >= DOMAIN_SECTION_7 | DOMAIN_SECTION_2B | LOOK_LIKE_REAL_EMPLOYERS
    assert len(ids) >= 25


@pytest.mark.parametrize("indicator", catalogue(), ids=lambda i: i.id)
def test_every_indicator_is_complete(indicator) -> None:
    assert indicator.name_id and indicator.name_en
    assert indicator.explanation_id and indicator.explanation_en and indicator.advice_id
    assert len(indicator.examples_positive) >= 2
    assert len(indicator.examples_negative) >= 2
    assert indicator.weight != 0


def test_legal_signals_lower_risk() -> None:
    for indicator in catalogue():
        assert indicator.lowers_risk == (
            indicator.id.startswith("leg_") or indicator.id == "awareness_context"
        )


@pytest.mark.parametrize(
    ("pattern", "prefixes"),
    [
        pytest.param(
            r"tanpa (?:ijazah|pengalaman)\b", {"tanpa ijazah", "tanpa pengalaman"}, id="literal-then-group"
        ),
        pytest.param(
            r"(?:cs|customer service) online", {"cs online", "customer service online"}, id="group-first"
        ),
        pytest.param(r"(?<!tanpa )biaya admin", {"biaya admin"}, id="lookbehind-skipped"),
        pytest.param(r"visa[- ]free", {"visa-free", "visa free"}, id="char-class"),
    ],
)
def test_literal_prefixes(pattern: str, prefixes: set[str]) -> None:
    found = literal_prefixes(pattern)
    assert all(any(p.startswith(f) for f in found) for p in prefixes)
    assert all(len(f) >= 2 for f in found)


@pytest.mark.parametrize("pattern", [r"\d+ juta", r"[a-z]+ gaji", r"(?:a|bb)\d", r".{0,3}kamboja"])
def test_patterns_without_a_literal_start_are_refused(pattern: str) -> None:
    with pytest.raises(CatalogueError):
        literal_prefixes(pattern)


BASE = {
    "id": "x", "name_id": "x", "name_en": "x", "weight": 1.0, "explanation_id": "x",
    "explanation_en": "x", "advice_id": "x", "patterns": ["kamboja"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"patterns": ["(kamboja)"]}, "capturing", id="capturing-group"),
        pytest.param({"patterns": ["Kamboja"]}, "lower-cased", id="upper-case"),
        pytest.param({"patterns": ["kamboja("]}, "bad pattern", id="invalid-regex"),
        pytest.param({"source": "magic"}, "unknown source", id="unknown-source"),
        pytest.param({"place_status": ["moon"]}, "unknown place status", id="unknown-status"),
        pytest.param({"patterns": []}, "no way to be found", id="nothing-to-find"),
        pytest.param({"with_patterns": ["(kamboja)"]}, "capturing", id="capturing-with-pattern"),
        pytest.param(
            {"patterns": [], "with_patterns": ["kamboja"]}, "with_patterns needs patterns", id="with-alone"
        ),
        pytest.param(
            {"source": "employers", "employer_kinds": ["charity"]},
            "unknown employer kind",
            id="employer-kind",
        ),
        pytest.param({"source": "employers", "channel": "pigeon"}, "unknown channel", id="unknown-channel"),
        pytest.param({"employer_kinds": ["private"]}, "need source = 'employers'", id="kinds-without-source"),
    ],
)
def test_invalid_catalogue_entries_are_refused(change: dict, message: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(message)):
        _build({**BASE, **change})


def test_missing_field_is_named() -> None:
    raw = dict(BASE)
    del raw["advice_id"]
    with pytest.raises(CatalogueError, match="advice_id"):
        _build(raw)


def test_prefix_matcher_finds_every_keyed_match_in_one_pass() -> None:
    matcher = PrefixMatcher(
        [
            ("a", r"tanpa (?:ijazah|pengalaman)\b"),
            ("b", r"(?:cs|customer service) online\b"),
            ("c", "tanpa\\b"),
        ]
    )
    text = "cs online tanpa pengalaman, customer service online"
    assert matcher.findall(text) == [("b", 0, 9), ("a", 10, 26), ("c", 10, 15), ("b", 28, 51)]
    assert matcher.findall("xtanpa pengalaman") == []  # only at word starts


def test_trie_pattern_matches_exactly_the_words() -> None:
    words = {"pln", "pertamina", "per", "bri"}
    pattern = re.compile(f"(?:{trie_pattern(words)})$")
    assert all(pattern.match(w) for w in words)
    assert not any(pattern.match(w) for w in ("pe", "plnx", "br", ""))
