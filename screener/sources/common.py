"""What every importer shares: the row it yields, the chatter rule, counts of what was skipped, times.

An importer yields ``(line, row)`` pairs where ``row`` is a dict with the keys the service's ingest
takes (``text, url, platform, source, group, posted_at, author, external_id``; absent keys mean
unknown), or a string saying why that line or message could not be read (reported, never fatal).
Messages that are not ads are skipped and counted in :class:`ImportCounts`, not yielded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

__all__ = [
    "LOCAL_TZ",
    "MIN_WORDS",
    "ImportCounts",
    "Row",
    "is_chatter",
    "parse_time",
]

Row = dict[str, Any]

# Chat exports write the phone's local time without a zone; Indonesian exports are taken as WIB.
LOCAL_TZ = timezone(timedelta(hours=7), "WIB")

MIN_WORDS = 4  # fewer words than this is a reply, not an ad ("ok", "mau kak", "info gaji?")

# Words that make up pure replies in recruitment groups; a message of only these is chatter.
_REPLY_TEXT = """
    ok oke okay okey sip siap mau minat berminat kak ka kakak min admin sis gan bang bu pak mas mba mbak
    info infonya inbox ib pm japri dm cek done up upp sundul nitip ikut join daftar bisa boleh ya iya yaa
    yes no tidak nggak gak makasih terima kasih thanks thank you thx tq ty trims noted halo hallo hai hi
    selamat pagi siang sore malam assalamualaikum waalaikumsalam amin aamiin mantap wah wow masih ada
    berapa gaji dimana lokasi syarat apa
"""
REPLY_WORDS = frozenset(_REPLY_TEXT.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def is_chatter(text: str) -> bool:
    """True for a very short message or a pure reply ("ok", "mau kak", "info min"): not an ad."""
    replies_only = True
    for count, match in enumerate(_WORD.finditer(text), start=1):  # stops early on a long ad
        replies_only = replies_only and match.group().casefold() in REPLY_WORDS
        if count >= MIN_WORDS and not replies_only:
            return False
    return True


@dataclass
class ImportCounts:
    """What an import skipped, by reason: ``short`` (chatter), ``system``, ``media``, ``deleted``,
    ``service`` (Telegram service messages), ``empty``."""

    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())


def parse_time(value: Any, *, local: timezone = LOCAL_TZ) -> datetime | None:
    """An aware datetime from an ISO 8601 string (naive: ``local``), a datetime, or a Unix timestamp
    (number or digits); ``None`` when it is none of these."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\d{9,13}", value.strip())
    ):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    return when.replace(tzinfo=local) if when.tzinfo is None else when
