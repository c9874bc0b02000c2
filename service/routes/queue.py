"""The batch review queue under ``/api/v1``: batches, queue, claims, decisions, contacts, export.

Roles: moderators and admins submit batches and review; admins adjudicate, export and reload the
model; officers may look up a contact; educators export decided ads, redacted (only admins may ask
for the raw texts, with a purpose). Reads of ad text and contacts are written to the access log
(:mod:`service.access`). The upload route reads its body itself (streamed to a
temporary file by :mod:`service.uploads`), so it is on a plain router; the JSON routes use
:class:`~.body.JSONBodyRoute`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from screener.redact import redact
from screener.vocabulary import Scope
from service.access import contact_ref, purpose_of, record_read_sync
from service.batches import format_of
from service.deps import (
    AdminCaller,
    BookkeepingCaller,
    ContactCaller,
    ExportCaller,
    ReviewCaller,
    ServicesDep,
    SessionDep,
)
from service.errors import Forbidden, Unprocessable
from service.privacy import hasher
from service.review_queue import (
    BatchCreated,
    BatchPublic,
    ClaimCreate,
    DecisionCreate,
    ItemsPublic,
    QueuePublic,
    ReleaseCreate,
    ReleasedPublic,
    batch_public,
    check_indicators,
)
from service.schemas import ErrorPublic
from service.store import leases, reads, review, write_transaction
from service.store.export import count_decided_rows, decided_rows
from service.uploads import check_declared_size, ingest_stream, ingest_upload, read_batch_form
from service.vocabulary import WAITING, ItemReason, ItemStatus

from .body import JSONBodyRoute

__all__ = ["router"]

MAX_ID = 2**31 - 1

ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorPublic} for code in (401, 429, *codes)}


# The upload route reads its body itself, so FastAPI cannot describe it: say here what it takes
# (clients and the schemathesis run read it). One ad per record; only `text` is required.
_AD_RECORD: dict[str, Any] = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "id": {"type": ["string", "integer"], "description": "Your id for the ad (or `external_id`)."},
        "source": {"type": "string", "maxLength": 200},
        "platform": {"type": "string", "maxLength": 50},
        "url": {"type": "string", "maxLength": 2000},
    },
}
BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Ads: a JSON array, JSON lines, CSV with a `text` column, or a multipart `file`.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": _AD_RECORD}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


upload_router = APIRouter(prefix="/api/v1", tags=["queue"])
json_router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["queue"])


@upload_router.post(
    "/batches",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchCreated,
    responses=_errors(400, 403, 413, 415, 422),
    openapi_extra=BATCH_BODY,
)
async def submit_batch(
    request: Request,
    services: ServicesDep,
    caller: ReviewCaller,
    filename: Annotated[
        str | None, Query(max_length=300, description="The file's name, for a raw-body upload.")
    ] = None,
    format: Annotated[
        str | None,
        Query(
            max_length=30,
            description="Read the file as this format (csv, jsonl, json, whatsapp, telegram, telegram_html, "
            "scraped_csv, scraped_jsonl, scraped_json); default: detected from the content.",
        ),
    ] = None,
) -> JSONResponse:
    """Submit ads (CSV, JSONL, JSON array, WhatsApp / Telegram export, scraped CSV / JSON; multipart field `file` or the raw body); 202 when stored."""
    limit = services.settings.max_batch_bytes
    check_declared_size(request, limit=limit)
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        form = await read_batch_form(request, limit=limit)
        try:
            result = await ingest_upload(services, form.get("file"), key_id=caller.key_id, forced=format)
        finally:
            await form.close()
    else:
        result = await ingest_stream(
            services,
            request.stream(),
            format_of(content_type, filename),
            key_id=caller.key_id,
            filename=filename or None,
            content_type=content_type,
            forced=format,
        )
    body = BatchCreated(
        id=result.batch_id, status=result.status, accepted=result.accepted, rejected=result.rejected,
        skipped=result.skipped, format=result.format,
    )  # fmt: skip
    return JSONResponse(
        body.model_dump(), status_code=202, headers={"Location": f"/api/v1/batches/{result.batch_id}"}
    )


@json_router.get("/batches/{batch_id}", response_model=BatchPublic, responses=_errors(403, 404, 422))
def get_batch(session: SessionDep, caller: ReviewCaller, batch_id: ItemId) -> BatchPublic:
    """A batch's status, counts, progress and malformed rows."""
    return batch_public(session, batch_id=batch_id)


