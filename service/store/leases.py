"""Claims and leases: who holds which queue item, until when.

Claims are one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING``:
PostgreSQL skips rows another claimer holds, SQLite serialises writers; never two holders of one item.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, case, exists, or_, select, update
from sqlalchemy.orm import Session

from service.store.audit import audit, item_snapshot
from service.store.db import is_postgres
from service.store.errors import AlreadyDecided, LeaseExpired, NotFound
from service.store.keys import key_names
from service.store.models import Decision, QueueItem, utcnow
from service.vocabulary import CLAIMABLE, ItemStatus

__all__ = ["claim_items", "expire_leases", "held_item", "queue_order", "release_item", "release_items"]


def queue_order() -> list[Any]:
    """The queue's documented order: second reviews first, then :func:`~.campaigns.queue_priority`."""
    stage = case((QueueItem.review_round > 1, 0), else_=1)
    return [stage, QueueItem.priority.desc(), QueueItem.id]


def _claimable(now: datetime, key_id: int) -> Any:
    free = or_(
        QueueItem.status.in_(CLAIMABLE),
        and_(QueueItem.status == ItemStatus.LEASED, QueueItem.lease_expires_at < now),
    )
    # A second review must come from someone other than the first reviewer, and whoever voted
    # `unsure` on an item in this round leaves it to another moderator.
    other = or_(QueueItem.first_key_id.is_(None), QueueItem.first_key_id != key_id)
    voted = exists().where(
        Decision.item_id == QueueItem.id,
        Decision.key_id == key_id,
        Decision.review_round == QueueItem.review_round,
    )
    return and_(free, other, ~voted)


def claim_items(
    session: Session, *, key_id: int, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[int]:
    """Lease up to ``limit`` items, in :func:`queue_order`, to ``key_id``; returns their ids in that order.

    Run inside :func:`write_transaction`. PostgreSQL: the subquery's ``FOR UPDATE SKIP LOCKED`` makes
    concurrent claimers take disjoint rows; SQLite: ``BEGIN IMMEDIATE`` makes the statement exclusive.
    """
    now = now or utcnow()
    condition = _claimable(now, key_id)
    pick = select(QueueItem.id).where(condition).order_by(*queue_order()).limit(limit)
    if is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    table = cast(Table, QueueItem.__table__)  # a mapped class's table; typed as any FromClause
    rows = session.execute(
        update(table)
        .where(table.c.id.in_(pick.scalar_subquery()), condition)
        .values(
            status=ItemStatus.LEASED,
            lease_key_id=key_id,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            updated_at=now,
        )
        .returning(table.c.id, table.c.priority, table.c.review_round)
    ).all()
    ids = [r.id for r in sorted(rows, key=lambda r: (r.review_round == 1, -r.priority, r.id))]
    for item_id in ids:
        audit(session, key_id=key_id, action="claim", object_type="queue_item", object_id=item_id, when=now)
    return ids


def _unleased_status(item: QueueItem) -> str:
    return ItemStatus.OPEN if item.review_round == 1 else ItemStatus.NEEDS_SECOND_REVIEW


def expire_leases(session: Session, *, now: datetime | None = None) -> int:
    """Return items whose lease ran out to the queue (claims also treat them as free)."""
    now = now or utcnow()
    expired = list(
        session.scalars(
            select(QueueItem)
            .where(QueueItem.status == ItemStatus.LEASED, QueueItem.lease_expires_at < now)
            .limit(1000)
        )
    )
    for item in expired:
        before = item_snapshot(item)
        item.status = _unleased_status(item)
        item.lease_key_id = item.lease_expires_at = None
        item.updated_at = now
        audit(
            session, key_id=None, action="lease_expired", object_type="queue_item", object_id=item.id,
            before=before, after=item_snapshot(item), when=now,
        )  # fmt: skip
    session.flush()
    return len(expired)


def held_item(session: Session, item_id: int, key_id: int, now: datetime) -> QueueItem:
    item = session.get(QueueItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"no queue item {item_id}", f"tidak ada item antrean {item_id}")
    if item.status == ItemStatus.DECIDED:
        raise already_decided(session, item)
    expires = item.lease_expires_at
    if item.status != ItemStatus.LEASED or item.lease_key_id != key_id or expires is None or expires <= now:
        raise LeaseExpired(
            f"item {item_id} is not leased to you (or the lease expired); claim it first",
            f"item {item_id} tidak sedang Anda pegang (atau masa sewanya habis); klaim dahulu",
        )
    return item


def already_decided(session: Session, item: QueueItem) -> AlreadyDecided:
    """The error for acting on a decided item: by whom (the key's name) and when."""
    last = session.scalars(
        select(Decision).where(Decision.item_id == item.id).order_by(Decision.id.desc())
    ).first()
    who = key_names(session, [last.key_id]).get(last.key_id, f"#{last.key_id}") if last else "?"
    when = item.decided_at.strftime("%Y-%m-%d %H:%M UTC") if item.decided_at else "?"
    verdict = item.final_verdict or "?"
    return AlreadyDecided(
        f"item {item.id} is already decided ({verdict}) by {who} at {when}",
        f"item {item.id} sudah diputuskan ({verdict}) oleh {who} pada {when}",
    )


def release_items(
    session: Session, *, key_id: int, item_ids: list[int] | None = None, now: datetime | None = None
) -> list[int]:
    """Give back every item ``key_id`` holds (or only ``item_ids`` among them); returns the ids released."""
    now = now or utcnow()
    query = select(QueueItem.id).where(
        QueueItem.status == ItemStatus.LEASED,
        QueueItem.lease_key_id == key_id,
        QueueItem.lease_expires_at > now,
    )
    if item_ids is not None:
        query = query.where(QueueItem.id.in_(item_ids))
    ids = sorted(session.scalars(query))
    for item_id in ids:
        release_item(session, item_id=item_id, key_id=key_id, now=now)
    return ids


def release_item(session: Session, *, item_id: int, key_id: int, now: datetime | None = None) -> QueueItem:
    now = now or utcnow()
    item = held_item(session, item_id, key_id, now)
    before = item_snapshot(item)
    item.status = _unleased_status(item)
    item.lease_key_id = item.lease_expires_at = None
    item.updated_at = now
    session.flush()
    audit(
        session, key_id=key_id, action="release", object_type="queue_item", object_id=item_id,
        before=before, after=item_snapshot(item), when=now,
    )  # fmt: skip
    return item
