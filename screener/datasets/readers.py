"""Reading files record by record: strict UTF-8, JSONL line by line, CSV through :mod:`csv`.

Every problem becomes a :class:`~screener.errors.DataError` naming ``file:line`` in English and Bahasa
Indonesia. A bad JSONL line is reported with its line and byte offset; CSV line numbers are the
physical line on which a record starts (the header is line 1). A byte-order mark at the start of a file
is accepted; nothing goes through pandas.

:func:`iter_records` is the public entry point (streaming a file for scoring); the other functions
are shared by the loaders in :mod:`screener.datasets.corpus` and :mod:`screener.datasets.foreign`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from screener.errors import DataError

__all__ = ["FIELD_SIZE_LIMIT", "Record", "iter_records"]


# Large enough for any ad or job description, small enough that an unclosed quote, which makes the
# rest of the file one field, fails with a message instead of reading a huge file into memory.
FIELD_SIZE_LIMIT = 32 * 1024 * 1024

_JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
_CSV_SUFFIXES = (".csv",)

Record = dict[str, Any]


# --- errors -----------------------------------------------------------------------------------------


def error_at(where: object, message_en: str, message_id: str) -> DataError:
    return DataError(f"{where}: {message_en}", f"{where}: {message_id}")


def quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in names) or "(none)"


def missing_column(where: object, column: str, available: Iterable[str]) -> DataError:
    listed = quoted(available)
    return error_at(
        where,
        f"no column {column!r}; available columns: {listed}",
        f"kolom {column!r} tidak ada; kolom yang tersedia: {listed}",
    )


def duplicate_id(where: object, record_id: str, first: str) -> DataError:
    return error_at(
        where,
        f"duplicate id {record_id!r} (first seen at {first})",
        f"id {record_id!r} ganda (pertama muncul di {first})",
    )


# --- reading files ----------------------------------------------------------------------------------


def _open(path: Path) -> BinaryIO:
    if not path.exists():
        raise error_at(path, "file not found", "berkas tidak ditemukan")
    if path.is_dir():
        raise error_at(path, "is a folder, expected a file", "ini folder, seharusnya berkas")
    try:
        return path.open("rb")
    except OSError as exc:
        raise error_at(path, f"cannot open: {exc.strerror}", f"tidak dapat dibuka: {exc.strerror}") from None


def _utf8_error(where: object, offset: int, exc: UnicodeDecodeError) -> DataError:
    bad = exc.object[exc.start : exc.end].hex(" ")
    return error_at(
        where,
        f"not valid UTF-8: byte {offset + exc.start} of the file (0x{bad}); save the file as UTF-8",
        f"bukan UTF-8 yang sah: byte ke-{offset + exc.start} dalam berkas (0x{bad}); simpan berkas "
        "sebagai UTF-8",
    )


def _locate_utf8_error(path: Path) -> DataError:
    """Find the first undecodable byte, line by line (a UTF-8 sequence never spans a newline)."""
    offset = 0
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return _utf8_error(f"{path}:{number}", offset, exc)
            offset += len(raw)
    return error_at(path, "not valid UTF-8", "bukan UTF-8 yang sah")


class _DuplicateKeyError(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        keys = [key for key, _ in pairs]
        raise _DuplicateKeyError(quoted(sorted({key for key in keys if keys.count(key) > 1})))
    return record


def read_jsonl(path: Path) -> Iterator[tuple[int, Record | DataError]]:
    """Yield ``(line, object)`` or ``(line, DataError)`` for every non-blank line."""
    with _open(path) as fh:
        offset = 0
        for number, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            where = f"{path}:{number}"
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw, start = raw[len(codecs.BOM_UTF8) :], start + len(codecs.BOM_UTF8)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, _utf8_error(where, start, exc)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line, object_pairs_hook=_object_without_duplicate_keys)
            except _DuplicateKeyError as exc:
                yield number, error_at(where, f"duplicate key {exc}", f"kunci ganda {exc}")
                continue
            except json.JSONDecodeError as exc:
                yield (
                    number,
                    error_at(
                        where,
                        f"invalid JSON: {exc.msg} (column {exc.colno}); expected one JSON object per line",
                        f"JSON tidak sah: {exc.msg} (kolom {exc.colno}); "
                        "seharusnya satu objek JSON per baris",
                    ),
                )
                continue
            if not isinstance(record, dict):
                kind = type(record).__name__
                yield (
                    number,
                    error_at(
                        where,
                        f"expected a JSON object, got {kind}",
                        f"seharusnya objek JSON, bukan {kind}",
                    ),
                )
                continue
            yield number, record


def _raise_field_size_limit() -> None:
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)


def read_csv(
    path: Path, required: Sequence[str], *, header: list[str] | None = None
) -> Iterator[tuple[int, Record | DataError]]:
    """Yield ``(line, row)`` or ``(line, DataError)`` for a ragged row; file-level problems raise.

    ``header``, when given, receives the file's column names before the first row is yielded.
    """
    _raise_field_size_limit()
    end = 0  # the line on which the last complete record (or the header) ended
    with _open(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        try:
            reader = csv.DictReader(text)
            columns = reader.fieldnames
            if not columns:
                raise error_at(
                    path, "empty file: no header row", "berkas kosong: tidak ada baris judul kolom"
                )
            duplicated = sorted({c for c in columns if columns.count(c) > 1})
            if duplicated:
                raise error_at(
                    f"{path}:1",
                    f"duplicate column names: {quoted(duplicated)}",
                    f"nama kolom ganda: {quoted(duplicated)}",
                )
            for column in required:
                if column not in columns:
                    raise missing_column(f"{path}:1", column, columns)
            if header is not None:
                header[:] = columns
            end = reader.line_num
            for row in reader:
                number, end = end + 1, reader.line_num
                if None in row:
                    found = len(columns) + len(row[None])
                    yield number, _ragged(path, number, found, len(columns))
                elif any(value is None for value in row.values()):
                    found = sum(value is not None for value in row.values())
                    yield number, _ragged(path, number, found, len(columns))
                else:
                    yield number, row
        except UnicodeDecodeError:
            raise _locate_utf8_error(path) from None
        except csv.Error as exc:  # csv's own line_num stops short when a field is too large
            raise error_at(
                f"{path}:{end + 1}", f"unreadable CSV: {exc}", f"CSV tidak dapat dibaca: {exc}"
            ) from None


def _ragged(path: Path, number: int, found: int, expected: int) -> DataError:
    return error_at(
        f"{path}:{number}",
        f"row has {found} fields, the header has {expected}",
        f"baris berisi {found} kolom, baris judul berisi {expected}",
    )


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    if suffix in _CSV_SUFFIXES:
        return "csv"
    known = ", ".join(_JSONL_SUFFIXES + _CSV_SUFFIXES)
    raise error_at(
        path,
        f"unknown file type {suffix or '(no extension)'!r}; expected one of {known}",
        f"jenis berkas {suffix or '(tanpa ekstensi)'!r} tidak dikenal; seharusnya salah satu dari {known}",
    )


def _records(path: Path, required: Sequence[str]) -> Iterator[tuple[int, Record | DataError]]:
    return read_jsonl(path) if file_kind(path) == "jsonl" else read_csv(path, required)


# --- fields -----------------------------------------------------------------------------------------


def field_value(record: Record, column: str, where: str) -> Any:
    if column not in record:
        raise missing_column(where, column, record)
    return record[column]


def text_value(record: Record, column: str, where: str) -> str:
    value = field_value(record, column, where)
    if not isinstance(value, str):
        kind = type(value).__name__
        raise error_at(where, f"text must be a string, got {kind}", f"teks harus berupa string, bukan {kind}")
    if not value.strip():
        raise error_at(where, f"empty text in column {column!r}", f"teks kosong di kolom {column!r}")
    return value


def name_value(record: Record, column: str, where: str, what: str, what_id: str) -> str:
    """An id or group value: a non-blank string, or an integer (JSON) taken as its decimal string."""
    value = field_value(record, column, where)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        kind = type(value).__name__
        raise error_at(
            where,
            f"{what} in column {column!r} must be a string or an integer, got {kind}",
            f"{what_id} di kolom {column!r} harus berupa string atau bilangan bulat, bukan {kind}",
        )
    if not value.strip():
        raise error_at(where, f"empty {what} in column {column!r}", f"{what_id} kosong di kolom {column!r}")
    return value


def need_records(path: object, count: int) -> None:
    if count == 0:
        raise error_at(path, "no records", "tidak ada data")


def iter_records(
    path: str | Path, *, text_column: str = "text", id_column: str | None = "id"
) -> Iterator[tuple[int, Record | DataError]]:
    """Stream a JSONL or CSV file (by extension) for scoring, one record at a time.

    Yields ``(line, record)`` with the record as read (for CSV, a ``dict`` of strings), after checking
    that ``record[text_column]`` is a non-blank string and that ``record[id_column]``, when the record
    has that key, is a non-blank string or an integer. The id is optional: a caller falls back to the
    line number (``record.get(id_column, line)``). A record that fails, a line of invalid JSON or
    UTF-8, and a ragged CSV row are yielded as ``(line, DataError)`` and the stream goes on.

    Problems with the whole file raise :class:`DataError` when iteration reaches them: a missing file,
    an unknown extension, a CSV header without ``text_column``, and undecodable bytes or a broken
    quote in a CSV file (after which no row can be trusted).
    """
    source = Path(path)
    for number, record in _records(source, [text_column]):
        if not isinstance(record, DataError):
            where = f"{source}:{number}"
            try:
                text_value(record, text_column, where)
                if id_column is not None and id_column in record:
                    name_value(record, id_column, where, "id", "id")
            except DataError as exc:
                record = exc
        yield number, record
