"""Batch ingest: read an uploaded file row by row and store its ads.

Formats: the project's own CSV, JSONL or JSON array (a ``text`` field), and the chat / channel exports
and scraped files of :mod:`screener.sources` (WhatsApp, Telegram JSON and HTML, scraping tools), which
also skip and count chatter. :func:`choose_format` takes ``format=`` when given, else what the content
shows (:func:`screener.sources.detect_format`), else the declared content type or file name.

The upload has already been spooled to a temporary file (never held whole in memory); here it is
parsed one record at a time (``screener.datasets.iter_records`` for CSV / JSONL, an incremental
``raw_decode`` loop for a JSON array) and written in chunks of :data:`CHUNK_ROWS`, each chunk its own
committed transaction, so every accepted ad is in the database before the 202 answer. A malformed row
becomes a ``batch_errors`` entry and the rest goes on.
"""

from __future__ import annotations

import csv
import email.message
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from screener import sources
from screener.errors import DataError, UnknownFormat
from screener.sources.common import ImportCounts, parse_time
from screener.sources.scraped import map_record
from service.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from service.store import ingest, write_transaction

logger = logging.getLogger("screener.service")

__all__ = [
    "CHUNK_ROWS",
    "FORMATS",
    "IngestResult",
    "choose_format",
    "format_of",
    "ingest_file",
    "parse_rows",
]

CHUNK_ROWS = 1000
READ_BYTES = 1 << 16
MAX_ELEMENT_CHARS = 4 * 1024 * 1024  # an element this long without parsing is broken JSON
FORMATS = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/json": "json",
    # a ZIP of posters and screenshots (service/batch_images.py)
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
}
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".zip": "zip"}
OPTIONAL = {"source": 200, "platform": 50, "url": 2000, "group": 300, "author": 300}
KNOWN_KEYS = frozenset(("text", "id", "external_id", "posted_at", *OPTIONAL))


def format_of(content_type: str | None, filename: str | None = None) -> str | None:
    """``csv`` / ``jsonl`` / ``json`` from a content type, else from a file name's extension."""
    if content_type:
        message = email.message.Message()
        message["content-type"] = content_type
        found = FORMATS.get(message.get_content_type())
        if found:
            return found
    if filename:
        return SUFFIXES.get(Path(filename).suffix.lower())
    return None


UNSUPPORTED_EN = (
    "send CSV (text/csv), JSON lines (application/x-ndjson), a JSON array (application/json), a "
    "WhatsApp chat export (.txt or .zip), a Telegram export (result.json or messages.html) or a "
    "scraping tool's CSV / JSON"
)
UNSUPPORTED_ID = (
    "kirim CSV (text/csv), JSON lines (application/x-ndjson), larik JSON (application/json), ekspor "
    "obrolan WhatsApp (.txt atau .zip), ekspor Telegram (result.json atau messages.html) atau CSV / "
    "JSON hasil alat scraping"
)


def choose_format(path: Path, *, declared: str | None, forced: str | None = None) -> str:
    """The format to read ``path`` as: ``forced`` (``format=``), else an export or scraped file the
    content shows, else ``declared`` (content type / file name), else the plain format the content
    shows; 415 naming the formats tried when none fits."""
    if forced:
        if forced not in sources.FORMATS:
            raise UnsupportedMediaType(
                f"unknown format {forced!r}; formats: {', '.join(sources.FORMATS)}",
                f"format {forced!r} tidak dikenal; format: {', '.join(sources.FORMATS)}",
            )
        return forced
    try:
        found = sources.detect_format(path)
    except UnknownFormat as exc:
        if declared:
            return declared  # read as declared: its own errors say what is wrong (422, as before)
        tried = ", ".join(exc.tried)
        raise UnsupportedMediaType(
            f"{UNSUPPORTED_EN} (formats tried: {tried})", f"{UNSUPPORTED_ID} (format yang dicoba: {tried})"
        ) from exc
    # A declared CSV / JSONL / JSON is read as declared unless the content is an export or scraped file.
    return declared if declared and found in sources.PLAIN_FORMATS else found


@dataclass(frozen=True)
class IngestResult:
    batch_id: int
    status: str
    accepted: int
    rejected: int
    skipped: int = 0
    format: str | None = None


