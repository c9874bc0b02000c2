"""Scraping tools' JSON / CSV (the column mapping) and format detection."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screener.errors import UnknownFormat
from screener.sources import FORMATS, ImportCounts, detect_format, is_chatter, iter_import
from screener.sources.scraped import guess_platform, map_record

FIXTURES = Path(__file__).parent / "fixtures"


def test_scraped_json() -> None:
    counts = ImportCounts()
    out = list(iter_import(FIXTURES / "scraped_posts.json", "scraped_json", counts=counts))
    rows = [r for _, r in out if isinstance(r, dict)]
    problems = [(n, r) for n, r in out if isinstance(r, str)]
    assert [r["external_id"] for r in rows] == ["9001", "9004"]
    assert rows[0]["author"] == "u-1" and rows[0]["group"] == "Loker Jakarta Contoh"
    assert rows[0]["platform"] == "facebook" and rows[0]["url"].endswith("/posts/9001")
    assert rows[1]["posted_at"] == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert problems == [(3, "tidak ada kolom teks yang terisi / no text column is filled in")]
    assert counts.skipped == {"short": 1}


def test_scraped_csv() -> None:
    counts = ImportCounts()
    rows = [r for _, r in iter_import(FIXTURES / "scraped_posts.csv", "scraped_csv", counts=counts)]
    assert [r["external_id"] for r in rows] == ["a1", "a3"]
    assert rows[0]["platform"] == "telegram" and rows[0]["group"] == "contoh_loker"
    assert rows[0]["author"] == "kasir_admin"
    assert counts.skipped == {"short": 1}


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        pytest.param({"Post Text": "x y z w", "Page Name": "P"}, "group", "P", id="spaced-names"),
        pytest.param({"full_text": "x y z w", "created_at": 1796180400000}, "posted_at",
                     datetime(2026, 12, 2, 3, tzinfo=UTC), id="milliseconds"),
        pytest.param({"text": "x y z w", "platform": "tiktok"}, "platform", "tiktok", id="platform-column"),
        pytest.param({"caption": "x y z w", "owner": {"username": "u"}}, "author", "u", id="nested-author"),
    ],
)  # fmt: skip
def test_column_mapping(record: dict, field: str, value: object) -> None:
    row = map_record(record)
    assert isinstance(row, dict) and row[field] == value


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://m.facebook.com/x", "facebook"),
        ("https://t.me/s/ch", "telegram"),
        ("https://example.org", None),
    ],
)
def test_guess_platform(url: str, platform: str | None) -> None:
    assert guess_platform(url) == platform


@pytest.mark.parametrize(
    ("text", "chatter"),
    [
        pytest.param("ok", True, id="ok"),
        pytest.param("mau kak", True, id="mau-kak"),
        pytest.param("Info gaji berapa kak?", True, id="reply-words-only"),
        pytest.param("🙏🙏", True, id="emoji"),
        pytest.param("Loker Kamboja gaji 20jt japri", False, id="short-ad"),
    ],
)
def test_chatter(text: str, chatter: bool) -> None:
    assert is_chatter(text) is chatter


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        pytest.param("WhatsApp Chat dengan Info Kerja Contoh.txt", "whatsapp", id="whatsapp-android"),
        pytest.param("whatsapp_ios_id.txt", "whatsapp", id="whatsapp-ios"),
        pytest.param("telegram_result.json", "telegram", id="telegram-json"),
        pytest.param("telegram_messages.html", "telegram_html", id="telegram-html"),
        pytest.param("scraped_posts.json", "scraped_json", id="scraped-json"),
        pytest.param("scraped_posts.csv", "scraped_csv", id="scraped-csv"),
    ],
)
def test_detect(name: str, fmt: str) -> None:
    assert detect_format(FIXTURES / name) == fmt


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        pytest.param(b'id,text\n1,"Loker pabrik"\n', "csv", id="csv"),
        pytest.param(b'{"text": "Loker pabrik", "id": 1}\n', "jsonl", id="jsonl"),
        pytest.param(b'[{"text": "Loker pabrik"}]', "json", id="json"),
        pytest.param(b"[]", "json", id="empty-json"),
        pytest.param(b'{"message": "Loker pabrik", "permalink": "u"}\n', "scraped_jsonl", id="scraped-jsonl"),
    ],
)
def test_detect_plain(tmp_path: Path, content: bytes, fmt: str) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert detect_format(path) == fmt


@pytest.mark.parametrize(
    "content",
    [b"hello", b"<xml/>", b"a,b\n1,2\n", b'[{"foo": 1}]', b"\x00\x01\x02"],
    ids=["text", "xml", "csv-without-text", "json-without-text", "binary"],
)
def test_unknown_format_names_the_formats_tried(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(UnknownFormat) as raised:
        detect_format(path)
    assert raised.value.status == 415 and raised.value.tried == list(FORMATS)
    assert "whatsapp" in str(raised.value)


def test_detect_zip(tmp_path: Path) -> None:
    for member, content, fmt in (
        ("_chat.txt", "12/03/24 09.15 - Rina: Dicari admin, gaji besar", "whatsapp"),
        ("x/result.json", "x", "telegram"),
        ("x/messages.html", "x", "telegram_html"),
    ):
        path = tmp_path / f"{fmt}.zip"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(member, content)
        assert detect_format(path) == fmt
    for name, members in (
        ("pictures", {"a.png": "x"}),
        ("notes", {"a.png": "x", "catatan.txt": "poster grup"}),
    ):
        other = tmp_path / f"{name}.zip"  # not an export: a ZIP of images is read by the batch's OCR path
        with zipfile.ZipFile(other, "w") as z:
            for member, content in members.items():
                z.writestr(member, content)
        with pytest.raises(UnknownFormat):
            detect_format(other)


def test_public_names() -> None:
    import screener.sources

    assert sorted(screener.sources.__all__) == sorted(
        ["FORMATS", "IMPORT_FORMATS", "PLAIN_FORMATS", "ImportCounts", "Row", "UnknownFormat", "detect_format",
         "is_chatter", "iter_import", "parse_time"]
    )  # fmt: skip
    for name in screener.sources.__all__:
        assert hasattr(screener.sources, name)


def test_library_layering() -> None:
    import subprocess
    import sys

    code = (
        "import sys, screener.sources, screener.trends; "
        "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'service') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
