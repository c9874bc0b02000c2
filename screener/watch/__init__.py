"""Watched public sources: fetched pages -> posts (pure functions, no network, no database).

Three kinds of page, one parser each, all built on beautifulsoup4:

- ``telegram``: a public channel's web preview, ``https://t.me/s/<channel>``; older posts are on
  ``?before=<id>`` (:func:`older_page_url`);
- ``feed``: RSS 2.0 and Atom;
- ``html``: any public page, with a CSS selector naming the post blocks.

Every parser takes the page bytes and its URL and returns :class:`Post` objects (id, link, text,
posted_at) in page order; a page with no post is an empty list, not an error (the service counts
empty fetches, so a page that changed layout shows up). The service fetches (``service.intake``),
remembers and queues them.
"""

from screener.watch.feeds import parse_feed
from screener.watch.html import parse_html
from screener.watch.kinds import KINDS, guess_kind, parse_page
from screener.watch.posts import Post, post_hash
from screener.watch.telegram import older_page_url, parse_telegram

__all__ = [
    "KINDS",
    "Post",
    "guess_kind",
    "older_page_url",
    "parse_feed",
    "parse_html",
    "parse_page",
    "parse_telegram",
    "post_hash",
]
