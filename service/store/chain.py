"""The audit log's hash chain: each row carries the hash of the row before it.

``row_hash = sha256(prev_hash + canonical JSON of the row's content)``, where the content is the key,
action, object, before/after snapshots and time (not the id, which the database assigns on insert,
so a row's hash is known before it is written and the table stays insert-only). The first row's
``prev_hash`` is :data:`GENESIS`. Changing, deleting or reordering any row breaks the chain at that
row or the next; :func:`verify_chain` names the first broken row. ``screener audit verify`` prints
the head hash, which an operator can note elsewhere: rewriting the whole tail then shows too.

Writers are serialised for the length of their transaction, so two can never chain onto the same
row: SQLite's write transactions hold the database lock (``BEGIN IMMEDIATE``), PostgreSQL takes a
transaction-scoped advisory lock (:func:`lock_chain`) before reading the head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

__all__ = ["GENESIS", "ChainBreak", "chain_head", "entry_hash", "lock_chain", "verify_chain"]

GENESIS = "0" * 64
_LOCK_ID = 0x7470706F  # "tppo": the advisory lock of the audit chain on PostgreSQL
_HEAD_KEY = "audit_chain_head"


def _when(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    return str(value)


def entry_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash of one audit row's content chained onto ``prev_hash``."""
    content = {
        "key_id": row.get("key_id"),
        "action": row.get("action"),
        "object_type": row.get("object_type"),
        "object_id": row.get("object_id"),
        "before": row.get("before"),
        "after": row.get("after"),
        "created_at": _when(row.get("created_at")),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def lock_chain(session: Session) -> None:
    """Serialise chain writers until this transaction ends (PostgreSQL; SQLite's write lock does it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})


def chain_head(session: Session) -> str:
    """The last row's hash (GENESIS for an empty log); cached for the rest of this transaction."""
    from service.store.models import AuditEntry

    transaction = session.get_transaction()
    cached = session.info.get(_HEAD_KEY)
    if cached is not None and cached[0] is transaction:
        return str(cached[1])
    lock_chain(session)
    head = session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    return head or GENESIS


def remember_head(session: Session, head: str) -> None:
    session.info[_HEAD_KEY] = (session.get_transaction(), head)


@dataclass(frozen=True)
class ChainBreak:
    """The first row whose hashes do not hold, and why."""

    row_id: int
    reason: str


def _rows(session: Session, batch: int = 1000) -> Iterator[Any]:
    from service.store.models import AuditEntry

    last = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def verify_chain(session: Session) -> tuple[int, str, ChainBreak | None]:
    """Walk the log in id order: (rows checked, head hash, first break or None)."""
    previous = GENESIS
    count = 0
    for row in _rows(session):
        count += 1
        if row.prev_hash != previous:
            return (
                count,
                previous,
                ChainBreak(
                    row.id,
                    "prev_hash does not match the previous row (a row was removed, inserted or reordered)",
                ),
            )
        content = {
            c: getattr(row, c)
            for c in ("key_id", "action", "object_type", "object_id", "before", "after", "created_at")
        }
        expected = entry_hash(previous, content)
        if row.row_hash != expected:
            return (
                count,
                previous,
                ChainBreak(row.id, "row_hash does not match the row's content (the row was changed)"),
            )
        previous = expected
    return count, previous, None
