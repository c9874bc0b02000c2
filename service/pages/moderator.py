"""Antrian (moderators, admins): the review queue, claims, decisions, contacts, adjudication.

Everything goes through the same store functions as the ``/api/v1`` queue routes (``service.store``),
and the same indicator check (:mod:`service.review_queue`); the store enforces leases (only the lease
holder decides or releases) and the two-person rule, and its errors are shown on the page in the
reader's language. Batch upload and progress pages are :mod:`service.pages.batches`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from screener.catalogue import catalogue
from screener.vocabulary import Scope
from service.access import contact_ref, record_read
from service.auth import REVIEW, Caller
from service.deps import ServicesDep
from service.errors import ApiError, NotFound, Unprocessable, as_api_error
from service.pages.core import language, not_found, page_role, redirect, render, verify_csrf
from service.pages.highlight import segments, spans_from_indicators
from service.pages.i18n import N_
from service.pages.officer_images import image_response
from service.privacy import hasher
from service.review_queue import check_indicators
from service.services import Services
from service.store import errors as store_errors
from service.store import images as image_store
from service.store import leases, reads, review, write_transaction
from service.vocabulary import WAITING, ItemReason, ItemStatus, Role, Verdict

SCOPE_VALUES = frozenset(str(s) for s in Scope)
REASON_VALUES = frozenset(str(r) for r in ItemReason)
STATUS_VALUES = frozenset(str(s) for s in ItemStatus)
__all__ = ["router"]

logger = logging.getLogger("screener.service")
router = APIRouter(include_in_schema=False)
Moderator = Annotated[Caller, page_role(Role.MODERATOR)]
Admin = Annotated[Caller, page_role()]
ContactReader = Annotated[Caller, page_role(Role.OFFICER, Role.MODERATOR)]
PAGE_SIZE = 50
ADJUDICATION_PAGE = 20
MAX_ID = 2**31 - 1
VERDICTS = tuple(Verdict)
Filter = Annotated[str, Query(max_length=100)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _message(request: Request, exc: ApiError) -> str:
    return str(exc.message_en if language(request) == "en" else exc.message_id)


def _rows(rows: list[Any], excerpt: int = 280) -> list[dict[str, Any]]:
    return [
        {"id": item.id, "status": item.status, "reason": item.reason, "tier": item.tier, "score": round(item.risk * 100), "scope": item.scope,
         "platform": item.platform or "-", "batch_id": item.batch_id, "cluster_size": size, "batches": batches,
         "review_round": item.review_round, "indicators": [i for i in item.indicators_text.split(",") if i],
         "places": [p for p in item.places_text.split(",") if p], "text": (text or "")[:excerpt]}
        for item, text, size, batches in rows
    ]  # fmt: skip


def _leased(session: Session, key_id: int, now: datetime) -> list[Any]:
    """The items ``key_id`` holds at ``now``."""
    rows, _ = reads.list_items(session, statuses=(ItemStatus.LEASED,), leased_to=key_id, limit=100, now=now)
    return rows


def _leased_ids(session: Session, key_id: int, now: datetime) -> list[int]:
    return [item.id for item, *_ in _leased(session, key_id, now)]


def _next_target(services: Services, key_id: int, done: int, action: str, status: str = "") -> str:
    """The caller's next leased item, or the queue; with a note of what just happened."""
    with services.sessions() as session:
        ids = [i for i in _leased_ids(session, key_id, services.clock()) if i != done]
    query = f"?{action}={done}" + (f"&status={status}" if status else "")
    return f"/antrian/item/{ids[0]}{query}" if ids else f"/antrian{query}"


# What the last form did, by the redirect's query parameter.
FLASHES = {
    "selesai": N_("Keputusan untuk #%(id)s disimpan."),
    "dilepas": N_("Item #%(id)s dikembalikan ke antrian."),
    "diadili": N_("Adjudikasi untuk #%(id)s disimpan; putusan ini final."),
    "dilepas_semua": N_("%(id)s item dikembalikan ke antrian."),
}


def _flash(request: Request) -> dict[str, Any]:
    """What the last form did (from the redirect's query), for a status line."""
    params = request.query_params
    for action, message in FLASHES.items():
        value = params.get(action, "")
        if value.isdigit():
            status = params.get("status", "")
            return {"message": message, "id": int(value),
                    "status": status if status in set(ItemStatus) else ""}  # fmt: skip
    if params.get("kosong") == "1":
        return {"message": N_("Tidak ada item yang bisa diambil sekarang."), "id": 0, "status": ""}
    return {}


