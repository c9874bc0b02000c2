import re
from itertools import pairwise

import pytest

from screener.extract import contacts as contacts_mod
from screener.extract.contacts import (
    FOREIGN_SCAM_HUB_REGIONS,
    KINDS,
    Contact,
    find_contacts,
    normalize_contact,
)


def found(text: str) -> list[tuple[str, str, str | None, str]]:
    """(kind, value, country, original slice), checking that spans slice the original exactly."""
    contacts = find_contacts(text)
    for c in contacts:
        assert c.kind in KINDS
        assert text[c.start : c.end] == c.text
    assert [c.start for c in contacts] == sorted(c.start for c in contacts)
    return [(c.kind, c.value, c.country, c.text) for c in contacts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Indonesian formats
        pytest.param(
            "hub 0812-7734-1029", [("phone", "+6281277341029", "ID", "0812-7734-1029")], id="id-dashes"
        ),
        pytest.param(
            "hub 0812 7734 1029", [("phone", "+6281277341029", "ID", "0812 7734 1029")], id="id-spaces"
        ),
        pytest.param(
            "hub 6281277341029", [("phone", "+6281277341029", "ID", "6281277341029")], id="id-62-no-plus"
        ),
        pytest.param(
            "hub +62 812-7734-1029", [("phone", "+6281277341029", "ID", "+62 812-7734-1029")], id="id-plus62"
        ),
        pytest.param(
            "kantor (021) 5550 1234", [("phone", "+622155501234", "ID", "(021) 5550 1234")], id="id-landline"
        ),
        # foreign formats
        pytest.param("hub +855 96 412 7781", [("phone", "+855964127781", "KH", "+855 96 412 7781")], id="kh"),
        pytest.param(
            "hub +95 9 254 123 456", [("phone", "+959254123456", "MM", "+95 9 254 123 456")], id="mm"
        ),
        pytest.param(
            "hub +856 20 9812 3456", [("phone", "+8562098123456", "LA", "+856 20 9812 3456")], id="la"
        ),
        pytest.param("hub +66 81 234 5678", [("phone", "+66812345678", "TH", "+66 81 234 5678")], id="th"),
        pytest.param("hub +60 17-334 5521", [("phone", "+60173345521", "MY", "+60 17-334 5521")], id="my"),
        # a channel word labels a bare number
        pytest.param(
            "WA: 0812-7734-1029", [("whatsapp", "+6281277341029", "ID", "0812-7734-1029")], id="wa-label"
        ),
        pytest.param(
            "Telegram +855 96 412 7781",
            [("telegram", "+855964127781", "KH", "+855 96 412 7781")],
            id="tg-label",
        ),
        pytest.param(
            "WA 0812-7734-1029 / telp 0813 1234 5678",
            [
                ("whatsapp", "+6281277341029", "ID", "0812-7734-1029"),
                ("phone", "+6281312345678", "ID", "0813 1234 5678"),
            ],
            id="nearest-label-wins",
        ),
    ],
)
def test_phones(text: str, expected: list[tuple[str, str, str | None, str]]):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "klik wa.me/6281277341029",
            [("whatsapp", "+6281277341029", "ID", "wa.me/6281277341029")],
            id="wa-me",
        ),
        pytest.param(
            "https://wa.me/855964127781?text=halo.",
            [("whatsapp", "+855964127781", "KH", "https://wa.me/855964127781?text=halo")],
            id="wa-me-query-trailing-dot",
        ),
        pytest.param(
            "api.whatsapp.com/send?phone=60173345521",
            [("whatsapp", "+60173345521", "MY", "api.whatsapp.com/send?phone=60173345521")],
            id="api-whatsapp",
        ),
        pytest.param(
            "grup https://chat.whatsapp.com/AbCdEf123",
            [
                (
                    "whatsapp",
                    "https://chat.whatsapp.com/AbCdEf123",
                    None,
                    "https://chat.whatsapp.com/AbCdEf123",
                )
            ],
            id="wa-group",
        ),
        pytest.param(
            "gabung t.me/LokerKamboja", [("telegram", "@lokerkamboja", None, "t.me/LokerKamboja")], id="t-me"
        ),
        pytest.param(
            "https://telegram.me/Admin_KH",
            [("telegram", "@admin_kh", None, "https://telegram.me/Admin_KH")],
            id="telegram-me",
        ),
        pytest.param(
            "t.me/+AbC123xyz",
            [("telegram", "https://t.me/+AbC123xyz", None, "t.me/+AbC123xyz")],
            id="t-me-invite",
        ),
        pytest.param(
            "DM tele @AdminLoker", [("telegram", "@adminloker", None, "@AdminLoker")], id="tele-handle"
        ),
        pytest.param("tg: @admin_kh", [("telegram", "@admin_kh", None, "@admin_kh")], id="tg-handle"),
        pytest.param(
            "@admin_kh (telegram)", [("telegram", "@admin_kh", None, "@admin_kh")], id="label-after"
        ),
        pytest.param("IG @loker.indo", [("handle", "@loker.indo", None, "@loker.indo")], id="ig-handle"),
        pytest.param(
            "IG @loker_id, Telegram @admin_id",
            [("handle", "@loker_id", None, "@loker_id"), ("telegram", "@admin_id", None, "@admin_id")],
            id="two-handles-own-labels",
        ),
        pytest.param(
            "email HRD.Asia@Gmail.com",
            [("email", "hrd.asia@gmail.com", None, "HRD.Asia@Gmail.com")],
            id="email",
        ),
        pytest.param(
            "https://kerja-asia.com/daftar?id=3.",
            [("url", "https://kerja-asia.com/daftar?id=3", None, "https://kerja-asia.com/daftar?id=3")],
            id="url-scheme",
        ),
        pytest.param(
            "www.kerja-asia.com",
            [("url", "https://www.kerja-asia.com", None, "www.kerja-asia.com")],
            id="url-www",
        ),
        pytest.param(
            "daftar di lokerln.co.id/form",
            [("url", "https://lokerln.co.id/form", None, "lokerln.co.id/form")],
            id="url-bare",
        ),
        pytest.param(
            "(lihat rekrut.xyz)", [("url", "https://rekrut.xyz", None, "rekrut.xyz")], id="url-in-parens"
        ),
    ],
)
def test_links_handles_email(text: str, expected: list[tuple[str, str, str | None, str]]):
    assert found(text) == expected


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param(d, id=d)
        for d in (
            "bit.ly", "s.id", "tinyurl.com", "cutt.ly", "shorturl.at", "t.co", "rb.gy", "linktr.ee", "is.gd",
            "ow.ly", "lnkd.in", "tiny.cc",
        )
    ],
)  # fmt: skip
def test_shorteners(domain: str):
    text = f"Daftar: {domain}/Loker-KH1, sekarang"
    assert found(text) == [("shortener", f"https://{domain}/Loker-KH1", None, f"{domain}/Loker-KH1")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Gaji Rp 15.000.000 per bulan", id="money-rp-space"),
        pytest.param("Gaji Rp15.000.000", id="money-rp-joined"),
        pytest.param("IDR 8.500.000", id="money-idr"),
        pytest.param("Rp 6.000.000 - 18.000.000", id="money-range"),
        pytest.param("USD 600-1.500", id="money-usd"),
        pytest.param("berangkat 12-05-2024", id="date-dash"),
        pytest.param("berangkat 12/05/2024", id="date-slash"),
        pytest.param("2024-05-12", id="date-iso"),
        pytest.param("usia 18-35 tahun", id="age"),
        pytest.param("SIP3MI No. 1234/2023", id="licence"),
        pytest.param("Kepmenaker 260/2015", id="decree"),
        pytest.param("NIB 9120001234567", id="nib"),
        pytest.param("tinggi 160-175cm berat 50-70kg", id="body"),
        pytest.param("transfer ke no rek BCA 0812345678", id="bank-account"),
        pytest.param("harga @Rp 50.000", id="at-price-not-handle"),
        pytest.param("Lokasi Kamboja.Gaji 15jt", id="sentence-not-url"),
        pytest.param("", id="empty"),
    ],
)
def test_not_contacts(text: str):
    assert found(text) == []


