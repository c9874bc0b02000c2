import re

import pytest

from screener.extract import places as places_mod
from screener.extract.places import KINDS, STATUSES, Place, PlaceMention, find_places, gazetteer
from screener.normalize import normalize


def found(text: str) -> list[tuple[str, str]]:
    """(place id, original slice) for every mention, checking that spans slice the original exactly."""
    mentions = find_places(normalize(text))
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.place.id, m.text) for m in mentions]


def test_gazetteer_is_valid_and_covers_domain_md():
    places = gazetteer()
    ids = [p.id for p in places]
    assert len(ids) == len(set(ids))
    for p in places:
        assert p.kind in KINDS and p.status in STATUSES and re.fullmatch(r"[A-Z]{2}", p.country)
    required = {
        # DOMAIN.md section 1: hubs, cities and regions
        "kh", "kh-phnom-penh", "kh-sihanoukville", "kh-bavet", "kh-poipet", "kh-kandal", "kh-kampot",
        "kh-kampong-speu", "kh-banteay-meanchey", "kh-mondulkiri", "mm", "mm-myawaddy", "mm-kk-park",
        "mm-shwe-kokko", "mm-hpa-lu", "mm-kayin", "th-mae-sot", "th-chiang-rai", "la", "la-golden-triangle",
        "la-bokeo",
        # Kemlu's ten countries
        "ph", "th", "vn", "my", "ae", "za", "by",
        # transit points
        "th-bangkok", "my-kuala-lumpur", "vn-ho-chi-minh", "sg", "id-batam", "id-tanjung-pinang",
        "id-karimun", "id-nunukan", "id-entikong", "id-dumai", "id-bali",
        # official destinations and the Middle East
        "hk", "tw", "jp", "kr", "bn", "sa", "ae-dubai", "qa", "kw", "om", "jo", "tr", "it",
    }  # fmt: skip
    assert required <= set(ids)
    assert sum(p.status == "domestic" for p in places) >= 40


