"""Tests for screener.extract.money: forms of money, spans, non-money numbers, periods, salary signal."""

from __future__ import annotations

import datetime

import pytest

from screener.extract.money import (
    PERIOD_TO_MONTH,
    MoneyAmount,
    extract_money,
    fx_as_of,
    fx_rates,
    reference_wages,
    salary_signal,
)
from screener.normalize import normalize

JT = 1_000_000


def money(text: str) -> list[MoneyAmount]:
    norm = normalize(text)
    found = extract_money(norm)
    for amount in found:  # every span slices the original text exactly
        assert norm.original[amount.start : amount.end] == amount.text
    return found


def one(text: str) -> MoneyAmount:
    found = money(text)
    assert len(found) == 1, found
    return found[0]


# -- forms -------------------------------------------------------------------------------------

FORMS = [
    # text, mention text, currency, low, high
    pytest.param("Rp 15.000.000", "Rp 15.000.000", "IDR", 15 * JT, 15 * JT, id="rp-dotted"),
    pytest.param("Rp. 15.000.000,-", "Rp. 15.000.000,-", "IDR", 15 * JT, 15 * JT, id="rp-dot-dash"),
    pytest.param("IDR 5.000.000", "IDR 5.000.000", "IDR", 5 * JT, 5 * JT, id="idr"),
    pytest.param("Rp15jt", "Rp15jt", "IDR", 15 * JT, 15 * JT, id="rp-jt-glued"),
    pytest.param("15jt", "15jt", "IDR", 15 * JT, 15 * JT, id="jt"),
    pytest.param("15JT", "15JT", "IDR", 15 * JT, 15 * JT, id="jt-upper"),
    pytest.param("5 jutaan", "5 jutaan", "IDR", 5 * JT, 5 * JT, id="jutaan"),
    pytest.param("15-25 juta", "15-25 juta", "IDR", 15 * JT, 25 * JT, id="range-dash"),
    pytest.param("15 s/d 20 juta", "15 s/d 20 juta", "IDR", 15 * JT, 20 * JT, id="range-sd"),
    pytest.param("15 sampai 20 juta", "15 sampai 20 juta", "IDR", 15 * JT, 20 * JT, id="range-sampai"),
    pytest.param("Rp6jt-8jt", "Rp6jt-8jt", "IDR", 6 * JT, 8 * JT, id="range-both-jt"),
    pytest.param("10jt~15jt", "10jt~15jt", "IDR", 10 * JT, 15 * JT, id="range-tilde"),
    pytest.param("500rb - 1jt", "500rb - 1jt", "IDR", 500_000, 1 * JT, id="range-ribu-juta"),
    pytest.param(
        "Rp 1.000.000 - Rp 2.000.000", "Rp 1.000.000 - Rp 2.000.000", "IDR", 1 * JT, 2 * JT, id="range-rp-rp"
    ),
    pytest.param("gaji 2 digit", "2 digit", "IDR", 10 * JT, 99 * JT, id="2-digit"),
    pytest.param("gaji 8 digit", "8 digit", "IDR", 10 * JT, 99 * JT, id="8-digit"),
    pytest.param("gaji 1 digit", "1 digit", "IDR", 1 * JT, 9 * JT, id="1-digit"),
    pytest.param("$1,200", "$1,200", "USD", 1200, 1200, id="dollar-sign"),
    pytest.param("US$ 800", "US$ 800", "USD", 800, 800, id="us-dollar-sign"),
    pytest.param("800$", "800$", "USD", 800, 800, id="dollar-sign-after"),
    pytest.param("$800-$1500", "$800-$1500", "USD", 800, 1500, id="dollar-range"),
    pytest.param("USD 1000", "USD 1000", "USD", 1000, 1000, id="usd-before"),
    pytest.param("usd1200", "usd1200", "USD", 1200, 1200, id="usd-glued"),
    pytest.param("1000 dolar", "1000 dolar", "USD", 1000, 1000, id="dolar"),
    pytest.param("1000 dollar", "1000 dollar", "USD", 1000, 1000, id="dollar"),
    pytest.param("1.500 USD", "1.500 USD", "USD", 1500, 1500, id="usd-after-dotted"),
    pytest.param("1k USD", "1k USD", "USD", 1000, 1000, id="k-usd"),
    pytest.param("$1.5k", "$1.5k", "USD", 1500, 1500, id="dollar-decimal-k"),
    pytest.param("$12.50", "$12.50", "USD", 12.5, 12.5, id="dollar-cents"),
    pytest.param("RM 3.000", "RM 3.000", "MYR", 3000, 3000, id="rm"),
    pytest.param("RM3000", "RM3000", "MYR", 3000, 3000, id="rm-glued"),
    pytest.param("3000 ringgit", "3000 ringgit", "MYR", 3000, 3000, id="ringgit"),
    pytest.param("THB 30,000", "THB 30,000", "THB", 30000, 30000, id="thb"),
    pytest.param("30.000 baht", "30.000 baht", "THB", 30000, 30000, id="baht"),
    pytest.param("NT$20.000", "NT$20.000", "TWD", 20000, 20000, id="nt-dollar"),
    pytest.param("20.000 NTD", "20.000 NTD", "TWD", 20000, 20000, id="ntd"),
    pytest.param("¥150.000", "¥150.000", "JPY", 150000, 150000, id="yen-sign"),
    pytest.param("150.000 yen", "150.000 yen", "JPY", 150000, 150000, id="yen"),
    pytest.param("HK$4,990", "HK$4,990", "HKD", 4990, 4990, id="hk-dollar"),
    pytest.param("SGD 1,800", "SGD 1,800", "SGD", 1800, 1800, id="sgd"),
    pytest.param("1000 dollar singapura", "1000 dollar singapura", "SGD", 1000, 1000, id="dolar-singapura"),
    pytest.param("2.096.270 won", "2.096.270 won", "KRW", 2096270, 2096270, id="won"),
    pytest.param("USDT 800", "USDT 800", "USDT", 800, 800, id="usdt"),
    pytest.param("20k usdt", "20k usdt", "USDT", 20000, 20000, id="k-usdt"),
    pytest.param("SAR 1.500", "SAR 1.500", "SAR", 1500, 1500, id="sar"),
    pytest.param("1,5 juta", "1,5 juta", "IDR", 1.5 * JT, 1.5 * JT, id="decimal-comma"),
    pytest.param("Rp 4.5 juta", "Rp 4.5 juta", "IDR", 4.5 * JT, 4.5 * JT, id="decimal-point"),
    pytest.param("Gaji Rp 4.5jt.", "Rp 4.5jt", "IDR", 4.5 * JT, 4.5 * JT, id="full-stop-after-jt"),
    pytest.param("Rp 2,5jt", "Rp 2,5jt", "IDR", 2.5 * JT, 2.5 * JT, id="decimal-comma-jt"),
    pytest.param("500 ribu", "500 ribu", "IDR", 500_000, 500_000, id="ribu"),
    pytest.param("Rp 500rb", "Rp 500rb", "IDR", 500_000, 500_000, id="rb"),
    pytest.param("Rp 10.000.000,00", "Rp 10.000.000,00", "IDR", 10 * JT, 10 * JT, id="rp-cents"),
]


