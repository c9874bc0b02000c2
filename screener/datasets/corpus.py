"""The project's corpus: its schema (checked strictly) and :func:`load_corpus`.

One JSON object per line in ``datasets/corpus/*.jsonl`` with exactly the keys :data:`CORPUS_KEYS`;
categories, languages and platforms come from :mod:`screener.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from screener import paths
from screener.datasets.dataset import Dataset
from screener.datasets.readers import Record, duplicate_id, error_at, need_records, quoted, read_jsonl
from screener.errors import DataError
from screener.vocabulary import Category, Language, Platform

__all__ = ["CATEGORY_LABELS", "CORPUS_KEYS", "LANGUAGES", "PLATFORMS", "load_corpus"]

# Category -> the label it implies: awareness posts talk about trafficking but are not recruitment;
# non-offers (sales, rentals, customer-service replies...) are not recruitment either.
CATEGORY_LABELS: dict[str, int] = {str(c): int(c.risky) for c in Category}
LANGUAGES = tuple(str(language) for language in Language)
PLATFORMS = tuple(str(platform) for platform in Platform)
CORPUS_KEYS = ("id", "text", "label", "category", "indicators", "language", "platform", "group")


def _known_indicators() -> frozenset[str]:
    from screener.catalogue import catalogue  # the catalogue is only needed to check the corpus

    return frozenset(indicator.id for indicator in catalogue())


def _choice(record: Record, key: str, allowed: Sequence[str], where: str, name_id: str) -> str:
    value = record[key]
    if value not in allowed:
        listed = quoted(allowed)
        raise error_at(
            where,
            f"{key} {value!r} is not one of {listed}",
            f"{name_id} {value!r} bukan salah satu dari {listed}",
        )
    return value


def _corpus_row(record: Record, where: str, known: frozenset[str]) -> tuple[str, str, int, str, list[str]]:
    missing = [key for key in CORPUS_KEYS if key not in record]
    if missing:
        raise error_at(where, f"missing keys: {quoted(missing)}", f"kunci tidak ada: {quoted(missing)}")
    extra = [key for key in record if key not in CORPUS_KEYS]
    if extra:
        raise error_at(where, f"unexpected keys: {quoted(extra)}", f"kunci tak dikenal: {quoted(extra)}")
    for key in ("id", "text", "group"):
        value = record[key]
        if not isinstance(value, str) or not value.strip():
            raise error_at(
                where,
                f"{key} must be a non-empty string, got {value!r}",
                f"{key} harus berupa string yang tidak kosong, bukan {value!r}",
            )
    label = record["label"]
    if isinstance(label, bool) or label not in (0, 1) or not isinstance(label, int):
        raise error_at(
            where, f"label must be 0 or 1, got {label!r}", f"label harus 0 atau 1, bukan {label!r}"
        )
    category = _choice(record, "category", tuple(CATEGORY_LABELS), where, "kategori")
    if CATEGORY_LABELS[category] != label:
        raise error_at(
            where,
            f"label {label} contradicts category {category!r} (label {CATEGORY_LABELS[category]})",
            f"label {label} bertentangan dengan kategori {category!r} (label {CATEGORY_LABELS[category]})",
        )
    _choice(record, "language", LANGUAGES, where, "bahasa")
    _choice(record, "platform", PLATFORMS, where, "platform")
    indicators = record["indicators"]
    if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
        raise error_at(
            where,
            f"indicators must be a list of strings, got {indicators!r}",
            f"indicators harus berupa daftar string, bukan {indicators!r}",
        )
    unknown = [i for i in indicators if i not in known]
    if unknown:
        raise error_at(
            where,
            f"indicators not in the catalogue: {quoted(unknown)}",
            f"indikator tidak ada di katalog: {quoted(unknown)}",
        )
    repeated = sorted({i for i in indicators if indicators.count(i) > 1})
    if repeated:
        raise error_at(
            where, f"indicators repeated: {quoted(repeated)}", f"indikator berulang: {quoted(repeated)}"
        )
    return record["id"], record["text"], label, category, indicators


def load_corpus(path: str | Path | None = None) -> Dataset:
    """Load the project's corpus and check its schema strictly.

    Parameters
    ----------
    path : str or Path, optional
        A folder of ``*.jsonl`` files (read in name order) or one ``.jsonl`` file; by default
        :func:`screener.paths.corpus_dir` (``datasets/corpus`` under the project root).

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
    root = paths.corpus_dir() if path is None else Path(path)
    if root.is_dir():
        files = sorted(root.glob("*.jsonl"), key=lambda p: p.name)
        if not files:
            raise error_at(root, "no *.jsonl files in this folder", "tidak ada berkas *.jsonl di folder ini")
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
        for number, record in read_jsonl(file):
            where = f"{file}:{number}"
            if isinstance(record, DataError):
                raise record
            record_id, text, label, _, _ = _corpus_row(record, where, known)
            if record_id in seen:
                raise duplicate_id(where, record_id, seen[record_id])
            seen[record_id] = where
            ids.append(record_id)
            texts.append(text)
            labels.append(label)
            for key, values in columns.items():
                values.append(list(record[key]) if key == "indicators" else record[key])
            count += 1
        need_records(file, count)
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
