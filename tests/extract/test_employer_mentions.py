import pytest

from screener.extract.employers import EmployerMention, find_employers
from screener.normalize import normalize


def found(text: str) -> list[tuple[str, str, bool]]:
    """(employer id, original slice, recruiting) per mention, checking the spans slice the original."""
    mentions = find_employers(normalize(text))
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.employer.id, m.text, m.recruiting) for m in mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Lowongan kerja PT. Pertamina (Persero)", [("pertamina", "Pertamina", True)], id="cue-before"
        ),
        pytest.param("Bank BRI membuka lowongan teller", [("bank_bri", "Bank BRI", True)], id="verb-after"),
        pytest.param(
            "PT POS INDONESIA\nPANGGILAN INTERVIEW",
            [("pos_indonesia", "PT POS INDONESIA", True)],
            id="heading",
        ),
        pytest.param("Rekrutmen BUMN 2026 dibuka", [("rekrutmen_bersama_bumn", "BUMN", True)], id="bumn"),
        pytest.param("Penerimaan CPNS jalur khusus", [("bkn_casn", "CPNS", True)], id="cpns"),
        pytest.param(
            "Dibuka rekrutmen petugas haji 2026", [("kemenag_haji", "petugas haji", True)], id="hajj-officers"
        ),
        pytest.param("Dibutuhkan perawat untuk RSUD", [("rsud", "RSUD", True)], id="public-hospital"),
        pytest.param(
            "Lowongan P E R T A M I N A", [("pertamina", "P E R T A M I N A", True)], id="spaced-out"
        ),
        pytest.param(
            "lowongan kerja pt pos indonesia",
            [("pos_indonesia", "pt pos indonesia", True)],
            id="overlapping-aliases-merge",
        ),
    ],
)
def test_employers_named_as_the_recruiter(text: str, expected: list) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "employer_id"),
    [
        pytest.param("Lowongan admin toko dekat Indomaret", "indomaret", id="landmark"),
        pytest.param("Lowongan admin, fasilitas BPJS Kesehatan", "bpjs_kesehatan", id="benefit"),
        pytest.param("Lowongan sopir, gaji via Bank BRI", "bank_bri", id="payment"),
        pytest.param("Lowongan kerja Taiwan, P3MI terdaftar di BP2MI", "kp2mi", id="regulator"),
        pytest.param("Waspada lowongan palsu mengatasnamakan Pertamina", "pertamina", id="warning"),
        pytest.param("LPK membuka kelas persiapan EPS-TOPIK", "eps_korea", id="course"),
        pytest.param("Dibutuhkan SPG untuk toko mitra Alfamart", "alfamart", id="business-partner"),
        pytest.param("Harga BBM Pertamina naik minggu ini", "pertamina", id="no-recruitment-at-all"),
    ],
)
def test_other_roles_are_not_the_recruiter(text: str, employer_id: str) -> None:
    mentions = [m for m in find_employers(normalize(text)) if m.employer.id == employer_id]
    assert mentions and not any(m.recruiting for m in mentions)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Lowongan toko mandiri, jam kerja fleksibel", id="ordinary-word"),
        pytest.param("Dibutuhkan admin untuk PT Sinar Abadi", id="unknown-company"),
        pytest.param("", id="empty"),
    ],
)
def test_no_known_employer(text: str) -> None:
    assert find_employers(normalize(text)) == []


def test_every_mention_of_a_longer_text_is_found_in_order() -> None:
    text = "Lowongan PLN dan Pertamina. Kirim lamaran ke Telkom? Tidak, Bank BRI membuka lowongan."
    assert [m[0] for m in found(text)] == ["pln", "pertamina", "telkom", "bank_bri"]


def test_to_dict() -> None:
    (mention,) = find_employers(normalize("Lowongan Pertamina"))
    assert isinstance(mention, EmployerMention)
    data = mention.to_dict()
    assert data["employer"] == {"id": "pertamina", "kind": "state_company", "name": "PT Pertamina (Persero)"}
    assert (data["start"], data["end"], data["recruiting"]) == (9, 18, True)
