"""The moderator's flow in a real browser: upload a batch, watch its progress, claim, decide with the
keyboard; the same pages on a 360 px phone. The live server runs the scoring worker (lifespan on)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from service.vocabulary import Verdict

if TYPE_CHECKING:  # the fixture's type; importing conftest at run time depends on collection order
    from conftest import Session

RISKY = (
    "Dicari admin & CS untuk perusahaan di Kamboja, gaji {salary} juta/bulan, tanpa pengalaman, "
    "tiket dan paspor diurus agen. Hubungi WA +855 12 777 {tail}"
)
OTHER = (
    "Lowongan operator game online di Myawaddy, gaji 20 juta, berangkat lewat Mae Sot pakai visa turis, "
    "semua biaya ditanggung. Telegram @kerjabrowser{n}"
)
LEGIT = (
    "PT Maju Jaya membuka lowongan staf gudang di Bekasi. Syarat: pendidikan minimal SMA, usia 20-35 "
    "tahun. Gaji sesuai UMK. Lamaran dikirim ke alamat kantor, tanpa biaya apa pun."
)


def _batch() -> bytes:
    rows = [{"id": f"r{i}", "text": RISKY.format(salary=20 + i, tail=f"{100 + i}"), "platform": "facebook"}
            for i in range(3)]  # fmt: skip
    rows += [{"id": "o1", "text": OTHER.format(n=1), "platform": "telegram"}, {"id": "l1", "text": LEGIT}]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + ['{"id": "bad", "text": ""}']
    return ("\n".join(lines) + "\n").encode()


def _no_console_errors(session: Session) -> None:
    assert [m for m in session.console_errors if "Content Security Policy" in m or "Refused" in m] == []
    assert session.console_errors == []


def _item_id(session: Session) -> int:
    return int(session.page.get_attribute("#item-title", "data-item") or 0)


def _fits(session: Session, width: int) -> None:
    assert session.page.evaluate("document.documentElement.scrollWidth") <= width


def test_moderator_uploads_claims_and_decides_with_the_keyboard(desktop: Session, phone: Session) -> None:
    page = desktop.page
    desktop.login("moderator")
    assert page.url.endswith("/antrian")
    # Upload a small batch and watch the progress page poll to "done".
    page.click("nav >> text=Unggah batch")
    page.wait_for_selector("#upload-form")
    desktop.shot("unggah-desktop")
    page.set_input_files(
        "#file", files=[{"name": "iklan.jsonl", "mimeType": "application/x-ndjson", "buffer": _batch()}]
    )
    page.click("#upload-button")
    page.wait_for_url(re.compile(r"/antrian/batch/\d+$"))
    page.wait_for_selector("#batch-progress[data-status=done]", timeout=60_000)
    assert page.inner_text("#batch-status") == "selesai"
    assert page.inner_text("#b-accepted") == "5" and page.inner_text("#b-scored") == "5"
    assert page.inner_text("#b-rejected") == "1"
    assert "Baris 6: teks" in page.inner_text("#batch-errors")  # one prefix, not "row 6: row 6"
    assert page.is_visible("#batch-queue-link")
    desktop.shot("unggah-progress-desktop")
    # The queue, filtered by the batch; claim.
    page.click("#batch-queue-link")
    page.wait_for_selector("#queue-filters")
    # Three campaigns: the reposts and the other ad (high risk), the legit ad (sampled for audit).
    assert page.locator("ol.examples > li").count() == 3
    assert page.locator("ol.examples > li").last.locator(".reason").get_attribute("data-reason") == "audit"
    page.select_option("#q-reason", "audit")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_url(re.compile(r"reason=audit"))
    assert page.locator("ol.examples > li").count() == 1
    assert page.inner_text("ol.examples .reason") == "sampel audit"
    page.select_option("#q-reason", "threshold")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_url(re.compile(r"reason=threshold"))
    assert page.locator("ol.examples > li").count() == 2
    desktop.shot("antrian-desktop")
    page.fill("#claim-limit", "5")
    page.click("#claim-button")
    page.wait_for_url(re.compile(r"/antrian/item/\d+$"))
    first = _item_id(desktop)
    assert page.locator("#decision-form input[name=verdict]").count() == len(Verdict)
    assert page.locator(".adtext mark.flag").count() > 0
    assert f"1–{len(Verdict)}" in page.inner_text("#key-help")
    assert page.locator("#cluster").is_visible() and page.locator("#contacts a").count() >= 1
    desktop.shot("item-desktop")
    # Decide with the keyboard: "1" picks TPPO, Enter saves; the next leased item opens.
    page.locator("main").focus()
    page.keyboard.press("1")
    assert page.is_checked("#d-verdict-tppo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/antrian/item/" in url and f"/antrian/item/{first}?" not in url
                      and not url.endswith(f"/antrian/item/{first}"))  # fmt: skip
    second = _item_id(desktop)
    assert second != first
    assert f"#{first}" in page.inner_text("#flash")
    assert "tinjauan kedua" in page.inner_text("#flash")  # TPPO needs a second reviewer
    desktop.shot("item-next-desktop")
    _no_console_errors(desktop)

    # The same pages on a 360 px phone (the same key holds the lease).
    phone.login("moderator")
    phone.page.wait_for_selector("#my-items")
    _fits(phone, 360)
    phone.shot("antrian-phone")
    phone.page.click(f"#my-items a[href='/antrian/item/{second}']")
    phone.page.wait_for_selector("#decision-form")
    _fits(phone, 360)
    phone.shot("item-phone")
    phone.goto("/antrian/unggah")
    _fits(phone, 360)
    phone.shot("unggah-phone")
    # "r" releases the item from the keyboard.
    phone.goto(f"/antrian/item/{second}")
    phone.page.locator("main").focus()
    phone.page.keyboard.press("r")
    phone.page.wait_for_url(lambda url: "dilepas=" in url)
    assert f"#{second}" in phone.page.inner_text("#flash")
    _no_console_errors(phone)

    # Bulk release on the queue page: the selected items, then all the rest, each in one request.
    desktop.goto("/antrian")
    page.fill("#claim-limit", "5")
    page.click("#claim-button")  # takes back the released item; the first waits for another reviewer
    page.wait_for_url(re.compile(r"/antrian/item/\d+$"))
    desktop.goto("/antrian")
    held = page.locator("#release-form input[name=ids]")
    assert held.count() == 2
    chosen = int(held.first.get_attribute("value") or 0)
    held.first.check()
    page.click("#release-selected")
    page.wait_for_url(re.compile(r"dilepas_semua=1"))
    assert page.inner_text("#flash") == "1 item dikembalikan ke antrian."
    assert page.locator(f"#release-{chosen}").count() == 0
    assert page.locator("#release-form input[name=ids]").count() == 1
    desktop.shot("antrian-release-desktop")
    page.click("#release-all")
    page.wait_for_url(re.compile(r"dilepas_semua=1"))
    assert page.locator("#release-form").count() == 0
    assert "Belum ada. Ambil item dari antrian." in page.inner_text("#my-items")
    _no_console_errors(desktop)
