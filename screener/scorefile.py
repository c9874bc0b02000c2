"""Scoring a dataset file: records read and checked in order, cut into batches, one JSON line per ad.

The reading half (:func:`iter_batches`) is the same whichever engine scores the batches: in this
process, a process pool on all the cores (:mod:`screener.parallel`) or a Dask cluster
(:mod:`screener.distributed`). Every engine turns a batch into lines with :func:`format_batch`, so
their outputs are byte for byte the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from screener.errors import DataError, ScreenerError

__all__ = ["Batch", "BatchScorer", "RecordError", "format_batch", "iter_batches"]

# One batch: (record id, text) pairs, in file order.
Batch = list[tuple[Any, str]]


class BatchScorer(Protocol):
    """An engine: scores batches and yields each batch's JSON lines in the order the batches came."""

    def map(self, batches: Iterable[Batch]) -> Iterator[list[str]]: ...


class RecordError(DataError):
    """A bad record met while reading (``count_written``: say how many ads were written before it)."""

    def __init__(self, message: str, message_id: str, *, count_written: bool) -> None:
        super().__init__(message, message_id)
        self.count_written = count_written


def format_batch(screener: Any, batch: Batch) -> list[str]:
    """Assess a batch with a :class:`~screener.Screener`; one JSON line (no newline) per ad."""
    results = screener.assess_many([text for _, text in batch])
    return [
        json.dumps({"id": record_id, **assessment.to_dict()}, ensure_ascii=False)
        for (record_id, _), assessment in zip(batch, results, strict=True)
    ]


def iter_batches(
    path: str | Path,
    *,
    text_column: str = "text",
    id_column: str = "id",
    batch_size: int = 256,
    skip_errors: bool = False,
    errors: list[tuple[int, str]] | None = None,
) -> Iterator[Batch]:
    """Read ``path`` (JSONL, CSV, or Parquet with ``pyarrow``) and yield batches of checked ``(id, text)`` pairs.

    A bad record is appended to ``errors`` when ``skip_errors``; otherwise the records before it are
    yielded first and then :class:`RecordError` is raised naming ``file:line``.
    """
    from screener.assessment import check_text
    from screener.datasets import iter_records

    if batch_size < 1:
        raise ScreenerError("--batch-size must be at least 1", "--batch-size minimal 1")
    if Path(path).suffix.lower() == ".parquet":
        records = iter_parquet(path, text_column=text_column, id_column=id_column)
    else:
        records = iter_records(path, text_column=text_column, id_column=id_column)
    batch: Batch = []
    for number, record in records:
        problem: tuple[str, str, bool] | None = None
        if isinstance(record, DataError):
            problem = (record.message, record.message_id, True)
        else:
            text = record[text_column]
            try:
                check_text(text)
            except ScreenerError as exc:
                problem = (exc.message, exc.message_id, False)
        if problem is not None:
            message, message_id, count_written = problem
            if skip_errors:
                if errors is not None:
                    errors.append((number, f"{message_id} / {message}" if message_id != message else message))
                continue
            if batch:
                yield batch
            raise RecordError(f"{path}:{number}: {message}", f"{path}:{number}: {message_id}",
                              count_written=count_written)  # fmt: skip
        assert not isinstance(record, DataError)  # a DataError is a problem, handled above
        batch.append((record.get(id_column, number), text))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def iter_parquet(
    path: str | Path, *, text_column: str = "text", id_column: str = "id"
) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
    """A Parquet file's rows (numbered from 1) as :func:`~screener.datasets.iter_records` yields a
    JSONL file's records: the same checks, a bad row as ``(row, DataError)``; read by record batch,
    so memory stays bounded. Needs ``pyarrow`` (the ``dask`` extra)."""
    from screener.datasets.readers import error_at, missing_column, name_value, text_value

    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            f"{path}: reading Parquet needs pyarrow: pip install 'tppo-screener[dask]'",
            f"{path}: membaca Parquet perlu pyarrow: pip install 'tppo-screener[dask]'",
        ) from None
    source = Path(path)
    if not source.is_file():
        raise error_at(source, "file not found", "berkas tidak ditemukan")
    try:
        parquet = pq.ParquetFile(source)
    except Exception as exc:  # pyarrow raises its own error types for a file that is not Parquet
        raise error_at(source, f"not a Parquet file ({exc})", "bukan berkas Parquet") from None
    names = parquet.schema_arrow.names
    if text_column not in names:
        raise missing_column(source, text_column, names)
    columns = [text_column] + ([id_column] if id_column in names and id_column != text_column else [])
    number = 0
    for table in parquet.iter_batches(columns=columns, batch_size=4096):
        for row in table.to_pylist():
            number += 1
            where = f"{source}:{number}"
            record: dict[str, Any] | DataError = {k: v for k, v in row.items() if v is not None}
            try:
                assert isinstance(record, dict)
                text_value(record, text_column, where)
                if id_column in record:
                    name_value(record, id_column, where, "id", "id")
            except DataError as exc:
                record = exc
            yield number, record


class LocalScorer:
    """Scores batches in this process (``--jobs 1``)."""

    def __init__(self, model: str | Path | None = None) -> None:
        self.model = model
        self._screener: Any = None

    def map(self, batches: Iterable[Batch]) -> Iterator[list[str]]:
        from screener.assessment import Screener

        for batch in batches:
            if self._screener is None:
                self._screener = Screener(self.model)
            yield format_batch(self._screener, batch)
