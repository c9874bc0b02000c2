"""Antrian (moderators, admins): the review queue, read-only for now.

It lists what the review queue (``service.store.queue``, issue 5) holds, riskiest first, with the
filters of ``GET /api/v1/queue``. Claiming, deciding with the keyboard and batch upload from the page
are not built yet (use the API); while the queue store is missing or fails, the page says so.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.pages.core import page_role, render

__all__ = ["router"]

logger = logging.getLogger("screener.service")
router = APIRouter(include_in_schema=False)
Moderator = Annotated[Caller, page_role("moderator")]
PAGE_SIZE = 50
Filter = Annotated[str, Query(max_length=100)]


def _items(request: Request, indicator: str, place: str, platform: str, offset: int) -> dict[str, Any] | None:
    try:
        from service.store import queue as queue_store
    except ImportError:
        return None
    try:
        with request.app.state.sessions() as session:
            rows, total = queue_store.list_items(
                session, statuses=("open", "needs_second_review", "leased"), indicator=indicator or None,
                place=place or None, platform=platform or None, limit=PAGE_SIZE, offset=offset,
            )  # fmt: skip
            items = [
                {"id": item.id, "status": item.status, "tier": item.tier, "score": round(item.risk * 100),
                 "platform": item.platform or "-", "cluster_size": size, "batches": batches,
                 "indicators": [i for i in item.indicators_text.split(",") if i],
                 "places": [p for p in item.places_text.split(",") if p], "text": (text or "")[:280]}
                for item, text, size, batches in rows
            ]  # fmt: skip
    except (SQLAlchemyError, AttributeError, TypeError, ValueError) as exc:
        logger.warning("queue page: the queue store is not usable: %s", exc)
        return None
    return {"items": items, "total": total}


@router.get("/antrian")
async def queue_page(
    request: Request,
    caller: Moderator,
    indicator: Filter = "",
    place: Filter = "",
    platform: Filter = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The review queue with filters (a placeholder while the queue is not installed)."""
    found = await run_in_threadpool(_items, request, indicator, place, platform, offset)
    return render(
        request,
        "queue.html",
        {
            "queue": found,
            "selected": {"indicator": indicator, "place": place, "platform": platform},
            "offset": offset,
            "page_size": PAGE_SIZE,
        },
    )
