"""Read labelled ads: the project's corpus, other people's CSV / JSONL files and EMSCAD.

Every loader returns a :class:`Dataset` and turns every problem in the data into a
:class:`~screener.errors.DataError` that names the file and line (``corpus/tppo_hubs.jsonl:41: ...``)
in English and Bahasa Indonesia, so the CLI can print it as one line.

* :func:`load_corpus` reads ``datasets/corpus/*.jsonl`` and checks its schema strictly.
* :func:`load_labelled` reads a CSV or JSONL file with a text column and a label column, mapping
  label values such as ``fraud`` / ``legit`` to 1 / 0.
* :func:`load_emscad` reads the EMSCAD fake-job-postings CSV.
* :func:`iter_records` streams a file record by record for scoring, yielding a ``DataError`` in
  place of a malformed record instead of stopping.

Files are read as strict UTF-8 (a byte-order mark at the start is accepted) and never through
pandas. JSONL is decoded line by line, so a bad line is reported with its line and byte offset;
CSV goes through :class:`csv.DictReader` on a text stream, and line numbers in its messages are
the physical line on which a record starts (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from screener.errors import DataError
from screener.vocabulary import Category, Language, Platform

__all__ = [
    "CATEGORY_LABELS",
    "CORPUS_DIR",
    "CORPUS_KEYS",
    "LANGUAGES",
    "PLATFORMS",
    "Dataset",
    "iter_records",
    "load_corpus",
    "load_emscad",
    "load_labelled",
]

CORPUS_DIR = Path(__file__).parents[1] / "datasets" / "corpus"

# Category -> the label it implies: awareness posts talk about trafficking but are not recruitment;
# non-offers (sales, rentals, customer-service replies...) are not recruitment either.
CATEGORY_LABELS: dict[str, int] = {str(c): int(c.risky) for c in Category}
LANGUAGES = tuple(str(language) for language in Language)
PLATFORMS = tuple(str(platform) for platform in Platform)
CORPUS_KEYS = ("id", "text", "label", "category", "indicators", "language", "platform", "group")

POSITIVE = ("1", "true", "yes", "risky", "fraud", "fraudulent", "scam", "tppo", "tppm")
NEGATIVE = ("0", "false", "no", "safe", "legit", "legitimate", "awareness")

EMSCAD_TEXT_COLUMNS = ("title", "company_profile", "description", "requirements", "benefits")
# The original EMSCAD release writes booleans as t / f, the Kaggle copy as 1 / 0.
_EMSCAD_POSITIVE = ("1", "t", "true")
_EMSCAD_NEGATIVE = ("0", "f", "false")

# Large enough for any ad or job description, small enough that an unclosed quote, which makes the
# rest of the file one field, fails with a message instead of reading a huge file into memory.
FIELD_SIZE_LIMIT = 32 * 1024 * 1024

_JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
_CSV_SUFFIXES = (".csv",)
_FORMATS = ("auto", "csv", "jsonl", "emscad", "corpus")
_INTEGRAL_DECIMAL = re.compile(r"[+-]?\d+\.0*")

Record = dict[str, Any]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Texts with 0/1 labels and whatever else the source file records about them.

    ``eq=False``: two datasets compare by identity; compare :meth:`fingerprint` for content.
    ``labels`` is stored as a read-only ``int64`` copy.
    """

    texts: list[str]
    labels: np.ndarray
    ids: list[str]
    groups: list[str] | None = None
    categories: list[str] | None = None
    indicators: list[list[str]] | None = None
    languages: list[str] | None = None
    platforms: list[str] | None = None
    source: str = ""

    def __post_init__(self) -> None:
        raw = np.asarray(self.labels)
        if raw.size and raw.dtype.kind not in "biu":
            raise ValueError(f"labels must be integers 0/1, got dtype {raw.dtype}")
        labels = raw.astype(np.int64, copy=True).reshape(-1) if raw.size else np.zeros(0, np.int64)
        if raw.ndim > 1:
            raise ValueError(f"labels must be one-dimensional, got shape {raw.shape}")
        if not np.isin(labels, (0, 1)).all():
            raise ValueError(f"labels must be 0 or 1, got {sorted(set(labels.tolist()) - {0, 1})}")
        labels.setflags(write=False)
        object.__setattr__(self, "labels", labels)
        n = len(self.texts)
        for name in ("labels", "ids", "groups", "categories", "indicators", "languages", "platforms"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} items, texts has {n}")

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: Sequence[int] | np.ndarray) -> Dataset:
        """The rows at ``index`` (positions, repeats allowed, or a boolean mask), in that order."""
        idx = np.asarray(index)
        if idx.dtype == np.bool_:
            if idx.shape != (len(self),):
                raise IndexError(f"boolean mask has shape {idx.shape}, dataset has {len(self)} rows")
            idx = np.flatnonzero(idx)
        elif idx.size == 0:
            idx = np.zeros(0, dtype=np.intp)
        elif idx.dtype.kind not in "iu":
            raise TypeError(f"index must hold integers or booleans, got dtype {idx.dtype}")
        if idx.ndim != 1:
            raise IndexError(f"index must be one-dimensional, got shape {idx.shape}")
        # Negative positions are refused rather than wrapped: here they are almost always a bug.
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise IndexError(f"index out of range for a dataset of {len(self)} rows")
        rows = idx.tolist()

        def pick(values: list[Any] | None) -> list[Any] | None:
            return None if values is None else [values[i] for i in rows]

        return Dataset(
            texts=[self.texts[i] for i in rows],
            labels=self.labels[idx],
            ids=[self.ids[i] for i in rows],
            groups=pick(self.groups),
            categories=pick(self.categories),
            indicators=None if self.indicators is None else [list(self.indicators[i]) for i in rows],
            languages=pick(self.languages),
            platforms=pick(self.platforms),
            source=self.source,
        )

    def concat(self, other: Dataset) -> Dataset:
        """This dataset followed by ``other`` (e.g. the corpus plus moderators' exported decisions).

        Optional columns survive only when both sides have them; ids must stay unique.
        """
        clash = set(self.ids) & set(other.ids)
        if clash:
            first = sorted(clash)[0]
            raise DataError(
                f"{len(clash)} ids appear in both datasets, e.g. {first!r}",
                f"{len(clash)} id muncul di kedua dataset, misalnya {first!r}",
            )

        def join(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
            return None if a is None or b is None else list(a) + list(b)

        return Dataset(
            texts=self.texts + other.texts,
            labels=np.concatenate([self.labels, other.labels]),
            ids=self.ids + other.ids,
            groups=join(self.groups, other.groups),
            categories=join(self.categories, other.categories),
            indicators=join(self.indicators, other.indicators),
            languages=join(self.languages, other.languages),
            platforms=join(self.platforms, other.platforms),
            source=f"{self.source} + {other.source}",
        )

    def fingerprint(self) -> str:
        """sha256 (hex) over the ids, texts and labels in order: the data hash of a model card."""
        digest = hashlib.sha256(b"tppo-screener dataset v1\n")
        for record_id, text, label in zip(self.ids, self.texts, self.labels.tolist(), strict=True):
            # JSON escapes newlines and quotes, so one line per record is an unambiguous encoding.
            digest.update(json.dumps([record_id, text, label]).encode("ascii"))
            digest.update(b"\n")
        return digest.hexdigest()


# --- errors -----------------------------------------------------------------------------------------


def _error(where: object, message_en: str, message_id: str) -> DataError:
    return DataError(f"{where}: {message_en}", f"{where}: {message_id}")


def _columns(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in names) or "(none)"


def _missing_column(where: object, column: str, available: Iterable[str]) -> DataError:
    listed = _columns(available)
    return _error(
        where,
        f"no column {column!r}; available columns: {listed}",
        f"kolom {column!r} tidak ada; kolom yang tersedia: {listed}",
    )


def _duplicate_id(where: object, record_id: str, first: str) -> DataError:
    return _error(
        where,
        f"duplicate id {record_id!r} (first seen at {first})",
        f"id {record_id!r} ganda (pertama muncul di {first})",
    )


# --- reading files ----------------------------------------------------------------------------------


def _open(path: Path) -> BinaryIO:
    if not path.exists():
        raise _error(path, "file not found", "berkas tidak ditemukan")
    if path.is_dir():
        raise _error(path, "is a folder, expected a file", "ini folder, seharusnya berkas")
    try:
        return path.open("rb")
    except OSError as exc:
        raise _error(path, f"cannot open: {exc.strerror}", f"tidak dapat dibuka: {exc.strerror}") from None


def _utf8_error(where: object, offset: int, exc: UnicodeDecodeError) -> DataError:
    bad = exc.object[exc.start : exc.end].hex(" ")
    return _error(
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
    return _error(path, "not valid UTF-8", "bukan UTF-8 yang sah")


class _DuplicateKeyError(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        keys = [key for key, _ in pairs]
        raise _DuplicateKeyError(_columns(sorted({key for key in keys if keys.count(key) > 1})))
    return record


def _read_jsonl(path: Path) -> Iterator[tuple[int, Record | DataError]]:
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
                yield number, _error(where, f"duplicate key {exc}", f"kunci ganda {exc}")
                continue
            except json.JSONDecodeError as exc:
                yield (
                    number,
                    _error(
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
                    _error(
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


def _read_csv(
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
                raise _error(path, "empty file: no header row", "berkas kosong: tidak ada baris judul kolom")
            duplicated = sorted({c for c in columns if columns.count(c) > 1})
            if duplicated:
                raise _error(
                    f"{path}:1",
                    f"duplicate column names: {_columns(duplicated)}",
                    f"nama kolom ganda: {_columns(duplicated)}",
                )
            for column in required:
                if column not in columns:
                    raise _missing_column(f"{path}:1", column, columns)
            if header is not None:
                header[:] = columns
            end = reader.line_num
            for row in reader:
                number, end = end + 1, reader.line_num
                if None in row:
                    found = len(columns) + len(row[None])  # type: ignore[index]
                    yield number, _ragged(path, number, found, len(columns))
                elif any(value is None for value in row.values()):
                    found = sum(value is not None for value in row.values())
                    yield number, _ragged(path, number, found, len(columns))
                else:
                    yield number, row
        except UnicodeDecodeError:
            raise _locate_utf8_error(path) from None
        except csv.Error as exc:  # csv's own line_num stops short when a field is too large
            raise _error(
                f"{path}:{end + 1}", f"unreadable CSV: {exc}", f"CSV tidak dapat dibaca: {exc}"
            ) from None


def _ragged(path: Path, number: int, found: int, expected: int) -> DataError:
    return _error(
        f"{path}:{number}",
        f"row has {found} fields, the header has {expected}",
        f"baris berisi {found} kolom, baris judul berisi {expected}",
    )


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    if suffix in _CSV_SUFFIXES:
        return "csv"
    known = ", ".join(_JSONL_SUFFIXES + _CSV_SUFFIXES)
    raise _error(
        path,
        f"unknown file type {suffix or '(no extension)'!r}; expected one of {known}",
        f"jenis berkas {suffix or '(tanpa ekstensi)'!r} tidak dikenal; seharusnya salah satu dari {known}",
    )


def _records(path: Path, required: Sequence[str]) -> Iterator[tuple[int, Record | DataError]]:
    return _read_jsonl(path) if _kind(path) == "jsonl" else _read_csv(path, required)


# --- fields -----------------------------------------------------------------------------------------


def _field(record: Record, column: str, where: str) -> Any:
    if column not in record:
        raise _missing_column(where, column, record)
    return record[column]


def _text(record: Record, column: str, where: str) -> str:
    value = _field(record, column, where)
    if not isinstance(value, str):
        kind = type(value).__name__
        raise _error(where, f"text must be a string, got {kind}", f"teks harus berupa string, bukan {kind}")
    if not value.strip():
        raise _error(where, f"empty text in column {column!r}", f"teks kosong di kolom {column!r}")
    return value


def _name(record: Record, column: str, where: str, what: str, what_id: str) -> str:
    """An id or group value: a non-blank string, or an integer (JSON) taken as its decimal string."""
    value = _field(record, column, where)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        kind = type(value).__name__
        raise _error(
            where,
            f"{what} in column {column!r} must be a string or an integer, got {kind}",
            f"{what_id} di kolom {column!r} harus berupa string atau bilangan bulat, bukan {kind}",
        )
    if not value.strip():
        raise _error(where, f"empty {what} in column {column!r}", f"{what_id} kosong di kolom {column!r}")
    return value


def _label_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    key = str(value).strip().casefold()
    if _INTEGRAL_DECIMAL.fullmatch(key):  # "1.0" from a float column written by pandas
        key = str(int(float(key)))
    return key


def _label_reader(
    positive: Sequence[str], negative: Sequence[str], column: str
) -> Callable[[Record, str], int]:
    positive = (positive,) if isinstance(positive, str) else positive
    negative = (negative,) if isinstance(negative, str) else negative
    pos = {_label_key(v) for v in positive}
    neg = {_label_key(v) for v in negative}
    both = sorted(pos & neg)
    if both:
        raise DataError(
            f"label values given as both positive and negative: {_columns(both)}",
            f"nilai label disebut positif sekaligus negatif: {_columns(both)}",
        )
    listed_pos, listed_neg = _columns(sorted(pos)), _columns(sorted(neg))

    def read(record: Record, where: str) -> int:
        value = _field(record, column, where)
        key = _label_key(value)
        if key in pos:
            return 1
        if key in neg:
            return 0
        shown = "(empty)" if key == "" or value is None else repr(value)
        raise _error(
            where,
            f"label {shown} in column {column!r} is neither positive ({listed_pos}) "
            f"nor negative ({listed_neg})",
            f"label {shown} di kolom {column!r} bukan positif ({listed_pos}) maupun negatif ({listed_neg})",
        )

    return read


def _need_records(path: object, count: int) -> None:
    if count == 0:
        raise _error(path, "no records", "tidak ada data")


# --- the corpus -------------------------------------------------------------------------------------


def _known_indicators() -> frozenset[str]:
    from screener.catalogue import catalogue  # the catalogue is only needed to check the corpus

    return frozenset(indicator.id for indicator in catalogue())


def _choice(record: Record, key: str, allowed: Sequence[str], where: str, name_id: str) -> str:
    value = record[key]
    if value not in allowed:
        listed = _columns(allowed)
        raise _error(
            where,
            f"{key} {value!r} is not one of {listed}",
            f"{name_id} {value!r} bukan salah satu dari {listed}",
        )
    return value


def _corpus_row(record: Record, where: str, known: frozenset[str]) -> tuple[str, str, int, str, list[str]]:
    missing = [key for key in CORPUS_KEYS if key not in record]
    if missing:
        raise _error(where, f"missing keys: {_columns(missing)}", f"kunci tidak ada: {_columns(missing)}")
    extra = [key for key in record if key not in CORPUS_KEYS]
    if extra:
        raise _error(where, f"unexpected keys: {_columns(extra)}", f"kunci tak dikenal: {_columns(extra)}")
    for key in ("id", "text", "group"):
        value = record[key]
        if not isinstance(value, str) or not value.strip():
            raise _error(
                where,
                f"{key} must be a non-empty string, got {value!r}",
                f"{key} harus berupa string yang tidak kosong, bukan {value!r}",
            )
    label = record["label"]
    if isinstance(label, bool) or label not in (0, 1) or not isinstance(label, int):
        raise _error(where, f"label must be 0 or 1, got {label!r}", f"label harus 0 atau 1, bukan {label!r}")
    category = _choice(record, "category", tuple(CATEGORY_LABELS), where, "kategori")
    if CATEGORY_LABELS[category] != label:
        raise _error(
            where,
            f"label {label} contradicts category {category!r} (label {CATEGORY_LABELS[category]})",
            f"label {label} bertentangan dengan kategori {category!r} (label {CATEGORY_LABELS[category]})",
        )
    _choice(record, "language", LANGUAGES, where, "bahasa")
    _choice(record, "platform", PLATFORMS, where, "platform")
    indicators = record["indicators"]
    if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
        raise _error(
            where,
            f"indicators must be a list of strings, got {indicators!r}",
            f"indicators harus berupa daftar string, bukan {indicators!r}",
        )
    unknown = [i for i in indicators if i not in known]
    if unknown:
        raise _error(
            where,
            f"indicators not in the catalogue: {_columns(unknown)}",
            f"indikator tidak ada di katalog: {_columns(unknown)}",
        )
    repeated = sorted({i for i in indicators if indicators.count(i) > 1})
    if repeated:
        raise _error(
            where, f"indicators repeated: {_columns(repeated)}", f"indikator berulang: {_columns(repeated)}"
        )
    return record["id"], record["text"], label, category, indicators


def load_corpus(path: str | Path | None = None) -> Dataset:
    """Load the project's corpus and check its schema strictly.

    Parameters
    ----------
    path : str or Path, optional
        A folder of ``*.jsonl`` files (read in name order) or one ``.jsonl`` file; by default
        :data:`CORPUS_DIR`.

    Returns
    -------
    Dataset
        With every optional field filled in; ``source`` is ``path``.

    Raises
    ------
    DataError
        Naming ``file:line`` for the first bad record: invalid JSON or UTF-8, a missing or unexpected
        key, a value outside the allowed set, a label that contradicts the category, an indicator not
        in the catalogue, empty text, or an id already used (in any file).
    """
    root = CORPUS_DIR if path is None else Path(path)
    if root.is_dir():
        files = sorted(root.glob("*.jsonl"), key=lambda p: p.name)
        if not files:
            raise _error(root, "no *.jsonl files in this folder", "tidak ada berkas *.jsonl di folder ini")
    else:
        files = [root]
    known = _known_indicators()
    seen: dict[str, str] = {}
    ids: list[str] = []
    texts: list[str] = []
    labels: list[int] = []
    columns: dict[str, list[Any]] = {
        key: [] for key in ("group", "category", "indicators", "language", "platform")
    }
    for file in files:
        count = 0
        for number, record in _read_jsonl(file):
            where = f"{file}:{number}"
            if isinstance(record, DataError):
                raise record
            record_id, text, label, _, _ = _corpus_row(record, where, known)
            if record_id in seen:
                raise _duplicate_id(where, record_id, seen[record_id])
            seen[record_id] = where
            ids.append(record_id)
            texts.append(text)
            labels.append(label)
            for key, values in columns.items():
                values.append(list(record[key]) if key == "indicators" else record[key])
            count += 1
        _need_records(file, count)
    return Dataset(
        texts=texts,
        labels=np.array(labels, dtype=np.int64),
        ids=ids,
        groups=columns["group"],
        categories=columns["category"],
        indicators=columns["indicators"],
        languages=columns["language"],
        platforms=columns["platform"],
        source=str(root),
    )


# --- other people's files ---------------------------------------------------------------------------


def load_labelled(
    path: str | Path,
    *,
    format: str = "auto",
    text_column: str = "text",
    label_column: str = "label",
    positive: Sequence[str] = POSITIVE,
    negative: Sequence[str] = NEGATIVE,
    group_column: str | None = None,
    id_column: str | None = "id",
) -> Dataset:
    """Load a labelled CSV or JSONL file (or the corpus, or EMSCAD) for training or evaluation.

    Parameters
    ----------
    path : str or Path
        The file (or, for ``format="corpus"``, a corpus folder).
    format : {"auto", "csv", "jsonl", "emscad", "corpus"}
        ``"auto"`` chooses by extension: ``.csv`` -> csv, ``.jsonl`` / ``.json`` / ``.ndjson`` ->
        jsonl (one object per line), a folder -> corpus. ``"emscad"`` and ``"corpus"`` hand over to
        :func:`load_emscad` and :func:`load_corpus` and ignore the column arguments.
    text_column, label_column : str
        Where the ad text and its label are.
    positive, negative : sequence of str
        Label values meaning 1 (risky) and 0 (safe), compared case-insensitively after ``str()`` and
        ``strip()``; ``1`` / ``0``, ``1.0`` / ``0.0`` and ``True`` / ``False`` work through
        ``"1"``, ``"0"``, ``"true"``, ``"false"``.
    group_column : str, optional
        Column of group keys (near-duplicates share one) for grouped cross-validation.
    id_column : str or None
        Column of unique record ids. When the file has no such column (decided by the CSV header or
        the first JSONL record) or it is ``None``, line numbers are the ids.

    Raises
    ------
    DataError
        For a missing file or column (listing the available columns), bad UTF-8, invalid JSON, a
        ragged CSV row, empty text, an unknown label value, an empty or duplicate id, an unknown
        format, or a value that is both positive and negative; naming ``file:line``.
    """
    source = Path(path)
    fmt = format.lower()
    if fmt not in _FORMATS:
        raise DataError(
            f"unknown format {format!r}; expected one of {_columns(_FORMATS)}",
            f"format {format!r} tidak dikenal; seharusnya salah satu dari {_columns(_FORMATS)}",
        )
    if fmt == "auto":
        fmt = "corpus" if source.is_dir() else _kind(source)
    if fmt == "corpus":
        return load_corpus(source)
    if fmt == "emscad":
        return load_emscad(source)
    read_label = _label_reader(positive, negative, label_column)
    header: list[str] = []
    required = [c for c in (text_column, label_column, group_column) if c is not None]
    rows = _read_jsonl(source) if fmt == "jsonl" else _read_csv(source, required, header=header)
    use_ids: bool | None = None if id_column is not None else False
    texts: list[str] = []
    labels: list[int] = []
    ids: list[str] = []
    groups: list[str] = []
    seen: dict[str, str] = {}
    for number, record in rows:
        where = f"{source}:{number}"
        if isinstance(record, DataError):
            raise record
        text = _text(record, text_column, where)
        label = read_label(record, where)
        if use_ids is None:  # decided once per file: the CSV header, or the first JSONL record
            use_ids = id_column in (header if fmt == "csv" else record)
        record_id = _name(record, id_column, where, "id", "id") if use_ids and id_column else str(number)
        if group_column is not None:
            groups.append(_name(record, group_column, where, "group", "grup"))
        if record_id in seen:
            raise _duplicate_id(where, record_id, seen[record_id])
        seen[record_id] = where
        texts.append(text)
        labels.append(label)
        ids.append(record_id)
    _need_records(source, len(texts))
    return Dataset(
        texts=texts,
        labels=np.array(labels, dtype=np.int64),
        ids=ids,
        groups=groups if group_column is not None else None,
        source=str(source),
    )


def load_emscad(path: str | Path) -> Dataset:
    """Load the EMSCAD fake-job-postings CSV (Vidros et al. 2017) as an English benchmark.

    The text is the title, company profile, description, requirements and benefits joined by blank
    lines, skipping empty and ``NaN`` parts; the label is ``fraudulent`` (``1`` / ``0`` or ``t`` /
    ``f``); the id is ``job_id`` when the file has that column, else the line number. EMSCAD has no
    near-duplicate groups, so ``groups`` is ``None``.
    """
    source = Path(path)
    read_label = _label_reader(_EMSCAD_POSITIVE, _EMSCAD_NEGATIVE, "fraudulent")
    header: list[str] = []
    texts: list[str] = []
    labels: list[int] = []
    ids: list[str] = []
    seen: dict[str, str] = {}
    for number, record in _read_csv(source, (*EMSCAD_TEXT_COLUMNS, "fraudulent"), header=header):
        where = f"{source}:{number}"
        if isinstance(record, DataError):
            raise record
        parts = [record[column].strip() for column in EMSCAD_TEXT_COLUMNS]
        text = "\n\n".join(part for part in parts if part and part.casefold() != "nan")
        if not text:
            raise _error(
                where,
                "empty text: no title, company profile, description, requirements or benefits",
                "teks kosong: tidak ada judul, profil perusahaan, deskripsi, persyaratan, atau tunjangan",
            )
        record_id = _name(record, "job_id", where, "id", "id") if "job_id" in header else str(number)
        if record_id in seen:
            raise _duplicate_id(where, record_id, seen[record_id])
        seen[record_id] = where
        texts.append(text)
        labels.append(read_label(record, where))
        ids.append(record_id)
    _need_records(source, len(texts))
    return Dataset(texts=texts, labels=np.array(labels, dtype=np.int64), ids=ids, source=str(source))


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
                _text(record, text_column, where)
                if id_column is not None and id_column in record:
                    _name(record, id_column, where, "id", "id")
            except DataError as exc:
                record = exc
        yield number, record