# -- the queue ---------------------------------------------------------------------------------------


@router.get("/antrian")
async def queue_page(
    request: Request,
    services: ServicesDep,
    caller: Moderator,
    indicator: Filter = "",
    place: Filter = "",
    platform: Filter = "",
    scope: Filter = "",
    batch: Filter = "",
    reason: Filter = "",
    status: Filter = "",
    offset: Offset = 0,
) -> Response:
    """The review queue with filters (reason and status too), the claim form and the caller's leased items."""
    batch_id = int(batch) if batch.strip().isdigit() and 0 < int(batch) <= MAX_ID else None

    def load() -> dict[str, Any] | None:
        try:
            with services.sessions() as session:
                rows, total = reads.list_items(
                    session, statuses=(status,) if status in STATUS_VALUES else WAITING,
                    indicator=indicator or None, place=place or None,
                    platform=platform or None, scope=scope if scope in SCOPE_VALUES else None,
                    reason=reason if reason in REASON_VALUES else None,
                    batch_id=batch_id, limit=PAGE_SIZE, offset=offset,
                )  # fmt: skip
                mine = _leased(session, caller.key_id, services.clock())
                items = _rows(rows)
                groups = reads.group_names(session, [row[0].ad_id for row in rows])
                for entry, row in zip(items, rows, strict=True):
                    entry["group"] = groups.get(row[0].ad_id)
                return {"items": items, "total": total, "mine": _rows(mine, excerpt=140)}
        except SQLAlchemyError as exc:
            logger.warning("queue page: the queue store is not usable: %s", exc)
            return None

    found = await run_in_threadpool(load)
    if found and found["items"]:  # the listing shows the ads' openings
        await record_read(services, caller, request, action="read_queue", object_type="queue_item",
                          count=len(found["items"]))  # fmt: skip
    selected = {
        "indicator": indicator,
        "place": place,
        "platform": platform,
        "scope": scope,
        "batch": batch_id or "",
        "reason": reason if reason in REASON_VALUES else "",
        "status": status if status in STATUS_VALUES else "",
    }
    return render(
        request,
        "queue.html",
        {
            "queue": found,
            "selected": selected,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "flash": _flash(request),
            "reasons": tuple(ItemReason),
            "statuses": tuple(ItemStatus),
        },
    )


@router.post("/antrian/lepas", dependencies=[Depends(verify_csrf)])
async def release_many(
    request: Request,
    services: ServicesDep,
    caller: Moderator,
    ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    all_items: Annotated[str, Form(alias="all", max_length=5)] = "",
) -> Response:
    """Give back the chosen items, or all the caller holds (as ``POST /api/v1/queue/release``)."""
    chosen = None if all_items else [i for i in ids if 1 <= i <= MAX_ID][:1000]

    def run() -> list[int]:
        with write_transaction(services.sessions) as session:
            return leases.release_items(session, key_id=caller.key_id, item_ids=chosen, now=services.clock())

    released = await run_in_threadpool(run)
    return redirect(f"/antrian?dilepas_semua={len(released)}")


@router.post("/antrian/ambil", dependencies=[Depends(verify_csrf)])
async def claim(
    request: Request, services: ServicesDep, caller: Moderator, limit: Annotated[int, Form(ge=1, le=100)] = 5
) -> Response:
    """Lease up to ``limit`` items (as ``POST /api/v1/queue/claim``) and open the first."""
    lease_seconds = services.settings.lease_minutes * 60

    def run() -> list[int]:
        with write_transaction(services.sessions) as session:
            return leases.claim_items(
                session, key_id=caller.key_id, limit=limit, lease_seconds=lease_seconds, now=services.clock()
            )

    ids = await run_in_threadpool(run)
    if not ids:
        return redirect("/antrian?kosong=1")
    return redirect(f"/antrian/item/{ids[0]}")


# -- one item ------------------------------------------------------------------------------------------


