"""``GET /api/v1/examples``: the educators' library as JSON, with the page's filters and redaction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from service.deps import EducatorCaller, ServicesDep
from service.pages.educator import example_public, library, select_examples
from service.schemas import ErrorPublic

from .body import JSONBodyRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["examples"])
Filter = Annotated[str, Query(max_length=80)]


@router.get(
    "/examples",
    response_model=dict[str, Any],
    responses={code: {"model": ErrorPublic} for code in (401, 403, 422, 429)},
)
async def examples(
    services: ServicesDep,
    caller: EducatorCaller,
    indicator: Annotated[
        str, Query(max_length=80, description="An indicator id or its name (either language).")
    ] = "",
    place: Annotated[str, Query(max_length=80, description="A place in Bahasa Indonesia or English.")] = "",
    platform: Filter = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Redacted examples (confirmed cases, else illustrative ones) with their red flags, as `/contoh`."""
    found = await run_in_threadpool(library, services.engine)
    chosen = select_examples(found, indicator, place, platform)
    return {
        "illustrative": found[0].source == "corpus" if found else True,
        "total": len(chosen),
        "limit": limit,
        "offset": offset,
        "items": [example_public(e) for e in chosen[offset : offset + limit]],
    }
