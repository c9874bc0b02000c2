"""The batch review queue's data access: ingest, scored chunks + clustering, claims, decisions, audit.

Concurrency, in one place:

- every write transaction here runs under :func:`write_transaction`: ``BEGIN IMMEDIATE`` on SQLite
  (the write lock is taken up front, so a read-then-write never fails half-way with a busy snapshot;
  WAL + busy_timeout make other writers wait), a plain transaction on PostgreSQL;
- an ad is scored exactly once: :func:`record_scored` marks ``scored`` with a conditional UPDATE in
  the transaction that inserts the assessment (and ``assessments.ad_id`` is unique), so a worker
  killed half-way loses nothing and a second worker scoring the same chunk writes nothing;
- claims are one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING``:
  PostgreSQL skips rows another claimer holds, SQLite serialises writers; never two holders of one item;
- clustering is serialised (SQLite's write lock; ``pg_advisory_xact_lock`` on PostgreSQL), so two
  workers never create the same campaign twice;
- the audit log is append-only: :func:`audit` inserts, nothing here updates or deletes it.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from service.errors import Conflict, NotFound
from service.store.models import (
    Ad,
    AdAssessment,
    AdContact,
    AuditEntry,
    Batch,
    BatchError,
    Cluster,
    ClusterBand,
    ClusterBatch,
    Decision,
    QueueItem,
    utcnow,
)

__all__ = [
    "CLAIMABLE",
    "ScoredAd",
    "adjudicate",
    "audit",
    "claim_items",
    "contact_report",
    "create_batch",
    "decide",
    "decided_rows",
    "expire_leases",
    "fail_batch",
    "finish_upload",
    "insert_ads",
    "insert_batch_errors",
    "item_detail",
    "list_items",
    "pending_ads",
    "record_scored",
    "release_item",
    "stats",
    "write_transaction",
]

CLAIMABLE = ("open", "needs_second_review")
SECOND_REVIEW_VERDICTS = frozenset({"tppo", "tppm"})
SAFE_VERDICTS = frozenset({"legit", "awareness"})
CLUSTER_LOCK = 5_150_001  # pg_advisory_xact_lock id for clustering
IN_CHUNK = 900  # keys per IN (...) list


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction holds the write lock from its first statement (SQLite)."""
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            _begin_immediate(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _begin_immediate(session: Session, patience: float = 60.0) -> None:
    # SQLite's busy handler backs off and can starve one waiter behind a stream of short writers for
    # longer than busy_timeout; nothing has happened yet in this transaction, so retrying is safe.
    deadline = time.monotonic() + patience
    while True:
        try:
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            session.rollback()
            if time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.001, 0.02))


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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
    """Append one entry to the audit log (the only way anything reaches it)."""
    session.execute(
        insert(AuditEntry).values(
            key_id=key_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            created_at=when or utcnow(),
        )
    )


# -- ingest ----------------------------------------------------------------------------------------


def create_batch(
    session: Session, *, key_id: int | None, filename: str | None, content_type: str | None
) -> Batch:
    now = utcnow()
    batch = Batch(
        key_id=key_id,
        status="receiving",
        filename=(filename or None) and filename[:300],
        content_type=(content_type or None) and content_type[:100],
        accepted=0,
        rejected=0,
        scored=0,
        enqueued=0,
        created_at=now,
        updated_at=now,
    )
    session.add(batch)
    session.flush()
    return batch


def insert_ads(session: Session, *, batch_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """Insert parsed rows (``text`` plus optional ``source``, ``platform``, ``url``, ``external_id``)."""
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
    session.execute(update(Batch).where(Batch.id == batch_id).values(rejected=Batch.rejected + len(errors)))


def finish_upload(session: Session, *, batch_id: int) -> Batch:
    """The upload is complete: the worker may score the batch (``done`` at once when it has no ad)."""
    batch = session.get(Batch, batch_id)
    assert batch is not None
    now = utcnow()
    batch.status = "queued" if batch.accepted else "done"
    batch.updated_at = now
    if not batch.accepted:
        batch.finished_at = now
    session.flush()
    return batch


def fail_batch(session: Session, *, batch_id: int, error: str) -> None:
    """An upload refused half-way (too large): its ads are removed, the batch says why."""
    session.execute(delete(Ad).where(Ad.batch_id == batch_id, Ad.scored.is_(False)))
    now = utcnow()
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id)
        .values(status="failed", error=error, accepted=0, updated_at=now, finished_at=now)
    )