@pytest.mark.parametrize(("text", "mention", "currency", "low", "high"), FORMS)
def test_forms(text: str, mention: str, currency: str, low: float, high: float) -> None:
    amount = one(text)
    assert amount.text == mention
    assert amount.currency == currency
    assert amount.low == pytest.approx(low)
    assert amount.high == pytest.approx(high)


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        pytest.param("Gaji Rp 15.000.000/bulan, langsung kerja", "Rp 15.000.000/bulan", id="inside-sentence"),
        pytest.param("GAJI 💰15JT/bln!!", "15JT/bln", id="emoji-and-abbreviation"),
        pytest.param("Gaji:   Rp   8jt   per   bulan", "Rp   8jt   per   bulan", id="spaces-folded"),
        pytest.param("ＧＡＪＩ Rp 9jt", "Rp 9jt", id="fullwidth-before"),
    ],
)
def test_span_is_on_the_original_text(text: str, mention: str) -> None:
    amount = one(text)
    assert amount.text == mention
    assert text.index(mention) == amount.start


def test_several_mentions_in_order() -> None:
    found = money("Gaji 8jt + bonus $200. Biaya admin Rp 500rb. Malaysia RM 3.000")
    assert [a.text for a in found] == ["8jt", "$200", "Rp 500rb", "RM 3.000"]
    assert [a.currency for a in found] == ["IDR", "USD", "IDR", "MYR"]


