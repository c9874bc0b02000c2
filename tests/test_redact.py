import pytest

from screener.redact import redact


@pytest.mark.parametrize(
    ("text", "secret", "label"),
    [
        pytest.param("info +855 96 412 7781", "412 7781", "[TELEPON]", id="foreign-phone"),
        pytest.param("WA 0812-7734-1029", "7734", "[WHATSAPP]", id="indonesian-wa"),
        pytest.param("daftar di wa.me/60173345521", "60173345521", "[WHATSAPP]", id="wa-link"),
        pytest.param("join t.me/lokerLN_cepat", "lokerLN_cepat", "[TELEGRAM]", id="telegram-link"),
        pytest.param("email hrd.asia88@gmail.com", "hrd.asia88", "[EMAIL]", id="email"),
        pytest.param("klik bit.ly/kerja-kamboja", "kerja-kamboja", "[TAUTAN]", id="shortener"),
        pytest.param(
            "transfer ke BRI 0123 4567 8901 234 a.n. Siti Rahma", "Siti", "[NAMA]", id="account-holder"
        ),
        pytest.param(
            "transfer ke BRI 0123 4567 8901 234 a.n. Siti Rahma", "8901", "[REKENING]", id="account-number"
        ),
        pytest.param("hubungi Bu Siti Aminah sekarang", "Aminah", "[NAMA]", id="honorific-name"),
        pytest.param("nama saya Andi Saputra, HRD", "Saputra", "[NAMA]", id="self-introduction"),
    ],
)
def test_personal_data_is_masked(text: str, secret: str, label: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert label in result.text


def test_the_ad_keeps_its_shape() -> None:
    ad = "DICARI CS di Phnom Penh gaji 15jt, japri Kak Rina +855 96 412 7781"
    result = redact(ad)
    assert result.text == "DICARI CS di Phnom Penh gaji 15jt, japri Kak [NAMA] [TELEPON]"
    assert [kind for kind, _, _ in result.masked] == ["name", "phone"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Gaji Rp 15.000.000 per bulan, usia 18-35", id="money-and-age"),
        pytest.param("SIP3MI No. 2/1923/2023, Job Order No. JO/TW/2025/0412", id="licence-numbers"),
        pytest.param("Kerja di Kamboja, Hubungi Admin", id="common-words-after-marker"),
    ],
)
def test_non_personal_text_is_left_alone(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Kpd Sdr. Ahmad Fauzi di Jakarta", "Kpd Sdr. [NAMA] di Jakarta", id="kpd-sdr-chain"),
        pytest.param("Nama: Rudi Hartono", "Nama: [NAMA]", id="nama-label"),
        pytest.param("NAMA : RUDI HARTONO", "NAMA : [NAMA]", id="nama-label-caps"),
        pytest.param("a/n Budi Santoso", "a/n [NAMA]", id="a-slash-n"),
        pytest.param("an. Siti Rahma", "an. [NAMA]", id="an-dot"),
        pytest.param("Saudari Dewi Lestari", "Saudari [NAMA]", id="saudari"),
        pytest.param("CP Rina 0812 3456 7890", "CP [NAMA] [TELEPON]", id="cp"),
        pytest.param("contact person: Mbak Yuni", "contact person: Mbak [NAMA]", id="contact-person"),
        pytest.param("Yth. Bapak M. Rizki bin Ahmad", "Yth. Bapak [NAMA]", id="initial-and-bin"),
        pytest.param(
            "hubungi Bu Siti Aminah Sekarang", "hubungi Bu [NAMA] Sekarang", id="stops-at-common-word"
        ),
        pytest.param("info +855 10 000 0000 segera", "info [TELEPON] segera", id="unassigned-855"),
        pytest.param("+95 9 123 456 789", "[TELEPON]", id="myanmar"),
        pytest.param("hub 0812.3456.7890", "hub [TELEPON]", id="dots"),
        pytest.param("telp 0 8 1 2 3 4 5 6 7 8 9 0 ya", "telp [TELEPON] ya", id="one-digit-at-a-time"),
        pytest.param("nol delapan satu dua tiga empat lima enam tujuh delapan", "[TELEPON]", id="words-id"),
        pytest.param(
            "call zero eight one two three four five six seven eight", "call [TELEPON]", id="words-en"
        ),
        pytest.param("WA 08 satu dua tiga empat lima enam tujuh", "WA [TELEPON]", id="half-in-words"),
    ],
)
def test_names_and_phones_are_masked_after_every_marker(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Gaji Rp 5.500.000 tgl 12-03-2025 KEP.123/2024", id="price-date-licence"),
        pytest.param("gaji 15.000.000 jam 08.00-17.00 tahun 2024-2025", id="bare-price-times-years"),
        pytest.param("Dicari Ibu Rumah Tangga, Pak HRD menunggu", id="roles-after-honorifics"),
        pytest.param("an Indonesian company in Lima", id="english-an"),
        pytest.param("NIB 9120001234567", id="business-id"),
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert redact(text).text == text


def test_spans_on_the_original_move_onto_the_redacted_text() -> None:
    from screener.redact import move_span

    text = "Hubungi Pak Budi Santoso di +855 12 345 678 untuk kerja di Kamboja"
    result = redact(text)
    start = text.index("Kamboja")
    a, b = move_span(result, start, start + len("Kamboja"))
    assert result.text[a:b] == "Kamboja"
    a, b = move_span(result, text.index("345"), text.index("678") + 3)  # inside a mask: the whole label
    assert result.text[a:b] == "[TELEPON]"


def test_a_stored_assessment_follows_its_redacted_text() -> None:
    from screener import Screener
    from screener.redact import redact_assessment

    text = "DICARI ADMIN CS di Phnom Penh gaji 15-20jt hubungi Pak Budi WA 0812-7734-1029"
    original = Screener().assess(text).to_dict()
    result = redact(text)
    stored = redact_assessment(original, text, result, lambda v: "h:" + str(len(v)))
    for indicator in stored["indicators"]:
        for ev in indicator["evidence"]:
            assert result.text[ev["start"] : ev["end"]] == ev["text"]
    assert [c["value"] for c in stored["contacts"]] == ["h:14"]
    assert "0812" not in str(stored) and "Budi" not in str(stored)
    assert stored["places"][0]["text"] == "Phnom Penh"


@pytest.mark.slow
def test_generated_phone_like_strings_are_masked_and_look_alikes_kept() -> None:
    from bench.bench_redact import measure

    figures = measure(2000, seed=13)
    assert figures["phones"] == 2000
    assert figures["masked_pct"] >= 99.5, figures
    assert figures["false_pct"] <= 1.0, figures
