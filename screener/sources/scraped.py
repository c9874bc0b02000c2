"""JSON / CSV files from social-media scraping tools: their columns mapped onto an ad's fields.

The first column present, in this order, gives each field (names compared case-insensitively, with
``_``, ``-`` and spaces ignored, so ``post_text``, ``postText`` and ``Post Text`` are one name):

============  ==============================================================================
field         columns tried
============  ==============================================================================
text          text, message, content, post_text, full_text, body, caption, description
url           url, post_url, permalink, link, message_url, web_link, share_url
posted_at     posted_at, time, timestamp, date, created_at, created_time, published_at,
              publish_time, taken_at, create_time (ISO 8601 or Unix seconds / milliseconds)
author        author, author_id, user_id, username, user_name, user, from, from_id, owner,
              profile_name, poster, page_id
group         group, group_name, group_title, page, page_name, channel, channel_name, chat,
              chat_name, community
external_id   id, post_id, message_id, shortcode, item_id
platform      platform (else guessed from the url's host: facebook, instagram, tiktok, t.me,
              wa.me / whatsapp, x.com / twitter)
============  ==============================================================================

A column holding an object (``{"name": ..., "id": ...}``, as some tools nest the author or the page)
gives its ``id``, else its ``name``. Chatter is skipped and counted; a record without text is reported.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from screener.errors import DataError
from screener.sources.common import ImportCounts, Row, is_chatter, parse_time
from screener.sources.jsonstream import iter_array

__all__ = ["COLUMNS", "SOURCE", "guess_platform", "has_mapped_text", "iter_scraped_file", "map_record"]

SOURCE = "scraped"
COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "message", "content", "post_text", "full_text", "body", "caption", "description"),
    "url": ("url", "post_url", "permalink", "link", "message_url", "web_link", "share_url"),
    "posted_at": (
        "posted_at", "time", "timestamp", "date", "created_at", "created_time", "published_at",
        "publish_time", "taken_at", "create_time",
    ),
    "author": (
        "author", "author_id", "user_id", "username", "user_name", "user", "from", "from_id", "owner",
        "profile_name", "poster", "page_id",
    ),
    "group": (
        "group", "group_name", "group_title", "page", "page_name", "channel", "channel_name", "chat",
        "chat_name", "community",
    ),
    "external_id": ("id", "post_id", "message_id", "shortcode", "item_id"),
    "platform": ("platform",),
}  # fmt: skip
HOSTS = {
    "facebook.com": "facebook", "fb.com": "facebook", "fb.watch": "facebook", "instagram.com": "instagram",
    "tiktok.com": "tiktok", "t.me": "telegram", "telegram.me": "telegram", "wa.me": "whatsapp",
    "whatsapp.com": "whatsapp", "x.com": "x", "twitter.com": "x",
}  # fmt: skip
LIMITS = {"url": 2000, "author": 300, "group": 300, "external_id": 200, "platform": 50}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).casefold()


_LOOKUP = {field: tuple(_key(c) for c in names) for field, names in COLUMNS.items()}
_TEXT_KEYS = frozenset(_LOOKUP["text"])


def has_mapped_text(columns: Iterable[str]) -> bool:
    """True when one of ``columns`` is a text column of the mapping."""
    return any(_key(c) in _TEXT_KEYS for c in columns)


def guess_platform(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    for suffix, platform in HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return None


def _scalar(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id", value.get("name", value.get("username")))
    if value is None or isinstance(value, bool | list | dict):
        return None
    text = str(value).strip()
    return text or None


def map_record(record: dict[str, Any]) -> Row | str:
    """One scraped record as an ad's row, or why it cannot be one."""
    keyed = {_key(k): v for k, v in record.items() if isinstance(k, str)}
    found: dict[str, Any] = {}
    for field, names in _LOOKUP.items():
        for name in names:
            if name in keyed and keyed[name] not in (None, ""):
                found[field] = keyed[name]
                break
    text = found.get("text")
    if not isinstance(text, str) or not text.strip():
        return "tidak ada kolom teks yang terisi / no text column is filled in"
    row: Row = {"text": text.strip(), "source": SOURCE}
    for field in ("url", "author", "group", "external_id", "platform"):
        value = _scalar(found.get(field))
        if value:
            row[field] = value[: LIMITS[field]]
    if "posted_at" in found:
        when = parse_time(found["posted_at"])
        if when is not None:
            row["posted_at"] = when
    row.setdefault("platform", guess_platform(row.get("url")))
    if row["platform"] is None:
        del row["platform"]
    return row


def _records(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for record in reader:
                yield reader.line_num, record
    elif fmt == "jsonl":
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield number, json.loads(line)
                    except json.JSONDecodeError:
                        yield number, "baris bukan JSON yang sah / the line is not valid JSON"
    else:
        with path.open(encoding="utf-8-sig") as handle:
            yield from iter_array(handle)


def iter_scraped_file(path: Path, fmt: str, *, counts: ImportCounts) -> Iterator[tuple[int, Row | str]]:
    """``(line or element, row | problem)`` of a scraped ``csv``, ``jsonl`` or ``json`` (array) file."""
    if fmt not in ("csv", "jsonl", "json"):
        raise DataError(f"no scraped format {fmt!r}", f"tidak ada format hasil scraping {fmt!r}")
    for number, record in _records(path, fmt):
        if isinstance(record, str):
            yield number, record
        elif not isinstance(record, dict):
            yield number, f"perlu objek JSON / expected an object, got {type(record).__name__}"
        else:
            row = map_record(record)
            if isinstance(row, dict) and is_chatter(row["text"]):
                counts.skip("short")
            else:
                yield number, row