def batch_errors(session: Session, *, batch_id: int, limit: int = 1000) -> list[BatchError]:
    query = select(BatchError).where(BatchError.batch_id == batch_id).order_by(BatchError.id).limit(limit)
    return list(session.scalars(query))


# -- scoring and clustering ------------------------------------------------------------------------


@dataclass
class ScoredAd:
    """One ad's assessment and near-duplicate sketch, computed outside the write transaction."""

    ad_id: int
    batch_id: int
    platform: str | None
    assessment: dict[str, Any] | None  # None: the ad could not be scored (reported as a batch error)
    content_hash: str = ""
    signature: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    band_keys: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def risk(self) -> float:
        return float(self.assessment["risk"]) if self.assessment else 0.0


def content_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def slots_of(assessment: dict[str, Any]) -> dict[str, list[str]]:
    """What reposts of one template vary: phone numbers, salaries, places."""
    phones = [c["value"] for c in assessment.get("contacts", ()) if c["kind"] in ("phone", "whatsapp")]
    salary = assessment.get("salary") or {}
    amount = salary.get("amount") or {}
    salaries = [str(amount["text"])] if amount.get("text") else []
    places = [p["place"]["name_id"] for p in assessment.get("places", ())]
    return {"phones": phones, "salaries": salaries, "places": places}


def pending_ads(session: Session, *, limit: int, lock: bool) -> list[Any]:
    """Unscored ads of batches whose upload is complete, oldest first (locked, skipping others', on PG)."""
    query = (
        select(Ad.id, Ad.batch_id, Ad.text, Ad.platform)
        .join(Batch, Batch.id == Ad.batch_id)
        .where(Ad.scored.is_(False), Batch.status.in_(("queued", "scoring")))
        .order_by(Ad.id)
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True, of=Ad)
    return list(session.execute(query).all())


def record_scored(
    session: Session,
    *,
    scored: Sequence[ScoredAd],
    review_threshold: float,
    uncertain_margin: float,
    similarity_threshold: float,
) -> int:
    """Write a chunk's assessments, clusters, contacts and queue items; returns how many ads it scored.

    Ads another worker scored meanwhile are skipped (the conditional UPDATE returns only ours).
    """
    from screener.dedupe import similarity

    if not scored:
        return 0
    if _is_pg(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLUSTER_LOCK})
    ads = Ad.__table__
    ours: set[int] = set()
    for ids in _chunks([s.ad_id for s in scored]):
        marked = session.execute(
            update(ads)
            .where(ads.c.id.in_(ids), ads.c.scored.is_(False))
            .values(scored=True)
            .returning(ads.c.id)
        )
        ours.update(marked.scalars())
    mine = [s for s in scored if s.ad_id in ours]
    if not mine:
        return 0
    now = utcnow()
    good = [s for s in mine if s.assessment is not None]
    failed = [s for s in mine if s.assessment is None]
    if failed:
        session.execute(
            insert(BatchError),
            [{"batch_id": s.batch_id, "row": 0, "message": f"ad {s.ad_id}: {s.error}"} for s in failed],
        )
    if good:
        session.execute(
            insert(AdAssessment),
            [
                {
                    "ad_id": s.ad_id,
                    "model_version": str(s.assessment["model_version"]),
                    "risk": float(s.assessment["risk"]),
                    "tier": str(s.assessment["tier"]),
                    "category": str(s.assessment["category"]),
                    "indicators": [i["id"] for i in s.assessment["indicators"]],
                    "slots": slots_of(s.assessment),
                    "assessment": s.assessment,
                    "created_at": now,
                }
                for s in good
                if s.assessment is not None
            ],
        )
        contacts = [
            {"ad_id": s.ad_id, "kind": c["kind"], "value": str(c["value"])[:300]}
            for s in good
            if s.assessment is not None
            for c in s.assessment["contacts"]
        ]
        if contacts:
            session.execute(insert(AdContact), contacts)
    clusters = _assign_clusters(session, good, similarity_threshold, similarity, now)
    enqueued = _enqueue(session, good, clusters, review_threshold, uncertain_margin, now)
    _advance_batches(session, mine, enqueued, now)
    return len(mine)


