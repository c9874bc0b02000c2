"""WhatsApp chat exports (``Export chat`` -> without media / with media): the ``.txt``, alone or in its ZIP.

Layouts read (Indonesian and English phones; two- or four-digit years; ``:`` or ``.`` in times)::

    Android  31/12/23 21.15 - Nama: pesan            12/31/23, 9:15 PM - Name: message
    iOS      [31/12/23 21.15.42] Nama: pesan         [12/31/23, 9:15:42 PM] Name: message

A line that does not start with a date belongs to the message above (multi-line messages). Day-first
or month-first is decided from the file (a first number over 12 means day-first, a second one over 12
month-first; else month-first only with AM/PM). System lines (no ``Name:``, or WhatsApp's own notices),
media placeholders (``<Media tidak disertakan>``, ``<Media omitted>``, ``image omitted``), deleted
messages and chatter (:func:`~screener.sources.common.is_chatter`) are skipped and counted. A line that
starts with a date and a sender but in no layout above is reported with its line number (a date
alone at the start of a line is part of the message); the rest is imported.
Times are the phone's local time, taken as WIB (UTC+7).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from screener.errors import DataError
from screener.sources.common import LOCAL_TZ, ImportCounts, Row, is_chatter

__all__ = [
    "PLATFORM",
    "SOURCE",
    "group_from_filename",
    "is_message_line",
    "iter_whatsapp",
    "iter_whatsapp_file",
]

PLATFORM = "whatsapp"
SOURCE = "whatsapp_export"
PRESCAN_LINES = 5000

_MARKS = "\u200e\u200f\u202a\u202c\ufeff"
_DATE = r"(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})"
_TIME = r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?(?:\s?(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_ANDROID = re.compile(rf"^{_DATE},?\s{_TIME}\s[-\u2013]\s(?P<rest>.*)$")
_IOS = re.compile(rf"^\[{_DATE},?\s{_TIME}\]\s(?P<rest>.*)$")
# A line that starts with a date and goes on like a message header ("... - Name: " / "...] Name: ")
# in a layout not read above; a date alone ("12/03/2024 - 15/04/2024" in an ad) is a message's line.
_DATE_LIKE = re.compile(
    r"^\[?\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\b[^:\n]{0,30}?(?:\s[-\u2013]\s|\]\s?)[^:\n]{1,80}:\s"
)
_AUTHOR = re.compile(r"^(?P<author>[^:\n]{1,80}?):\s(?P<text>.*)$", re.S)

_MEDIA = re.compile(
    r"^(?:<\s*(?:media tidak disertakan|media omitted|media dihapus)\s*>"
    r"|(?:image|video|audio|sticker|gif|document|contact card|gambar|stiker|dokumen|kartu kontak)"
    r"\s+(?:omitted|tidak disertakan|dihilangkan)"
    r"|<\s*(?:attached|terlampir):[^>]*>|null|\(file attached\)|.*\(file terlampir\))$",
    re.I,
)
_DELETED = re.compile(
    r"^(?:this message was deleted|you deleted this message|pesan ini (?:telah )?dihapus"
    r"|anda menghapus pesan ini|waiting for this message.*|menunggu pesan ini.*)\.?$",
    re.I,
)


def group_from_filename(name: str | None) -> str | None:
    """``WhatsApp Chat with Loker LN.txt`` / ``Chat WhatsApp dengan Loker LN.zip`` -> ``Loker LN``."""
    if not name:
        return None
    stem = Path(name).stem
    match = re.match(
        r"^(?:WhatsApp Chat (?:with|dengan|-)|Chat WhatsApp dengan|Obrolan WhatsApp dengan)\s+(.+)$",
        stem,
        re.I,
    )
    if match:
        return match.group(1).strip()[:300] or None
    return None if stem.lower() in ("_chat", "chat", "batch") else stem[:300]


_STARTS = frozenset("[0123456789")


def _clean(line: str) -> str:
    line = line.rstrip("\r\n")
    if line and (line[0] in _MARKS or line[-1] in _MARKS):
        line = line.strip(_MARKS)
    if "\u202f" in line or "\u00a0" in line:  # iOS puts narrow no-break spaces before AM/PM
        line = line.replace("\u202f", " ").replace("\u00a0", " ")
    return line


def _header(line: str) -> re.Match[str] | None:
    return _IOS.match(line) or _ANDROID.match(line)


def is_message_line(line: str) -> bool:
    """True when ``line`` starts a message in one of the layouts read (format detection)."""
    return _header(_clean(line)) is not None


def _day_first(lines: Iterable[str]) -> bool:
    """Decide day-first (True) or month-first from the headers of the first lines."""
    ampm = False
    for count, raw in enumerate(lines):
        if count >= PRESCAN_LINES:
            break
        match = _header(_clean(raw))
        if not match:
            continue
        a, b = int(match["a"]), int(match["b"])
        if len(match["a"]) == 4:  # 2023-12-31: year first, then month
            return False
        if a > 12:
            return True
        if b > 12:
            return False
        ampm = ampm or bool(match["ampm"])
    return not ampm


def _when(match: re.Match[str], day_first: bool, tz: timezone) -> datetime | None:
    a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
    if len(match["a"]) == 4:
        year, month, day = a, b, c
    else:
        day, month = (a, b) if day_first else (b, a)
        year = c + 2000 if c < 100 else c
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").replace(" ", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def iter_whatsapp(
    lines: Iterable[str],
    *,
    counts: ImportCounts,
    group: str | None = None,
    day_first: bool = True,
    tz: timezone = LOCAL_TZ,
) -> Iterator[tuple[int, Row | str]]:
    """``(line, row | problem)`` for each message of an export read line by line.

    ``day_first`` is the date order (see :func:`iter_whatsapp_file`, which decides it from the file).
    """
    pending: tuple[int, datetime, str, list[str]] | None = None

    def finish() -> Iterator[tuple[int, Row | str]]:
        if pending is None:
            return
        number, when, author, parts = pending
        text = "\n".join(parts).strip()
        if not text:
            counts.skip("empty")
        elif _MEDIA.match(text):
            counts.skip("media")
        elif _DELETED.match(text):
            counts.skip("deleted")
        elif is_chatter(text):
            counts.skip("short")
        else:
            row: Row = {
                "text": text,
                "platform": PLATFORM,
                "source": SOURCE,
                "posted_at": when,
                "author": author,
            }
            if group:
                row["group"] = group
            yield number, row

    for number, raw in enumerate(lines, start=1):
        line = _clean(raw)
        if not line or line[0] not in _STARTS:  # most continuation lines: no regex needed
            if pending is not None:
                pending[3].append(line)
            continue
        match = _header(line)
        if match is None:
            if _DATE_LIKE.match(line):
                yield from finish()
                pending = None
                yield (
                    number,
                    f"tata letak tanggal tidak dikenal, baris dilewati / unknown date layout, line skipped: {line[:80]!r}",
                )
            elif pending is not None:
                pending[3].append(line)
            continue
        yield from finish()
        pending = None
        when = _when(match, day_first, tz)
        if when is None:
            yield (
                number,
                f"tanggal atau jam tidak sah, baris dilewati / invalid date or time, line skipped: {line[:80]!r}",
            )
            continue
        body = _AUTHOR.match(match["rest"])
        if body is None:  # "Budi bergabung menggunakan tautan undangan grup ini", "Messages ... encrypted"
            counts.skip("system")
            continue
        text = body["text"]
        if text.startswith("\u200e"):  # iOS marks its own notices: media placeholders and system lines
            counts.skip("media" if _MEDIA.match(text.strip(_MARKS + " ")) else "system")
            continue
        pending = (number, when, body["author"].strip(_MARKS + " "), [text])
    yield from finish()


Lines = Generator[str, None, None]


def _open_text(path: Path) -> tuple[str | None, Lines, Lines]:
    """(member name, lines for the pre-scan, lines for the import) of a .txt or the .txt in a ZIP."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [
                n for n in archive.namelist() if n.lower().endswith(".txt") and not n.startswith("__MACOSX")
            ]
        if not names:
            raise DataError("the ZIP holds no .txt chat export", "ZIP tidak berisi ekspor obrolan .txt")
        name = min(
            names, key=lambda n: (not Path(n).name.lower().startswith(("_chat", "whatsapp", "chat")), n)
        )

        def member() -> Lines:
            with zipfile.ZipFile(path) as archive, archive.open(name) as handle:
                yield from io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline=None)

        return name, member(), member()

    def plain() -> Lines:
        with path.open(encoding="utf-8-sig", errors="replace", newline=None) as handle:
            yield from handle

    return None, plain(), plain()


def iter_whatsapp_file(
    path: Path, *, counts: ImportCounts, filename: str | None = None, tz: timezone = LOCAL_TZ
) -> Iterator[tuple[int, Row | str]]:
    """The messages of a WhatsApp export file (``.txt`` or ``.zip``), streamed: the file is read twice
    (a pre-scan of the first lines for the date order, then the import), never held whole."""
    member, prescan, lines = _open_text(path)
    group = group_from_filename(filename) or group_from_filename(member)
    day_first = _day_first(prescan)
    prescan.close()  # the pre-scan stops early: close its file now
    yield from iter_whatsapp(lines, counts=counts, group=group, day_first=day_first, tz=tz)