# -- not money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("WA +855 96 412 7781", id="foreign-phone"),
        pytest.param("hubungi 0812-7734-1029", id="indonesian-phone"),
        pytest.param("hubungi 081277341029 sekarang", id="phone-digits"),
        pytest.param("usia 18-35 tahun", id="age-range"),
        pytest.param("berangkat tahun 2025", id="year"),
        pytest.param("butuh 50 orang", id="count"),
        pytest.param("makan 3x sehari", id="meals"),
        pytest.param("kerja 24 jam", id="hours"),
        pytest.param("SIP3MI No. 123/2025", id="licence"),
        pytest.param("Job order No. KEP.456/PPTKLN/2024", id="job-order"),
        pytest.param("berangkat 12.05.2025", id="date-dotted"),
        pytest.param("tgl 12/05/2025", id="date-slash"),
        pytest.param("visa kerja E-9", id="visa-code"),
        pytest.param("10k followers", id="k-without-money-word"),
        pytest.param("kode OTP 6 digit", id="otp-digits"),
        pytest.param("tinggi 160 cm, berat 50 kg", id="body"),
        pytest.param("Lowongan programmer PHP 8", id="php-language"),
    ],
)
def test_non_money_numbers_are_ignored(text: str) -> None:
    assert money(text) == []


def test_money_next_to_non_money() -> None:
    text = "Butuh 50 orang usia 18-35, makan 3x, kerja 12 jam. Gaji 8jt. WA 0812-7734-1029"
    found = money(text)
    assert [(a.text, a.low) for a in found] == [("8jt", 8 * JT)]


def test_range_does_not_swallow_phone() -> None:
    amount = one("Gaji 15 juta - 0812 7734 1029")
    assert (amount.low, amount.high) == (15 * JT, 15 * JT)


# -- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "factor"),
    [
        pytest.param("Rp 500rb/hari", "day", 26, id="rb-per-hari"),
        pytest.param("500 ribu per hari", "day", 26, id="per-hari"),
        pytest.param("Rp 150rb/hr", "day", 26, id="hr-is-hari-in-rupiah"),
        pytest.param("gaji harian 150 ribu", "day", 26, id="harian-before"),
        pytest.param("gaji per hari 150rb", "day", 26, id="per-hari-before"),
        pytest.param("1.5jt per minggu", "week", 4.33, id="per-minggu"),
        pytest.param("1.5jt/minggu", "week", 4.33, id="slash-minggu"),
        pytest.param("Rp 15jt/bln", "month", 1, id="slash-bln"),
        pytest.param("15 juta sebulan", "month", 1, id="sebulan"),
        pytest.param("$1000 a month", "month", 1, id="a-month"),
        pytest.param("$10 per jam", "hour", 173, id="per-jam"),
        pytest.param("$10/hr", "hour", 173, id="hr-is-hour-in-dollars"),
        pytest.param("10.030 won/jam", "hour", 173, id="won-per-jam"),
        pytest.param("Rp 120 juta per tahun", "year", 1 / 12, id="per-tahun"),
        pytest.param("Rp 120jt/thn", "year", 1 / 12, id="slash-thn"),
        pytest.param("Rp 15jt", "unknown", 1, id="unknown"),
    ],
)
def test_periods(text: str, period: str, factor: float) -> None:
    amount = one(text)
    assert amount.period == period
    assert PERIOD_TO_MONTH[period] == pytest.approx(factor)
    rate = fx_rates()[amount.currency]
    assert amount.idr_month_low == pytest.approx(amount.low * rate * factor)
    assert amount.idr_month_high == pytest.approx(amount.high * rate * factor)


def test_period_before_does_not_leak_from_previous_mention() -> None:
    first, second = money("Rp 500rb/hari atau Rp 12jt")
    assert first.period == "day"
    assert second.period == "unknown"


def test_conversion_to_idr_month() -> None:
    amount = one("gaji $1,000 per bulan")
    assert amount.idr_month_high == pytest.approx(1000 * fx_rates()["USD"])


