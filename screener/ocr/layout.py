"""From engine words to the ad's text: reading order, chat chrome dropped, offsets for every word.

The engine numbers blocks, paragraphs and lines in reading order (columns and bullet lists included);
lines are kept in that order. On a phone screenshot (tall image) the chrome is dropped where it can be
told apart: the status bar, the contact name and "online" line at the top, message times and ticks,
the "type a message" bar at the bottom, and lines that are only a clock time or a percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.ocr.engine import RawWord

__all__ = ["Line", "is_chrome", "is_screenshot", "order_lines"]

_TIME = re.compile(r"^\d{1,2}[.:]\d{2}(?:\s?(?:am|pm|AM|PM))?$")
_TICKS = re.compile(r"^[✓✔√v/V]{1,2}$")
_PERCENT = re.compile(r"^\d{1,3}%$")
# What the engine makes of a bullet (•, ▪, ✓) at the start of a line.
_BULLETS = frozenset({"e", "o", "°", "«", "»", "*", "·", "•", "-", "+", "©", "®", "@"})
_UI_PHRASES = frozenset(
    {"online", "mengetik...", "typing...", "ketik pesan", "type a message", "pesan", "message",
     "terakhir dilihat", "last seen", "hari ini", "today", "kemarin", "yesterday", "diteruskan", "forwarded"}
)  # fmt: skip
SCREENSHOT_ASPECT = 1.7  # height / width from which an image is taken as a phone screenshot


@dataclass
class Line:
    words: list[RawWord]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> int:
        return min(w.box[1] for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.box[3] for w in self.words)


def is_screenshot(size: tuple[int, int]) -> bool:
    width, height = size
    return height >= SCREENSHOT_ASPECT * width


def _is_noise(word: RawWord) -> bool:
    """Specks the engine reads as words: no letter or digit, or a single low-confidence character."""
    if not any(c.isalnum() for c in word.text):
        return True
    return len(word.text) == 1 and word.confidence < 50


def is_chrome(line: Line, *, height: int, screenshot: bool) -> bool:
    """A line that belongs to the app, not to the ad."""
    words = [w for w in line.words if not _TICKS.match(w.text)]
    if not words:
        return True
    text = " ".join(w.text for w in words).strip().lower()
    if all(_TIME.match(w.text) or _PERCENT.match(w.text) for w in words):
        return True
    if not screenshot:
        return False
    if text in _UI_PHRASES or text.startswith(("terakhir dilihat", "last seen")):
        return True
    # Status bar and chat header: the top tenth of the screen; the input bar: the bottom 7 %.
    return line.bottom < 0.1 * height or line.top > 0.93 * height


def order_lines(words: list[RawWord], size: tuple[int, int]) -> list[Line]:
    """The ad's lines in reading order, noise and chrome removed; trailing message times dropped."""
    lines: dict[tuple[int, int, int], Line] = {}
    for word in words:
        if _is_noise(word):
            continue
        lines.setdefault(word.line, Line([])).words.append(word)
    screenshot = is_screenshot(size)
    kept = []
    for line in lines.values():
        if is_chrome(line, height=size[1], screenshot=screenshot):
            continue
        if len(line.words) > 1 and line.words[0].text in _BULLETS:
            line.words.pop(0)
        # A time (and ticks) at the end of a message line is the message's timestamp.
        while (
            screenshot
            and len(line.words) > 1
            and (_TIME.match(line.words[-1].text) or _TICKS.match(line.words[-1].text))
        ):
            line.words.pop()
        kept.append(line)
    return kept
