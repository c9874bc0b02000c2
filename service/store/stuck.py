"""Batches whose upload was cut short by a crash: still ``receiving`` long after their last row.

An upload writes its ads in committed chunks and touches ``batches.updated_at`` with each chunk; when
the process dies between chunks the batch would wait in ``receiving`` forever (the worker scores only
complete uploads). :func:`recover_stuck_batches` finds batches untouched for longer than the timeout
and keeps what arrived: with ads, the batch is resumed (``queued``: its ads are scored like any other)
and ``error`` says the upload was cut short; with none, it is ``failed`` with that reason. The ads
already accepted are never removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import Batch, utcnow
from service.vocabulary import BatchStatus

__all__ = ["RecoveredBatch", "recover_stuck_batches"]

INTERRUPTED = (
    "unggahan terputus (layanan berhenti); {n} iklan yang sudah diterima disimpan dan dinilai, baris "
    "sesudahnya tidak diterima / upload interrupted (the service stopped); the {n} ads received were "
    "kept and are scored, later rows were not received"
)
INTERRUPTED_EMPTY = (
    "unggahan terputus (layanan berhenti) sebelum ada iklan yang diterima; kirim ulang berkasnya / upload "
    "interrupted (the service stopped) before any ad was received; send the file again"
)


@dataclass(frozen=True)
class RecoveredBatch:
    batch_id: int
    status: str  # queued (resumed) or failed
    accepted: int


def recover_stuck_batches(
    session: Session, *, timeout: timedelta, now: datetime | None = None
) -> list[RecoveredBatch]:
    """Resume or fail every batch ``receiving`` for longer than ``timeout`` since its last row."""
    now = now or utcnow()
    query = (
        select(Batch)
        .where(Batch.status == BatchStatus.RECEIVING, Batch.updated_at < now - timeout)
        .order_by(Batch.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another process may be recovering them too
    recovered = []
    for batch in session.scalars(query):
        if batch.accepted:
            batch.status, batch.error = BatchStatus.QUEUED, INTERRUPTED.format(n=batch.accepted)
        else:
            batch.status, batch.error, batch.finished_at = BatchStatus.FAILED, INTERRUPTED_EMPTY, now
        batch.updated_at = now
        recovered.append(RecoveredBatch(batch.id, batch.status, batch.accepted))
    session.flush()
    return recovered