# -- kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("Gaji 15jt", "salary", id="gaji"),
        pytest.param("salary $1,200", "salary", id="salary"),
        pytest.param("upah harian 150rb", "salary", id="upah"),
        pytest.param("penghasilan bisa 20 juta", "salary", id="penghasilan"),
        pytest.param("bonus 2 juta", "salary", id="bonus"),
        pytest.param("income USD 1000", "salary", id="income"),
        pytest.param("pendapatan Rp 10jt", "salary", id="pendapatan"),
        pytest.param("biaya admin Rp 500rb", "fee", id="biaya"),
        pytest.param("bayar 2 juta dulu", "fee", id="bayar"),
        pytest.param("DP 1 juta", "fee", id="dp"),
        pytest.param("deposit $100", "fee", id="deposit"),
        pytest.param("transfer Rp 300.000 ke rekening", "fee", id="transfer"),
        pytest.param("admin fee $50", "fee", id="admin-fee"),
        pytest.param("Rp 500rb biaya pendaftaran", "fee", id="fee-after"),
        pytest.param("Rp 15jt bersih", "other", id="no-cue"),
        pytest.param("Lowongan admin 8jt", "other", id="admin-job-is-not-a-fee"),
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert one(text).kind == kind


def test_kind_uses_the_nearest_cue() -> None:
    fee, salary = money("Biaya admin 500rb, gaji 15jt")
    assert (fee.kind, salary.kind) == ("fee", "salary")
    salary, fee = money("Gaji 15jt. Biaya proses 2jt")
    assert (salary.kind, fee.kind) == ("salary", "fee")


def test_cue_after_does_not_cross_clause() -> None:
    first, second = money("uang makan 1 juta, biaya admin 200 ribu")
    assert first.kind == "other"
    assert second.kind == "fee"


def test_to_dict() -> None:
    data = one("Gaji Rp 15jt/bulan").to_dict()
    assert data == {
        "text": "Rp 15jt/bulan",
        "start": 5,
        "end": 18,
        "currency": "IDR",
        "low": 15 * JT,
        "high": 15 * JT,
        "period": "month",
        "idr_month_low": 15 * JT,
        "idr_month_high": 15 * JT,
        "kind": "salary",
    }


# -- catalogue ---------------------------------------------------------------------------------


def test_fx_table() -> None:
    rates = fx_rates()
    assert fx_as_of() == datetime.date(2025, 11, 1).isoformat()
    assert rates["IDR"] == 1
    for code in ("USD", "USDT", "MYR", "THB", "TWD", "JPY", "HKD", "SGD", "KRW", "SAR", "AED"):
        assert rates[code] > 0, code
    assert 14_000 < rates["USD"] < 19_000


def test_reference_wages() -> None:
    wages = reference_wages()
    assert wages["ump_jateng_2025"].idr_month == 2_169_349
    assert wages["ump_dki_2025"].idr_month == 5_396_761
    for wage_id in ("korea_min_2025", "taiwan_caregiver_min", "hongkong_fdh_min", "malaysia_min_2025"):
        assert 5 * JT < wages[wage_id].idr_month < 30 * JT, wage_id
    assert 2 * JT < wages["cambodia_min_2025"].idr_month < 5 * JT
    for wage in wages.values():
        assert wage.name_id and wage.name_en and wage.source


def test_every_currency_the_extractor_names_has_a_rate() -> None:
    from screener.extract.money import _CURRENCY_CODES

    assert set(_CURRENCY_CODES.values()) <= set(fx_rates())


# -- salary signal -----------------------------------------------------------------------------


def signal(text: str, *, asks_little: bool, official_destination: bool = False):
    return salary_signal(money(text), asks_little=asks_little, official_destination=official_destination)


