"""Importers: chat and channel exports and scraped files, as rows the ingest takes.

One module per format, each streaming its file: :mod:`~screener.sources.whatsapp` (``.txt`` or its
ZIP), :mod:`~screener.sources.telegram` (``result.json``), :mod:`~screener.sources.telegram_html`
(``messages*.html``), :mod:`~screener.sources.scraped` (JSON / JSONL / CSV from scraping tools, with
a documented column mapping). :func:`detect_format` names a file's format from its first bytes;
:func:`iter_import` reads it. The project's own CSV / JSONL / JSON-array formats (a ``text`` column)
are detected here too but read by the service's batch ingest, as before.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from screener.errors import DataError, UnknownFormat
from screener.sources.common import ImportCounts, Row, is_chatter, parse_time
from screener.sources.jsonstream import Broken, JsonReader
from screener.sources.scraped import has_mapped_text, iter_scraped_file
from screener.sources.telegram import iter_telegram_file
from screener.sources.telegram_html import iter_telegram_html_file, looks_like_telegram_html
from screener.sources.whatsapp import is_message_line, iter_whatsapp_file

__all__ = [
    "FORMATS",
    "IMPORT_FORMATS",
    "PLAIN_FORMATS",
    "ImportCounts",
    "Row",
    "UnknownFormat",
    "detect_format",
    "is_chatter",
    "iter_import",
    "parse_time",
]

PLAIN_FORMATS = ("csv", "jsonl", "json")  # the project's own: a ``text`` column / key
IMPORT_FORMATS = ("whatsapp", "telegram", "telegram_html", "scraped_csv", "scraped_jsonl", "scraped_json")
FORMATS = PLAIN_FORMATS + IMPORT_FORMATS
HEAD_BYTES = 64 * 1024
WHATSAPP_SCAN_LINES = 30


def _zip_format(path: Path) -> str | None:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.startswith("__MACOSX")]
        if any(Path(n).name == "result.json" for n in names):
            return "telegram"
        if any(Path(n).name.startswith("messages") and n.endswith(".html") for n in names):
            return "telegram_html"
        # A .txt is a WhatsApp chat only when it reads like one: a ZIP of posters may carry notes.
        for name in (n for n in names if n.lower().endswith(".txt")):
            with archive.open(name) as member:
                head = member.read(HEAD_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
            if any(is_message_line(line) for line in head.splitlines()[:WHATSAPP_SCAN_LINES]):
                return "whatsapp"
    return None


def _first_json_element(path: Path) -> object:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        reader = JsonReader(handle)
        reader.expect("[")
        if reader.peek() == "]":
            return None
        return reader.value()


def _columns_format(columns: list[str], plain: str, scraped: str) -> str | None:
    if "text" in columns:
        return plain
    if has_mapped_text(columns):
        return scraped
    return None


def detect_format(path: Path) -> str:
    """The format of the file at ``path`` (one of :data:`FORMATS`), from its content.

    Raises :class:`~screener.errors.UnknownFormat` (415) naming the formats tried.
    """
    if zipfile.is_zipfile(path):
        found = _zip_format(path)
        if found is None:
            raise UnknownFormat(["whatsapp (zip)", "telegram (zip)", "telegram_html (zip)"])
        return found
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped.startswith("{"):
        first_line = stripped.split("\n", 1)[0]
        try:
            record = json.loads(first_line)
        except json.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            found = _columns_format([str(k) for k in record], "jsonl", "scraped_jsonl")
            if found:
                return found
        if '"messages"' in head:
            return "telegram"
    elif stripped.startswith("["):
        try:
            first = _first_json_element(path)
        except (Broken, DataError):
            first = None
        if isinstance(first, dict):
            found = _columns_format([str(k) for k in first], "json", "scraped_json")
            if found:
                return found
        elif first is None and stripped[1:].lstrip().startswith("]"):
            return "json"  # an empty array: an empty batch, as before
    elif stripped.startswith("<"):
        if looks_like_telegram_html(head):
            return "telegram_html"
    else:
        lines = head.splitlines()
        if any(is_message_line(line) for line in lines[:WHATSAPP_SCAN_LINES]):
            return "whatsapp"
        if lines:
            try:
                header = next(csv.reader(io.StringIO(lines[0])))
            except (csv.Error, StopIteration):
                header = []
            found = _columns_format([c.strip() for c in header], "csv", "scraped_csv")
            if found:
                return found
    raise UnknownFormat(list(FORMATS))


def iter_import(
    path: Path, fmt: str, *, counts: ImportCounts, filename: str | None = None
) -> Iterator[tuple[int, Row | str]]:
    """``(line or message number, row | problem)`` for a file in one of :data:`IMPORT_FORMATS`.

    ``filename``: the uploaded file's name (a WhatsApp export names its group there).
    Whole-file problems raise :class:`~screener.errors.DataError`.
    """
    if fmt == "whatsapp":
        return iter_whatsapp_file(path, counts=counts, filename=filename)
    if fmt == "telegram":
        return iter_telegram_file(path, counts=counts)
    if fmt == "telegram_html":
        return iter_telegram_html_file(path, counts=counts)
    if fmt.startswith("scraped_"):
        return iter_scraped_file(path, fmt.removeprefix("scraped_"), counts=counts)
    raise UnknownFormat(list(IMPORT_FORMATS))
