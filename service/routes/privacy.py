"""Privacy under ``/api/v1`` (admins): erase a contact value, page through the access and audit logs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from service.deps import AdminCaller, ServicesDep, SessionDep
from service.privacy import erase_contact
from service.schemas import ErrorPublic
from service.store.models import AccessEntry, AuditEntry

from .body import JSONBodyRoute

__all__ = ["router"]

MAX_ID = 2**31 - 1
router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["privacy"])


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorPublic} for code in (401, 429, *codes)}


@router.delete("/contacts/{value}", response_model=dict[str, Any], responses=_errors(403, 404, 422))
async def erase(
    services: ServicesDep, caller: AdminCaller, value: Annotated[str, Path(min_length=1, max_length=300)]
) -> dict[str, Any]:
    """Erase a contact value everywhere (ads' text redacted, contact rows, checks); 404 when it is nowhere."""
    counts = await run_in_threadpool(
        lambda: erase_contact(services.sessions, services.settings, value=value, key_id=caller.key_id)
    )
    return {"erased": True, **counts}


def _access(row: AccessEntry) -> dict[str, Any]:
    return {
        "id": row.id, "key_id": row.key_id, "role": row.role, "purpose": row.purpose, "action": row.action,
        "object_type": row.object_type, "object_id": row.object_id, "count": row.count,
        "created_at": row.created_at.isoformat(),
    }  # fmt: skip


def _change(row: AuditEntry) -> dict[str, Any]:
    return {
        "id": row.id, "key_id": row.key_id, "action": row.action, "object_type": row.object_type,
        "object_id": row.object_id, "before": row.before, "after": row.after,
        "created_at": row.created_at.isoformat(), "prev_hash": row.prev_hash, "row_hash": row.row_hash,
    }  # fmt: skip


@router.get("/audit", response_model=dict[str, Any], responses=_errors(403, 422))
def audit_log(
    session: SessionDep,
    caller: AdminCaller,
    log: Annotated[
        Literal["access", "changes"],
        Query(description="access: reads of personal data (default); changes: the hash-chained audit log."),
    ] = "access",
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Cursor: entries with a smaller id (next_cursor).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    key_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
) -> dict[str, Any]:
    """The access log (who read personal data, with role and purpose) or the audit log, newest first."""
    model: Any = AccessEntry if log == "access" else AuditEntry
    query = select(model).order_by(model.id.desc()).limit(limit + 1)
    if before is not None:
        query = query.where(model.id < before)
    if key_id is not None:
        query = query.where(model.key_id == key_id)
    if action:
        query = query.where(model.action == action)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_access(r) if log == "access" else _change(r) for r in rows]
    return {"log": log, "items": items, "limit": limit, "next_cursor": rows[-1].id if more and rows else None}
