"""FastAPI dependencies: the app's :class:`~service.services.Services` and what routes take from it.

The one place that touches ``app.state``: :func:`install_services` stores the services when the app is
built, :func:`services_of` reads them back. Routes declare what they need with the ``Annotated``
types below (``SettingsDep``, ``SessionDep``, ``ReviewCaller``...), never ``request.app.state``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.base import SecurityBase
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from screener import Screener
from service.auth import ADMIN, ANY_ROLE, CONTACTS, HISTORY, REVIEW, Caller, resolve_key
from service.errors import Forbidden, RateLimited, Unauthorized
from service.services import Services
from service.settings import Settings
from service.vocabulary import Role

__all__ = [
    "AdminCaller",
    "AnyCaller",
    "BookkeepingCaller",
    "ContactCaller",
    "EducatorCaller",
    "ExportCaller",
    "HistoryCaller",
    "ReviewCaller",
    "ScreenerDep",
    "ServicesDep",
    "SessionDep",
    "SettingsDep",
    "authenticate",
    "authenticate_bookkeeping",
    "install_services",
    "require_role",
    "services_of",
]

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer tps_...`")


def install_services(app: Starlette, services: Services) -> None:
    """Store the app's services (``create_app`` calls this once)."""
    app.state.services = services


def services_of(app: Starlette) -> Services:
    """The services ``create_app`` stored on ``app`` (for code outside a dependency: route classes,
    page rendering, tests)."""
    return cast(Services, app.state.services)


# The cheap dependencies are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in the
# threadpool, a hop that costs more than the work itself. They never block.
async def get_services(request: Request) -> Services:
    return services_of(request.app)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_screener(services: ServicesDep) -> Screener:
    return services.screener


def get_session(services: ServicesDep) -> Iterator[Session]:
    """A read session for the request (writes use ``write_transaction(services.sessions)``)."""
    with services.sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
ScreenerDep = Annotated[Screener, Depends(get_screener)]
SessionDep = Annotated[Session, Depends(get_session)]


def authenticate(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """Resolve the bearer key to a :class:`Caller` (sync: FastAPI runs it in the threadpool)."""
    return _authenticate(request, services, _secret(credentials), bookkeeping=False)


def authenticate_bookkeeping(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """As :func:`authenticate`, counted against the queue-bookkeeping limit instead of the main one."""
    return _authenticate(request, services, _secret(credentials), bookkeeping=True)


def _authenticate(request: Request, services: Services, secret: str | None, *, bookkeeping: bool) -> Caller:
    if secret is None:
        raise Unauthorized()
    caller = resolve_key(services.engine, services.key_toucher, secret.strip())
    if caller is None:
        raise Unauthorized(
            "the API key is unknown or revoked",
            "kunci API tidak dikenal atau sudah dicabut",
            code="invalid_key",
        )
    request.state.key_id = caller.key_id  # for the request log line
    limiter = services.bookkeeping_limiter if bookkeeping else services.rate_limiter
    wait = limiter.acquire(caller.key_id)
    if wait:
        raise RateLimited(wait)
    return caller


def _secret(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    if credentials is None or credentials.scheme.lower() != "bearer":
        return None
    return credentials.credentials


def _bearer_secret(request: Request) -> str | None:
    """What ``bearer`` reads from the request: the key of ``Authorization: Bearer <key>``, else None."""
    scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


class _KeyAndRole(SecurityBase):
    """The dependency behind ``AnyCaller``, ``AdminCaller``...: key, rate limit and role in one call.

    It is a security scheme itself, documented as ``bearer`` is (same name, same model), instead of
    a dependency on ``bearer``: FastAPI works out every dependency's cache key and arguments on each
    request, and one dependency costs less than two. ``__call__`` is sync because the key look-up is
    a query, so FastAPI runs it in the threadpool: one hop per request.
    """

    def __init__(self, roles: frozenset[str], *, bookkeeping: bool) -> None:
        self.model = bearer.model
        self.scheme_name = bearer.scheme_name
        self.roles = roles
        self.bookkeeping = bookkeeping

    def __call__(self, request: Request) -> Caller:
        services = services_of(request.app)
        caller = _authenticate(request, services, _bearer_secret(request), bookkeeping=self.bookkeeping)
        if caller.role not in self.roles:
            names = ", ".join(sorted(self.roles))
            raise Forbidden(
                f"role {caller.role!r} may not use this endpoint (allowed: {names})",
                f"peran {caller.role!r} tidak boleh memakai endpoint ini (boleh: {names})",
            )
        return caller


def require_role(*roles: str, bookkeeping: bool = False) -> Callable[[Request], Caller]:
    """A dependency that admits only keys whose role is in ``roles``.

    ``bookkeeping``: the call is queue bookkeeping, rate-limited apart from scoring.

    One dependency does the whole check (key, rate limit, role) in the order :func:`authenticate`
    and then the role test would, in one threadpool hop (see :class:`_KeyAndRole`).
    """
    unknown = set(roles) - set(ANY_ROLE)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return _KeyAndRole(frozenset(roles), bookkeeping=bookkeeping)


AnyCaller = Annotated[Caller, Depends(require_role(*ANY_ROLE))]
HistoryCaller = Annotated[Caller, Depends(require_role(*HISTORY))]
ReviewCaller = Annotated[Caller, Depends(require_role(*REVIEW))]
ContactCaller = Annotated[Caller, Depends(require_role(*CONTACTS))]
AdminCaller = Annotated[Caller, Depends(require_role(*ADMIN))]
BookkeepingCaller = Annotated[Caller, Depends(require_role(*REVIEW, bookkeeping=True))]
EducatorCaller = Annotated[Caller, Depends(require_role(Role.EDUCATOR, Role.ADMIN))]
# Exports: educators and admins get redacted text; only admins, with a purpose, the raw text.
ExportCaller = Annotated[Caller, Depends(require_role(Role.EDUCATOR, Role.ADMIN))]
