"""The batch review queue under ``/api/v1``: batches, queue, claims, decisions, contacts, export.

Roles: moderators and admins submit batches and review; admins adjudicate, export and reload the
model; officers may look up a contact. The upload route reads its body itself (streamed to a
temporary file), so it is on a plain router; the JSON routes use :class:`~.body.JSONBodyRoute`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from service.batches import IngestResult, format_of, ingest_file
from service.deps import AdminCaller, ContactCaller, ReviewCaller, ServicesDep, SessionDep, services_of
from service.errors import NotFound, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from service.schemas import ErrorPublic
from service.store import queue as queue_store
from service.store.models import Batch

from .body import JSONBodyRoute

__all__ = ["router"]

MAX_ID = 2**31 - 1
MULTIPART_SLACK = 64 * 1024  # headers and boundaries around the file in a multipart body

ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorPublic} for code in (401, 429, *codes)}


class BatchCreated(BaseModel):
    id: int
    status: str
    accepted: int
    rejected: int


class BatchRowError(BaseModel):
    row: int
    message: str


class BatchPublic(BaseModel):
    id: int
    status: Literal["receiving", "queued", "scoring", "done", "failed"]
    filename: str | None
    accepted: int
    rejected: int
    scored: int
    enqueued: int
    progress: float = Field(description="Scored share of the accepted ads, 0 to 1.")
    error: str | None
    errors: list[BatchRowError]
    created_at: datetime
    finished_at: datetime | None


class ClaimCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=1, ge=1, le=100, description="How many items to lease.")


class ItemsPublic(BaseModel):
    items: list[dict[str, Any]]


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["tppo", "tppm", "scam", "legit", "awareness", "unsure"]
    indicators: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=5000)


class QueuePublic(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


upload_router = APIRouter(prefix="/api/v1", tags=["queue"])
json_router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["queue"])


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the batch is over {limit} bytes", f"batch melebihi {limit} byte")


async def _spool(chunks: AsyncIterator[bytes], target: FilePath, limit: int) -> int:
    size = 0
    with target.open("wb") as handle:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            handle.write(chunk)
    return size


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 20):
        yield chunk


async def read_batch_form(request: Request, *, max_fields: int = 5) -> FormData:
    """The multipart form of a batch upload, refused once it grows past the batch limit.

    The caller closes it (``await form.close()``); the API and the upload page both use this.
    """
    limit = services_of(request.app).settings.max_batch_bytes
    received = 0
    receive = request.receive

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit + MULTIPART_SLACK:
            raise _too_large(limit)
        return message

    return await Request(request.scope, counted).form(max_files=1, max_fields=max_fields)


def check_declared_size(request: Request) -> None:
    """413 at once when the declared body is over the batch limit."""
    limit = services_of(request.app).settings.max_batch_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise _too_large(limit)


async def _ingest(
    request: Request, folder: str, fmt: str, chunks: AsyncIterator[bytes], *, key_id: int,
    filename: str | None, content_type: str | None,
) -> IngestResult:  # fmt: skip
    settings = services_of(request.app).settings
    path = FilePath(folder) / f"batch.{fmt}"
    await _spool(chunks, path, settings.max_batch_bytes)
    result = await run_in_threadpool(
        ingest_file,
        services_of(request.app).sessions,
        path,
        fmt,
        key_id=key_id,
        filename=filename,
        content_type=content_type,
        max_ads=settings.max_batch_ads,
        max_text_bytes=settings.max_text_bytes,
    )
    services_of(request.app).worker.wake()
    return result


async def ingest_upload(request: Request, upload: Any, *, key_id: int) -> IngestResult:
    """Store the multipart field ``file`` of a batch upload as a batch (API and upload page)."""
    if not isinstance(upload, UploadFile):
        raise Unprocessable(
            "send the batch as the multipart field 'file'",
            "kirim batch sebagai kolom multipart 'file'",
        )
    filename = upload.filename
    fmt = format_of(upload.content_type, filename) or format_of(None, filename)
    if fmt is None:
        raise _unsupported()
    with tempfile.TemporaryDirectory(prefix="screener-batch-") as folder:
        return await _ingest(
            request, folder, fmt, _upload_chunks(upload), key_id=key_id, filename=filename,
            content_type=upload.content_type,
        )  # fmt: skip


@upload_router.post(
    "/batches",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchCreated,
    responses=_errors(403, 413, 415, 422),
)
async def submit_batch(request: Request, services: ServicesDep, caller: ReviewCaller) -> JSONResponse:
    """Submit ads (CSV, JSONL or a JSON array; multipart field `file` or the raw body); 202 when stored."""
    check_declared_size(request)
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        form = await read_batch_form(request)
        try:
            result = await ingest_upload(request, form.get("file"), key_id=caller.key_id)
        finally:
            await form.close()
    else:
        fmt = format_of(content_type)
        if fmt is None:
            raise _unsupported()
        with tempfile.TemporaryDirectory(prefix="screener-batch-") as folder:
            result = await _ingest(
                request, folder, fmt, request.stream(), key_id=caller.key_id, filename=None,
                content_type=content_type,
            )  # fmt: skip
    body = BatchCreated(
        id=result.batch_id, status=result.status, accepted=result.accepted, rejected=result.rejected
    )
    return JSONResponse(
        body.model_dump(), status_code=202, headers={"Location": f"/api/v1/batches/{result.batch_id}"}
    )


def _unsupported() -> UnsupportedMediaType:
    return UnsupportedMediaType(
        "send CSV (text/csv), JSON lines (application/x-ndjson) or a JSON array (application/json)",
        "kirim CSV (text/csv), JSON lines (application/x-ndjson) atau larik JSON (application/json)",
    )


def batch_public(session: Any, batch_id: int) -> BatchPublic:
    """A batch's status, counts, progress and malformed rows (the API and the progress page)."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"no batch {batch_id}", f"tidak ada batch {batch_id}")
    errors = queue_store.batch_errors(session, batch_id=batch_id)
    return BatchPublic(
        id=batch.id,
        status=batch.status,  # type: ignore[arg-type]
        filename=batch.filename,
        accepted=batch.accepted,
        rejected=batch.rejected,
        scored=batch.scored,
        enqueued=batch.enqueued,
        progress=round(batch.scored / batch.accepted, 4) if batch.accepted else 1.0,
        error=batch.error,
        errors=[BatchRowError(row=e.row, message=e.message) for e in errors],
        created_at=batch.created_at,
        finished_at=batch.finished_at,
    )


