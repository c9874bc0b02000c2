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
