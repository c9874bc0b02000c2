"""Recording reads of personal data from routes and pages (the access log, ``service.privacy``).

A caller may state why it reads with the ``X-Purpose`` header (or a ``purpose`` query parameter);
otherwise the route's default purpose is recorded ("review", "contact lookup", "history"...). Contact
values are never written to the log: they appear as keyed hashes.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.privacy import keyed_hash, log_access
from service.services import Services

__all__ = ["contact_ref", "purpose_of", "record_read", "record_read_sync"]

MAX_PURPOSE = 300


def purpose_of(request: Request | None, default: str) -> str:
    """The purpose the caller stated (header ``X-Purpose`` or query ``purpose``), else ``default``."""
    if request is None:
        return default
    stated = request.headers.get("x-purpose") or request.query_params.get("purpose") or ""
    stated = " ".join(stated.split())[:MAX_PURPOSE]
    return stated or default


def contact_ref(services: Services, value: str) -> str:
    """How a contact value appears in the access log: its keyed hash."""
    return keyed_hash(services.settings.privacy_key, value.strip())


def record_read_sync(
    services: Services,
    caller: Caller,
    request: Request | None,
    *,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    count: int = 1,
    purpose: str = "review",
) -> None:
    """Write one access-log row (call from a thread, or from a sync route)."""
    log_access(
        services.sessions, key_id=caller.key_id, role=caller.role, purpose=purpose_of(request, purpose),
        action=action, object_type=object_type, object_id=object_id, count=count,
    )  # fmt: skip


async def record_read(
    services: Services,
    caller: Caller,
    request: Request | None,
    *,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    count: int = 1,
    purpose: str = "review",
) -> None:
    """:func:`record_read_sync` from an async route or page."""
    await run_in_threadpool(
        lambda: record_read_sync(
            services,
            caller,
            request,
            action=action,
            object_type=object_type,
            object_id=object_id,
            count=count,
            purpose=purpose,
        )
    )