@json_router.get("/batches/{batch_id}", response_model=BatchPublic, responses=_errors(403, 404, 422))
def get_batch(session: SessionDep, caller: ReviewCaller, batch_id: ItemId) -> BatchPublic:
    """A batch's status, counts, progress and malformed rows."""
    return batch_public(session, batch_id)


def _listing(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "status": item.status,
            "reason": item.reason,
            "risk": item.risk,
            "tier": item.tier,
            "platform": item.platform,
            "batch_id": item.batch_id,
            "cluster_id": item.cluster_id,
            "cluster_size": size,
            "batches_seen": batches,
            "review_round": item.review_round,
            "indicators": [i for i in item.indicators_text.split(",") if i],
            "places": [p for p in item.places_text.split(",") if p],
            "text": text[:280],
        }
        for item, text, size, batches in rows
    ]


@json_router.get("/queue", response_model=QueuePublic, responses=_errors(403, 422))
def queue(
    session: SessionDep,
    caller: ReviewCaller,
    indicator: Annotated[str | None, Query(max_length=100, description="A catalogue indicator id.")] = None,
    place: Annotated[
        str | None, Query(max_length=100, description="A place name (Bahasa Indonesia).")
    ] = None,
    platform: Annotated[str | None, Query(max_length=50)] = None,
    batch: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> QueuePublic:
    """Items waiting for review (open, second review, or leased), riskiest first."""
    rows, total = queue_store.list_items(
        session, statuses=("open", "needs_second_review", "leased"), indicator=indicator, place=place,
        platform=platform, batch_id=batch, limit=limit, offset=offset,
    )  # fmt: skip
    return QueuePublic(items=_listing(rows), total=total, limit=limit, offset=offset)


@json_router.post("/queue/claim", response_model=ItemsPublic, responses=_errors(400, 403, 415, 422))
def claim(services: ServicesDep, body: ClaimCreate, caller: ReviewCaller) -> ItemsPublic:
    """Lease up to `limit` items to you (riskiest first); no one else gets them until release or expiry."""
    lease_seconds = services.settings.lease_minutes * 60
    with queue_store.write_transaction(services.sessions) as session:
        ids = queue_store.claim_items(
            session, key_id=caller.key_id, limit=body.limit, lease_seconds=lease_seconds
        )
    with services.sessions() as session:
        return ItemsPublic(items=[queue_store.item_detail(session, item_id=i) for i in ids])


@json_router.get("/items/{item_id}", response_model=dict[str, Any], responses=_errors(403, 404, 422))
def get_item(session: SessionDep, caller: ReviewCaller, item_id: ItemId) -> dict[str, Any]:
    """One queue item with its ad, assessment, campaign, contacts and decisions."""
    return queue_store.item_detail(session, item_id=item_id)


@json_router.post(
    "/items/{item_id}/release", response_model=dict[str, Any], responses=_errors(403, 404, 409, 422)
)
def release(services: ServicesDep, caller: ReviewCaller, item_id: ItemId) -> dict[str, Any]:
    """Give a leased item back to the queue."""
    with queue_store.write_transaction(services.sessions) as session:
        item = queue_store.release_item(session, item_id=item_id, key_id=caller.key_id)
        return {"id": item.id, "status": item.status}


def check_indicators(indicators: list[str]) -> list[str]:
    from screener.catalogue import catalogue

    known = {ind.id for ind in catalogue()}
    unknown = sorted(set(indicators) - known)
    if unknown:
        raise Unprocessable(
            f"unknown indicators: {', '.join(unknown)}", f"indikator tidak dikenal: {', '.join(unknown)}"
        )
    return sorted(set(indicators))


@json_router.post(
    "/items/{item_id}/decision",
    response_model=dict[str, Any],
    responses=_errors(400, 403, 404, 409, 415, 422),
)
def decision(
    services: ServicesDep, body: DecisionCreate, caller: ReviewCaller, item_id: ItemId
) -> dict[str, Any]:
    """Decide an item you hold: verdict, confirmed indicators, note (two-person rule for serious verdicts)."""
    indicators = check_indicators(body.indicators)
    with queue_store.write_transaction(services.sessions) as session:
        item = queue_store.decide(
            session, item_id=item_id, key_id=caller.key_id, verdict=body.verdict, indicators=indicators,
            note=body.note, two_person_rule=services.settings.two_person_rule,
        )  # fmt: skip
        return {"id": item.id, "status": item.status, "final_verdict": item.final_verdict}


@json_router.get("/adjudication", response_model=QueuePublic, responses=_errors(403, 422))
def adjudication(
    session: SessionDep,
    caller: AdminCaller,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> QueuePublic:
    """Items whose two reviewers disagreed, waiting for an admin."""
    rows, total = queue_store.list_items(session, statuses=("adjudication",), limit=limit, offset=offset)
    return QueuePublic(items=_listing(rows), total=total, limit=limit, offset=offset)


@json_router.post(
    "/items/{item_id}/adjudicate",
    response_model=dict[str, Any],
    responses=_errors(400, 403, 404, 409, 415, 422),
)
def adjudicate(
    services: ServicesDep, body: DecisionCreate, caller: AdminCaller, item_id: ItemId
) -> dict[str, Any]:
    """Settle a disagreement: the admin's verdict is final."""
    indicators = check_indicators(body.indicators)
    with queue_store.write_transaction(services.sessions) as session:
        item = queue_store.adjudicate(
            session, item_id=item_id, key_id=caller.key_id, verdict=body.verdict, indicators=indicators,
            note=body.note,
        )  # fmt: skip
        return {"id": item.id, "status": item.status, "final_verdict": item.final_verdict}


@json_router.get("/stats", response_model=dict[str, Any], responses=_errors(403))
def stats(session: SessionDep, caller: ReviewCaller) -> dict[str, Any]:
    """Queue counts and reviewer agreement, per reviewer and per indicator."""
    return queue_store.stats(session)


@json_router.get("/contacts/{value}", response_model=dict[str, Any], responses=_errors(403, 422))
def contact(
    session: SessionDep, caller: ContactCaller, value: Annotated[str, Path(min_length=1, max_length=300)]
) -> dict[str, Any]:
    """Ads, campaigns and decisions sharing a phone number, handle, e-mail or link."""
    return queue_store.contact_report(session, value=value)


def _export_lines(sessions: sessionmaker[Session]) -> Iterator[bytes]:
    from screener.datasets import PLATFORMS

    with sessions() as session:
        for row in queue_store.decided_rows(session, platforms=PLATFORMS, fallback_platform="facebook"):
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


@json_router.get(
    "/export/decisions",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}, **_errors(403)},
)
def export_decisions(services: ServicesDep, caller: AdminCaller) -> StreamingResponse:
    """Decided ads in the corpus schema (JSONL) for `screener train --extra`; admin only: texts unredacted."""
    return StreamingResponse(
        iterate_in_threadpool(_export_lines(services.sessions)),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="decisions.jsonl"'},
    )


@json_router.post("/model/reload", response_model=dict[str, Any], responses=_errors(403))
async def reload_model(services: ServicesDep, caller: AdminCaller) -> dict[str, Any]:
    """Load the default (promoted) model and swap it in without downtime."""
    before = services.screener.version
    new = await run_in_threadpool(services.load_screener)
    services.swap_screener(new)
    return {"previous": before, "version": new.version}


router = APIRouter()
router.include_router(upload_router)
router.include_router(json_router)
