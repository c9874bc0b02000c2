"""Sumber (moderators, admins): the watched public sources with their status, and a form to add one.

The page calls the same functions as ``/api/v1/sources`` (:mod:`service.sources_view`,
:func:`service.watch.check_new_source`): an address that resolves to a private network is refused
here as it is there, and on every fetch.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from screener.errors import ScreenerError
from screener.watch import KINDS
from service.auth import Caller
from service.deps import ServicesDep
from service.errors import NotFound, as_api_error
from service.pages.core import language, not_found, page_role, redirect, render, verify_csrf
from service.pages.i18n import N_
from service.services import Services
from service.sources_view import SourcePublic, add_source, remove_source, set_source_status, source_public
from service.store import errors as store_errors
from service.store import sources
from service.vocabulary import Role
from service.watch import check_new_source

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Moderator = Annotated[Caller, page_role(Role.MODERATOR)]
MAX_ID = 2**31 - 1

HEALTH = {
    "ok": N_("baik"),
    "new": N_("belum diambil"),
    "failing": N_("gagal"),
    "empty": N_("0 postingan"),
    "paused": N_("dijeda"),
}
FLASHES = {
    "ditambah": N_("Sumber #%(id)s ditambahkan; diambil pada putaran berikutnya."),
    "dijeda": N_("Sumber #%(id)s dijeda."),
    "dilanjutkan": N_("Sumber #%(id)s dilanjutkan."),
    "dihapus": N_("Sumber #%(id)s dihapus; iklan yang sudah masuk tetap ada."),
}


def _every(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _listing(services: Services) -> list[SourcePublic]:
    with services.sessions() as session:
        return [source_public(s, services.settings) for s in sources.list_sources(session)]


def _flash(request: Request) -> dict[str, Any]:
    for action, message in FLASHES.items():
        value = request.query_params.get(action, "")
        if value.isdigit():
            return {"message": message, "id": int(value)}
    return {}


async def _page(
    request: Request, services: ServicesDep, *, error: str | None = None, form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    rows = await run_in_threadpool(_listing, services)
    context = {
        "sources": rows,
        "health": HEALTH,
        "every": _every,
        "kinds": KINDS,
        "flash": _flash(request) if error is None else {},
        "error": error,
        "form": form or {"url": "", "every": "30m", "name": "", "selector": "", "kind": ""},
        "empty_after": services.settings.source_empty_after,
    }
    return render(request, "sources.html", context, status_code=status_code)


@router.get("/sumber")
async def sources_page(request: Request, services: ServicesDep, caller: Moderator) -> Response:
    """The watched sources: status, last success, last error, next run; and the form to add one."""
    return await _page(request, services)


def _text(request: Request, exc: ScreenerError) -> str:
    return exc.message if language(request) == "en" else exc.message_id


Field = Annotated[str, Form(max_length=2000)]


@router.post("/sumber", dependencies=[Depends(verify_csrf)])
async def add(
    request: Request,
    services: ServicesDep,
    caller: Moderator,
    url: Field = "",
    every: Annotated[str, Form(max_length=20)] = "30m",
    name: Annotated[str, Form(max_length=200)] = "",
    selector: Annotated[str, Form(max_length=500)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Add a source (as ``POST /api/v1/sources``)."""
    form = {"url": url, "every": every, "name": name, "selector": selector, "kind": kind}
    try:
        if not url.strip():
            raise ScreenerError("give the source's address", "isi alamat sumber")
        spec = await check_new_source(
            services.fetcher,
            url=url,
            every=every,
            name=name or None,
            selector=selector or None,
            kind=kind or None,
        )
        created = await run_in_threadpool(
            add_source, services.sessions, services.settings, spec, key_id=caller.key_id, now=services.clock()
        )
    except store_errors.StoreError as caught:
        exc = as_api_error(caught)
        return await _page(request, services, error=_text(request, exc), form=form, status_code=exc.status)
    except ScreenerError as exc:
        status = exc.status if 400 <= exc.status < 500 else 422
        return await _page(request, services, error=_text(request, exc), form=form, status_code=status)
    return redirect(f"/sumber?ditambah={created.id}")


async def _act(request: Request, services: Services, caller: Caller, source_id: int, action: str) -> Response:
    if not 1 <= source_id <= MAX_ID:
        return not_found(request)

    def run() -> None:
        if action == "dihapus":
            remove_source(services.sessions, source_id, key_id=caller.key_id, now=services.clock())
        else:
            status = sources.PAUSED if action == "dijeda" else sources.ACTIVE
            set_source_status(
                services.sessions,
                services.settings,
                source_id,
                status,
                key_id=caller.key_id,
                now=services.clock(),
            )

    try:
        await run_in_threadpool(run)
    except store_errors.StoreError as caught:
        exc = as_api_error(caught)
        if isinstance(exc, NotFound):
            return not_found(request)
        return await _page(request, services, error=_text(request, exc), status_code=exc.status)
    return redirect(f"/sumber?{action}={source_id}")


@router.post("/sumber/{source_id:int}/jeda", dependencies=[Depends(verify_csrf)])
async def pause(request: Request, services: ServicesDep, caller: Moderator, source_id: int) -> Response:
    """Pause a source."""
    return await _act(request, services, caller, source_id, "dijeda")


@router.post("/sumber/{source_id:int}/lanjut", dependencies=[Depends(verify_csrf)])
async def resume(request: Request, services: ServicesDep, caller: Moderator, source_id: int) -> Response:
    """Resume a paused source (due at once)."""
    return await _act(request, services, caller, source_id, "dilanjutkan")


@router.post("/sumber/{source_id:int}/hapus", dependencies=[Depends(verify_csrf)])
async def remove(request: Request, services: ServicesDep, caller: Moderator, source_id: int) -> Response:
    """Stop watching a source; its ads stay."""
    return await _act(request, services, caller, source_id, "dihapus")
