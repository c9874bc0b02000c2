"""Other people's labelled files: CSV / JSONL with a column mapping (:func:`load_labelled`) and EMSCAD.

Label values such as ``fraud`` / ``legit`` are mapped to 1 / 0; ids and groups may be strings or JSON
integers; a file without an id column is numbered by line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from screener.datasets.corpus import load_corpus
from screener.datasets.dataset import Dataset
from screener.datasets.readers import (
    Record,
    duplicate_id,
    error_at,
    field_value,
    file_kind,
    name_value,
    need_records,
    quoted,
    read_csv,
    read_jsonl,
    text_value,
)
from screener.errors import DataError

__all__ = ["EMSCAD_TEXT_COLUMNS", "NEGATIVE", "POSITIVE", "load_emscad", "load_labelled"]

POSITIVE = ("1", "true", "yes", "risky", "fraud", "fraudulent", "scam", "tppo", "tppm")
NEGATIVE = ("0", "false", "no", "safe", "legit", "legitimate", "awareness")

EMSCAD_TEXT_COLUMNS = ("title", "company_profile", "description", "requirements", "benefits")
# The original EMSCAD release writes booleans as t / f, the Kaggle copy as 1 / 0.
_EMSCAD_POSITIVE = ("1", "t", "true")
_EMSCAD_NEGATIVE = ("0", "f", "false")

_FORMATS = ("auto", "csv", "jsonl", "emscad", "corpus")
_INTEGRAL_DECIMAL = re.compile(r"[+-]?\d+\.0*")


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
            f"label values given as both positive and negative: {quoted(both)}",
            f"nilai label disebut positif sekaligus negatif: {quoted(both)}",
        )
    listed_pos, listed_neg = quoted(sorted(pos)), quoted(sorted(neg))

    def read(record: Record, where: str) -> int:
        value = field_value(record, column, where)
        key = _label_key(value)
        if key in pos:
            return 1
        if key in neg:
            return 0
        shown = "(empty)" if key == "" or value is None else repr(value)
        raise error_at(
            where,
            f"label {shown} in column {column!r} is neither positive ({listed_pos}) "
            f"nor negative ({listed_neg})",
            f"label {shown} di kolom {column!r} bukan positif ({listed_pos}) maupun negatif ({listed_neg})",
        )

    return read


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
            f"unknown format {format!r}; expected one of {quoted(_FORMATS)}",
            f"format {format!r} tidak dikenal; seharusnya salah satu dari {quoted(_FORMATS)}",
        )
    if fmt == "auto":
        fmt = "corpus" if source.is_dir() else file_kind(source)
    if fmt == "corpus":
        return load_corpus(source)
    if fmt == "emscad":
        return load_emscad(source)
    read_label = _label_reader(positive, negative, label_column)
    header: list[str] = []
    required = [c for c in (text_column, label_column, group_column) if c is not None]
    rows = read_jsonl(source) if fmt == "jsonl" else read_csv(source, required, header=header)
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
        text = text_value(record, text_column, where)
        label = read_label(record, where)
        if use_ids is None:  # decided once per file: the CSV header, or the first JSONL record
            use_ids = id_column in (header if fmt == "csv" else record)
        record_id = name_value(record, id_column, where, "id", "id") if use_ids and id_column else str(number)
        if group_column is not None:
            groups.append(name_value(record, group_column, where, "group", "grup"))
        if record_id in seen:
            raise duplicate_id(where, record_id, seen[record_id])
        seen[record_id] = where
        texts.append(text)
        labels.append(label)
        ids.append(record_id)
    need_records(source, len(texts))
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
    for number, record in read_csv(source, (*EMSCAD_TEXT_COLUMNS, "fraudulent"), header=header):
        where = f"{source}:{number}"
        if isinstance(record, DataError):
            raise record
        parts = [record[column].strip() for column in EMSCAD_TEXT_COLUMNS]
        text = "\n\n".join(part for part in parts if part and part.casefold() != "nan")
        if not text:
            raise error_at(
                where,
                "empty text: no title, company profile, description, requirements or benefits",
                "teks kosong: tidak ada judul, profil perusahaan, deskripsi, persyaratan, atau tunjangan",
            )
        record_id = name_value(record, "job_id", where, "id", "id") if "job_id" in header else str(number)
        if record_id in seen:
            raise duplicate_id(where, record_id, seen[record_id])
        seen[record_id] = where
        texts.append(text)
        labels.append(read_label(record, where))
        ids.append(record_id)
    need_records(source, len(texts))
    return Dataset(texts=texts, labels=np.array(labels, dtype=np.int64), ids=ids, source=str(source))
