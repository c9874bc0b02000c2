"""Issue 14 in a real browser: a moderator uploads a WhatsApp group export and a Telegram channel
export on /antrian/unggah and finds their ads in the queue with platform and group (authors hashed);
/tren shows the weekly charts and the "baru minggu ini" list."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from conftest import Session

FIXTURES = Path(__file__).resolve().parents[1] / "sources" / "fixtures"
WHATSAPP = FIXTURES / "WhatsApp Chat dengan Info Kerja Contoh.txt"
TELEGRAM = FIXTURES / "telegram_result.json"


def _upload(session: Session, path: Path, mime: str) -> None:
    page = session.page
    session.goto("/antrian/unggah")
    page.wait_for_selector("#upload-form")
    page.set_input_files("#file", files=[{"name": path.name, "mimeType": mime, "buffer": path.read_bytes()}])
    page.click("#upload-button")
    page.wait_for_url(re.compile(r"/antrian/batch/\d+$"))
    page.wait_for_selector("#batch-progress[data-status=done]", timeout=60_000)


def _queue_rows(session: Session) -> list[tuple[str, str]]:
    page = session.page
    page.click("#batch-queue-link")
    page.wait_for_selector("#queue-filters")
    items = page.locator("ol.examples > li")
    return [
        (
            items.nth(i).locator(".pill.platform").inner_text(),
            items.nth(i).locator(".pill.group").inner_text(),
        )
        for i in range(items.count())
    ]


def test_moderator_uploads_whatsapp_and_telegram_exports(desktop: Session) -> None:
    page = desktop.page
    desktop.login("moderator")
    _upload(desktop, WHATSAPP, "text/plain")
    assert page.inner_text("#b-accepted") == "3" and page.inner_text("#b-skipped") == "7"
    assert page.inner_text("#b-rejected") == "1" and page.inner_text("#b-format") == "whatsapp"
    assert "Baris 12" in page.inner_text("#batch-errors")  # the line in an unknown date layout
    desktop.shot("unggah-whatsapp-desktop")
    rows = _queue_rows(desktop)
    assert rows and set(rows) == {("whatsapp", "Info Kerja Contoh")}
    assert "Rina Contoh" not in page.content()  # authors are hashes, never shown or stored in clear
    page.locator("ol.examples > li a.pill").first.click()
    page.wait_for_selector("#item-title")
    assert page.locator(".pill.group").inner_text() == "Info Kerja Contoh"

    _upload(desktop, TELEGRAM, "application/json")
    assert page.inner_text("#b-accepted") == "4" and page.inner_text("#b-format") == "telegram"
    rows = _queue_rows(desktop)
    assert rows and set(rows) == {("telegram", "Loker Contoh Channel")}
    desktop.shot("antrian-telegram-desktop")
    assert desktop.console_errors == []


def test_tren_shows_charts_and_new_this_week(desktop: Session) -> None:
    server = desktop.server
    now = datetime.now(UTC)
    rows = [
        {"text": "Dicari admin CS di Phnom Penh gaji 25 juta, tiket dan paspor dibantu, WA +855 12 888 001",
         "group": "Grup Lama", "platform": "facebook", "posted_at": (now - timedelta(days=30)).isoformat()},
        {"text": "Dicari admin CS di Phnom Penh gaji 25 juta, tiket dan paspor dibantu, WA +855 12 888 001",
         "group": "Grup Baru", "platform": "telegram", "posted_at": (now - timedelta(days=1)).isoformat()},
        {"text": "Lowongan operator di Myawaddy gaji 30 juta, berangkat pakai visa turis lewat Mae Sot, semua dibiayai",
         "group": "Grup Baru", "platform": "telegram", "posted_at": (now - timedelta(days=2)).isoformat()},
    ]  # fmt: skip
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    headers = {"Authorization": f"Bearer {server.keys['moderator']}", "Content-Type": "application/x-ndjson"}
    created = httpx.post(f"{server.url}/api/v1/batches", content=body, headers=headers).json()
    for _ in range(120):
        status = httpx.get(f"{server.url}/api/v1/batches/{created['id']}", headers=headers).json()["status"]
        if status == "done":
            break
        desktop.page.wait_for_timeout(500)
    desktop.login("educator")
    page = desktop.page
    page.click("nav >> text=Tren")
    page.wait_for_selector("#new-this-week")
    assert page.locator("svg.chart").count() == 7
    assert page.locator("#trend-destination table.data tbody tr").count() >= 2
    new = page.inner_text("#new-table")
    assert "Myawaddy" in new and "+855 12 888 001" not in new and "+85512888001" not in new  # redacted
    assert page.locator("#new-table tr[data-kind=contact]").count() >= 1
    desktop.shot("tren-desktop")
    with page.expect_download() as download:
        page.click("#trends-csv")
    assert download.value.suggested_filename == "tren-12-minggu.csv"
    assert desktop.console_errors == []
