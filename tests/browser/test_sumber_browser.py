"""``/sumber`` in chromium on a 360 px phone: add a watched source, pause it; no sideways scrolling
of the page, no CSP violation."""

from __future__ import annotations

from conftest import Session


def test_moderator_adds_and_pauses_a_source_on_a_phone(phone: Session) -> None:
    phone.login("moderator")
    phone.goto("/sumber")
    page = phone.page
    assert page.locator("#no-sources").is_visible()
    page.fill("#url", "https://t.me/s/loker_demo_browser")
    page.fill("#every", "1h")
    page.fill("#name", "Loker demo (browser)")
    page.click("#source-add")
    page.wait_for_url("**/sumber?ditambah=*")
    assert "ditambahkan" in page.locator("#flash").inner_text()
    row = page.locator("#sources tbody tr").first
    assert "Loker demo (browser)" in row.inner_text() and "1h" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the table scrolls in its box
    phone.shot("sumber-phone")

    row.get_by_role("button", name="Jeda").click()
    page.wait_for_url("**/sumber?dijeda=*")
    assert "dijeda" in page.locator("#sources tbody tr").first.inner_text()

    assert phone.console_errors == []

    page.fill("#url", "http://10.1.2.3/feed.xml")
    page.click("#source-add")
    assert "privat" in page.locator("#source-error").inner_text()
    assert page.locator("#url").input_value() == "http://10.1.2.3/feed.xml"  # kept for correcting
    # The refusal is a 422 page (chromium logs the status); nothing else went wrong.
    assert [e for e in phone.console_errors if "422" not in e] == []
