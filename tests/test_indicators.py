import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.extract.money import reference_wages
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


@pytest.mark.parametrize(
    ("text", "wage_id", "unrealistic"),
    [
        # RM 3,500 is about twice Malaysia's minimum: too good for a job that asks nothing. Against
        # the Hong Kong / Taiwan wage (about Rp 10 juta) it used to pass.
        pytest.param(
            "Kerja kilang di Malaysia, gaji RM 3.500, tanpa pengalaman",
            "malaysia_min_2025",
            True,
            id="malaysia",
        ),
        pytest.param(
            "Caregiver Taiwan gaji NT$ 20.000, tanpa pengalaman", "taiwan_caregiver_min", False, id="taiwan"
        ),
        pytest.param(
            "PRT Hong Kong gaji HK$ 4.990 per bulan, tanpa pengalaman",
            "hongkong_fdh_min",
            False,
            id="hong-kong",
        ),
        # Legal Korean pay is about Rp 23 juta: 25 juta there is ordinary, not four times a wage.
        pytest.param(
            "Kerja pabrik di Korea Selatan gaji 25 juta, tanpa pengalaman",
            "korea_min_2025",
            False,
            id="korea",
        ),
        pytest.param(
            "Admin gudang di Semarang gaji 9 juta, tanpa pengalaman", "ump_jateng_2025", True, id="domestic"
        ),
    ],
)
def test_salary_is_judged_against_the_destination_named(text: str, wage_id: str, unrealistic: bool) -> None:
    findings = detect(text)
    assert findings.salary is not None
    assert findings.salary.reference_idr == reference_wages()[wage_id].idr_month
    assert findings.salary.unrealistic is unrealistic
    assert ("salary_unrealistic" in findings.ids) is unrealistic


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


def _evidence(text: str, indicator_id: str) -> list[str] | None:
    findings = detect(text)
    for hit in findings.hits:
        for e in hit.evidence:
            assert text[e.start : e.end] == e.text
    return next(([e.text for e in h.evidence] for h in findings.hits if h.indicator.id == indicator_id), None)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        pytest.param(
            "LOWONGAN PT PERTAMINA (PERSERO) lulusan SMA, lamaran via WA 0812-3456-7890",
            ["PERTAMINA", "0812-3456-7890"],
            id="whatsapp",
        ),
        pytest.param(
            "Rekrutmen BUMN 2026, daftar di bit.ly/rbb2026 atau email rbb.2026@gmail.com",
            ["BUMN", "bit.ly/rbb2026", "rbb.2026@gmail.com"],
            id="shortener-and-free-mail",
        ),
        pytest.param(
            "Lowongan kerja PLN, daftar di www.rekrutmen-pln-2026.com",
            ["PLN", "www.rekrutmen-pln-2026.com"],
            id="lookalike-domain",
        ),
    ],
)
def test_impersonation_evidence_covers_the_name_and_the_channel(text: str, evidence: list[str]) -> None:
    assert _evidence(text, "impersonation_unofficial_channel") == evidence


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Lowongan kerja PT Pertamina (Persero) untuk lulusan SMA", id="no-channel"),
        pytest.param(
            "Lowongan Pertamina, WA 0812-3456-7890, daftar di recruitment.pertamina.com", id="official-too"
        ),
        pytest.param("Lowongan admin, hubungi WA 0812-3456-7890", id="no-employer"),
        pytest.param("Lowongan kasir dekat Alfamart, hubungi WA 0812-3456-7890", id="landmark"),
        pytest.param(
            "P3MI resmi membuka lowongan Taiwan, hubungi 0812-3456-7890", id="licensed-agency-class"
        ),
        pytest.param(
            "Rekrutmen PPPK 2026 melalui SSCASN, tanya jawab di WA 0812-3456-7890", id="points-to-sscasn"
        ),
    ],
)
def test_impersonation_needs_a_named_employer_and_only_unofficial_channels(text: str) -> None:
    assert _evidence(text, "impersonation_unofficial_channel") is None


def test_public_post_outside_casn() -> None:
    assert _evidence("Penerimaan CPNS jalur khusus tanpa tes", "public_post_outside_casn") == [
        "Penerimaan CPNS",
        "jalur khusus",
        "tanpa tes",
    ]
    # "tanpa melalui SSCASN" is no pointer to it.
    assert _evidence("Rekrutmen CPNS tanpa melalui SSCASN", "public_post_outside_casn") is not None
    assert _evidence("Rekrutmen CPNS 2026 lewat sscasn.bkn.go.id", "public_post_outside_casn") is None
    # The vacancy words alone, without a public body, are an ordinary ad.
    assert _evidence("Lowongan kerja tanpa tes, jalur khusus", "public_post_outside_casn") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param(
            "Undangan interview. Konfirmasi kehadiran ke Ibu Ratna 0812-3456-7890", True, id="both-parts"
        ),
        pytest.param("Undangan interview Senin pukul 09.00 di kantor kami", False, id="invitation-only"),
        pytest.param("Konfirmasi kehadiran ke Ibu Ratna 0812-3456-7890", False, id="request-only"),
    ],
)
def test_two_part_indicator_needs_both_parts(text: str, found: bool) -> None:
    evidence = _evidence(text, "fake_interview_invitation")
    assert evidence == (["Undangan interview", "Konfirmasi kehadiran ke Ibu"] if found else None)
