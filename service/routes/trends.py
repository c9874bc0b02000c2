"""``GET /api/v1/trends``: weekly counts of offers and flagged offers, and what is new this week."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.deps import ServicesDep, require_role
from service.schemas import ErrorPublic
from service.trends import MAX_WEEKS, trends_csv, trends_public
from service.vocabulary import Role

from .body import JSONBodyRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["trends"])
TrendsCaller = Annotated[Caller, Depends(require_role(Role.MODERATOR, Role.EDUCATOR, Role.ADMIN))]


@router.get(
    "/trends",
    response_model=dict[str, Any],
    responses={
        200: {"content": {"text/csv": {}}},
        **{code: {"model": ErrorPublic} for code in (401, 403, 422, 429)},
    },
)
async def trends(
    services: ServicesDep,
    caller: TrendsCaller,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS, description="How many weeks, this one included.")] = 12,
    format: Annotated[Literal["json", "csv"], Query(description="json, or csv for a download.")] = "json",
) -> Response:
    """Weekly offers and flagged offers by destination, cover role, indicator, salary band, platform and source; what is new this week."""
    public = await run_in_threadpool(
        trends_public,
        services.sessions,
        now=services.clock(),
        weeks=weeks,
        redact_contacts=caller.role == Role.EDUCATOR,
    )
    if format == "csv":
        return Response(
            trends_csv(public),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="tren-{weeks}-minggu.csv"'},
        )
    return JSONResponse(public)