def test_gazetteer_is_cached_and_immutable():
    assert gazetteer() is gazetteer()
    with pytest.raises(AttributeError):
        gazetteer()[0].status = "domestic"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("place_id", "status"),
    [
        pytest.param("kh", "scam_hub", id="cambodia"),
        pytest.param("kh-sihanoukville", "scam_hub", id="sihanoukville"),
        pytest.param("mm-kk-park", "scam_hub", id="kk-park"),
        pytest.param("la-golden-triangle", "scam_hub", id="golden-triangle"),
        pytest.param("th", "no_agreement", id="thailand"),
        pytest.param("th-mae-sot", "scam_hub", id="mae-sot"),
        pytest.param("ph", "no_agreement", id="philippines"),
        pytest.param("vn", "no_agreement", id="vietnam"),
        pytest.param("my", "official_destination", id="malaysia"),
        pytest.param("sg", "official_destination", id="singapore"),
        pytest.param("my-kuala-lumpur", "transit", id="kuala-lumpur"),
        pytest.param("th-bangkok", "transit", id="bangkok"),
        pytest.param("id-batam", "transit", id="batam"),
        pytest.param("sa", "moratorium_sector", id="saudi"),
        pytest.param("jo", "moratorium_sector", id="jordan"),
        pytest.param("hk", "official_destination", id="hong-kong"),
        pytest.param("id-surabaya", "domestic", id="surabaya"),
    ],
)
def test_status(place_id: str, status: str):
    assert {p.id: p for p in gazetteer()}[place_id].status == status


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        # Cambodia
        pytest.param("Kerja di Kamboja", "kh", id="kamboja"),
        pytest.param("Job in Cambodia", "kh", id="cambodia"),
        pytest.param("kerja kemboja", "kh", id="kemboja"),
        pytest.param("Lokasi Phnom Penh", "kh-phnom-penh", id="phnom-penh"),
        pytest.param("lokasi pnom penh", "kh-phnom-penh", id="pnom-penh"),
        pytest.param("lokasi PhnomPenh", "kh-phnom-penh", id="phnompenh-joined"),
        pytest.param("kerja di pp", "kh-phnom-penh", id="di-pp"),
        pytest.param("Sihanoukville", "kh-sihanoukville", id="sihanoukville"),
        pytest.param("Shihanoukville", "kh-sihanoukville", id="shihanoukville"),
        pytest.param("kantor di SHV", "kh-sihanoukville", id="shv"),
        pytest.param("Preah Sihanouk", "kh-sihanoukville", id="preah-sihanouk"),
        pytest.param("Bavet", "kh-bavet", id="bavet"),
        pytest.param("Poipet", "kh-poipet", id="poipet"),
        pytest.param("Kandal", "kh-kandal", id="kandal"),
        pytest.param("Kampot", "kh-kampot", id="kampot"),
        pytest.param("Kampong Speu", "kh-kampong-speu", id="kampong-speu"),
        pytest.param("Banteay Meanchey", "kh-banteay-meanchey", id="banteay-meanchey"),
        pytest.param("Mondulkiri", "kh-mondulkiri", id="mondulkiri"),
        # Myanmar
        pytest.param("Myanmar", "mm", id="myanmar"),
        pytest.param("Myawaddy", "mm-myawaddy", id="myawaddy"),
        pytest.param("Myawadi", "mm-myawaddy", id="myawadi"),
        pytest.param("KK Park", "mm-kk-park", id="kk-park"),
        pytest.param("kk-park", "mm-kk-park", id="kk-park-hyphen"),
        pytest.param("Shwe Kokko", "mm-shwe-kokko", id="shwe-kokko"),
        pytest.param("Hpa Lu", "mm-hpa-lu", id="hpa-lu"),
        pytest.param("Kayin State", "mm-kayin", id="kayin"),
        pytest.param("Karen State", "mm-kayin", id="karen-state"),
        # Laos and Thailand
        pytest.param("Laos", "la", id="laos"),
        pytest.param("Golden Triangle", "la-golden-triangle", id="golden-triangle"),
        pytest.param("KEK Segitiga Emas", "la-golden-triangle", id="segitiga-emas"),
        pytest.param("Bokeo", "la-bokeo", id="bokeo"),
        pytest.param("Thailand", "th", id="thailand"),
        pytest.param("Thailan", "th", id="thailan"),
        pytest.param("restoran Thai", "th", id="thai"),
        pytest.param("Mae Sot", "th-mae-sot", id="mae-sot"),
        pytest.param("Chiang Rai", "th-chiang-rai", id="chiang-rai"),
        # other Kemlu countries
        pytest.param("Filipina", "ph", id="filipina"),
        pytest.param("Philippines", "ph", id="philippines"),
        pytest.param("Vietnam", "vn", id="vietnam"),
        pytest.param("Afrika Selatan", "za", id="south-africa"),
        pytest.param("Belarus", "by", id="belarus"),
        # transit
        pytest.param("via Bangkok", "th-bangkok", id="bangkok"),
        pytest.param("via Kuala Lumpur", "my-kuala-lumpur", id="kuala-lumpur"),
        pytest.param("transit KL dulu", "my-kuala-lumpur", id="kl-guarded"),
        pytest.param("Ho Chi Minh", "vn-ho-chi-minh", id="ho-chi-minh"),
        pytest.param("TP HCM", "vn-ho-chi-minh", id="tp-hcm"),
        pytest.param("Saigon", "vn-ho-chi-minh", id="saigon"),
        pytest.param("berangkat dari Batam", "id-batam", id="batam"),
        pytest.param("Tanjung Pinang", "id-tanjung-pinang", id="tanjung-pinang"),
        pytest.param("Tg. Pinang", "id-tanjung-pinang", id="tg-pinang"),
        pytest.param("Tanjung Balai Karimun", "id-karimun", id="karimun"),
        pytest.param("Nunukan", "id-nunukan", id="nunukan"),
        pytest.param("Entikong", "id-entikong", id="entikong"),
        pytest.param("Dumai", "id-dumai", id="dumai"),
        pytest.param("dari Bali", "id-bali", id="bali"),
        # official destinations
        pytest.param("Hong Kong", "hk", id="hong-kong"),
        pytest.param("Hongkong", "hk", id="hongkong"),
        pytest.param("TKW HK", "hk", id="hk"),
        pytest.param("Taiwan", "tw", id="taiwan"),
        pytest.param("Malaysia", "my", id="malaysia"),
        pytest.param("kerja di Malay", "my", id="malay"),
        pytest.param("Malaysya", "my", id="malaysya"),
        pytest.param("Jepang", "jp", id="jepang"),
        pytest.param("Japan", "jp", id="japan"),
        pytest.param("Korea Selatan", "kr", id="korea-selatan"),
        pytest.param("South Korea", "kr", id="south-korea"),
        pytest.param("Korsel", "kr", id="korsel"),
        pytest.param("Korea", "kr", id="korea"),
        pytest.param("Singapura", "sg", id="singapura"),
        pytest.param("Singapore", "sg", id="singapore"),
        pytest.param("Brunei", "bn", id="brunei"),
        pytest.param("Turki", "tr", id="turki"),
        pytest.param("Italia", "it", id="italia"),
        # Middle East
        pytest.param("ART Arab Saudi", "sa", id="arab-saudi"),
        pytest.param("Saudi", "sa", id="saudi"),
        pytest.param("Dubai", "ae-dubai", id="dubai"),
        pytest.param("Abu Dhabi", "ae-abu-dhabi", id="abu-dhabi"),
        pytest.param("Uni Emirat Arab", "ae", id="uni-emirat-arab"),
        pytest.param("Emirat", "ae", id="emirat"),
        pytest.param("UAE", "ae", id="uae"),
        pytest.param("Qatar", "qa", id="qatar"),
        pytest.param("Kuwait", "kw", id="kuwait"),
        pytest.param("Oman", "om", id="oman"),
        pytest.param("Yordania", "jo", id="yordania"),
        pytest.param("Jordan", "jo", id="jordan"),
        # domestic
        pytest.param("Indonesia", "id", id="indonesia"),
        pytest.param("Jakarta Selatan", "id-jakarta", id="jakarta-selatan"),
        pytest.param("Surabaya", "id-surabaya", id="surabaya"),
        pytest.param("Jogja", "id-yogyakarta", id="jogja"),
        pytest.param("Jawa Tengah", "id-jawa-tengah", id="jawa-tengah"),
        pytest.param("Kepulauan Riau", "id-riau", id="kepri"),
    ],
)
def test_alias_families(text: str, place_id: str):
    assert [pid for pid, _ in found(text)] == [place_id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("K4mb0ja", [("kh", "K4mb0ja")], id="leet"),
        pytest.param("K A M B O J A", [("kh", "K A M B O J A")], id="spaced"),
        pytest.param("kam.boja", [("kh", "kam.boja")], id="inner-punct"),
        pytest.param("KAMBOJA!!!", [("kh", "KAMBOJA")], id="upper"),
        pytest.param("Ｋａｍｂｏｊａ", [("kh", "Ｋａｍｂｏｊａ")], id="fullwidth"),
        pytest.param("kerja 🇲🇲 gaji besar", [("mm", "🇲🇲")], id="flag-mm"),
        pytest.param("🇰🇭🇹🇭", [("kh", "🇰🇭"), ("th", "🇹🇭")], id="two-flags"),
        pytest.param("🇦🇪 Dubai", [("ae", "🇦🇪"), ("ae-dubai", "Dubai")], id="flag-ae"),
        pytest.param("cs online ke pp", [("kh-phnom-penh", "pp")], id="pp-span"),
        pytest.param("l4os", [("la", "l4os")], id="leet-laos"),
    ],
)
def test_obfuscated_names(text: str, expected: list[tuple[str, str]]):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("surat romantis", [], id="oman-in-romantis"),
        pytest.param("pulang balik kampung", [], id="bali-in-balik"),
        pytest.param("bahasa Malayu", [], id="malay-in-malayu"),
        pytest.param("palaos", [], id="laos-inside-word"),
        pytest.param("kl mau daftar japri", [], id="kl-unguarded"),
        pytest.param("makan nasi padang", [], id="nasi-padang-ignored"),
        pytest.param("gurun padang pasir", [], id="padang-pasir-ignored"),
        pytest.param("hkbp", [], id="hk-inside-word"),
        pytest.param("Thailand", [("th", "Thailand")], id="thai-not-twice"),
        pytest.param("Korea Selatan", [("kr", "Korea Selatan")], id="longest-korea"),
        pytest.param("Korea Utara", [("kp", "Korea Utara")], id="north-korea-not-south"),
        pytest.param(
            "Tanjung Balai Karimun", [("id-karimun", "Tanjung Balai Karimun")], id="longest-karimun"
        ),
        pytest.param("Balikpapan", [("id-balikpapan", "Balikpapan")], id="balikpapan-not-bali"),
        pytest.param("Malaysia-Singapura", [("my", "Malaysia"), ("sg", "Singapura")], id="hyphen-boundary"),
        pytest.param("#kamboja", [("kh", "kamboja")], id="hashtag"),
    ],
)
def test_word_boundaries(text: str, expected: list[tuple[str, str]]):
    assert found(text) == expected


