from hypothesis import given, settings
from hypothesis import strategies as st

from screener.indicators import detect

AD = (
    "DICARI ADMIN CS utk PT di Phnom Penh, gaji 15-20jt, tanpa pengalaman, tiket+paspor dibantu, "
    "visa kunjungan dulu, info japri +855 96 412 7781"
)


def test_the_officers_example_ad() -> None:
    findings = detect(AD)
    evidence = {hit.indicator.id: [e.text for e in hit.evidence] for hit in findings.hits}
    assert evidence["dest_scam_hub"] == ["Phnom Penh"]
    assert evidence["salary_unrealistic"] == ["15-20jt"]
    assert evidence["no_qualification"] == ["tanpa pengalaman"]
    assert evidence["free_package"] == ["tiket+paspor dibantu"]
    assert evidence["tourist_visa_work"] == ["visa kunjungan"]
    assert "japri" in evidence["private_channel"]
    assert "+855 96 412 7781" in evidence["private_channel"]
    for hit in findings.hits:
        for e in hit.evidence:
            assert AD[e.start : e.end] == e.text


def test_salary_signal_reports_the_ratio() -> None:
    salary = detect(AD).salary
    assert salary is not None and salary.unrealistic
    assert 8 < salary.ratio < 10  # 20 juta against Central Java's Rp 2.17 juta


def test_obfuscated_spellings_are_caught() -> None:
    for text in [
        "kerja di K4mb0ja",
        "kerja di K A M B O J A",
        "kerja di kam.boja",
        "kerja di 🇰🇭",
        "loker 🇲🇲 gajiii gede",
    ]:
        findings = detect(text)
        assert "dest_scam_hub" in findings.ids, text
        hub = next(h for h in findings.hits if h.indicator.id == "dest_scam_hub")
        for e in hub.evidence:
            assert text[e.start : e.end] == e.text


def test_awareness_post_carries_the_warning_context() -> None:
    post = "WASPADA! Modus loker CS di Kamboja gaji 15 juta. Banyak WNI jadi korban TPPO. Laporkan ke KP2MI."
    assert {"awareness_context", "dest_scam_hub"} <= detect(post).ids


def test_requires_place_indicator_needs_the_place() -> None:
    assert "dest_me_domestic" in detect("dicari ART untuk majikan di Arab Saudi").ids
    assert "dest_me_domestic" not in detect("dicari ART untuk majikan di Surabaya").ids


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
)
def test_every_evidence_span_slices_the_original(prefix: str, suffix: str) -> None:
    text = prefix + AD + suffix
    for hit in detect(text).hits:
        for e in hit.evidence:
            assert 0 <= e.start < e.end <= len(text)
            assert text[e.start : e.end] == e.text
