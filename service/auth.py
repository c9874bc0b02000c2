"""API keys and roles: who is calling (:class:`Caller`), which roles may do what, key look-up.

The FastAPI dependencies built on these live in :mod:`service.deps` (``AnyCaller``, ``AdminCaller``...).
``Authorization: Bearer <key>``; a missing, unknown or revoked key is 401 (with
``WWW-Authenticate: Bearer``), a role outside the endpoint's list is 403, and each key is rate
limited (429 with ``Retry-After``). Roles: ``officer`` scores and keeps a history, ``moderator``
reviews the queue, ``educator`` reads the redacted examples, ``admin`` may do everything, including
managing keys; every role may score and read the catalogue.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.errors import ServiceUnavailable
from service.store import keys as key_store
from service.vocabulary import Role

__all__ = ["ADMIN", "ANY_ROLE", "CONTACTS", "HISTORY", "REVIEW", "Caller", "KeyToucher", "resolve_key"]

# Who may use what (admins everything): the role lists the API's dependencies admit.
ANY_ROLE = tuple(Role)
HISTORY = (Role.OFFICER, Role.ADMIN)
REVIEW = (Role.MODERATOR, Role.ADMIN)
CONTACTS = (Role.OFFICER, Role.MODERATOR, Role.ADMIN)
ADMIN = (Role.ADMIN,)
TOUCH_EVERY_SECONDS = 60.0  # last_used_at is a hint: write it at most once a minute per key


@dataclass(frozen=True)
class Caller:
    """The authenticated key behind a request."""

    key_id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


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


def resolve_key(engine: Engine, toucher: KeyToucher, secret: str) -> Caller | None:
    """The active key behind ``secret`` as a :class:`Caller`, or None; 503 when the database is down."""
    try:
        found = key_store.find_key(engine, secret=secret)
        if found is not None and toucher.due(found.id):
            with engine.begin() as connection:
                key_store.touch_key(connection, key_id=found.id)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "the database is unreachable", "basis data tidak dapat dihubungi", code="database_unreachable"
        ) from exc
    return None if found is None else Caller(found.id, found.name, found.role)