def test_realistic_ad_spans_and_order():
    ad = (
        "🔥LOKER CS ONLINE 🇰🇭 Kamboja (Phnom Penh) gaji 15jt!! Berangkat dari Batam/Bali via KL, "
        "bisa juga Thailand -> Mae Sot. Bukan Jakarta."
    )
    assert found(ad) == [
        ("kh", "🇰🇭"),
        ("kh", "Kamboja"),
        ("kh-phnom-penh", "Phnom Penh"),
        ("id-batam", "Batam"),
        ("id-bali", "Bali"),
        ("my-kuala-lumpur", "KL"),
        ("th", "Thailand"),
        ("th-mae-sot", "Mae Sot"),
        ("id-jakarta", "Jakarta"),
    ]


def test_to_dict():
    (mention,) = find_places(normalize("ke Dubai"))
    assert isinstance(mention, PlaceMention) and isinstance(mention.place, Place)
    assert mention.to_dict() == {
        "place": {
            "id": "ae-dubai",
            "name_id": "Dubai",
            "name_en": "Dubai",
            "kind": "city",
            "country": "AE",
            "status": "moratorium_sector",
        },
        "text": "Dubai",
        "start": 3,
        "end": 8,
    }


@pytest.mark.parametrize("text", [pytest.param("", id="empty"), pytest.param("   \n", id="blank")])
def test_empty(text: str):
    assert find_places(normalize(text)) == []


def _entry(pid: str, aliases: list[str], **extra: object) -> dict[str, object]:
    return {
        "id": pid, "name_id": pid, "name_en": pid, "kind": "city", "country": "XX", "status": "transit",
        "aliases": aliases, **extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"place": [_entry("a", ["x"]), _entry("b", ["x"])]}, "clashes", id="alias-clash"),
        pytest.param({"place": [_entry("a", ["x"]), _entry("a", ["y"])]}, "duplicate id", id="duplicate-id"),
        pytest.param({"place": [_entry("a", ["x"], kind="planet")]}, "unknown kind", id="bad-kind"),
        pytest.param({"place": [_entry("a", ["x"], status="risky")]}, "unknown status", id="bad-status"),
        pytest.param({"place": [_entry("a", ["x"], country="Xx")]}, "ISO", id="bad-country"),
        pytest.param({"place": [_entry("a", ["  "])]}, "normalises to nothing", id="empty-alias"),
    ],
)
def test_bad_gazetteer_is_refused(data: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message):
        places_mod._build(data)
