"""RSS 2.0 and Atom feeds.

Parsed with beautifulsoup4's ``html.parser`` (the project has no XML parser dependency; nothing in
a feed is executed and no entity or DTD is expanded). ``html.parser`` treats ``<link>`` as an empty
element, so RSS's ``<link>URL</link>`` is renamed before parsing. Descriptions usually carry escaped
HTML; their text is taken from that HTML.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning

from screener.errors import DataError
from screener.watch.posts import Post, html_fragment_text, parse_date, post_hash

__all__ = ["parse_feed"]

_RSS_LINK = re.compile(rb"<(/?)link>", re.IGNORECASE)


def _text(parent: Tag, *names: str) -> str:
    for name in names:
        found = parent.find(name)
        if isinstance(found, Tag):
            value = found.get_text()
            if value.strip():
                return value.strip()
    return ""


def _rss_item(item: Tag) -> Post | None:
    title = _text(item, "title")
    body = _text(item, "content:encoded", "description")
    text = html_fragment_text(body) if body else ""
    title_text = html_fragment_text(title) if title else ""
    if title_text and title_text not in text:
        text = f"{title_text}\n{text}" if text else title_text
    if not text:
        return None
    link = _text(item, "feedlink") or None
    guid = _text(item, "guid")
    posted = parse_date(_text(item, "pubdate", "dc:date"))
    return Post(id=guid or link or post_hash(text), link=link, text=text, posted_at=posted)


def _atom_link(entry: Tag) -> str | None:
    fallback = None
    for link in entry.find_all("link"):
        href = link.get("href")
        if not isinstance(href, str):
            continue
        rel = link.get("rel")
        rel_value = " ".join(rel) if isinstance(rel, list) else (rel or "alternate")
        if rel_value == "alternate":
            return href
        fallback = fallback or href
    return fallback


def _atom_entry(entry: Tag) -> Post | None:
    title = html_fragment_text(_text(entry, "title"))
    body = html_fragment_text(_text(entry, "content", "summary"))
    text = body
    if title and title not in body:
        text = f"{title}\n{body}" if body else title
    if not text:
        return None
    link = _atom_link(entry)
    posted = parse_date(_text(entry, "published", "updated"))
    return Post(id=_text(entry, "id") or link or post_hash(text), link=link, text=text, posted_at=posted)


def parse_feed(body: bytes, url: str) -> list[Post]:
    """The items of an RSS 2.0 or Atom feed, in feed order.

    Raises
    ------
    DataError
        The page is not a feed (no ``<rss>``, ``<rdf:RDF>`` or ``<feed>`` element).
    """
    del url  # part of the parsers' common signature
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # on purpose: see the module docstring
        soup = BeautifulSoup(_RSS_LINK.sub(rb"<\1feedlink>", body), "html.parser")
    if soup.find("feed") is not None:
        return [p for p in (_atom_entry(e) for e in soup.find_all("entry")) if p is not None]
    if soup.find("rss") is not None or soup.find("rdf:rdf") is not None:
        return [p for p in (_rss_item(i) for i in soup.find_all("item")) if p is not None]
    raise DataError(
        "the page is not an RSS or Atom feed; for a web page, give a CSS selector for its posts",
        "halaman ini bukan feed RSS atau Atom; untuk halaman web, berikan selektor CSS untuk postingannya",
    )