def test_dedupe_and_precedence():
    text = (
        "WA wa.me/6281277341029 atau 0812-7734-1029; email admin@kerja.com; "
        "bit.ly/abc; https://bit.ly/abc; @admin"
    )
    assert found(text) == [
        ("whatsapp", "+6281277341029", "ID", "wa.me/6281277341029"),
        ("whatsapp", "+6281277341029", "ID", "0812-7734-1029"),
        ("email", "admin@kerja.com", None, "admin@kerja.com"),
        ("shortener", "https://bit.ly/abc", None, "bit.ly/abc"),
        ("shortener", "https://bit.ly/abc", None, "https://bit.ly/abc"),
        ("handle", "@admin", None, "@admin"),
    ]
    # never two contacts over the same characters
    spans = [(c.start, c.end) for c in find_contacts(text)]
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(spans))


def test_realistic_ad():
    ad = (
        "🔥 LOKER CS ONLINE KAMBOJA 🇰🇭 gaji Rp 15.000.000 + bonus! Usia 18-35. Berangkat 20/06/2025.\n"
        "Hubungi WA +855 96 412 7781 atau wa.me/60173345521, Telegram @HRD_Asia99.\n"
        "Form: bit.ly/lokerKH2025 — info lengkap www.asia-jobs.online"
    )
    got = found(ad)
    assert got == [
        ("whatsapp", "+855964127781", "KH", "+855 96 412 7781"),
        ("whatsapp", "+60173345521", "MY", "wa.me/60173345521"),
        ("telegram", "@hrd_asia99", None, "@HRD_Asia99"),
        ("shortener", "https://bit.ly/lokerKH2025", None, "bit.ly/lokerKH2025"),
        ("url", "https://www.asia-jobs.online", None, "www.asia-jobs.online"),
    ]
    hubs = {c.country for c in find_contacts(ad)} & FOREIGN_SCAM_HUB_REGIONS
    assert hubs == {"KH"}


