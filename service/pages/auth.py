"""Login with an API key (form or the key-issued link ``/login?key=...``), logout, and ``/``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.deps import ServicesDep
from service.pages.core import (
    HOME,
    clear_session,
    ensure_pre_session,
    page_caller,
    redirect,
    render,
    safe_next,
    set_session,
    verify_csrf,
)
from service.services import Services
from service.store import keys as key_store

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _lookup(services: Services, secret: str) -> Caller | None:
    with services.engine.connect() as connection:
        found = key_store.lookup_key(connection, secret=secret.strip())
    return None if found is None else Caller(found.id, found.name, found.role)


def _logged_in(request: Request, caller: Caller, target: str | None) -> Response:
    response = redirect(target or HOME[caller.role])
    set_session(request, response, key_id=caller.key_id)
    return response


def _login_form(request: Request, *, error: bool = False, next_path: str | None = None) -> Response:
    ensure_pre_session(request)
    context = {"error": error, "next": next_path or "", "bye": request.query_params.get("bye") == "1"}
    return render(request, "login.html", context, status_code=401 if error else 200)


@router.get("/login")
async def login_page(
    request: Request, services: ServicesDep, key: str | None = None, next: str | None = None
) -> Response:
    """The login form; ``?key=`` logs in with the link the service prints at first start."""
    target = safe_next(next)
    if key:
        caller = await run_in_threadpool(_lookup, services, key)
        if caller is None:
            return _login_form(request, error=True, next_path=target)
        return _logged_in(request, caller, target)
    return _login_form(request, next_path=target)


@router.post("/login", dependencies=[Depends(verify_csrf)])
async def login(
    request: Request,
    services: ServicesDep,
    key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Log in with an API key."""
    target = safe_next(next)
    caller = await run_in_threadpool(_lookup, services, key) if key.strip() else None
    if caller is None:
        return _login_form(request, error=True, next_path=target)
    return _logged_in(request, caller, target)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
async def logout(request: Request) -> Response:
    """End the session."""
    response = redirect("/login?bye=1")
    clear_session(response)
    return response


@router.get("/")
async def home(request: Request, services: ServicesDep) -> Response:
    """The caller's start page, or the login form."""
    caller = await page_caller(request, services)
    return redirect(HOME[caller.role])
