"""The three flows in a real browser: officer, educator, login/logout; phone viewport; XSS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from screener.datasets import load_corpus
from screener.redact import redact
from service.deps import services_of
from service.pages.educator import PAGE_SIZE, corpus_examples

if TYPE_CHECKING:  # the fixtures' types; importing conftest at run time depends on collection order
    from conftest import LiveServer, Session

REPO = Path(__file__).resolve().parents[2]

AD = (
    "Dicari admin & CS untuk perusahaan di Kamboja, gaji 25 juta/bulan, tanpa pengalaman, "
    "tiket dan paspor diurus agen. Hubungi WA +855 12 345 678"
)
XSS_AD = (
    "Lowongan admin di Kamboja gaji 25 juta/bulan tanpa pengalaman "
    '<script>window.__xss = 1; alert("script")</script> '
    "<img src=x onerror=\"window.__xss = 2; alert('img')\"> "
    "<a href=\"javascript:alert('link')\">daftar di sini</a> "
    '"><svg onload=alert("svg")> {{ 7*7 }}'
)


def _no_csp_violations(session: Session) -> None:
    bad = [m for m in session.console_errors if "Content Security Policy" in m or "Refused" in m]
    assert bad == []
    assert session.console_errors == []


def test_officer_checks_an_ad(desktop: Session) -> None:
    page = desktop.page
    desktop.login("officer")
    assert page.url.endswith("/cek")
    desktop.shot("cek-form-desktop")
    page.fill("#text", AD)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#result")
    assert page.inner_text("#tier") == "RISIKO TINGGI"
    assert page.get_attribute("#tier", "data-tier") == "tinggi"
    marks = page.locator("#result .adtext mark.flag")
    texts = marks.all_inner_texts()
    assert {"Kamboja", "25 juta/bulan", "tanpa pengalaman", "+855 12 345 678"} <= set(texts)
    # Every mark is labelled: a title naming the indicator and a numbered tag after the span.
    assert "Tujuan rawan scam" in (page.locator("mark", has_text="Kamboja").get_attribute("title") or "")
    assert page.locator("#result .adtext .tag").count() >= len(texts)
    body = page.inner_text("#result")
    assert "Hasil ini alat bantu, bukan temuan hukum" in body
    assert "SISKOP2MI" in body and "KP2MI" in body and "Polri" in body and "Imigrasi" in body
    assert "UU 21/2007" in body  # legal basis
    assert "UMP 2025 Jawa Tengah" in body  # the reference wage
    assert "tidak ada penempatan resmi" in body  # Kamboja's placement status
    desktop.shot("cek-result-desktop")
    # Saved to the officer's own history.
    page.click("nav >> text=Riwayat")
    assert page.locator("table.history tbody tr").count() >= 1
    desktop.shot("riwayat-desktop")
    page.locator("table.history tbody a").first.click()
    page.wait_for_selector("#result")
    assert page.inner_text("#tier") == "RISIKO TINGGI"
    _no_csp_violations(desktop)


def test_officer_checks_a_link(desktop: Session) -> None:
    desktop.login("officer")
    desktop.page.fill("#url", "https://lowongan.example/lowongan/1")
    desktop.page.click("#check-form button[type=submit]")
    desktop.page.wait_for_selector("#result")
    assert "lowongan.example/lowongan/1" in desktop.page.inner_text("#result .source")
    assert desktop.page.locator("#result .adtext mark", has_text="Kamboja").count() == 1


def test_english_switch(desktop: Session) -> None:
    desktop.login("officer")
    desktop.page.click("a.lang")
    assert desktop.page.inner_text("h1") == "Check a job ad"
    assert desktop.page.get_attribute("html", "lang") == "en"
    desktop.goto("/cek/riwayat")  # the choice sticks (cookie)
    assert desktop.page.inner_text("h1") == "My checks"


def test_xss_attempts_stay_text(desktop: Session) -> None:
    page = desktop.page
    desktop.login("officer")
    page.fill("#text", XSS_AD)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#result")
    page.wait_for_timeout(300)
    assert desktop.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("#result svg[onload]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("#result .adtext script").count() == 0
    shown = page.inner_text("#result .adtext")
    assert "<script>window.__xss = 1;" in shown
    assert '<img src=x onerror="window.__xss = 2;' in shown
    assert "<a href=\"javascript:alert('link')\">" in shown
    assert "{{ 7*7 }}" in shown  # no template evaluation either
    # The form keeps the text, escaped, inside the textarea.
    assert page.input_value("#text") == XSS_AD
    desktop.shot("cek-xss-desktop")
    _no_csp_violations(desktop)


def _page_of(example_id: str, indicator: str) -> int:
    chosen = [e for e in corpus_examples() if indicator in e.indicator_ids]
    index = [e.id for e in chosen].index(example_id)
    return index // PAGE_SIZE + 1


def test_educator_filters_redacted_examples(desktop: Session) -> None:
    page = desktop.page
    desktop.login("educator")
    assert page.url.endswith("/contoh")
    assert "contoh ilustratif, bukan kasus nyata" in page.inner_text("#provenance").lower()
    desktop.shot("contoh-desktop")
    total = page.inner_text("#count")
    page.select_option("#f-indicator", "dest_scam_hub")
    page.select_option("#f-platform", "telegram")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/contoh?indicator=dest_scam_hub*")
    assert page.inner_text("#count") != total
    items = page.locator("li.example")
    assert items.count() > 0
    for i in range(items.count()):
        assert "telegram" in items.nth(i).inner_text()
        assert items.nth(i).locator("mark.flag").count() > 0
    # A known example with a name and a phone number: both masked, neither anywhere in the page.
    corpus = load_corpus()
    original = corpus.texts[corpus.ids.index("scm-0011")]
    assert "Pak Rudi 0821-4471-6603" in original
    page_number = _page_of("scm-0011", "upfront_fee")
    desktop.goto(f"/contoh?indicator=upfront_fee&page={page_number}")
    example = page.locator("#ex-scm-0011")
    assert example.count() == 1
    shown = example.inner_text()
    assert "[NAMA]" in shown and "[TELEPON]" in shown
    html = page.content()
    for kind, start, end in redact(original).masked:
        assert original[start:end] not in html, kind
    assert "0821" not in html and "Rudi" not in html
    desktop.shot("contoh-filtered-desktop")
    _no_csp_violations(desktop)


def test_educator_handout_and_quiz(desktop: Session, tmp_path: Path) -> None:
    page = desktop.page
    desktop.login("educator")
    desktop.goto("/contoh?indicator=dest_scam_hub")
    page.click("#handout-link")
    page.wait_for_selector("article.handout")
    assert page.locator("article.handout section.example").count() >= 1
    assert page.locator("#print-button").is_visible()
    desktop.shot("handout-desktop")
    page.emulate_media(media="print")
    assert not page.locator("#print-button").is_visible()
    assert not page.locator("header.top").is_visible()
    pdf = REPO / "test-output" / "handout.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    page.emulate_media(media="screen")
    # Quiz: pick a flagged word and a plain one, reveal, read the score.
    desktop.goto("/contoh/kuis?n=3")
    flagged = page.locator(".qtok:not([data-flags=''])")
    plain = page.locator(".qtok[data-flags='']")
    assert page.locator("#quiz-answer").is_hidden()
    flagged.first.click()
    plain.first.click()
    assert flagged.first.get_attribute("aria-pressed") == "true"
    page.click("#quiz-reveal")
    assert page.locator("#quiz-answer").is_visible()
    result = page.inner_text("#quiz-result")
    assert "Anda menemukan 1 dari" in result and "1 pilihan di luar tanda" in result
    desktop.shot("kuis-desktop")
    _no_csp_violations(desktop)


def test_login_logout_and_csrf(desktop: Session, live_server: LiveServer) -> None:
    page = desktop.page
    desktop.goto("/contoh")
    assert "/login?next=/contoh" in page.url
    desktop.shot("login-desktop")
    page.fill("#key", "tps_not-a-real-key")
    page.click("form button[type=submit]")
    assert page.locator("#login-error").is_visible()
    page.fill("#key", live_server.keys["educator"])
    page.click("form button[type=submit]")
    page.wait_for_url("**/contoh")
    # A role's pages only: an educator may not open the officer's page.
    response = desktop.goto("/cek")
    assert response.status == 403
    # A POST without the CSRF token is refused, even with the session cookie.
    refused = page.request.post(live_server.url + "/cek", form={"text": AD})
    assert refused.status == 403
    cookies = {c["name"]: c for c in desktop.context.cookies()}
    assert cookies["tps_session"]["httpOnly"] is True
    assert cookies["tps_session"]["sameSite"] == "Lax"
    desktop.goto("/contoh")
    page.click("form.logout button")
    page.wait_for_url("**/login?bye=1")
    desktop.goto("/contoh")
    assert "/login" in page.url


@pytest.mark.parametrize(
    ("role", "path", "name"),
    [
        pytest.param("officer", "/cek", "cek", id="cek"),
        pytest.param("educator", "/contoh", "contoh", id="contoh"),
        pytest.param("educator", "/contoh/kuis?n=1", "kuis", id="kuis"),
        pytest.param("educator", "/contoh/cetak", "handout", id="handout"),
        pytest.param("moderator", "/antrian", "antrian", id="antrian"),
        pytest.param("officer", "/model", "model", id="model"),
        pytest.param(None, "/login", "login", id="login"),
    ],
)
def test_phone_viewport(phone: Session, role: str | None, path: str, name: str) -> None:
    if role is not None:
        phone.login(role)
    phone.goto(path)
    if path == "/cek":
        phone.page.fill("#text", AD)
        phone.page.click("#check-form button[type=submit]")
        phone.page.wait_for_selector("#result")
    width: Any = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} scrolls sideways on a 360 px screen ({width} px)"
    phone.shot(f"{name}-phone")
    _no_csp_violations(phone)


def test_model_and_queue_pages(desktop: Session, live_server: LiveServer) -> None:
    desktop.login("admin")
    desktop.goto("/model")
    tinggi = services_of(live_server.app).screener.thresholds["tinggi"]
    assert f"{tinggi:.4f}" in desktop.page.inner_text("main")
    desktop.shot("model-desktop")
    desktop.goto("/antrian")
    desktop.shot("antrian-desktop")
    _no_csp_violations(desktop)
