"""Batches coming in: create, add ads and malformed rows, finish or fail the upload, read it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from screener.sources.authors import author_hash
from service.store.db import is_postgres
from service.store.errors import NotFound
from service.store.models import Ad, Batch, BatchError, utcnow
from service.vocabulary import BatchStatus

__all__ = [
    "batch_errors",
    "create_batch",
    "fail_batch",
    "finish_upload",
    "get_batch",
    "insert_ads",
    "insert_batch_errors",
    "note_import",
    "refresh_statistics",
]

# An upload of at least this many ads refreshes the planner's statistics of ``ads`` (PostgreSQL).
ANALYZE_MIN_ADS = 1000


def create_batch(
    session: Session, *, key_id: int | None, filename: str | None, content_type: str | None
) -> Batch:
    now = utcnow()
    batch = Batch(
        key_id=key_id,
        status=BatchStatus.RECEIVING,
        filename=(filename or None) and filename[:300],
        content_type=(content_type or None) and content_type[:100],
        accepted=0,
        rejected=0,
        scored=0,
        enqueued=0,
        skipped=0,
        created_at=now,
        updated_at=now,
    )
    session.add(batch)
    session.flush()
    return batch


def _posted_at(value: Any) -> datetime | None:
    """A datetime or an ISO 8601 string; naive times are taken as UTC."""
    if value is None or value == "":
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _author(value: Any, key: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not key:  # never store an author in clear
        raise ValueError("rows with an author need author_key (SCREENER_AUTHOR_HASH_KEY)")
    return author_hash(str(value), key)


def insert_ads(
    session: Session, *, batch_id: int, rows: Sequence[dict[str, Any]], author_key: str | None = None
) -> None:
    """Insert parsed rows: ``text`` plus optional ``source``, ``platform``, ``url``, ``external_id``,
    ``group`` (group / channel / page), ``posted_at`` (datetime or ISO string) and ``author``, which is
    stored only as its keyed hash (HMAC-SHA256 with ``author_key``; a row with an author and no key
    raises ``ValueError``)."""
    if not rows:
        return
    now = utcnow()
    session.execute(
        insert(Ad),
        [
            {
                "batch_id": batch_id,
                "text": r["text"],
                "source": r.get("source"),
                "platform": r.get("platform"),
                "url": r.get("url"),
                "external_id": r.get("external_id"),
                "group_name": (r.get("group") or None) and str(r["group"])[:300],
                "posted_at": _posted_at(r.get("posted_at")),
                "author_hash": _author(r.get("author"), author_key),
                "received_at": now,
                "scored": False,
            }
            for r in rows
        ],
    )
    session.execute(
        update(Batch).where(Batch.id == batch_id).values(accepted=Batch.accepted + len(rows), updated_at=now)
    )


def insert_batch_errors(session: Session, *, batch_id: int, errors: Sequence[tuple[int, str]]) -> None:
    if not errors:
        return
    session.execute(insert(BatchError), [{"batch_id": batch_id, "row": r, "message": m} for r, m in errors])
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id)
        .values(rejected=Batch.rejected + len(errors), updated_at=utcnow())  # still receiving: not stuck
    )


def note_import(session: Session, *, batch_id: int, source_format: str, skipped: int) -> None:
    """The format the upload was read as, and how many messages it skipped (not ads)."""
    session.execute(
        update(Batch).where(Batch.id == batch_id).values(source_format=source_format[:30], skipped=skipped)
    )


def finish_upload(session: Session, *, batch_id: int) -> Batch:
    """The upload is complete: the worker may score the batch (``done`` at once when it has no ad)."""
    batch = session.get(Batch, batch_id)
    assert batch is not None
    now = utcnow()
    if batch.status != BatchStatus.RECEIVING:
        # Taken for stuck (service/store/stuck.py) while this upload was slow but alive: it did finish,
        # so the note goes, and the batch goes on from where the scoring is.
        batch.error, batch.finished_at = None, None
    if batch.scored >= batch.accepted:
        batch.status, batch.finished_at = BatchStatus.DONE, now
    else:
        batch.status = BatchStatus.QUEUED if not batch.scored else BatchStatus.SCORING
    batch.updated_at = now
    session.flush()
    return batch


def refresh_statistics(session: Session) -> None:
    """PostgreSQL: ``ANALYZE ads`` after a large upload, as its ads start being claimed.

    Autovacuum analyses a table only after a tenth of it has changed, and a minute later at best; until
    then the planner does not know the new batch's ads exist (it took a 30,000-ad upload for 70 rows,
    read them all by batch and sorted them, text included, at each claim: ~50 ms). Sampling the table
    costs a fraction of a second. SQLite keeps no statistics unless asked and plans the queue's
    queries well without them: nothing to do.
    """
    if is_postgres(session):
        session.execute(text("ANALYZE ads"))


def fail_batch(session: Session, *, batch_id: int, error: str) -> None:
    """An upload refused half-way (too large): its ads are removed, the batch says why."""
    session.execute(delete(Ad).where(Ad.batch_id == batch_id, Ad.scored.is_(False)))
    now = utcnow()
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id)
        .values(status=BatchStatus.FAILED, error=error, accepted=0, updated_at=now, finished_at=now)
    )


def batch_errors(session: Session, *, batch_id: int, limit: int = 1000) -> list[BatchError]:
    query = select(BatchError).where(BatchError.batch_id == batch_id).order_by(BatchError.id).limit(limit)
    return list(session.scalars(query))


def get_batch(session: Session, *, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"no batch {batch_id}", f"tidak ada batch {batch_id}")
    return batch
