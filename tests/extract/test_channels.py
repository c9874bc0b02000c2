import pytest

from screener.catalogue.employers import employers
from screener.extract.channels import CLASSES, UNOFFICIAL, classify, domain_of
from screener.extract.contacts import find_contacts

BY_ID = {e.id: e for e in employers()}


def one_class(text: str, employer_id: str) -> str:
    (contact,) = find_contacts(text)
    return classify(contact, BY_ID[employer_id])


@pytest.mark.parametrize(
    ("text", "employer_id", "expected"),
    [
        pytest.param("WA 0812-3456-7890", "pertamina", "personal", id="mobile"),
        pytest.param("wa.me/6281234567890", "pertamina", "personal", id="whatsapp-link"),
        pytest.param("t.me/rekrutmen_bumn", "rekrutmen_bersama_bumn", "personal", id="telegram"),
        pytest.param("hubungi +60 12-345 6789", "pertamina", "personal", id="foreign-number"),
        pytest.param("telp (021) 5150 0000", "pertamina", "landline", id="fixed-line"),
        pytest.param("rekrutmen.pertamina@gmail.com", "pertamina", "free_mail", id="gmail"),
        pytest.param("hrd.pln@yahoo.co.id", "pln", "free_mail", id="yahoo"),
        pytest.param("karir@ymail.com", "bank_bri", "free_mail", id="ymail"),
        pytest.param("bit.ly/rekrutmen-bumn", "rekrutmen_bersama_bumn", "shortener", id="bitly"),
        pytest.param("s.id/lokerpln", "pln", "shortener", id="s-id"),
        pytest.param("forms.gle/AbCdEf123", "indomaret", "form", id="forms-gle"),
        pytest.param("https://docs.google.com/forms/d/e/abc/viewform", "indomaret", "form", id="google-form"),
        pytest.param("karir-bri.blogspot.com", "bank_bri", "free_site", id="blogspot"),
        pytest.param("https://rekrutmen.wixsite.com/pln", "pln", "free_site", id="wixsite"),
        pytest.param("https://sites.google.com/view/loker-kai", "kai", "free_site", id="google-sites"),
        pytest.param("www.rekrutmen-pertamina-2026.com", "pertamina", "lookalike", id="lookalike-url"),
        pytest.param("rekrutmen@pln-karir.com", "pln", "lookalike", id="lookalike-mail"),
        pytest.param("cpns-jalurkhusus.com", "bkn_casn", "lookalike", id="lookalike-public"),
        pytest.param(
            "https://garuda-careers.work/apply", "garuda_indonesia", "odd_domain", id="recruitment-domain"
        ),
        pytest.param("krl-rekrutmen.web.id", "kai", "odd_domain", id="recruitment-domain-under-web-id"),
        pytest.param("layanan.id-gov.site", "puskesmas", "odd_domain", id="fake-government-domain"),
        pytest.param("karir.vale.co.id", "pertamina", "other", id="another-company-careers-subdomain"),
        pytest.param("https://www.jobstreet.co.id/id/job/123", "pertamina", "other", id="job-board"),
        pytest.param("recruitment.pertamina.com", "pertamina", "official", id="official-subdomain"),
        pytest.param("hrd@pertamina.com", "pertamina", "official", id="official-mail"),
        pytest.param("rekrutmenbersama2026.fhcibumn.id", "pertamina", "official", id="joint-portal-for-bumn"),
        pytest.param("https://sscasn.bkn.go.id", "puskesmas", "official", id="sscasn-for-public-body"),
        pytest.param("bkpp.slemankab.go.id", "rsud", "official", id="regional-go-id"),
        pytest.param("bkpp.slemankab.go.id", "pertamina", "other", id="go-id-is-not-a-company-site"),
        pytest.param("hrd@sinarabadi.co.id", "pertamina", "other", id="unrelated-company"),
        pytest.param("brilian-karya.com", "bank_bri", "other", id="short-brand-needs-a-whole-label"),
    ],
)
def test_classify(text: str, employer_id: str, expected: str) -> None:
    assert one_class(text, employer_id) == expected
    assert expected in CLASSES


def test_unofficial_classes() -> None:
    assert {
        "personal",
        "free_mail",
        "shortener",
        "form",
        "free_site",
        "lookalike",
        "odd_domain",
    } == UNOFFICIAL
    assert UNOFFICIAL < CLASSES


def test_domain_of() -> None:
    mail, url, phone = find_contacts("hrd@Pertamina.com https://www.pln.co.id/karir WA 0812-3456-7890")
    assert domain_of(mail) == ("pertamina.com", "")
    assert domain_of(url) == ("pln.co.id", "/karir")
    assert domain_of(phone) is None
