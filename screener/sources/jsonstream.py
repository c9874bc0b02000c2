"""Reading big JSON files one element at a time: a sliding text buffer and ``raw_decode``.

:func:`iter_array` streams the elements of a top-level array; :func:`iter_object` streams the members
of a top-level object, handing back an array member (Telegram's ``messages``) as an element iterator
instead of a list. Neither ever holds more than one element (plus a read-ahead chunk) in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from screener.errors import DataError

__all__ = ["JsonReader", "iter_array"]

READ_CHARS = 1 << 16
MAX_ELEMENT_CHARS = 8 * 1024 * 1024


class Broken(Exception):
    """The JSON is invalid from this point on (the caller reports where)."""


class JsonReader:
    """A cursor over a text handle with just enough of a tokenizer to walk arrays and objects."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(READ_CHARS)
        if not chunk:
            self.eof = True
            return False
        self.buffer, self.pos = self.buffer[self.pos :] + chunk, 0
        return True

    def peek(self) -> str | None:
        """The next non-space character (not consumed), or None at the end."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return None

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise Broken(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next whole value."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buffer) - self.pos > MAX_ELEMENT_CHARS or not self.more():
                    raise Broken(str(exc)) from exc
                continue
            if end == len(self.buffer) and not isinstance(value, dict | list) and self.more():
                continue  # a number or literal cut by the buffer's end
            self.pos = end
            return value

    def elements(self) -> Iterator[Any]:
        """The elements of the array starting here, one by one."""
        self.expect("[")
        first = True
        while True:
            char = self.peek()
            if char is None:
                raise Broken("the array is not closed")
            if char == "]":
                self.pos += 1
                return
            if not first:
                self.expect(",")
            first = False
            yield self.value()

    def members(self) -> Iterator[str]:
        """The keys of the object starting here; after each key the caller reads its value
        (:meth:`value`, :meth:`elements` or :meth:`skip`)."""
        self.expect("{")
        first = True
        while True:
            char = self.peek()
            if char is None:
                raise Broken("the object is not closed")
            if char == "}":
                self.pos += 1
                return
            if not first:
                self.expect(",")
            first = False
            key = self.value()
            if not isinstance(key, str):
                raise Broken("an object key must be a string")
            self.expect(":")
            yield key


def iter_array(handle: IO[str]) -> Iterator[tuple[int, Any]]:
    """``(index, element)`` of a top-level JSON array (1-based); a broken tail is yielded as a message."""
    reader = JsonReader(handle)
    if reader.peek() != "[":
        raise DataError("the JSON file is not an array", "berkas JSON bukan larik")
    index = 0
    try:
        for index, value in enumerate(reader.elements(), start=1):
            yield index, value
    except Broken:
        yield index + 1, "invalid JSON from here on; the rest was not read / JSON rusak mulai dari sini"