def test_foreign_scam_hub_regions():
    assert frozenset({"KH", "MM", "LA", "TH"}) == FOREIGN_SCAM_HUB_REGIONS
    assert "MY" not in FOREIGN_SCAM_HUB_REGIONS


def test_to_dict():
    (contact,) = find_contacts("WA 0812-7734-1029")
    assert isinstance(contact, Contact)
    assert contact.to_dict() == {
        "kind": "whatsapp",
        "value": "+6281277341029",
        "country": "ID",
        "text": "0812-7734-1029",
        "start": 3,
        "end": 17,
    }


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        pytest.param("gaji 15 juta, usia 18-35, berangkat 2025", False, id="no-long-digit-run"),
        pytest.param("hub 0812 7734 1029", True, id="spaced-number"),
        pytest.param("Rp 15.000.000", True, id="money-passes-precheck-matcher-rejects"),
    ],
)
def test_digit_run_precheck(text: str, runs: bool):
    assert bool(contacts_mod._DIGIT_RUN.search(text)) is runs


def test_no_overlap_with_url_inside_email():
    assert not any(re.search("url|handle", kind) for kind, *_ in found("admin@kerja-asia.co.id"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("0812-3456-7890", ["+6281234567890", "0812-3456-7890"], id="bare-number"),
        pytest.param("+855 12 345 678", ["+85512345678", "+855 12 345 678"], id="foreign-number"),
        pytest.param("kerjacepat", ["@kerjacepat", "kerjacepat"], id="bare-handle"),
        pytest.param(" HR@Example.com ", ["hr@example.com", "HR@Example.com"], id="email"),
    ],
)
def test_normalize_contact(typed: str, expected: list[str]) -> None:
    assert normalize_contact(typed) == expected