def _assign_clusters(
    session: Session, good: Sequence[ScoredAd], threshold: float, similarity: Any, now: datetime
) -> dict[int, int]:
    """ad id -> cluster id: exact duplicate by canonical hash, else the most similar LSH candidate."""
    if not good:
        return {}
    hashes = sorted({s.content_hash for s in good})
    exact: dict[str, int] = {}
    for part in _chunks(hashes):
        for h, cid in session.execute(
            select(Ad.content_hash, Ad.cluster_id).where(
                Ad.content_hash.in_(part), Ad.cluster_id.is_not(None)
            )
        ):
            exact.setdefault(h, cid)
    keys = sorted({k for s in good if s.content_hash not in exact for k in s.band_keys})
    by_key: dict[int, list[int]] = defaultdict(list)
    for part in _chunks(keys):
        for key, cid in session.execute(
            select(ClusterBand.band_key, ClusterBand.cluster_id).where(ClusterBand.band_key.in_(part))
        ):
            by_key[key].append(cid)
    candidate_ids = sorted({cid for ids in by_key.values() for cid in ids})
    signatures: dict[int, np.ndarray] = {}
    for part in _chunks(candidate_ids):
        for cid, blob in session.execute(select(Cluster.id, Cluster.signature).where(Cluster.id.in_(part))):
            signatures[cid] = np.frombuffer(blob, dtype=np.uint64)
    assigned: dict[int, int] = {}
    members: Counter[int] = Counter()
    pairs: set[tuple[int, int]] = set()
    new_clusters: set[int] = set()
    for s in good:
        cid = exact.get(s.content_hash)
        if cid is None:
            best, best_sim = None, threshold
            for candidate in {c for k in s.band_keys for c in by_key.get(k, ())}:
                sim = similarity(s.signature, signatures[candidate])
                if sim >= best_sim:
                    best, best_sim = candidate, sim
            cid = best
        if cid is None:
            cid = session.execute(
                insert(Cluster)
                .values(
                    representative_ad_id=s.ad_id,
                    content_hash=s.content_hash,
                    signature=s.signature.astype(np.uint64).tobytes(),
                    member_count=0,
                    batch_count=0,
                    created_at=now,
                    updated_at=now,
                )
                .returning(Cluster.id)
            ).scalar_one()
            session.execute(
                insert(ClusterBand), [{"band_key": k, "cluster_id": cid} for k in set(s.band_keys)]
            )
            for k in s.band_keys:
                by_key[k].append(cid)
            signatures[cid] = s.signature
            new_clusters.add(cid)
        exact.setdefault(s.content_hash, cid)
        assigned[s.ad_id] = cid
        members[cid] += 1
        pairs.add((cid, s.batch_id))
    ads = Ad.__table__
    session.execute(
        update(ads)
        .where(ads.c.id == bindparam("b_id"))
        .values(content_hash=bindparam("b_hash"), cluster_id=bindparam("b_cluster")),
        [{"b_id": s.ad_id, "b_hash": s.content_hash, "b_cluster": assigned[s.ad_id]} for s in good],
    )
    touched = sorted(members)
    existing: set[tuple[int, int]] = set()
    old = sorted(set(touched) - new_clusters)
    for part in _chunks(old):
        existing.update(
            (c, b)
            for c, b in session.execute(
                select(ClusterBatch.cluster_id, ClusterBatch.batch_id).where(
                    ClusterBatch.cluster_id.in_(part)
                )
            )
        )
    fresh = sorted(pairs - existing)
    if fresh:
        session.execute(insert(ClusterBatch), [{"cluster_id": c, "batch_id": b} for c, b in fresh])
    new_batches = Counter(c for c, _ in fresh)
    clusters = Cluster.__table__
    session.execute(
        update(clusters)
        .where(clusters.c.id == bindparam("b_id"))
        .values(
            member_count=clusters.c.member_count + bindparam("b_members"),
            batch_count=clusters.c.batch_count + bindparam("b_batches"),
            updated_at=now,
        ),
        [{"b_id": c, "b_members": members[c], "b_batches": new_batches[c]} for c in touched],
    )
    return assigned


