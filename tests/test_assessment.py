import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from screener.assessment import MAX_TEXT_CHARS, Assessment
from screener.errors import InputError

OFFICER_AD = (
    "DICARI ADMIN CS utk PT di Phnom Penh, gaji 15-20jt, tanpa pengalaman, tiket+paspor dibantu, "
    "visa kunjungan dulu, info japri +855 96 412 7781"
)
EPS_ANNOUNCEMENT = (
    "Pengumuman KP2MI: pendaftaran EPS-TOPIK 2025 untuk sektor manufaktur Korea dibuka melalui SIAPkerja. "
    "Usia 18-39 tahun, biaya ujian USD 28 dibayar di bank yang ditunjuk. Peserta yang lulus mengikuti "
    "pelatihan dan orientasi pra pemberangkatan; visa kerja E-9, perjanjian kerja ditandatangani sebelum berangkat."
)
AWARENESS_POST = (
    "WASPADA! Banyak tawaran kerja jadi CS di Kamboja gaji 15 juta tanpa pengalaman, berangkat pakai visa "
    "turis. Itu modus TPPO. Jangan tergiur, laporkan ke KP2MI atau kantor Imigrasi terdekat."
)
REQUIRED_FLAGS = {
    "dest_scam_hub", "salary_unrealistic", "no_qualification", "free_package", "tourist_visa_work", "private_channel",
}  # fmt: skip


def test_officers_example_is_high_risk_with_every_reason(screener) -> None:
    a = screener.assess(OFFICER_AD)
    assert a.tier == "tinggi"
    assert a.category in {"tppo", "tppm"}
    assert set(a.indicator_ids) >= REQUIRED_FLAGS
    for indicator in a.indicators:
        assert indicator.evidence
        for e in indicator.evidence:
            assert OFFICER_AD[e["start"] : e["end"]] == e["text"]
    assert a.summary.startswith("RISIKO TINGGI")
    assert a.salary and a.salary["unrealistic"]


@pytest.mark.parametrize(
    "text", [pytest.param(EPS_ANNOUNCEMENT, id="eps-topik"), pytest.param(AWARENESS_POST, id="awareness")]
)
def test_hard_negatives_score_low(screener, text: str) -> None:
    a = screener.assess(text)
    assert a.tier == "rendah"
    assert a.category in {"legit", "awareness"}


def test_tier_follows_the_model_card(screener) -> None:
    thresholds = screener.model.card["thresholds"]
    a = screener.assess(OFFICER_AD)
    assert a.risk >= thresholds["tinggi"]
    assert a.score == round(a.risk * 100)


def test_assessment_is_json_serialisable(screener) -> None:
    data = screener.assess(OFFICER_AD).to_dict()
    round_trip = json.loads(json.dumps(data, ensure_ascii=False))
    for key in ("risk", "score", "tier", "category", "indicators", "salary", "places", "contacts", "top_terms",
                "model_version", "summary"):  # fmt: skip
        assert key in round_trip
    assert round_trip["model_version"] == screener.version


def test_top_terms_push_both_ways(screener) -> None:
    a = screener.assess(OFFICER_AD + " Pendaftaran melalui KP2MI dan SIAPkerja.")
    weights = [t.weight for t in a.top_terms]
    assert any(w > 0 for w in weights) and any(w < 0 for w in weights)
    assert weights == sorted(weights, reverse=True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n\t ", id="whitespace"),
        pytest.param("gaji\x00besar", id="nul"),
        pytest.param(b"\xff\xfe kerja", id="invalid-utf8-bytes"),
        pytest.param(None, id="not-a-string"),
    ],
)
def test_bad_input_raises_a_clear_error(screener, text) -> None:
    with pytest.raises(InputError) as info:
        screener.assess(text)
    assert info.value.status == 422
    assert info.value.message and info.value.message_id


def test_a_one_megabyte_text_is_truncated_not_a_crash(screener) -> None:
    text = (OFFICER_AD + "\n") * (1_000_000 // len(OFFICER_AD))
    a = screener.assess(text)
    assert a.truncated and a.text_length == len(text)
    assert a.tier == "tinggi"
    for indicator in a.indicators:
        for e in indicator.evidence:
            assert e["end"] <= MAX_TEXT_CHARS


def test_batch_matches_single(screener) -> None:
    texts = [OFFICER_AD, EPS_ANNOUNCEMENT, AWARENESS_POST]
    batch = screener.assess_many(texts)
    assert [b.risk for b in batch] == [screener.assess(t).risk for t in texts]
    assert [b.risk for b in screener.iter_assess(iter(texts), batch_size=2)] == [b.risk for b in batch]


def test_screener_is_thread_safe_for_reads(screener) -> None:
    texts = [OFFICER_AD, EPS_ANNOUNCEMENT, AWARENESS_POST] * 20
    expected = [screener.assess(t).to_dict() for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: screener.assess(t).to_dict(), texts))
    assert results == expected


def test_module_level_assess_reuses_one_model() -> None:
    from screener import assessment

    first = assessment.assess(OFFICER_AD)
    loaded = assessment._default
    second = assessment.assess(EPS_ANNOUNCEMENT)
    assert assessment._default is loaded
    assert isinstance(first, Assessment) and isinstance(second, Assessment)


def test_to_dict_matches_the_dataclass_fields(screener) -> None:
    from dataclasses import asdict

    a = screener.assess(OFFICER_AD)
    expected = json.loads(json.dumps(asdict(a)))
    assert expected.pop("source") is None  # a typed text has no source: to_dict leaves the key out
    assert json.loads(json.dumps(a.to_dict())) == expected