def _listing(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "status": item.status,
            "reason": item.reason,
            "priority": item.priority,
            "risk": item.risk,
            "tier": item.tier,
            "scope": item.scope,
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
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    caller: BookkeepingCaller,
    indicator: Annotated[str | None, Query(max_length=100, description="A catalogue indicator id.")] = None,
    place: Annotated[
        str | None, Query(max_length=100, description="A place name (Bahasa Indonesia).")
    ] = None,
    platform: Annotated[str | None, Query(max_length=50)] = None,
    scope: Annotated[
        Scope | None, Query(description="offer or not_offer: is the ad a job offer at all?")
    ] = None,
    batch: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[
        ItemStatus | None, Query(description="One status (default: open, needs_second_review, leased).")
    ] = None,
    reason: Annotated[ItemReason | None, Query(description="Why the item is queued.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> QueuePublic:
    """Items waiting for review, second reviews first, then by priority; each with its reason."""
    rows, total = reads.list_items(
        session, statuses=(status,) if status else WAITING, indicator=indicator, place=place,
        platform=platform, scope=scope, reason=reason, batch_id=batch, limit=limit, offset=offset,
    )  # fmt: skip
    items = _listing(rows)
    groups = reads.group_names(session, [item.ad_id for item, *_ in rows])
    for entry, (item, *_) in zip(items, rows, strict=True):
        entry["group"] = groups.get(item.ad_id)
    if rows:  # the listing carries the ads' openings
        record_read_sync(
            services, caller, request, action="read_queue", object_type="queue_item", count=len(rows)
        )
    return QueuePublic(items=items, total=total, limit=limit, offset=offset)


@json_router.post("/queue/claim", response_model=ItemsPublic, responses=_errors(400, 403, 415, 422))
def claim(
    request: Request, services: ServicesDep, body: ClaimCreate, caller: BookkeepingCaller
) -> ItemsPublic:
    """Lease up to `limit` items to you (riskiest first); no one else gets them until release or expiry."""
    lease_seconds = services.settings.lease_minutes * 60
    with write_transaction(services.sessions) as session:
        ids = leases.claim_items(
            session, key_id=caller.key_id, limit=body.limit, lease_seconds=lease_seconds, now=services.clock()
        )
    if ids:
        record_read_sync(
            services, caller, request, action="read_item", object_type="queue_item",
            object_id=",".join(map(str, ids)), count=len(ids),
        )  # fmt: skip
    with services.sessions() as session:
        return ItemsPublic(items=[reads.item_detail(session, item_id=i) for i in ids])


@json_router.get("/items/{item_id}", response_model=dict[str, Any], responses=_errors(403, 404, 422))
def get_item(
    request: Request, services: ServicesDep, session: SessionDep, caller: ReviewCaller, item_id: ItemId
) -> dict[str, Any]:
    """One queue item with its ad, assessment, campaign, contacts and decisions."""
    detail = reads.item_detail(session, item_id=item_id)
    record_read_sync(
        services, caller, request, action="read_item", object_type="queue_item", object_id=item_id
    )
    return detail


@json_router.post(
    "/items/{item_id}/release", response_model=dict[str, Any], responses=_errors(403, 404, 409, 422)
)
def release(services: ServicesDep, caller: BookkeepingCaller, item_id: ItemId) -> dict[str, Any]:
    """Give a leased item back to the queue."""
    with write_transaction(services.sessions) as session:
        item = leases.release_item(session, item_id=item_id, key_id=caller.key_id, now=services.clock())
        return {"id": item.id, "status": item.status}


@json_router.post("/queue/release", response_model=ReleasedPublic, responses=_errors(403, 415, 422))
def release_many(services: ServicesDep, body: ReleaseCreate, caller: BookkeepingCaller) -> ReleasedPublic:
    """Give back every item you hold, or the `ids` among them; returns the ids released."""
    with write_transaction(services.sessions) as session:
        ids = leases.release_items(session, key_id=caller.key_id, item_ids=body.ids, now=services.clock())
    return ReleasedPublic(released=ids)


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
    with write_transaction(services.sessions) as session:
        item = review.decide(
            session, item_id=item_id, key_id=caller.key_id, verdict=body.verdict, indicators=indicators,
            note=body.note, two_person_rule=services.settings.two_person_rule,
            unsure_escalate_after=services.settings.unsure_escalate_after, now=services.clock(),
        )  # fmt: skip
        return {"id": item.id, "status": item.status, "final_verdict": item.final_verdict}


@json_router.get("/adjudication", response_model=QueuePublic, responses=_errors(403, 422))
def adjudication(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    caller: AdminCaller,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> QueuePublic:
    """Items whose two reviewers disagreed, waiting for an admin; each with both reviews by name."""
    rows, total = reads.list_items(session, statuses=(ItemStatus.ADJUDICATION,), limit=limit, offset=offset)
    items = [
        {**row, "decisions": reads.item_detail(session, item_id=row["id"])["decisions"]}
        for row in _listing(rows)
    ]
    if items:
        record_read_sync(
            services, caller, request, action="read_queue", object_type="queue_item", count=len(items)
        )
    return QueuePublic(items=items, total=total, limit=limit, offset=offset)


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
    with write_transaction(services.sessions) as session:
        item = review.adjudicate(
            session, item_id=item_id, key_id=caller.key_id, verdict=body.verdict, indicators=indicators,
            note=body.note, now=services.clock(),
        )  # fmt: skip
        return {"id": item.id, "status": item.status, "final_verdict": item.final_verdict}


@json_router.get("/stats", response_model=dict[str, Any], responses=_errors(403))
def stats(session: SessionDep, caller: ReviewCaller) -> dict[str, Any]:
    """Queue counts and reviewer agreement, per reviewer and per indicator."""
    return reads.stats(session)


@json_router.get("/contacts/{value}", response_model=dict[str, Any], responses=_errors(403, 422))
def contact(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    caller: ContactCaller,
    value: Annotated[str, Path(min_length=1, max_length=300)],
) -> dict[str, Any]:
    """Ads, campaigns and decisions sharing a phone number, handle, e-mail or link."""
    report = reads.contact_report(session, value=value, hash_value=hasher(services.settings))
    record_read_sync(
        services, caller, request, action="read_contact", object_type="contact",
        object_id=contact_ref(services, value), count=int(report["ads_total"]), purpose="contact lookup",
    )  # fmt: skip
    return report


def _export_lines(sessions: sessionmaker[Session], *, redacted: bool) -> Iterator[bytes]:
    from screener.datasets import PLATFORMS

    with sessions() as session:
        for row in decided_rows(session, platforms=PLATFORMS, fallback_platform="facebook"):
            if redacted:
                row = {**row, "text": redact(row["text"]).text}
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


@json_router.get(
    "/export/decisions",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}, **_errors(403, 422)},
)
def export_decisions(
    request: Request,
    services: ServicesDep,
    caller: ExportCaller,
    redacted: Annotated[
        bool, Query(description="false: the texts unredacted (admins only, with a stated purpose).")
    ] = True,
    purpose: Annotated[
        str | None, Query(max_length=300, description="Why the unredacted texts are needed (recorded).")
    ] = None,
) -> StreamingResponse:
    """Decided ads in the corpus schema (JSONL) for `screener train --extra`; redacted unless an admin
    asks for `redacted=false` with a `purpose` (both recorded in the access log)."""
    stated = purpose_of(request, "")
    if not redacted:
        if not caller.is_admin:
            raise Forbidden(
                "only an admin may export unredacted texts; export without redacted=false",
                "hanya admin yang boleh mengekspor teks tanpa penyamaran; ekspor tanpa redacted=false",
                code="unredacted_export_forbidden",
            )
        if len(stated) < 5:
            raise Unprocessable(
                "an unredacted export needs a stated purpose: purpose=... (at least 5 characters)",
                "ekspor tanpa penyamaran memerlukan tujuan yang dinyatakan: purpose=... (minimal 5 karakter)",
                code="purpose_required",
            )
    with services.sessions() as session:
        count = count_decided_rows(session)
    record_read_sync(
        services, caller, request, action="export" if redacted else "export_unredacted",
        object_type="decisions", count=count, purpose=stated or "export (redacted)",
    )  # fmt: skip
    name = "decisions.jsonl" if redacted else "decisions-unredacted.jsonl"
    return StreamingResponse(
        iterate_in_threadpool(_export_lines(services.sessions, redacted=redacted)),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
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
