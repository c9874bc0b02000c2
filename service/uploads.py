"""Batch uploads: the body streamed to a temporary file under the size limit, then stored as a batch.

The API (``POST /api/v1/batches``: multipart or a raw body) and the upload page (multipart) both come
through here, so both refuse an oversized upload the same way (413 as soon as the limit is passed,
without reading the rest) and never hold a whole file in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message

from service.batch_images import ingest_zip
from service.batches import (
    SUFFIXES,
    UNSUPPORTED_EN,
    UNSUPPORTED_ID,
    IngestResult,
    choose_format,
    format_of,
    ingest_file,
)
from service.errors import BadRequest, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from service.images import require_ocr
from service.services import Services

__all__ = [
    "MULTIPART_SLACK",
    "check_declared_size",
    "ingest_stream",
    "ingest_upload",
    "read_batch_form",
    "spool",
    "unsupported",
]

MULTIPART_SLACK = 64 * 1024  # headers and boundaries around the file in a multipart body


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the batch is over {limit} bytes", f"batch melebihi {limit} byte")


def unsupported() -> UnsupportedMediaType:
    return UnsupportedMediaType(UNSUPPORTED_EN, UNSUPPORTED_ID)


async def spool(chunks: AsyncIterator[bytes], target: Path, *, limit: int) -> int:
    """Write ``chunks`` to ``target``; 413 once more than ``limit`` bytes arrived. Returns the size."""
    size = 0
    with target.open("wb") as handle:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            handle.write(chunk)
    return size


def check_declared_size(request: Request, *, limit: int) -> None:
    """413 at once when the declared body is over the batch limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise _too_large(limit)


async def read_batch_form(request: Request, *, limit: int, max_fields: int = 5) -> FormData:
    """The multipart form of a batch upload, refused once it grows past ``limit``.

    The caller closes it (``await form.close()``).
    """
    received = 0
    receive = request.receive

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit + MULTIPART_SLACK:
            raise _too_large(limit)
        return message

    try:
        return await Request(request.scope, counted).form(max_files=1, max_fields=max_fields)
    except HTTPException as exc:  # Starlette's answer to a broken multipart body: 400 "not valid JSON"
        if exc.status_code != 400:
            raise
        raise BadRequest(
            f"the upload is not a valid multipart form ({exc.detail})",
            f"unggahan bukan formulir multipart yang sah ({exc.detail})",
        ) from exc


def _spooled_as(path: Path, *, declared: str | None, forced: str | None) -> tuple[Path, str]:
    """The format chosen for the spooled file, and the file under a name with that format's suffix
    (the CSV / JSONL readers go by the suffix)."""
    fmt = choose_format(path, declared=declared, forced=forced)
    suffix = next((s for s, f in SUFFIXES.items() if f == fmt), ".bin")
    return path.rename(path.with_name(f"batch{suffix}")), fmt


async def ingest_stream(
    services: Services,
    chunks: AsyncIterator[bytes],
    fmt: str | None,
    *,
    key_id: int,
    filename: str | None,
    content_type: str | None,
    forced: str | None = None,
) -> IngestResult:
    """Spool ``chunks`` and store them as a batch; the worker is woken to score it.

    ``fmt``: the format the content type or file name declares, if any; ``forced``: ``format=``. The
    format read is ``forced``, else the one the content shows, else ``fmt`` (415 when none).
    """
    settings = services.settings
    with tempfile.TemporaryDirectory(prefix="screener-batch-") as folder:
        spooled = Path(folder) / "upload"
        await spool(chunks, spooled, limit=settings.max_batch_bytes)
        path, chosen = await run_in_threadpool(_spooled_as, spooled, declared=fmt, forced=forced)
        if chosen == "zip":
            require_ocr()
            result = await run_in_threadpool(
                ingest_zip,
                services.sessions,
                path,
                key_id=key_id,
                filename=filename,
                content_type=content_type,
                max_ads=settings.max_batch_ads,
                max_text_bytes=settings.max_text_bytes,
                ocr_timeout=settings.ocr_timeout,
            )
            services.worker.wake()
            return result
        result = await run_in_threadpool(
            ingest_file,
            services.sessions,
            path,
            chosen,
            key_id=key_id,
            filename=filename,
            content_type=content_type,
            max_ads=settings.max_batch_ads,
            max_text_bytes=settings.max_text_bytes,
            author_key=settings.author_hash_key,
        )
    services.worker.wake()
    return result


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 20):
        yield chunk


async def ingest_upload(
    services: Services, upload: object, *, key_id: int, forced: str | None = None
) -> IngestResult:
    """Store the multipart field ``file`` of a batch upload as a batch (format as :func:`ingest_stream`)."""
    if not isinstance(upload, UploadFile):
        raise Unprocessable(
            "send the batch as the multipart field 'file'",
            "kirim batch sebagai kolom multipart 'file'",
        )
    fmt = format_of(upload.content_type, upload.filename) or format_of(None, upload.filename)
    return await ingest_stream(
        services,
        _upload_chunks(upload),
        fmt,
        key_id=key_id,
        filename=upload.filename,
        content_type=upload.content_type,
        forced=forced,
    )
