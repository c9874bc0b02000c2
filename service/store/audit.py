"""The audit log: append-only (nothing in the store updates or deletes it) and hash-chained.

Every row carries the hash of the previous one (:mod:`service.store.chain`); :func:`audit` is the
only writer, so the chain is extended here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from service.store.chain import chain_head, entry_hash, remember_head
from service.store.models import AuditEntry, QueueItem, utcnow

__all__ = ["audit", "item_snapshot"]


def audit(
    session: Session,
    *,
    key_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    when: datetime | None = None,
) -> None:
    """Append one entry to the audit log (the only way anything reaches it), chained to the last."""
    values: dict[str, Any] = {
        "key_id": key_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "created_at": when or utcnow(),
    }
    previous = chain_head(session)
    digest = entry_hash(previous, values)
    session.execute(insert(AuditEntry).values(**values, prev_hash=previous, row_hash=digest))
    remember_head(session, digest)


def item_snapshot(item: QueueItem) -> dict[str, Any]:
    return {
        "status": item.status,
        "review_round": item.review_round,
        "lease_key_id": item.lease_key_id,
        "lease_expires_at": item.lease_expires_at.isoformat() if item.lease_expires_at else None,
        "final_verdict": item.final_verdict,
        "final_indicators": item.final_indicators,
    }
