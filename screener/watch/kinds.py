"""The kinds of watched source, guessing one from an address, and parsing a page of any kind."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from screener.errors import DataError
from screener.watch.feeds import parse_feed
from screener.watch.html import parse_html
from screener.watch.posts import Post
from screener.watch.telegram import parse_telegram

__all__ = ["KINDS", "guess_kind", "parse_page"]

KINDS = ("telegram", "feed", "html")
_TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me"})
_PREVIEW_PATH = re.compile(r"/s/[A-Za-z0-9_]{3,64}/?")


def guess_kind(url: str, selector: str | None = None) -> str:
    """``html`` with a selector; ``telegram`` for a channel preview address (``/s/<channel>``, on
    t.me or a site with the same layout); otherwise ``feed``."""
    if selector:
        return "html"
    parts = urlsplit(url)
    if _PREVIEW_PATH.fullmatch(parts.path) or (
        (parts.hostname or "") in _TELEGRAM_HOSTS and parts.path.startswith("/s/")
    ):
        return "telegram"
    return "feed"


def parse_page(kind: str, body: bytes, url: str, selector: str | None = None) -> list[Post]:
    """The posts on a fetched page of ``kind`` (see :data:`KINDS`)."""
    if kind == "telegram":
        return parse_telegram(body, url)
    if kind == "feed":
        return parse_feed(body, url)
    if kind == "html":
        if not selector:
            raise DataError("a CSS selector is needed for a web page", "halaman web memerlukan selektor CSS")
        return parse_html(body, url, selector)
    raise DataError(f"unknown source kind {kind!r}", f"jenis sumber {kind!r} tidak dikenal")