def _enqueue(
    session: Session,
    good: Sequence[ScoredAd],
    clusters: dict[int, int],
    threshold: float,
    margin: float,
    now: datetime,
) -> Counter[int]:
    """One queue item per campaign with an ad at or above ``threshold - margin``; returns per batch."""
    best: dict[int, ScoredAd] = {}
    for s in good:
        if s.risk >= threshold - margin:
            cid = clusters[s.ad_id]
            if cid not in best or s.risk > best[cid].risk:
                best[cid] = s
    enqueued: Counter[int] = Counter()
    if not best:
        return enqueued
    items: dict[int, QueueItem] = {}
    for part in _chunks(sorted(best)):
        for item in session.scalars(select(QueueItem).where(QueueItem.cluster_id.in_(part))):
            items[item.cluster_id] = item
    new_rows = []
    for cid, s in best.items():
        assert s.assessment is not None
        reason = "threshold" if s.risk >= threshold else "uncertain"
        item = items.get(cid)
        if item is None:
            slots = slots_of(s.assessment)
            new_rows.append(
                {
                    "cluster_id": cid,
                    "ad_id": s.ad_id,
                    "batch_id": s.batch_id,
                    "status": "open",
                    "reason": reason,
                    "priority": s.risk,
                    "risk": s.risk,
                    "tier": s.assessment["tier"],
                    "platform": s.platform,
                    "indicators_text": _tags(i["id"] for i in s.assessment["indicators"]),
                    "places_text": _tags(p.lower() for p in slots["places"]),
                    "review_round": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            enqueued[s.batch_id] += 1
        elif item.status != "decided" and s.risk > item.risk:
            # A riskier repost of a campaign already queued: the item moves up; its ad stays the first.
            item.priority = item.risk = s.risk
            item.tier = s.assessment["tier"]
            if reason == "threshold":
                item.reason = reason
            item.updated_at = now
    if new_rows:
        session.execute(insert(QueueItem), new_rows)
    session.flush()
    return enqueued


def _tags(values: Iterable[str]) -> str:
    unique = sorted(set(values))
    return "," + ",".join(unique) + "," if unique else ""


def _advance_batches(
    session: Session, mine: Sequence[ScoredAd], enqueued: Counter[int], now: datetime
) -> None:
    counts = Counter(s.batch_id for s in mine)
    for batch_id, n in sorted(counts.items()):
        batch = session.get(Batch, batch_id, with_for_update=True)
        if batch is None:
            continue
        batch.scored += n
        batch.enqueued += enqueued[batch_id]
        batch.updated_at = now
        if batch.scored >= batch.accepted:
            batch.status, batch.finished_at = "done", now
        else:
            batch.status = "scoring"
    session.flush()


# -- claims and leases -----------------------------------------------------------------------------


def _claimable(now: datetime, key_id: int) -> Any:
    free = or_(
        QueueItem.status.in_(CLAIMABLE),
        and_(QueueItem.status == "leased", QueueItem.lease_expires_at < now),
    )
    # A second review must come from someone other than the first reviewer.
    other = or_(QueueItem.first_key_id.is_(None), QueueItem.first_key_id != key_id)
    return and_(free, other)


def claim_items(
    session: Session, *, key_id: int, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[int]:
    """Lease up to ``limit`` items, riskiest first, to ``key_id``; returns their ids in queue order.

    Run inside :func:`write_transaction`. PostgreSQL: the subquery's ``FOR UPDATE SKIP LOCKED`` makes
    concurrent claimers take disjoint rows; SQLite: ``BEGIN IMMEDIATE`` makes the statement exclusive.
    """
    now = now or utcnow()
    condition = _claimable(now, key_id)
    pick = (
        select(QueueItem.id).where(condition).order_by(QueueItem.priority.desc(), QueueItem.id).limit(limit)
    )
    if _is_pg(session):
        pick = pick.with_for_update(skip_locked=True)
    table = QueueItem.__table__
    rows = session.execute(
        update(table)
        .where(table.c.id.in_(pick.scalar_subquery()), condition)
        .values(
            status="leased",
            lease_key_id=key_id,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            updated_at=now,
        )
        .returning(table.c.id, table.c.priority)
    ).all()
    ids = [r.id for r in sorted(rows, key=lambda r: (-r.priority, r.id))]
    for item_id in ids:
        audit(session, key_id=key_id, action="claim", object_type="queue_item", object_id=item_id, when=now)
    return ids


def _unleased_status(item: QueueItem) -> str:
    return "open" if item.review_round == 1 else "needs_second_review"


def expire_leases(session: Session, *, now: datetime | None = None) -> int:
    """Return items whose lease ran out to the queue (claims also treat them as free)."""
    now = now or utcnow()
    expired = list(
        session.scalars(
            select(QueueItem)
            .where(QueueItem.status == "leased", QueueItem.lease_expires_at < now)
            .limit(1000)
        )
    )
    for item in expired:
        before = _snapshot(item)
        item.status = _unleased_status(item)
        item.lease_key_id = item.lease_expires_at = None
        item.updated_at = now
        audit(
            session, key_id=None, action="lease_expired", object_type="queue_item", object_id=item.id,
            before=before, after=_snapshot(item), when=now,
        )  # fmt: skip
    session.flush()
    return len(expired)


def _held_item(session: Session, item_id: int, key_id: int, now: datetime) -> QueueItem:
    item = session.get(QueueItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"no queue item {item_id}", f"tidak ada item antrean {item_id}")
    expires = item.lease_expires_at
    if item.status != "leased" or item.lease_key_id != key_id or expires is None or expires <= now:
        raise Conflict(
            f"item {item_id} is not leased to you (or the lease expired); claim it first",
            f"item {item_id} tidak sedang Anda pegang (atau masa sewanya habis); klaim dahulu",
            code="not_lease_holder",
        )
    return item


def release_item(session: Session, *, item_id: int, key_id: int, now: datetime | None = None) -> QueueItem:
    now = now or utcnow()
    item = _held_item(session, item_id, key_id, now)
    before = _snapshot(item)
    item.status = _unleased_status(item)
    item.lease_key_id = item.lease_expires_at = None
    item.updated_at = now
    session.flush()
    audit(
        session, key_id=key_id, action="release", object_type="queue_item", object_id=item_id,
        before=before, after=_snapshot(item), when=now,
    )  # fmt: skip
    return item


def _snapshot(item: QueueItem) -> dict[str, Any]:
    return {
        "status": item.status,
        "review_round": item.review_round,
        "lease_key_id": item.lease_key_id,
        "lease_expires_at": item.lease_expires_at.isoformat() if item.lease_expires_at else None,
        "final_verdict": item.final_verdict,
        "final_indicators": item.final_indicators,
    }


# -- decisions -------------------------------------------------------------------------------------


def needs_second_review(*, verdict: str, tier: str) -> bool:
    """tppo/tppm verdicts, and verdicts calling a ``tinggi`` ad safe, need a second reviewer."""
    return verdict in SECOND_REVIEW_VERDICTS or (tier == "tinggi" and verdict in SAFE_VERDICTS)


def _finalise(
    session: Session, item: QueueItem, key_id: int, verdict: str, indicators: list[str], now: datetime
) -> None:
    item.status = "decided"
    item.final_verdict = verdict
    item.final_indicators = indicators
    item.decided_at = now
    item.lease_key_id = item.lease_expires_at = None
    members = int(session.scalar(select(Cluster.member_count).where(Cluster.id == item.cluster_id)) or 0)
    audit(
        session, key_id=key_id, action="cluster_decision_applied", object_type="cluster",
        object_id=item.cluster_id,
        after={"item_id": item.id, "verdict": verdict, "indicators": indicators, "member_ads": members,
               "note": f"the decision applies to all {members} ads of campaign {item.cluster_id}"},
        when=now,
    )  # fmt: skip


def decide(
    session: Session,
    *,
    item_id: int,
    key_id: int,
    verdict: str,
    indicators: list[str],
    note: str | None,
    two_person_rule: bool,
    now: datetime | None = None,
) -> QueueItem:
    """Record the lease holder's decision and move the item on (decided, second review or adjudication)."""
    now = now or utcnow()
    item = _held_item(session, item_id, key_id, now)
    before = _snapshot(item)
    session.add(
        Decision(
            item_id=item.id,
            key_id=key_id,
            review_round=item.review_round,
            verdict=verdict,
            indicators=indicators,
            note=note,
            created_at=now,
        )
    )
    if item.review_round == 1:
        if two_person_rule and needs_second_review(verdict=verdict, tier=item.tier):
            item.status, item.review_round, item.first_key_id = "needs_second_review", 2, key_id
            item.lease_key_id = item.lease_expires_at = None
        else:
            _finalise(session, item, key_id, verdict, indicators, now)
    else:
        if key_id == item.first_key_id:  # claims already exclude this; kept as a guard
            raise Conflict(
                "the second review must come from another reviewer",
                "tinjauan kedua harus dilakukan peninjau lain",
                code="same_reviewer",
            )
        first = session.scalars(
            select(Decision)
            .where(Decision.item_id == item.id, Decision.review_round == 1)
            .order_by(Decision.id)
        ).first()
        if first is not None and first.verdict == verdict:
            merged = sorted(set(first.indicators) & set(indicators))
            _finalise(session, item, key_id, verdict, merged, now)
        else:
            item.status = "adjudication"
            item.lease_key_id = item.lease_expires_at = None
    item.updated_at = now
    session.flush()
    audit(
        session, key_id=key_id, action="decision", object_type="queue_item", object_id=item.id,
        before=before, after={**_snapshot(item), "verdict": verdict, "indicators": indicators, "note": note},
        when=now,
    )  # fmt: skip
    return item


def adjudicate(
    session: Session, *, item_id: int, key_id: int, verdict: str, indicators: list[str], note: str | None
) -> QueueItem:
    now = utcnow()
    item = session.get(QueueItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"no queue item {item_id}", f"tidak ada item antrean {item_id}")
    if item.status != "adjudication":
        raise Conflict(
            f"item {item_id} is not awaiting adjudication (status {item.status})",
            f"item {item_id} tidak menunggu keputusan akhir (status {item.status})",
            code="not_in_adjudication",
        )
    before = _snapshot(item)
    session.add(
        Decision(
            item_id=item.id,
            key_id=key_id,
            review_round=3,
            verdict=verdict,
            indicators=indicators,
            note=note,
            created_at=now,
        )
    )
    _finalise(session, item, key_id, verdict, indicators, now)
    item.updated_at = now
    session.flush()
    audit(
        session, key_id=key_id, action="adjudicate", object_type="queue_item", object_id=item.id,
        before=before, after={**_snapshot(item), "note": note}, when=now,
    )  # fmt: skip
    return item


# -- reading ---------------------------------------------------------------------------------------


def list_items(
    session: Session,
    *,
    statuses: Sequence[str],
    indicator: str | None = None,
    place: str | None = None,
    platform: str | None = None,
    batch_id: int | None = None,
    leased_to: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Any], int]:
    """Queue items (riskiest first) with their ad's opening and campaign size; and the total.

    ``leased_to``: only the items that key holds now (an unexpired lease).
    """
    conditions: list[Any] = [QueueItem.status.in_(statuses)]
    if leased_to is not None:
        conditions += [
            QueueItem.status == "leased",
            QueueItem.lease_key_id == leased_to,
            QueueItem.lease_expires_at > utcnow(),
        ]
    if indicator:
        conditions.append(QueueItem.indicators_text.contains(f",{indicator},", autoescape=True))
    if place:
        conditions.append(QueueItem.places_text.contains(place.lower(), autoescape=True))
    if platform:
        conditions.append(QueueItem.platform == platform)
    if batch_id is not None:
        conditions.append(QueueItem.batch_id == batch_id)
    query = (
        select(QueueItem, Ad.text, Cluster.member_count, Cluster.batch_count)
        .join(Ad, Ad.id == QueueItem.ad_id)
        .join(Cluster, Cluster.id == QueueItem.cluster_id)
        .where(*conditions)
        .order_by(QueueItem.priority.desc(), QueueItem.id)
        .limit(limit)
        .offset(offset)
    )
    total = int(session.scalar(select(func.count()).select_from(QueueItem).where(*conditions)) or 0)
    return list(session.execute(query).all()), total


def item_detail(session: Session, *, item_id: int, slot_sample: int = 500) -> dict[str, Any]:
    """Everything a reviewer needs for one item: ad, assessment, campaign (varying slots), contacts."""
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"no queue item {item_id}", f"tidak ada item antrean {item_id}")
    ad = session.get(Ad, item.ad_id)
    cluster = session.get(Cluster, item.cluster_id)
    assert ad is not None and cluster is not None
    assessment = session.scalar(select(AdAssessment.assessment).where(AdAssessment.ad_id == ad.id))
    varying: dict[str, Counter[str]] = {"phones": Counter(), "salaries": Counter(), "places": Counter()}
    for (slots,) in session.execute(
        select(AdAssessment.slots)
        .join(Ad, Ad.id == AdAssessment.ad_id)
        .where(Ad.cluster_id == cluster.id)
        .limit(slot_sample)
    ):
        for name, counter in varying.items():
            counter.update(slots.get(name, ()))
    contacts = []
    for kind, value in session.execute(
        select(AdContact.kind, AdContact.value).where(AdContact.ad_id == ad.id).distinct()
    ):
        ads = session.scalar(
            select(func.count(func.distinct(AdContact.ad_id))).where(AdContact.value == value)
        )
        contacts.append({"kind": kind, "value": value, "ads": int(ads or 0)})
    decisions = [
        {"round": d.review_round, "key_id": d.key_id, "verdict": d.verdict, "indicators": d.indicators,
         "note": d.note, "created_at": d.created_at.isoformat()}
        for d in session.scalars(select(Decision).where(Decision.item_id == item.id).order_by(Decision.id))
    ]  # fmt: skip
    return {
        "id": item.id,
        "status": item.status,
        "reason": item.reason,
        "review_round": item.review_round,
        "risk": item.risk,
        "tier": item.tier,
        "batch_id": item.batch_id,
        "lease_key_id": item.lease_key_id,
        "lease_expires_at": item.lease_expires_at.isoformat() if item.lease_expires_at else None,
        "final_verdict": item.final_verdict,
        "final_indicators": item.final_indicators,
        "ad": {
            "id": ad.id,
            "text": ad.text,
            "platform": ad.platform,
            "source": ad.source,
            "url": ad.url,
            "external_id": ad.external_id,
            "batch_id": ad.batch_id,
            "received_at": ad.received_at.isoformat(),
        },
        "assessment": assessment,
        "cluster": {
            "id": cluster.id,
            "size": cluster.member_count,
            "batches_seen": cluster.batch_count,
            "varying": {
                name: [{"value": v, "count": n} for v, n in counter.most_common(20)]
                for name, counter in varying.items()
            },
        },
        "contacts": contacts,
        "decisions": decisions,
    }


def normalise_contact(value: str) -> list[str]:
    """The canonical forms the extractor gives ``value`` (E.164 phone, ``@handle``, e-mail, URL)."""
    from screener.extract.contacts import find_contacts

    raw = value.strip()
    found = [c.value for c in find_contacts(raw)]
    if not found and re.fullmatch(r"\+?[\d\s().-]{7,}", raw):
        found = [c.value for c in find_contacts(f"WA {raw}")]
    if not found and re.fullmatch(r"[a-z_][\w.]{1,30}", raw, re.IGNORECASE):
        found = [f"@{raw}"]
    return list(dict.fromkeys([*found, raw, raw.lower()]))


def contact_report(session: Session, *, value: str, limit: int = 200) -> dict[str, Any]:
    values = normalise_contact(value)
    rows = session.execute(
        select(
            Ad.id,
            Ad.batch_id,
            Ad.cluster_id,
            Ad.platform,
            Ad.text,
            AdContact.kind,
            AdContact.value,
            AdAssessment.risk,
            AdAssessment.tier,
        )
        .join(AdContact, AdContact.ad_id == Ad.id)
        .outerjoin(AdAssessment, AdAssessment.ad_id == Ad.id)
        .where(AdContact.value.in_(values))
        .order_by(Ad.id.desc())
        .limit(limit)
    ).all()
    total = int(
        session.scalar(select(func.count(func.distinct(AdContact.ad_id))).where(AdContact.value.in_(values)))
        or 0
    )
    cluster_ids = sorted({r.cluster_id for r in rows if r.cluster_id is not None})
    clusters = {
        c.id: {"id": c.id, "size": c.member_count, "batches_seen": c.batch_count, "item": None}
        for c in session.scalars(select(Cluster).where(Cluster.id.in_(cluster_ids)))
    }
    decisions = []
    for item in session.scalars(select(QueueItem).where(QueueItem.cluster_id.in_(cluster_ids))):
        clusters[item.cluster_id]["item"] = {
            "id": item.id,
            "status": item.status,
            "verdict": item.final_verdict,
        }
        for d in session.scalars(select(Decision).where(Decision.item_id == item.id).order_by(Decision.id)):
            decisions.append(
                {"item_id": item.id, "cluster_id": item.cluster_id, "round": d.review_round, "verdict": d.verdict,
                 "indicators": d.indicators, "created_at": d.created_at.isoformat()}
            )  # fmt: skip
    return {
        "query": value,
        "values": values,
        "ads_total": total,
        "ads": [
            {
                "id": r.id,
                "batch_id": r.batch_id,
                "cluster_id": r.cluster_id,
                "platform": r.platform,
                "kind": r.kind,
                "value": r.value,
                "risk": r.risk,
                "tier": r.tier,
                "text": r.text[:300],
            }
            for r in rows
        ],
        "clusters": list(clusters.values()),
        "decisions": decisions,
    }


def stats(session: Session) -> dict[str, Any]:
    """Agreement between first and second reviewers, per reviewer and per indicator."""
    by_item: dict[int, dict[int, Decision]] = defaultdict(dict)
    for d in session.scalars(select(Decision).where(Decision.review_round.in_((1, 2)))):
        by_item[d.item_id][d.review_round] = d
    reviewers: dict[int, dict[str, int]] = defaultdict(lambda: {"decisions": 0, "paired": 0, "agreed": 0})
    indicators: dict[str, dict[str, int]] = defaultdict(lambda: {"paired": 0, "agreed": 0})
    paired = agreed = 0
    for rounds in by_item.values():
        for d in rounds.values():
            reviewers[d.key_id]["decisions"] += 1
        if 1 in rounds and 2 in rounds:
            a, b = rounds[1], rounds[2]
            same = a.verdict == b.verdict
            paired += 1
            agreed += same
            for d in (a, b):
                reviewers[d.key_id]["paired"] += 1
                reviewers[d.key_id]["agreed"] += same
            for ind in set(a.indicators) | set(b.indicators):
                indicators[ind]["paired"] += 1
                indicators[ind]["agreed"] += ind in a.indicators and ind in b.indicators
    statuses = dict(session.execute(select(QueueItem.status, func.count()).group_by(QueueItem.status)).all())

    def rate(row: dict[str, int]) -> float | None:
        return round(row["agreed"] / row["paired"], 4) if row["paired"] else None

    return {
        "items": {s: int(statuses.get(s, 0)) for s in ("open", "leased", "needs_second_review", "adjudication", "decided")},
        "agreement": {"paired": paired, "agreed": agreed, "rate": rate({"paired": paired, "agreed": agreed})},
        "reviewers": [{"key_id": k, **v, "agreement": rate(v)} for k, v in sorted(reviewers.items())],
        "indicators": [{"indicator": k, **v, "agreement": rate(v)} for k, v in sorted(indicators.items())],
    }  # fmt: skip


_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "you",
        "your",
        "job",
        "work",
        "salary",
        "apply",
        "we",
        "are",
        "is",
        "to",
        "of",
        "in",
    ]
)
_ID_WORDS = frozenset(
    [
        "dan",
        "yang",
        "untuk",
        "di",
        "dengan",
        "kerja",
        "gaji",
        "lowongan",
        "hubungi",
        "kami",
        "bisa",
        "tanpa",
        "ke",
        "dari",
    ]
)


