"""Posters in a real browser (issue 11's done-when): an officer drops a poster on /cek, sees numbered
boxes on the picture and the reasons, corrects one OCR word and checks again; a moderator sees the
picture of a queued poster; an educator sees it redacted."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from typing import TYPE_CHECKING

import httpx
import pytest

from screener.ocr import availability
from tests.ocr_testing import DATA

if TYPE_CHECKING:
    from conftest import LiveServer, Session

pytestmark = pytest.mark.skipif(not availability()[0], reason=f"OCR engine missing: {availability()[1]}")
POSTER = (DATA / "poster_kamboja.png").read_bytes()

_DROP = """([selector, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "poster.png", {type: "image/png"}));
  const zone = document.querySelector(selector);
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def _boxes(session: Session) -> set[str]:
    return {
        str(session.page.get_attribute(f"rect.flagbox >> nth={i}", "data-indicator"))
        for i in range(session.page.locator("rect.flagbox").count())
    }


def test_officer_drops_a_poster_sees_boxes_corrects_and_rechecks(desktop: Session) -> None:
    page = desktop.page
    desktop.login("officer")
    desktop.goto("/cek")
    page.evaluate(_DROP, ["#dropzone", base64.b64encode(POSTER).decode()])
    assert "poster.png" in page.inner_text("#dropzone-file")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#picture-result", timeout=60_000)
    assert page.get_attribute("#tier", "data-tier") == "tinggi"
    boxes = _boxes(desktop)
    assert {"dest_scam_hub", "tourist_visa_work"} <= boxes
    assert page.locator("svg#picture text.flagnum").count() >= 2
    assert page.evaluate("document.querySelector('svg#picture image').getAttribute('href')").startswith(
        "/cek/gambar/"
    )
    assert "Tujuan rawan scam" in page.inner_text("#result")  # the reasons beside the picture
    desktop.shot("cek-gambar-desktop")
    # The officer corrects one word ("kunjungan" -> "kerja") and checks again.
    text = page.input_value("#ocr_text")
    assert "visa kunjungan" in text
    page.fill("#ocr_text", text.replace("visa kunjungan", "visa kerja"))
    page.click("#recheck")
    page.wait_for_selector("#picture-result")
    after = _boxes(desktop)
    assert "dest_scam_hub" in after and "tourist_visa_work" not in after
    assert "visa kerja" in page.input_value("#ocr_text")
    assert desktop.console_errors == []


def _loaded(session: Session, selector: str) -> None:
    """Wait until the image has loaded (polled: the strict CSP forbids wait_for_function's eval)."""
    for _ in range(100):
        if session.page.evaluate("(s) => document.querySelector(s).naturalWidth", selector) > 0:
            return
        session.page.wait_for_timeout(100)
    raise AssertionError(f"{selector} did not load")


def _decide(server: LiveServer, role: str) -> int:
    headers = {"Authorization": f"Bearer {server.keys[role]}"}
    items = httpx.post(f"{server.url}/api/v1/queue/claim", json={"limit": 1}, headers=headers).json()["items"]
    assert items, role
    item_id = int(items[0]["id"])
    decided = httpx.post(
        f"{server.url}/api/v1/items/{item_id}/decision",
        json={"verdict": "tppo", "indicators": []},
        headers=headers,
    )
    assert decided.status_code == 200, decided.text
    return item_id


def test_moderator_sees_the_picture_and_educator_sees_it_redacted(
    desktop: Session, live_server: LiveServer
) -> None:
    page = desktop.page
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("poster.png", POSTER)
    desktop.login("moderator")
    desktop.goto("/antrian/unggah")
    page.set_input_files(
        "#file", files=[{"name": "gambar.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}]
    )
    page.click("#upload-button")
    page.wait_for_url(re.compile(r"/antrian/batch/\d+$"))
    page.wait_for_selector("#batch-progress[data-status=done]", timeout=90_000)
    item_id = _decide(live_server, "moderator")
    desktop.goto(f"/antrian/item/{item_id}")
    page.wait_for_selector("#ad-picture")
    _loaded(desktop, "#ad-picture")
    assert page.evaluate("document.getElementById('ad-picture').naturalWidth") == 720
    desktop.shot("antrian-gambar-desktop")
    _decide(live_server, "admin")  # the second reviewer agrees: a confirmed case
    desktop.login("educator")
    desktop.goto("/contoh")
    picture = page.locator("img.adpicture").first
    picture.wait_for()
    _loaded(desktop, "img.adpicture")
    assert "Wajah dan foto tidak disamarkan" in page.inner_text("main")
    assert "812 3456" not in page.inner_text("main")
    source = picture.get_attribute("src")
    assert source and source.startswith("/contoh/gambar/")
    desktop.shot("contoh-gambar-desktop")
    assert desktop.console_errors == []