def _item_context(services: Services, caller: Caller, item_id: int) -> dict[str, Any] | None:
    if not 1 <= item_id <= MAX_ID:
        return None
    with services.sessions() as session:
        try:
            detail = reads.item_detail(session, item_id=item_id)
        except store_errors.NotFound:
            return None
        leased = _leased_ids(session, caller.key_id, services.clock())
        picture = image_store.image_for_ad(session, ad_id=int(detail["ad"]["id"]))
    assessment = detail.get("assessment") or {}
    indicators = list(assessment.get("indicators") or [])
    flags, spans = spans_from_indicators(indicators)
    found = {str(ind["id"]) for ind in indicators if float(ind.get("weight", 0)) > 0}
    others = [ind for ind in catalogue() if ind.id not in found]
    return {
        "item": detail,
        "assessment": assessment,
        "indicators": indicators,
        "flags": flags,
        "flagmap": {f.number: f for f in flags},
        "segments": segments(detail["ad"]["text"], spans),
        "has_marks": bool(spans),
        "found": [ind for ind in indicators if str(ind["id"]) in found],
        "others": others,
        "holder": item_id in leased,
        "can_adjudicate": caller.is_admin and detail["status"] == ItemStatus.ADJUDICATION,
        "next_id": next((i for i in leased if i != item_id), None),
        "leased_count": len(leased),
        "verdicts": VERDICTS,
        "score": round(float(detail["risk"]) * 100),
        "picture_url": f"/antrian/gambar/{detail['ad']['id']}" if picture is not None else None,
    }


