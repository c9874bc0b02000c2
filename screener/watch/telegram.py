"""Public Telegram channel web previews (``https://t.me/s/<channel>``).

The preview lists the newest ~20 posts, oldest first, each a ``div.tgme_widget_message`` whose
``data-post`` is ``<channel>/<number>``, its text in ``div.tgme_widget_message_text`` (captions of
photos and videos too) and its date in ``a.tgme_widget_message_date > time[datetime]``. Older posts
are on the same address with ``?before=<number>``. Posts without text (a photo alone, a service
message) are left out.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from screener.watch.posts import Post, element_text, parse_date

__all__ = ["older_page_url", "parse_telegram"]


def _attr(tag: Tag | None, name: str) -> str | None:
    if tag is None:
        return None
    value = tag.get(name)
    return value if isinstance(value, str) else None


def parse_telegram(body: bytes, url: str) -> list[Post]:
    """The posts with text on one channel preview page, in page order (oldest first)."""
    soup = BeautifulSoup(body, "html.parser")
    posts: list[Post] = []
    for message in soup.select("div.tgme_widget_message[data-post]"):
        data_post = _attr(message, "data-post") or ""
        text_box = message.select_one("div.tgme_widget_message_text")
        if text_box is None:
            continue
        text = element_text(text_box)
        if not text:
            continue
        date_link = message.select_one("a.tgme_widget_message_date")
        link = _attr(date_link, "href") or (f"https://t.me/{data_post}" if data_post else None)
        posted = parse_date(_attr(message.select_one("time[datetime]"), "datetime"))
        posts.append(Post(id=data_post or link or "", link=link, text=text, posted_at=posted))
    return posts


def _number(post: Post) -> int | None:
    tail = post.id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def older_page_url(url: str, posts: list[Post]) -> str | None:
    """The address of the page before ``posts`` (``?before=<smallest post number>``); None if unknown."""
    numbers = [n for n in (_number(p) for p in posts) if n is not None]
    if not numbers:
        return None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "before"]
    query.append(("before", str(min(numbers))))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