def _language(text_: str) -> str:
    words = re.findall(r"[a-z]+", text_.lower())
    en = sum(w in _EN_WORDS for w in words)
    id_ = sum(w in _ID_WORDS for w in words)
    if en and id_ and min(en, id_) * 3 >= max(en, id_):
        return "mixed"
    return "en" if en > id_ else "id"


def decided_rows(
    session: Session, *, platforms: Sequence[str], fallback_platform: str
) -> Iterator[dict[str, Any]]:
    """Every ad of every decided campaign, in the corpus schema (``datasets/README.md``).

    ``unsure`` verdicts are left out (no label). ``group`` is the campaign, so grouped splits keep
    reposts together; ``language`` is a word-list guess; a platform outside the corpus's list becomes
    ``fallback_platform``. The text is NOT redacted: training needs it (the caller guards access).
    """
    from screener.model import RISKY_CATEGORIES

    query = (
        select(
            Ad.id, Ad.text, Ad.platform, Ad.cluster_id, QueueItem.final_verdict, QueueItem.final_indicators
        )
        .join(QueueItem, QueueItem.cluster_id == Ad.cluster_id)
        .where(QueueItem.status == "decided", QueueItem.final_verdict != "unsure")
        .order_by(Ad.id)
        .execution_options(yield_per=1000)
    )
    for row in session.execute(query):
        category = str(row.final_verdict)
        yield {
            "id": f"review-{row.id:06d}",
            "text": row.text,
            "label": 1 if category in RISKY_CATEGORIES else 0,
            "category": category,
            "indicators": sorted(set(row.final_indicators or ())),
            "language": _language(row.text),
            "platform": row.platform if row.platform in platforms else fallback_platform,
            "group": f"campaign-{row.cluster_id}",
        }
