"""A post found on a watched page, and the helpers the parsers share (text of an element, dates)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup, NavigableString, Tag

__all__ = ["Post", "element_text", "parse_date", "post_hash"]

MAX_POST_CHARS = 100_000

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
    }
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "button", "form"})
_SPACES = re.compile(r"[^\S\n]+")


@dataclass(frozen=True)
class Post:
    """One post: ``id`` is the site's own id when it has one (else the link, else a content hash)."""

    id: str
    link: str | None
    text: str
    posted_at: datetime | None

    @property
    def content_hash(self) -> str:
        return post_hash(self.text)


def post_hash(text: str) -> str:
    """sha256 of the text with its whitespace folded and lower-cased: an edit changes it, spacing does not."""
    folded = " ".join(text.split()).lower()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def element_text(element: Tag) -> str:
    """The visible text of ``element``: ``<br>`` and block elements become line breaks, spaces fold."""
    parts: list[str] = []
    stack: list[object] = list(reversed(element.contents))
    while stack:  # iterative: deeply nested hostile markup cannot exhaust the recursion limit
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a line-break marker
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString or node.__class__.__name__ == "CData":
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name not in _SKIP:
            if node.name == "br":
                parts.append("\n")
                continue
            if node.name in _BLOCKS:
                parts.append("\n")
                stack.append("\n")
            stack.extend(reversed(node.contents))
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)[:MAX_POST_CHARS]


def html_fragment_text(markup: str) -> str:
    """The text of an HTML fragment (feeds carry escaped HTML in their descriptions)."""
    if "<" not in markup and "&" not in markup:
        return "\n".join(line.strip() for line in markup.strip().splitlines() if line.strip())
    return element_text(BeautifulSoup(markup, "html.parser"))


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 (Atom, ``<time datetime>``) or RFC 822 (RSS) date as UTC; None when unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    found: datetime | None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            found = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC)
