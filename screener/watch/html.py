"""Any public HTML page, with a CSS selector naming the post blocks.

Each element the selector matches is one post: its text is the element's visible text; its id is
the element's ``id`` or ``data-id``/``data-post`` attribute, else its first link, else a hash of its
text; its link is the first ``<a href>`` (made absolute); its date the first ``<time datetime>``.
"""

from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from screener.errors import DataError
from screener.watch.posts import Post, element_text, parse_date, post_hash

__all__ = ["check_selector", "parse_html"]


def _attr(tag: Tag | None, name: str) -> str | None:
    if tag is None:
        return None
    value = tag.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def check_selector(selector: str) -> str:
    """``selector`` stripped, or :class:`DataError` when it is empty or not valid CSS."""
    selector = selector.strip()
    if not selector:
        raise DataError("a CSS selector is needed for a web page", "halaman web memerlukan selektor CSS")
    try:
        BeautifulSoup("", "html.parser").select(selector)
    except (SelectorSyntaxError, ValueError, NotImplementedError) as exc:
        raise DataError(
            f"invalid CSS selector {selector!r}: {exc}", f"selektor CSS {selector!r} tidak valid: {exc}"
        ) from None
    return selector


def parse_html(body: bytes, url: str, selector: str) -> list[Post]:
    """The blocks of ``body`` matching ``selector``, as posts in page order (empty ones left out)."""
    soup = BeautifulSoup(body, "html.parser")
    posts: list[Post] = []
    for block in soup.select(check_selector(selector)):
        text = element_text(block)
        if not text:
            continue
        anchor = block.find("a", href=True)
        href = _attr(anchor if isinstance(anchor, Tag) else None, "href")
        link = urljoin(url, href) if href else None
        own_id = _attr(block, "id") or _attr(block, "data-id") or _attr(block, "data-post")
        time_tag = block.find("time")
        posted = parse_date(_attr(time_tag if isinstance(time_tag, Tag) else None, "datetime"))
        posts.append(Post(id=own_id or link or post_hash(text), link=link, text=text, posted_at=posted))
    return posts
