"""API keys and roles as FastAPI dependencies: ``Depends(require_role("officer", "admin"))``.

``Authorization: Bearer <key>``; a missing, unknown or revoked key is 401 (with
``WWW-Authenticate: Bearer``), a role outside the endpoint's list is 403, and each key is rate
limited (429 with ``Retry-After``). Roles: ``officer`` scores and keeps a history, ``moderator`` and
``educator`` score and read the catalogue (their queue and examples endpoints come later), ``admin``
may do everything, including managing keys.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError

from service.errors import Forbidden, RateLimited, ServiceUnavailable, Unauthorized
from service.store import keys as key_store
from service.store.models import ROLES

__all__ = ["ADMIN", "ANY_ROLE", "HISTORY", "Caller", "KeyToucher", "authenticate", "require_role"]

ANY_ROLE = ROLES
HISTORY = ("officer", "admin")
ADMIN = ("admin",)
TOUCH_EVERY_SECONDS = 60.0  # last_used_at is a hint: write it at most once a minute per key

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer tps_...`")


@dataclass(frozen=True)
class Caller:
    """The authenticated key behind a request."""

    key_id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class KeyToucher:
    """Decides when to write ``last_used_at`` (at most once a minute per key, per process)."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def due(self, key_id: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(key_id, -1e18) < TOUCH_EVERY_SECONDS:
                return False
            self._last[key_id] = now
            return True


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """Resolve the bearer key to a :class:`Caller` (sync: FastAPI runs it in the threadpool)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    try:
        with request.app.state.engine.connect() as connection:
            found = key_store.lookup_key(connection, secret=credentials.credentials.strip())
            if found is not None and request.app.state.key_toucher.due(found.id):
                key_store.touch_key(connection, key_id=found.id)
                connection.commit()
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "the database is unreachable", "basis data tidak dapat dihubungi", code="database_unreachable"
        ) from exc
    if found is None:
        raise Unauthorized(
            "the API key is unknown or revoked",
            "kunci API tidak dikenal atau sudah dicabut",
            code="invalid_key",
        )
    caller = Caller(found.id, found.name, found.role)
    request.state.key_id = caller.key_id
    wait = request.app.state.rate_limiter.acquire(caller.key_id)
    if wait:
        raise RateLimited(wait)
    return caller


def require_role(*roles: str) -> Callable[[Caller], Caller]:
    """A dependency that admits only keys whose role is in ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    allowed = frozenset(roles)

    def dependency(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
        if caller.role not in allowed:
            names = ", ".join(sorted(allowed))
            raise Forbidden(
                f"role {caller.role!r} may not use this endpoint (allowed: {names})",
                f"peran {caller.role!r} tidak boleh memakai endpoint ini (boleh: {names})",
            )
        return caller

    return dependency
