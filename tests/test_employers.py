import re

import pytest

from screener.catalogue.employers import KINDS, Employer, employers, load_employers, parse_employers
from screener.errors import CatalogueError

# DOMAIN.md sections 2b and 2c: the employers and public bodies whose names fake vacancies borrow.
REQUIRED = {
    "bkn_casn", "kemenpan_rb", "kemnaker", "kemenkes", "kemenag_haji", "puskesmas", "rsud", "dinas",
    "pemerintah_daerah", "program_desa", "bpjs_kesehatan", "bpjs_ketenagakerjaan", "rekrutmen_bersama_bumn",
    "pertamina", "pln", "kai", "bank_bri", "bank_bni", "bank_mandiri", "telkom", "pos_indonesia",
    "krakatau_steel", "garuda_indonesia", "pelindo", "pupuk_indonesia", "freeport", "badak_lng", "sampoerna",
    "gudang_garam", "djarum", "indomaret", "alfamart", "kp2mi", "eps_korea", "p3mi_licensed",
}  # fmt: skip
# Deliberately out of scope: these names must not appear in the list.
OUT_OF_SCOPE = ("astra", "mayapada", "calbee", "rans", "kalimantan prima persada", "p3pd", "lppom")


def test_the_shipped_file_loads_and_covers_domain_md() -> None:
    entries = employers()
    assert {e.id for e in entries} >= REQUIRED
    assert {e.kind for e in entries} == set(KINDS)
    for entry in entries:
        assert entry.names and entry.aliases and entry.facts, entry.id
        assert all(fact.id and fact.en and fact.source for fact in entry.facts), entry.id
    assert employers() is employers()


def test_out_of_scope_names_are_not_listed() -> None:
    for entry in employers():
        text = " ".join((*entry.names, *entry.aliases, *entry.official_channels)).lower()
        for name in OUT_OF_SCOPE:
            assert not re.search(rf"(?<![a-z]){name}(?![a-z])", text), (entry.id, name)


def test_official_domains_include_subdomains_and_go_id_for_public_bodies() -> None:
    by_id = {e.id: e for e in employers()}
    assert by_id["pertamina"].is_official_domain("recruitment.pertamina.com")
    assert not by_id["pertamina"].is_official_domain("rekrutmen-pertamina.com")
    assert not by_id["pertamina"].is_official_domain("pertamina.com.id")
    assert by_id["bkn_casn"].is_official_domain("sscasn.bkn.go.id")
    assert by_id["puskesmas"].is_official_domain("dinkes.slemankab.go.id")
    assert not by_id["pertamina"].is_official_domain("dinkes.slemankab.go.id")


GOOD = """
[[employer]]
id = "acme"
kind = "private"
names = ["PT Acme"]
aliases = ['acme\\b']
official_channels = ["acme.co.id"]
facts = [{ id = "Tidak memungut biaya.", en = "Never charges applicants.", source = "DOMAIN.md §2b" }]
"""


def _with(**changes: str) -> str:
    """GOOD with some lines replaced (key -> the whole new line, or "" to drop it)."""
    lines = []
    for line in GOOD.splitlines():
        key = line.split(" =")[0]
        lines.append(changes.get(key, line))
    return "\n".join(lines)


def test_a_valid_entry_parses() -> None:
    (entry,) = parse_employers(GOOD)
    assert isinstance(entry, Employer)
    assert entry.official_channels == ("acme.co.id",)
    assert entry.facts[0].source == "DOMAIN.md §2b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            GOOD.replace('kind = "private"', 'kind = "private"\nwebsite = "x"'),
            "unknown field",
            id="unknown-field",
        ),
        pytest.param(
            _with(facts='facts = [{ id = "x", en = "x" }]'), "lacks source", id="fact-without-source"
        ),
        pytest.param(
            _with(facts='facts = [{ id = "x", en = "x", source = "" }]'),
            "lacks source",
            id="fact-empty-source",
        ),
        pytest.param(
            _with(facts='facts = [{ id = "x", en = "x", source = "y", url = "z" }]'),
            "unknown fact field",
            id="fact-unknown-field",
        ),
        pytest.param(
            _with(official_channels='official_channels = ["acme .co.id"]'),
            "not a lower-case domain",
            id="domain-with-space",
        ),
        pytest.param(
            _with(official_channels='official_channels = ["https://acme.co.id"]'),
            "not a lower-case domain",
            id="domain-with-scheme",
        ),
        pytest.param(
            _with(official_channels='official_channels = ["acme.co.id/karir"]'),
            "not a lower-case domain",
            id="domain-with-path",
        ),
        pytest.param(
            _with(official_channels='official_channels = ["acme"]'),
            "not a lower-case domain",
            id="domain-without-dot",
        ),
        pytest.param(
            _with(official_channels='official_channels = ["Acme.co.id"]'),
            "not a lower-case domain",
            id="domain-upper-case",
        ),
        pytest.param(_with(aliases="aliases = []"), "must not be empty", id="empty-aliases"),
        pytest.param(_with(aliases=""), "lacks aliases", id="missing-aliases"),
        pytest.param(_with(aliases="aliases = ['(acme)']"), "capturing", id="capturing-alias"),
        pytest.param(_with(aliases="aliases = ['Acme']"), "lower-cased", id="upper-case-alias"),
        pytest.param(
            _with(aliases="aliases = ['.{0,3}acme']"), "literal word", id="alias-without-literal-start"
        ),
        pytest.param(_with(aliases="aliases = ['acme(']"), "bad alias", id="invalid-alias"),
        pytest.param(_with(kind='kind = "charity"'), "unknown kind", id="unknown-kind"),
        pytest.param(GOOD + GOOD.replace("acme\\b", "acme corp\\b"), "duplicate id", id="duplicate-id"),
        pytest.param(
            GOOD + GOOD.replace('id = "acme"', 'id = "acme2"'), "already used by acme", id="duplicate-alias"
        ),
    ],
)
def test_invalid_entries_are_refused_and_named(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(message)) as raised:
        parse_employers(text)
    assert "acme" in str(raised.value)


def test_invalid_toml_is_refused() -> None:
    with pytest.raises(CatalogueError, match="not valid TOML"):
        parse_employers("[[employer]\n")


def test_a_file_on_disk_is_checked_the_same_way(tmp_path) -> None:
    path = tmp_path / "employers.toml"
    path.write_text(_with(official_channels='official_channels = ["acme"]'), encoding="utf-8")
    with pytest.raises(CatalogueError, match="employer acme"):
        load_employers(path)
    path.write_text(GOOD, encoding="utf-8")
    assert [e.id for e in load_employers(path)] == ["acme"]
