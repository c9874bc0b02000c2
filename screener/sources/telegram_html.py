"""Telegram Desktop exports as HTML (``messages.html``, ``messages2.html``, ... alone or in a ZIP).

Each message is a ``div.message.default`` with the time in ``div.date[title]``
(``01.12.2026 10:15:00 UTC+07:00``), the author in ``div.from_name`` (a *joined* message continues the
author above), the text or caption in ``div.text`` and a forwarded post in ``div.forwarded``. The
channel or group is the page header. ``div.message.service`` lines (dates, joins, pins) and chatter
are skipped and counted. Telegram writes at most about a thousand messages per page, so a page is
parsed whole and the pages one after another.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from screener.errors import DataError
from screener.sources.common import ImportCounts, Row, is_chatter
from screener.sources.telegram import PLATFORM

__all__ = ["SOURCE", "iter_telegram_html", "iter_telegram_html_file", "looks_like_telegram_html"]

SOURCE = "telegram_export"
_TITLE = re.compile(
    r"(?P<d>\d{2})\.(?P<mo>\d{2})\.(?P<y>\d{4}) (?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?: UTC(?P<sign>[+-])(?P<oh>\d{2}):(?P<om>\d{2}))?"
)
_PAGE = re.compile(r"(?:^|/)messages(\d*)\.html$")


def looks_like_telegram_html(head: str) -> bool:
    """True when the opening of an HTML file has the marks of a Telegram Desktop export page."""
    return 'class="history"' in head or ("Exported Data" in head and "page_header" in head)


def _when(title: str | None) -> datetime | None:
    match = _TITLE.search(title or "")
    if match is None:
        return None
    offset = timedelta(hours=int(match["oh"] or 7), minutes=int(match["om"] or 0))
    zone = timezone(-offset if match["sign"] == "-" else offset)
    try:
        return datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"]),
            tzinfo=zone,
        )
    except ValueError:
        return None


def _text(node: Tag | None) -> str:
    if node is None:
        return ""
    for br in node.find_all("br"):
        br.replace_with("\n")
    return node.get_text().strip()


def iter_telegram_html(
    html: str, *, counts: ImportCounts, author: str | None = None
) -> Iterator[tuple[int, Row | str]]:
    """``(message number, row | problem)`` for each message of one export page."""
    soup = BeautifulSoup(html, "html.parser")
    header = soup.select_one("div.page_header div.text")
    group = header.get_text(strip=True)[:300] if header else None
    for number, node in enumerate(soup.select("div.message"), start=1):
        if "service" in node.get_attribute_list("class"):
            counts.skip("service")
            continue
        body = node.find("div", class_="body", recursive=False) or node
        name = body.find("div", class_="from_name", recursive=False)
        if name is not None:
            author = name.get_text(strip=True) or author
        forwarded = body.find("div", class_="forwarded", recursive=False)
        text_node = body.find("div", class_="text", recursive=False)
        if text_node is None and forwarded is not None:
            text_node = forwarded.find("div", class_="text")
        text = _text(text_node)
        if not text:
            counts.skip("media" if body.find(class_="media_wrap") else "empty")
            continue
        if is_chatter(text):
            counts.skip("short")
            continue
        row: Row = {"text": text, "platform": PLATFORM, "source": SOURCE}
        if forwarded is not None:
            origin = forwarded.find("div", class_="from_name")
            if origin is not None:
                for span in origin.find_all("span"):
                    span.decompose()
                row["source"] = f"forwarded:{origin.get_text(strip=True)}"[:200]
        date = body.find("div", class_="date")
        when = _when(date.get("title") if isinstance(date, Tag) else None)  # type: ignore[arg-type]
        if when is not None:
            row["posted_at"] = when
        if author:
            row["author"] = author
        ident = str(node.get("id") or "")
        if ident.startswith("message"):
            row["external_id"] = ident.removeprefix("message")
        if group:
            row["group"] = group
        yield number, row


def _page_key(name: str) -> int:
    match = _PAGE.search(name)
    return int(match.group(1) or 1) if match else 0


def iter_telegram_html_file(path: Path, *, counts: ImportCounts) -> Iterator[tuple[int, Row | str]]:
    """The messages of one export page, or of every ``messages*.html`` page in a ZIP, in order.

    Message numbers run on across pages.
    """
    offset = 0
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            pages = sorted((n for n in archive.namelist() if _PAGE.search(n)), key=_page_key)
            if not pages:
                raise DataError("the ZIP holds no messages.html", "ZIP tidak berisi messages.html")
            for page in pages:
                html = archive.read(page).decode("utf-8", errors="replace")
                last = 0
                for number, row in iter_telegram_html(html, counts=counts):
                    last = number
                    yield offset + number, row
                offset += last
        return
    yield from iter_telegram_html(path.read_text(encoding="utf-8", errors="replace"), counts=counts)