def _ad(record: Any, max_text_bytes: int) -> dict[str, Any] | str:
    """The ad's fields from one record, or why the record was refused."""
    if not isinstance(record, dict):
        return f"perlu objek JSON, bukan {type(record).__name__} / expected an object, got {type(record).__name__}"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return "teks tidak ada atau kosong: isi kolom text / text is missing or empty: fill in the text field"
    if "\x00" in text:
        return "teks berisi byte NUL: hapus karakter itu / text contains NUL bytes: remove them"
    size = len(text.encode("utf-8"))
    if size > max_text_bytes:
        return f"teks {size} byte, batasnya {max_text_bytes}: persingkat / text is {size} bytes; the limit is {max_text_bytes}: shorten it"
    ad: dict[str, Any] = {"text": text}
    external = record.get("external_id", record.get("id"))
    if external is not None and external != "":
        if isinstance(external, bool) or not isinstance(external, str | int):
            return "id harus string atau bilangan bulat / id must be a string or an integer"
        ad["external_id"] = str(external)[:200]
    for name, limit in OPTIONAL.items():
        value = record.get(name)
        if value is not None and value != "":
            if not isinstance(value, str):
                return f"{name} must be a string / {name} harus string"
            ad[name] = value[:limit]
    if not KNOWN_KEYS.issuperset(record):  # a scraping tool's extra columns: their metadata too
        mapped = map_record(record)
        if isinstance(mapped, dict):
            for name in ("url", "platform", "group", "author", "posted_at"):
                if name not in ad and name not in record and name in mapped:
                    ad[name] = mapped[name]
    posted = record.get("posted_at")
    if posted is not None and posted != "":
        when = parse_time(posted)
        if when is None:
            return "posted_at bukan waktu ISO 8601 / posted_at is not an ISO 8601 time"
        ad["posted_at"] = when
    return ad


def _json_array(path: Path) -> Iterator[tuple[int, Any]]:
    """Elements of a JSON array, one at a time, from a sliding buffer (never the whole file)."""
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8", errors="strict") as handle:
        buffer, pos, eof = "", 0, False

        def more() -> bool:
            nonlocal buffer, pos, eof
            if eof:
                return False
            chunk = handle.read(READ_BYTES)
            if not chunk:
                eof = True
                return False
            buffer, pos = buffer[pos:] + chunk, 0
            return True

        def skip_space() -> str | None:
            nonlocal pos
            while True:
                while pos < len(buffer) and buffer[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buffer):
                    return buffer[pos]
                if not more():
                    return None

        if skip_space() != "[":
            raise DataError("a JSON batch must be an array of objects", "batch JSON harus berupa larik objek")
        pos += 1
        index = 0
        while True:
            char = skip_space()
            if char is None:
                yield index + 1, "the JSON array is not closed / larik JSON tidak ditutup"
                return
            if char == "]":
                return
            if index:
                if char != ",":
                    yield (
                        index + 1,
                        "invalid JSON from here on; the rest was not read / JSON rusak mulai dari sini",
                    )
                    return
                pos += 1
                skip_space()
            index += 1
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, pos)
                except json.JSONDecodeError:
                    if len(buffer) - pos > MAX_ELEMENT_CHARS or not more():
                        yield (
                            index,
                            "invalid JSON from here on; the rest was not read / JSON rusak mulai dari sini",
                        )
                        return
                    continue
                # A number or literal cut by the buffer's end: read on.
                if end == len(buffer) and not isinstance(value, dict | list) and more():
                    continue
                pos = end
                break
            yield index, value


def _checked(row: dict[str, Any], max_text_bytes: int) -> dict[str, Any] | str:
    """An imported row under the same limits as an uploaded one."""
    text = row["text"]
    if "\x00" in text:
        return "teks berisi byte NUL: hapus karakter itu / text contains NUL bytes: remove them"
    size = len(text.encode("utf-8"))
    if size > max_text_bytes:
        return f"teks {size} byte, batasnya {max_text_bytes}: persingkat / text is {size} bytes; the limit is {max_text_bytes}: shorten it"
    return row


