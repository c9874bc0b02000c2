"""Watched sources as the API and the ``/sumber`` page show them, and the add / status / remove
actions both call (each in one write transaction, written to the audit log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings
from service.store import sources, write_transaction
from service.store.audit import audit
from service.watch import SourceSpec, source_health

__all__ = [
    "SourceCreate",
    "SourcePublic",
    "SourceUpdate",
    "SourcesPublic",
    "add_source",
    "remove_source",
    "set_source_status",
    "source_public",
]


class SourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="t.me/s/<channel>, a feed, or a page.")
    every: str = Field(default="30m", max_length=20, description="Interval: 30m, 2h, 1d (at least 1m).")
    name: str | None = Field(default=None, max_length=200)
    selector: str | None = Field(default=None, max_length=500, description="CSS selector of the posts.")
    kind: Literal["telegram", "feed", "html"] | None = Field(default=None, description="Guessed when empty.")


class SourceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "paused"]


class SourcePublic(BaseModel):
    id: int
    url: str
    kind: str
    name: str
    every_seconds: int
    selector: str | None
    status: str
    health: str = Field(description="ok, new, failing, empty (0 posts on the last fetches) or paused")
    problem: str | None
    created_at: datetime
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    next_run_at: datetime | None
    failures: int = Field(description="failed fetches in a row (the wait doubles after each)")
    empty_fetches: int = Field(description="fetches in a row that found 0 posts")
    last_found: int
    imported: int
    batch_id: int | None


class SourcesPublic(BaseModel):
    sources: list[SourcePublic]


def source_public(source: Any, settings: Settings) -> SourcePublic:
    health, problem = source_health(source, settings.source_empty_after)
    return SourcePublic(
        id=source.id,
        url=source.url,
        kind=source.kind,
        name=source.name,
        every_seconds=source.every_seconds,
        selector=source.selector,
        status=source.status,
        health=health,
        problem=problem,
        created_at=source.created_at,
        last_run_at=source.last_run_at,
        last_success_at=source.last_success_at,
        last_error=source.last_error,
        last_error_at=source.last_error_at,
        next_run_at=source.next_run_at if source.status == sources.ACTIVE else None,
        failures=source.failures,
        empty_fetches=source.empty_fetches,
        last_found=source.last_found,
        imported=source.imported,
        batch_id=source.batch_id,
    )


def _snapshot(source: Any) -> dict[str, Any]:
    return {"url": source.url, "kind": source.kind, "name": source.name, "status": source.status}


def add_source(
    sessions: sessionmaker[Session],
    settings: Settings,
    spec: SourceSpec,
    *,
    key_id: int | None,
    now: datetime,
) -> SourcePublic:
    with write_transaction(sessions) as session:
        source = sources.add_source(
            session,
            url=spec.url,
            kind=spec.kind,
            name=spec.name,
            every_seconds=spec.every_seconds,
            selector=spec.selector,
            key_id=key_id,
            now=now,
        )
        audit(session, key_id=key_id, action="source_add", object_type="source", object_id=source.id,
              after=_snapshot(source), when=now)  # fmt: skip
        return source_public(source, settings)


def set_source_status(
    sessions: sessionmaker[Session], settings: Settings, source_id: int, status: str, *, key_id: int | None,
    now: datetime,
) -> SourcePublic:  # fmt: skip
    with write_transaction(sessions) as session:
        before = _snapshot(sources.get_source(session, source_id=source_id))
        source = sources.set_status(session, source_id=source_id, status=status, now=now)
        audit(session, key_id=key_id, action=f"source_{'resume' if status == 'active' else 'pause'}",
              object_type="source", object_id=source_id, before=before, after=_snapshot(source), when=now)  # fmt: skip
        return source_public(source, settings)


def remove_source(
    sessions: sessionmaker[Session], source_id: int, *, key_id: int | None, now: datetime
) -> None:
    with write_transaction(sessions) as session:
        before = _snapshot(sources.get_source(session, source_id=source_id))
        sources.remove_source(session, source_id=source_id)
        audit(session, key_id=key_id, action="source_remove", object_type="source", object_id=source_id,
              before=before, when=now)  # fmt: skip
