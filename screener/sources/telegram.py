"""Telegram Desktop exports as JSON (``result.json``: Export chat history -> Machine-readable JSON).

A message's ``text`` is a string or a list of strings and entities (``{"type": "link", "text": ...}``);
media messages carry their caption there (or, from some tools, in ``caption``). Kept per message:
the channel or group (``name`` at the top), ``date_unixtime`` (else ``date``, local time), the author
(``from_id``, else ``from``; hashed by the service), a ``t.me`` link when the export names a public
username, and ``forwarded_from`` as the message's source. ``edited`` dates are ignored (the post time is
kept). Service messages (joins, pins, title changes) and chatter are skipped and counted. The file is
streamed: ``messages`` is read one message at a time.

``messages`` that is not a list is a :class:`~screener.errors.DataError` (422).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from screener.errors import DataError
from screener.sources.common import ImportCounts, Row, is_chatter, parse_time
from screener.sources.jsonstream import Broken, JsonReader

__all__ = ["PLATFORM", "SOURCE", "iter_telegram", "iter_telegram_file", "message_text"]

PLATFORM = "telegram"
SOURCE = "telegram_export"


def message_text(value: Any) -> str:
    """The plain text of a ``text`` field: a string, or a list of strings and ``{"text": ...}`` entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", "")) if isinstance(part, dict) else ""
            for part in value
        )
    return ""


def _row(message: dict[str, Any], *, group: str | None, username: str | None) -> Row | None:
    text = message_text(message.get("text")).strip() or message_text(message.get("caption")).strip()
    if not text:
        return None
    row: Row = {"text": text, "platform": PLATFORM, "source": SOURCE}
    forwarded = message.get("forwarded_from")
    if isinstance(forwarded, str) and forwarded.strip():
        row["source"] = f"forwarded:{forwarded.strip()}"[:200]
    when = parse_time(message.get("date_unixtime")) or parse_time(message.get("date"))
    if when is not None:
        row["posted_at"] = when
    author = message.get("from_id") or message.get("from")
    if isinstance(author, str | int) and str(author).strip():
        row["author"] = str(author)
    ident = message.get("id")
    if isinstance(ident, int | str) and not isinstance(ident, bool):
        row["external_id"] = str(ident)
        if username:
            row["url"] = f"https://t.me/{username}/{ident}"
    if group:
        row["group"] = group
    return row


def iter_telegram(handle: IO[str], *, counts: ImportCounts) -> Iterator[tuple[int, Row | str]]:
    """``(message number, row | problem)`` for each message of a ``result.json`` read from ``handle``."""
    reader = JsonReader(handle)
    if reader.peek() != "{":
        raise DataError(
            "a Telegram export is a JSON object with messages",
            "ekspor Telegram adalah objek JSON berisi messages",
        )
    group: str | None = None
    username: str | None = None
    number = 0
    seen_messages = False
    try:
        for key in reader.members():
            if key != "messages":
                value = reader.value()
                if key == "name" and isinstance(value, str):
                    group = value.strip()[:300] or None
                elif key in ("username", "channel_username") and isinstance(value, str):
                    username = value.strip().lstrip("@") or None
                continue
            seen_messages = True
            if reader.peek() != "[":
                raise DataError(
                    "the Telegram export's messages are not a list",
                    "messages dalam ekspor Telegram bukan daftar",
                )
            for number, message in enumerate(reader.elements(), start=1):
                if not isinstance(message, dict):
                    yield number, "pesan bukan objek JSON / the message is not a JSON object"
                    continue
                if message.get("type", "message") != "message":
                    counts.skip("service")
                    continue
                row = _row(message, group=group, username=username)
                if row is None:
                    counts.skip(
                        "media" if any(k in message for k in ("photo", "file", "media_type")) else "empty"
                    )
                elif is_chatter(row["text"]):
                    counts.skip("short")
                else:
                    yield number, row
    except Broken:
        yield (
            number + 1,
            "JSON rusak mulai dari sini, sisanya tidak dibaca / invalid JSON from here on; the rest was not read",
        )
        return
    if not seen_messages:
        raise DataError(
            "the Telegram export has no messages list", "ekspor Telegram tidak berisi daftar messages"
        )


def iter_telegram_file(path: Path, *, counts: ImportCounts) -> Iterator[tuple[int, Row | str]]:
    """The messages of ``result.json``, or of the ``result.json`` inside a ZIP."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if Path(n).name == "result.json"]
            if not names:
                raise DataError("the ZIP holds no result.json", "ZIP tidak berisi result.json")
            with archive.open(min(names, key=len)) as raw:
                yield from iter_telegram(io.TextIOWrapper(raw, encoding="utf-8-sig"), counts=counts)
        return
    with path.open(encoding="utf-8-sig") as handle:
        yield from iter_telegram(handle, counts=counts)
