"""Watched public sources under ``/api/v1/sources`` (moderators and admins): list, add, pause /
resume, remove. Adding checks the address as every fetch does (a private address is refused, 422)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from starlette.concurrency import run_in_threadpool

from service.deps import ReviewCaller, ServicesDep
from service.schemas import ErrorPublic
from service.sources_view import (
    SourceCreate,
    SourcePublic,
    SourcesPublic,
    SourceUpdate,
    add_source,
    remove_source,
    set_source_status,
    source_public,
)
from service.store import sources
from service.watch import check_new_source

from .body import JSONBodyRoute

__all__ = ["router"]

SourceId = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["sources"])


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorPublic} for code in (401, 403, 429, *codes)}


@router.get("/sources", response_model=SourcesPublic, responses=_errors())
def list_sources(services: ServicesDep, caller: ReviewCaller) -> SourcesPublic:
    """The watched sources with their status: last success, last error, next run."""
    with services.sessions() as session:
        rows = sources.list_sources(session)
        return SourcesPublic(sources=[source_public(s, services.settings) for s in rows])


@router.post(
    "/sources",
    status_code=status.HTTP_201_CREATED,
    response_model=SourcePublic,
    responses=_errors(409, 415, 422),
)
async def create_source(services: ServicesDep, caller: ReviewCaller, body: SourceCreate) -> SourcePublic:
    """Watch a public source (Telegram channel preview, RSS/Atom feed, or a page with a CSS selector)."""
    spec = await check_new_source(
        services.fetcher,
        url=body.url,
        every=body.every,
        name=body.name,
        selector=body.selector,
        kind=body.kind,
    )
    return await run_in_threadpool(
        add_source, services.sessions, services.settings, spec, key_id=caller.key_id, now=services.clock()
    )


@router.get("/sources/{source_id}", response_model=SourcePublic, responses=_errors(404, 422))
def get_source(services: ServicesDep, caller: ReviewCaller, source_id: SourceId) -> SourcePublic:
    """One watched source."""
    with services.sessions() as session:
        return source_public(sources.get_source(session, source_id=source_id), services.settings)


@router.patch("/sources/{source_id}", response_model=SourcePublic, responses=_errors(404, 415, 422))
def update_source(
    services: ServicesDep, caller: ReviewCaller, source_id: SourceId, body: SourceUpdate
) -> SourcePublic:
    """Pause or resume a source (`{"status": "paused"}` / `{"status": "active"}`)."""
    return set_source_status(
        services.sessions,
        services.settings,
        source_id,
        body.status,
        key_id=caller.key_id,
        now=services.clock(),
    )


@router.delete(
    "/sources/{source_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=_errors(404, 422),
)
def delete_source(services: ServicesDep, caller: ReviewCaller, source_id: SourceId) -> Response:
    """Stop watching a source; the ads it brought stay."""
    remove_source(services.sessions, source_id, key_id=caller.key_id, now=services.clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