@pytest.mark.parametrize(
    ("text", "asks_little", "official", "judged", "unrealistic"),
    [
        pytest.param("Gaji 8jt, tanpa pengalaman", True, False, "8jt", True, id="3.7x-asks-little"),
        pytest.param("Gaji 8jt, wajib S1", False, False, "8jt", False, id="3.7x-asks-a-lot"),
        pytest.param("Gaji 15-25 juta", False, False, "15-25 juta", True, id="over-4x-regardless"),
        pytest.param("Gaji 3jt", True, False, "3jt", False, id="near-ump"),
        pytest.param("Gaji 5,5 juta", True, False, "5,5 juta", True, id="2.5x-asks-little"),
        pytest.param("Gaji $600", True, False, "$600", True, id="usd-600"),
        pytest.param("gaji 2 digit", True, False, "2 digit", True, id="2-digit"),
        pytest.param("Gaji NT$20.000", False, True, "NT$20.000", False, id="taiwan-legal-minimum"),
        pytest.param("Gaji 2.096.270 won", False, True, "2.096.270 won", False, id="korea-legal-minimum"),
        pytest.param("Gaji 25 juta, tanpa syarat", True, True, "25 juta", True, id="official-2x-asks-little"),
        pytest.param("Gaji 45 juta", False, True, "45 juta", True, id="official-4x"),
        pytest.param("Gaji 8jt. Biaya admin 50 juta", True, False, "8jt", True, id="fee-is-never-the-salary"),
        pytest.param("Gaji 5jt + bonus 20jt", True, False, "20jt", True, id="highest-salary"),
        pytest.param("Rp 12 juta, langsung kerja", True, False, "Rp 12 juta", True, id="fallback-other"),
    ],
)
def test_salary_signal(text: str, asks_little: bool, official: bool, judged: str, unrealistic: bool) -> None:
    result = signal(text, asks_little=asks_little, official_destination=official)
    assert result is not None
    assert result.amount.text == judged
    assert result.unrealistic is unrealistic
    assert result.ratio == pytest.approx(result.amount.idr_month_high / result.reference_idr)
    assert 0 <= result.strength <= 1


def test_salary_signal_reference() -> None:
    result = signal("Gaji 8jt", asks_little=True)
    assert result is not None
    assert result.reference_idr == 2_169_349
    assert "Jawa Tengah" in result.reference_name
    official = signal("Gaji 8jt", asks_little=True, official_destination=True)
    assert official is not None
    assert official.reference_idr == 10 * JT


def test_salary_signal_strength() -> None:
    strong = signal("Gaji 15jt", asks_little=True)
    weak = signal("Gaji 15jt", asks_little=False)
    low = signal("Gaji 3jt", asks_little=True)
    assert strong is not None and weak is not None and low is not None
    assert strong.strength == pytest.approx(min(max((strong.ratio - 1.5) / 4, 0), 1))
    assert weak.strength == pytest.approx(strong.strength / 2)
    assert low.strength == 0
    huge = signal("Gaji 99 juta", asks_little=True)
    assert huge is not None and huge.strength == 1


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Tanpa pengalaman, langsung kerja", id="no-money"),
        pytest.param("Biaya admin Rp 500rb", id="only-fees"),
        pytest.param("Gaji Rp 50.000", id="implausibly-small"),
    ],
)
def test_salary_signal_none(text: str) -> None:
    assert signal(text, asks_little=True) is None


def test_salary_signal_to_dict() -> None:
    result = signal("Gaji 8jt", asks_little=True)
    assert result is not None
    data = result.to_dict()
    assert data["amount"]["text"] == "8jt"
    assert data["unrealistic"] is True
    assert set(data) == {"amount", "reference_idr", "reference_name", "ratio", "unrealistic", "strength"}


@pytest.mark.parametrize(
    ("destinations", "wage_id"),
    [
        pytest.param(("MY",), "malaysia_min_2025", id="malaysia"),
        pytest.param(("TW",), "taiwan_caregiver_min", id="taiwan"),
        pytest.param(("HK",), "hongkong_fdh_min", id="hong-kong"),
        pytest.param(("KR",), "korea_min_2025", id="korea"),
        pytest.param(("MY", "KR"), "korea_min_2025", id="several-the-highest"),
    ],
)
def test_salary_is_compared_with_the_named_destination(destinations: tuple[str, ...], wage_id: str) -> None:
    result = salary_signal(
        money("Gaji 9 juta"), asks_little=True, official_destination=True, destinations=destinations
    )
    assert result is not None
    assert result.reference_idr == pytest.approx(reference_wages()[wage_id].idr_month)
    assert result.reference_name == reference_wages()[wage_id].name_id


@pytest.mark.parametrize(
    ("destinations", "official", "reference"),
    [
        pytest.param(("JP",), True, 10 * JT, id="no-wage-of-its-own-falls-back"),
        pytest.param((), False, 2_169_349, id="domestic"),
    ],
)
def test_salary_reference_fallbacks(destinations: tuple[str, ...], official: bool, reference: float) -> None:
    result = salary_signal(
        money("Gaji 9 juta"), asks_little=True, official_destination=official, destinations=destinations
    )
    assert result is not None
    assert result.reference_idr == reference
