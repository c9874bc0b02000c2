"""WhatsApp chat exports: both phone layouts, both languages, multi-line messages, what is skipped."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from screener.sources import ImportCounts
from screener.sources.whatsapp import group_from_filename, iter_whatsapp, iter_whatsapp_file

FIXTURES = Path(__file__).parent / "fixtures"
WIB = timezone(timedelta(hours=7))
ANDROID_ID = FIXTURES / "WhatsApp Chat dengan Info Kerja Contoh.txt"


def _read(path: Path, filename: str | None = None) -> tuple[list[dict], list[tuple[int, str]], ImportCounts]:
    counts = ImportCounts()
    rows, problems = [], []
    for line, row in iter_whatsapp_file(path, counts=counts, filename=filename or path.name):
        (problems.append((line, row)) if isinstance(row, str) else rows.append(row))
    return rows, problems, counts


def test_android_indonesian_export() -> None:
    rows, problems, counts = _read(ANDROID_ID)
    assert [r["text"].split()[0] for r in rows] == ["DIBUTUHKAN", "Lowongan", "Dicari"]
    first = rows[0]
    assert first["text"].count("\n") == 2 and first["text"].endswith("kirim lamaran ke kantor cabang")
    assert first["posted_at"] == datetime(2026, 12, 1, 9, 20, tzinfo=WIB)
    assert rows[1]["posted_at"] == datetime(2026, 12, 13, 21, 5, tzinfo=WIB)
    assert first["author"] == "Rina Contoh" and first["platform"] == "whatsapp"
    assert {r["group"] for r in rows} == {"Info Kerja Contoh"}
    # "Name: text: more" keeps everything after the first colon
    assert rows[2]["text"].endswith("hubungi admin: catatan: kirim CV")
    assert counts.skipped == {"system": 3, "short": 2, "media": 1, "deleted": 1}
    assert [line for line, _ in problems] == [12]
    assert "unknown date layout" in problems[0][1]


@pytest.mark.parametrize(
    ("name", "texts", "when", "skipped"),
    [
        pytest.param(
            "whatsapp_android_en.txt", ["Hiring", "Customer"], datetime(2026, 12, 13, 21, 5, tzinfo=WIB),
            {"system": 2, "media": 1, "short": 1, "deleted": 1}, id="android-en-month-first-ampm",
        ),
        pytest.param(
            "whatsapp_ios_id.txt", ["Lowongan", "Kerja"], datetime(2026, 12, 13, 21, 5, 42, tzinfo=WIB),
            {"system": 1, "media": 1, "short": 1}, id="ios-id-dots",
        ),
        pytest.param(
            "whatsapp_ios_en.txt", ["Warehouse", "Admin"], datetime(2026, 12, 13, 21, 5, 42, tzinfo=WIB),
            {"media": 1}, id="ios-en-ampm",
        ),
    ],
)  # fmt: skip
def test_layouts(name: str, texts: list[str], when: datetime, skipped: dict[str, int]) -> None:
    rows, problems, counts = _read(FIXTURES / name)
    assert not problems
    assert [r["text"].split()[0] for r in rows] == texts
    assert rows[-1]["posted_at"] == when
    assert counts.skipped == skipped


def test_multiline_message_in_english_export_keeps_its_second_line() -> None:
    rows, _, _ = _read(FIXTURES / "whatsapp_android_en.txt")
    assert (
        rows[1]["text"]
        == "Customer service job abroad, salary 20 million, ticket paid,\nno experience needed"
    )
    assert rows[1]["author"] == "+62 812-0000-2222"


def test_zip_export_reads_the_txt_inside(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat - Grup Zip.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(ANDROID_ID, "_chat.txt")
        z.writestr("IMG-0001.jpg", b"\xff\xd8not really a jpeg")
    rows, problems, _ = _read(archive)
    assert len(rows) == 3 and len(problems) == 1
    assert rows[0]["group"] == "Grup Zip"


@pytest.mark.parametrize(
    ("filename", "group"),
    [
        pytest.param("WhatsApp Chat with Loker LN.txt", "Loker LN", id="en"),
        pytest.param("Chat WhatsApp dengan Loker LN.zip", "Loker LN", id="id"),
        pytest.param("_chat.txt", None, id="ios-member"),
        pytest.param("grup-saya.txt", "grup-saya", id="any-name"),
    ],
)
def test_group_from_filename(filename: str, group: str | None) -> None:
    assert group_from_filename(filename) == group


def test_invalid_date_is_reported_and_the_rest_imported() -> None:
    lines = io.StringIO(
        "31/02/26 10.00 - Rina: Lowongan kerja pabrik di Bekasi gaji UMK\n"
        "01/03/26 10.00 - Rina: Lowongan kerja gudang di Cikarang gaji UMK\n"
    )
    out = list(iter_whatsapp(lines, counts=ImportCounts(), day_first=True))
    assert isinstance(out[0][1], str) and "invalid date" in out[0][1]
    assert isinstance(out[1][1], dict) and out[1][1]["posted_at"].month == 3


def test_streaming_does_not_read_ahead() -> None:
    """Each message is yielded once the next header is read: the importer holds one message at a time."""
    read: list[int] = []

    def lines():
        for i in range(1, 1000):
            read.append(i)
            yield f"01/12/26 10.{i % 60:02d} - Rina: Lowongan kerja pabrik nomor {i} di Bekasi\n"

    stream = iter_whatsapp(lines(), counts=ImportCounts(), day_first=True)
    next(stream)
    assert len(read) == 2


def test_a_date_inside_a_message_is_part_of_it() -> None:
    lines = io.StringIO(
        "01/12/26 10.00 - Rina: Lowongan kerja kontrak di pabrik Bekasi, periode:\n"
        "12/01/2027 - 15/04/2027\n"
        "31/12/26 pukul 10.00 - Rina: tata letak lain\n"
    )
    out = list(iter_whatsapp(lines, counts=ImportCounts(), day_first=True))
    assert isinstance(out[0][1], dict) and out[0][1]["text"].endswith("periode:\n12/01/2027 - 15/04/2027")
    assert out[1][0] == 3 and isinstance(out[1][1], str)