def parse_rows(
    path: Path,
    fmt: str,
    *,
    max_text_bytes: int,
    counts: ImportCounts | None = None,
    filename: str | None = None,
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(row, ad fields | problem)`` for each record; whole-file problems raise :class:`DataError`.

    ``counts`` collects what an import format skipped; ``filename`` is the upload's name.
    """
    if fmt in sources.IMPORT_FORMATS:
        for index, row in sources.iter_import(path, fmt, counts=counts or ImportCounts(), filename=filename):
            yield index, row if isinstance(row, str) else _checked(row, max_text_bytes)
        return
    if fmt == "json":
        for index, value in _json_array(path):
            yield index, value if isinstance(value, str) else _ad(value, max_text_bytes)
        return
    from screener.datasets import iter_records

    # The library's messages start each half with "path:line: "; the row is reported beside the
    # message, so the prefix goes (once per message, not "row 81: row 81: ...").
    prefix = re.compile(re.escape(f"{path}:") + r"\d+: ")
    for line, record in iter_records(path, text_column="text", id_column="id"):
        if isinstance(record, DataError):
            yield line, prefix.sub("", str(record))
        else:
            yield line, _ad(record, max_text_bytes)


def ingest_file(
    sessions: sessionmaker[Session],
    path: Path,
    fmt: str,
    *,
    key_id: int | None,
    filename: str | None,
    content_type: str | None,
    max_ads: int,
    max_text_bytes: int,
    author_key: str | None = None,
) -> IngestResult:
    """Store a spooled upload as a batch; every accepted ad is committed when this returns.

    Authors are stored as their keyed hash (``author_key``); an import format's skipped messages
    (chatter, system lines, media) are counted on the batch.
    """
    counts = ImportCounts()
    with write_transaction(sessions) as session:
        batch_id = ingest.create_batch(
            session, key_id=key_id, filename=filename, content_type=content_type
        ).id
    rows: list[dict[str, Any]] = []
    errors: list[tuple[int, str]] = []
    accepted = rejected = 0

    def flush() -> None:
        with write_transaction(sessions) as session:
            ingest.insert_ads(session, batch_id=batch_id, rows=rows, author_key=author_key)
            ingest.insert_batch_errors(session, batch_id=batch_id, errors=errors)
        rows.clear()
        errors.clear()

    def fail(message: str) -> None:
        with write_transaction(sessions) as session:
            ingest.fail_batch(session, batch_id=batch_id, error=message)

    last_row = 0
    try:
        for row, ad in parse_rows(path, fmt, max_text_bytes=max_text_bytes, counts=counts, filename=filename):
            last_row = row
            if isinstance(ad, str):
                errors.append((row, ad))
                rejected += 1
            else:
                accepted += 1
                if accepted > max_ads:
                    fail(f"more than {max_ads} ads")
                    raise PayloadTooLarge(
                        f"the batch has more than {max_ads} ads", f"batch berisi lebih dari {max_ads} iklan"
                    )
                rows.append(ad)
            if len(rows) >= CHUNK_ROWS or len(errors) >= CHUNK_ROWS:
                flush()
    except (DataError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile) as exc:
        if fmt in sources.IMPORT_FORMATS and accepted:
            # An export that breaks half-way keeps what was read before: the rest is reported.
            errors.append(
                (
                    last_row + 1,
                    f"berkas tidak dapat dibaca dari sini, sisanya dilewati / the file cannot be read from here on; the rest was skipped: {exc}",
                )
            )
            rejected += 1
        else:
            fail(str(exc))
            raise Unprocessable(
                f"the file cannot be read: {exc}",
                f"berkas tidak dapat dibaca: {exc}",
                code="unreadable_batch",
            ) from exc
    flush()
    skipped = counts.total_skipped
    with write_transaction(sessions) as session:
        ingest.note_import(session, batch_id=batch_id, source_format=fmt, skipped=skipped)
        status = ingest.finish_upload(session, batch_id=batch_id).status
    if accepted >= ingest.ANALYZE_MIN_ADS:
        try:
            with sessions.begin() as session:
                ingest.refresh_statistics(session)
        except SQLAlchemyError:  # the upload is stored: stale statistics only make claims slower
            logger.warning("batch %d: ANALYZE ads failed after the upload", batch_id, exc_info=True)
    return IngestResult(batch_id, status, accepted, rejected, skipped, fmt)