async def _item_page(
    request: Request, services: Services, caller: Caller, item_id: int, *, error: str | None = None, status_code: int = 200,
    form: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    context = await run_in_threadpool(_item_context, services, caller, item_id)
    if context is None:
        return not_found(request)
    context.update({"error": error, "flash": _flash(request), "form": form or {}})
    return render(request, "queue_item.html", context, status_code=status_code)


@router.get("/antrian/gambar/{ad_id}")
async def ad_picture(request: Request, services: ServicesDep, caller: Moderator, ad_id: int) -> Response:
    """The picture a queued ad was read from (unredacted: moderators judge the original)."""

    def load() -> tuple[bytes, str] | None:
        if not 1 <= ad_id <= MAX_ID:
            return None
        with services.sessions() as session:
            record = image_store.image_for_ad(session, ad_id=ad_id)
            return None if record is None else (record.data, record.media_type)

    found = await run_in_threadpool(load)
    return not_found(request) if found is None else image_response(*found)


@router.get("/antrian/item/{item_id}")
async def item_page(request: Request, services: ServicesDep, caller: Moderator, item_id: int) -> Response:
    """One queue item: the ad with its marks, reasons, campaign, contacts; the decision form."""
    response = await _item_page(request, services, caller, item_id)
    if response.status_code == 200:
        await record_read(
            services, caller, request, action="read_item", object_type="queue_item", object_id=item_id
        )
    return response


def _verdict_form(verdict: str, indicators: list[str], note: str) -> tuple[str, list[str], str | None]:
    if verdict not in VERDICTS:
        raise Unprocessable("choose a verdict", "pilih putusan", code="verdict_missing")
    chosen = check_indicators([i for i in indicators if i][:50])
    return verdict, chosen, (note.strip()[:5000] or None)


VerdictField = Annotated[str, Form(max_length=20)]
IndicatorsField = Annotated[list[str], Form()]
NoteField = Annotated[str, Form(max_length=5000)]


@router.post("/antrian/item/{item_id}/keputusan", dependencies=[Depends(verify_csrf)])
async def decide(
    request: Request,
    services: ServicesDep,
    caller: Moderator,
    item_id: int,
    verdict: VerdictField = "",
    indicators: IndicatorsField = [],  # noqa: B006 - FastAPI copies form defaults
    note: NoteField = "",
) -> Response:
    """Record the lease holder's decision (as ``POST /api/v1/items/{id}/decision``), then move on."""
    form = {"verdict": verdict, "indicators": indicators, "note": note}
    two_person_rule = services.settings.two_person_rule

    def run() -> str:
        chosen_verdict, chosen, text = _verdict_form(verdict, indicators, note)
        with write_transaction(services.sessions) as session:
            item = review.decide(
                session, item_id=item_id, key_id=caller.key_id, verdict=chosen_verdict, indicators=chosen,
                note=text, two_person_rule=two_person_rule,
                unsure_escalate_after=services.settings.unsure_escalate_after, now=services.clock(),
            )  # fmt: skip
            return item.status

    try:
        status = await run_in_threadpool(run)
    except (ApiError, store_errors.StoreError) as caught:
        exc = as_api_error(caught)
        if isinstance(exc, NotFound):
            return not_found(request)
        return await _item_page(
            request,
            services,
            caller,
            item_id,
            error=_message(request, exc),
            status_code=exc.status,
            form=form,
        )
    return redirect(
        await run_in_threadpool(_next_target, services, caller.key_id, item_id, "selesai", status)
    )


@router.post("/antrian/item/{item_id}/lepas", dependencies=[Depends(verify_csrf)])
async def release(request: Request, services: ServicesDep, caller: Moderator, item_id: int) -> Response:
    """Give the item back to the queue (as ``POST /api/v1/items/{id}/release``)."""

    def run() -> None:
        with write_transaction(services.sessions) as session:
            leases.release_item(session, item_id=item_id, key_id=caller.key_id, now=services.clock())

    try:
        await run_in_threadpool(run)
    except (ApiError, store_errors.StoreError) as caught:
        exc = as_api_error(caught)
        if isinstance(exc, NotFound):
            return not_found(request)
        return await _item_page(
            request, services, caller, item_id, error=_message(request, exc), status_code=exc.status
        )
    return redirect(await run_in_threadpool(_next_target, services, caller.key_id, item_id, "dilepas"))


# -- adjudication (admins) ---------------------------------------------------------------------------


def _adjudication_context(services: Services, offset: int) -> dict[str, Any]:
    with services.sessions() as session:
        rows, total = reads.list_items(
            session, statuses=(ItemStatus.ADJUDICATION,), limit=ADJUDICATION_PAGE, offset=offset
        )
        items = []
        for row in _rows(rows):
            detail = reads.item_detail(session, item_id=row["id"])
            items.append({**row, "decisions": detail["decisions"]})
    return {"items": items, "total": total, "offset": offset, "page_size": ADJUDICATION_PAGE}


@router.get("/antrian/adjudikasi")
async def adjudication_page(
    request: Request, services: ServicesDep, caller: Admin, offset: Offset = 0
) -> Response:
    """Items whose two reviewers disagreed, each with an adjudication form."""
    context = await run_in_threadpool(_adjudication_context, services, offset)
    context.update({"verdicts": VERDICTS, "flash": _flash(request), "error": None})
    return render(request, "adjudication.html", context)


@router.post("/antrian/item/{item_id}/adjudikasi", dependencies=[Depends(verify_csrf)])
async def adjudicate(
    request: Request,
    services: ServicesDep,
    caller: Admin,
    item_id: int,
    verdict: VerdictField = "",
    indicators: IndicatorsField = [],  # noqa: B006 - FastAPI copies form defaults
    note: NoteField = "",
) -> Response:
    """Settle a disagreement (as ``POST /api/v1/items/{id}/adjudicate``): the admin's verdict is final."""

    def run() -> None:
        chosen_verdict, chosen, text = _verdict_form(verdict, indicators, note)
        with write_transaction(services.sessions) as session:
            review.adjudicate(
                session, item_id=item_id, key_id=caller.key_id, verdict=chosen_verdict, indicators=chosen,
                note=text, now=services.clock(),
            )  # fmt: skip

    try:
        await run_in_threadpool(run)
    except (ApiError, store_errors.StoreError) as caught:
        exc = as_api_error(caught)
        if isinstance(exc, NotFound):
            return not_found(request)
        context = await run_in_threadpool(_adjudication_context, services, 0)
        context.update({"verdicts": VERDICTS, "flash": {}, "error": _message(request, exc)})
        return render(request, "adjudication.html", context, status_code=exc.status)
    return redirect(f"/antrian/adjudikasi?diadili={item_id}&status=decided")


# -- contacts --------------------------------------------------------------------------------------


@router.get("/kontak/{value:path}")
async def contact_page(
    request: Request, services: ServicesDep, caller: ContactReader, value: str
) -> Response:
    """Ads, campaigns and decisions sharing one contact (as ``GET /api/v1/contacts/{value}``)."""
    if not value.strip() or len(value) > 300:
        return not_found(request)

    def load() -> dict[str, Any]:
        with services.sessions() as session:
            return reads.contact_report(session, value=value, hash_value=hasher(services.settings))

    report = await run_in_threadpool(load)
    await record_read(services, caller, request, action="read_contact", object_type="contact",
                      object_id=contact_ref(services, value), count=int(report["ads_total"]),
                      purpose="contact lookup")  # fmt: skip
    for ad in report["ads"]:
        ad["score"] = None if ad["risk"] is None else round(float(ad["risk"]) * 100)
    reviewer = caller.role in REVIEW
    return render(request, "contact.html", {"report": report, "reviewer": reviewer})
