"""Antrian unggah (moderators, admins): upload a batch and follow its progress.

The upload goes through the API's path (:mod:`service.uploads`: the same formats, limits and errors);
the progress page polls ``/antrian/batch/{id}.json``, the session-authenticated twin of
``GET /api/v1/batches/{id}`` (:func:`service.review_queue.batch_public`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from screener.sources import FORMATS
from service.auth import Caller
from service.deps import ServicesDep
from service.errors import ApiError, NotFound
from service.pages.core import check_csrf, language, not_found, page_role, redirect, render
from service.review_queue import batch_public
from service.services import Services
from service.store import errors as store_errors
from service.uploads import check_declared_size, ingest_upload, read_batch_form
from service.vocabulary import BatchStatus, Role

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Moderator = Annotated[Caller, page_role(Role.MODERATOR)]
MAX_ID = 2**31 - 1


def _message(request: Request, exc: ApiError) -> str:
    return str(exc.message_en if language(request) == "en" else exc.message_id)


@router.get("/antrian/unggah")
async def upload_form(request: Request, caller: Moderator) -> Response:
    """The batch upload form (CSV, JSONL, JSON array, WhatsApp / Telegram export, scraped CSV / JSON)."""
    return render(request, "upload.html", {"error": None, "formats": FORMATS})


@router.post("/antrian/unggah")
async def upload(request: Request, services: ServicesDep, caller: Moderator) -> Response:
    """Store the uploaded file through the API's ingest path, then show its progress."""
    try:
        limit = services.settings.max_batch_bytes
        check_declared_size(request, limit=limit)
        form = await read_batch_form(request, limit=limit)
        try:
            check_csrf(request, form.get("csrf_token"))
            chosen = form.get("format")
            forced = chosen if isinstance(chosen, str) and chosen else None
            result = await ingest_upload(services, form.get("file"), key_id=caller.key_id, forced=forced)
        finally:
            await form.close()
    except ApiError as exc:
        return render(
            request,
            "upload.html",
            {"error": _message(request, exc), "formats": FORMATS},
            status_code=exc.status,
        )
    return redirect(f"/antrian/batch/{result.batch_id}")


def _batch(services: Services, batch_id: int) -> dict[str, Any] | None:
    if not 1 <= batch_id <= MAX_ID:
        return None
    with services.sessions() as session:
        try:
            return batch_public(session, batch_id=batch_id).model_dump(mode="json")
        except store_errors.NotFound:
            return None


@router.get("/antrian/batch/{batch_id:int}.json")
async def batch_json(request: Request, services: ServicesDep, caller: Moderator, batch_id: int) -> Response:
    """``GET /api/v1/batches/{id}``'s answer for the progress page (the session authenticates)."""
    found = await run_in_threadpool(_batch, services, batch_id)
    if found is None:
        raise NotFound(f"no batch {batch_id}", f"tidak ada batch {batch_id}")
    return JSONResponse(found)


@router.get("/antrian/batch/{batch_id:int}")
async def batch_page(request: Request, services: ServicesDep, caller: Moderator, batch_id: int) -> Response:
    """A batch's progress: status, counts and malformed rows (updated by polling while it runs)."""
    found = await run_in_threadpool(_batch, services, batch_id)
    if found is None:
        return not_found(request)
    return render(request, "batch.html", {"batch": found, "statuses": tuple(BatchStatus)})
