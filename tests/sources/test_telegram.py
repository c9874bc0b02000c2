"""Telegram Desktop exports: result.json (streamed) and the HTML pages."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from screener.errors import DataError
from screener.sources import ImportCounts
from screener.sources.telegram import iter_telegram, iter_telegram_file, message_text
from screener.sources.telegram_html import iter_telegram_html_file

FIXTURES = Path(__file__).parent / "fixtures"
WIB = timezone(timedelta(hours=7))


def _rows(items: list) -> tuple[list[dict], list]:
    return [r for _, r in items if isinstance(r, dict)], [(n, r) for n, r in items if isinstance(r, str)]


def test_result_json() -> None:
    counts = ImportCounts()
    rows, problems = _rows(list(iter_telegram_file(FIXTURES / "telegram_result.json", counts=counts)))
    assert not problems
    assert [r["external_id"] for r in rows] == ["2", "3", "4", "5"]
    assert rows[0]["group"] == "Loker Contoh Channel" and rows[0]["platform"] == "telegram"
    assert rows[0]["posted_at"] == datetime(2026, 12, 1, 9, 20, tzinfo=WIB)
    assert rows[1]["text"].startswith("DICARI ADMIN untuk kantor") and rows[1]["text"].endswith(
        "example.org/loker"
    )
    assert rows[1]["posted_at"] == datetime(2026, 12, 2, 10, 0, tzinfo=WIB)  # the post time, not the edit
    assert rows[2]["text"].startswith("Brosur lowongan")  # a caption
    assert rows[3]["source"] == "forwarded:Info Kerja Lain"
    assert rows[0]["author"] == "channel1000000001"
    assert counts.skipped == {"service": 2, "short": 1, "media": 1}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("plain", "plain", id="string"),
        pytest.param(["a ", {"type": "bold", "text": "b"}, {"type": "link"}], "a b", id="entities"),
        pytest.param(None, "", id="none"),
    ],
)
def test_message_text(value: object, text: str) -> None:
    assert message_text(value) == text


def test_messages_not_a_list_is_refused() -> None:
    handle = io.StringIO(json.dumps({"name": "x", "messages": {"id": 1}}))
    with pytest.raises(DataError, match="not a list") as raised:
        list(iter_telegram(handle, counts=ImportCounts()))
    assert raised.value.status == 422


def test_broken_tail_keeps_the_messages_before_it() -> None:
    good = {
        "id": 1,
        "type": "message",
        "date": "2026-12-01T10:00:00",
        "text": "Lowongan pabrik di Bekasi gaji UMK",
    }
    handle = io.StringIO('{"name": "x", "messages": [' + json.dumps(good) + ', {"id": 2, "text": ')
    out = list(iter_telegram(handle, counts=ImportCounts()))
    assert isinstance(out[0][1], dict) and isinstance(out[1][1], str) and out[1][0] == 2


def test_streams_one_message_at_a_time() -> None:
    class Counting(io.StringIO):
        def __init__(self, text: str) -> None:
            super().__init__(text)
            self.reads = 0

        def read(self, size: int | None = -1) -> str:
            self.reads += 1
            return super().read(size)

    message = {
        "type": "message",
        "date": "2026-12-01T10:00:00",
        "text": "Lowongan pabrik di Bekasi gaji UMK " + "x" * 200,
    }
    body = (
        '{"name": "big", "messages": ['
        + ",".join(json.dumps({**message, "id": i}) for i in range(5000))
        + "]}"
    )
    handle = Counting(body)
    stream = iter_telegram(handle, counts=ImportCounts())
    next(stream)
    assert handle.reads == 1  # 64 KiB read of a ~1.2 MB file
    assert sum(1 for _ in stream) == 4999


def test_zip_with_result_json(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "telegram_result.json", "ChatExport_2026-12-03/result.json")
    rows, _ = _rows(list(iter_telegram_file(archive, counts=ImportCounts())))
    assert len(rows) == 4


def test_html_export() -> None:
    counts = ImportCounts()
    rows, problems = _rows(list(iter_telegram_html_file(FIXTURES / "telegram_messages.html", counts=counts)))
    assert not problems
    assert [r["external_id"] for r in rows] == ["10", "11", "13"]
    assert rows[0]["text"] == "Lowongan staf gudang di Bekasi\ngaji sesuai UMK, lulusan SMA"
    assert rows[1]["author"] == "Rina Contoh"  # a joined message continues the author above
    assert rows[2]["source"] == "forwarded:Info Kerja Lain"
    assert rows[2]["text"].startswith("Dicari operator produksi")
    assert {r["group"] for r in rows} == {"Grup Loker Contoh"}
    assert rows[0]["posted_at"].astimezone(UTC) == datetime(2026, 12, 1, 2, 20, tzinfo=UTC)
    assert counts.skipped == {"service": 1, "short": 1, "media": 1}


def test_html_zip_reads_every_page_in_order(tmp_path: Path) -> None:
    page = (FIXTURES / "telegram_messages.html").read_text(encoding="utf-8")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ChatExport/messages2.html", page.replace('id="message1', 'id="message2'))
        z.writestr("ChatExport/messages.html", page)
    rows, _ = _rows(list(iter_telegram_html_file(archive, counts=ImportCounts())))
    assert [r["external_id"] for r in rows] == ["10", "11", "13", "20", "21", "23"]
