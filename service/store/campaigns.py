"""Scored chunks: assessments, near-duplicate campaigns (clusters), contacts and queue items.

- an ad is scored exactly once: :func:`record_scored` claims the chunk's unscored ads under the write
  lock (row locks on PostgreSQL) and marks them ``scored`` in the transaction that inserts their
  assessments (and ``assessments.ad_id`` is unique), so a worker killed half-way loses nothing and a
  second worker scoring the same chunk writes nothing (:mod:`service.store.chunk_rows`);
- clustering is serialised (SQLite's write lock; ``pg_advisory_xact_lock`` on PostgreSQL), so two
  workers never create the same campaign twice.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

import numpy as np
from sqlalchemy import Table, false, insert, select, text
from sqlalchemy.orm import Session

from screener.vocabulary import Scope
from service.store import bulk, chunk_rows
from service.store.chunk_rows import prepare, slots_of
from service.store.db import is_postgres
from service.store.models import (
    Ad,
    AdContact,
    Batch,
    BatchError,
    Cluster,
    ClusterBand,
    ClusterBatch,
    QueueItem,
    utcnow,
)
from service.vocabulary import BatchStatus, ItemReason, ItemStatus

__all__ = [
    "ScoredAd",
    "audit_sampled",
    "content_hash",
    "pending_ads",
    "prepare",
    "queue_priority",
    "record_scored",
    "slots_of",
]

CLUSTER_LOCK = 5_150_001  # pg_advisory_xact_lock id for clustering


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
    encoded: str = ""  # the assessment as JSON, encoded outside the write transaction ("" = not yet)
    # The assessments and contacts rows, built by :func:`prepare` outside the write transaction.
    assessment_row: tuple[Any, ...] = ()
    contact_rows: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def risk(self) -> float:
        return float(self.assessment["risk"]) if self.assessment else 0.0

    @property
    def scope(self) -> str:
        return str(self.assessment.get("scope", Scope.OFFER)) if self.assessment else Scope.OFFER

    @property
    def priority(self) -> float:
        """The risk, weighed by the probability of being an offer for texts judged not to be one:
        a complaint naming a scammer's number stays findable (filter ``scope``) but sinks."""
        if self.scope == Scope.NOT_OFFER and self.assessment:
            return self.risk * float(self.assessment.get("scope_probability") or 0.0)
        return self.risk


def queue_priority(*, risk: float, threshold: float, members: int, weight: float = 1.0) -> float:
    """The score that orders the queue after second reviews and adjudications (README, "Queue order").

    ``0.6 * risk + 0.3 * uncertainty + 0.1 * campaign``, times ``weight`` (the offer probability of a
    text judged not to be an offer): ``uncertainty`` is 1 at the review threshold and 0 a quarter of
    the scale away, so an ad queued *because* the model was unsure is not left at the bottom;
    ``campaign`` grows with the log of the campaign's ads (1 at 64).
    """
    uncertainty = max(0.0, 1.0 - abs(risk - threshold) / 0.25)
    campaign = min(1.0, math.log2(max(1, members)) / 6)
    return round(weight * (0.6 * risk + 0.3 * uncertainty + 0.1 * campaign), 6)


def audit_sampled(content: str, rate: float) -> bool:
    """Whether an ad is in the audit sample: a hash of its text against ``rate`` (reproducible)."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(("audit:" + content).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def content_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def pending_ads(
    session: Session, *, limit: int, lock: bool, share: tuple[int, int] | None = None
) -> list[Any]:
    """Unscored ads of batches whose upload is complete, oldest first (locked, skipping others', on PG).

    ``share=(i, n)``: worker process ``i`` of ``n`` on a database without row locks (SQLite) takes
    the runs of ``limit`` ads numbered ``i`` modulo ``n`` first, so processes do not score the same
    chunk; when its share is done it takes the newest pending run instead (the other processes work
    from the oldest end, so at most the chunk where they meet is scored twice, and written once).

    The batches whose upload is complete are read first, and the ads are then read from ``ads`` alone,
    in id order from the partial index of the unscored ads (``ix_ads_pending``, migration 0012) until
    ``limit``. Joined to ``batches``, PostgreSQL's planner took the few rows the join would keep for
    all of them and sorted every pending ad of the upload, text included, at each claim
    (``EXPLAIN ANALYZE``: ~30-60 ms against ~0.5 ms per claim at 20,000 of 30,000 ads scored). SQLite
    reads ``ix_ads_scored_id`` either way.
    """
    active = select(Batch.id).where(Batch.status.in_((BatchStatus.QUEUED, BatchStatus.SCORING)))
    batch_ids = list(session.execute(active).scalars())
    if not batch_ids:
        return []
    query = (
        select(Ad.id, Ad.batch_id, Ad.text, Ad.platform)
        .where(Ad.scored == false(), bulk.in_values(session, Ad.batch_id, batch_ids))
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True, of=Ad)
    if share is not None and share[1] > 1:
        index, count = share
        mine = list(session.execute(query.where((Ad.id // limit) % count == index).order_by(Ad.id)).all())
        if mine:
            return mine
        return sorted(session.execute(query.order_by(Ad.id.desc())).all(), key=lambda row: row.id)
    return list(session.execute(query.order_by(Ad.id)).all())


def record_scored(
    session: Session,
    *,
    scored: Sequence[ScoredAd],
    review_threshold: float,
    uncertain_margin: float,
    similarity_threshold: float,
    audit_sample_rate: float = 0.0,
    campaign_min_ads: int = 0,
) -> int:
    """Write a chunk's assessments, clusters, contacts and queue items; returns how many ads it scored.

    A campaign is queued for one of the reasons of :class:`~service.vocabulary.ItemReason`: an ad at
    or above ``review_threshold`` (``threshold``), within ``uncertain_margin`` below it (``uncertain``),
    a campaign of at least ``campaign_min_ads`` ads (``campaign``; 0 = off), or an ad in the random
    ``audit_sample_rate`` share of the rest (``audit``).

    Ads another worker scored meanwhile are skipped (:func:`chunk_rows.unscored` returns only ours).
    """
    from screener.dedupe import similarity

    if not scored:
        return 0
    prepare(scored)  # a no-op for a worker's chunk: score_rows prepared it before the transaction
    with chunk_rows.wide_cache(session):  # SQLite: the chunk's pages stay in memory until commit
        ours = chunk_rows.unscored(session, [s.ad_id for s in scored])
        mine = [s for s in scored if s.ad_id in ours]
        if not mine:
            return 0
        now = utcnow()
        good = [s for s in mine if s.assessment is not None]
        failed = [s for s in mine if s.assessment is None]
        if failed:
            session.execute(
                insert(cast(Table, BatchError.__table__)),
                [{"batch_id": s.batch_id, "row": 0, "message": f"ad {s.ad_id}: {s.error}"} for s in failed],
            )
        if good:
            chunk_rows.insert_assessments(session, good, now)
            contacts = [row for s in good for row in s.contact_rows]
            bulk.insert_plain(session, AdContact.__tablename__, ("ad_id", "kind", "value"), contacts)
        if is_postgres(session):
            # Clustering, one worker at a time. What comes before needs no turn: our ads are locked
            # (``unscored`` reads them FOR UPDATE), so their rows are ours to write, and the server parses
            # the assessments' JSONB while another worker clusters.
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLUSTER_LOCK})
        clusters = _assign_clusters(session, good, similarity_threshold, similarity, now)
        chunk_rows.mark_scored(session, good, failed, clusters)
        enqueued = _enqueue(
            session, good, clusters, review_threshold, uncertain_margin, now,
            audit_rate=audit_sample_rate, campaign_min_ads=campaign_min_ads,
        )  # fmt: skip
        _advance_batches(session, mine, enqueued, now)
        return len(mine)


def _assign_clusters(
    session: Session, good: Sequence[ScoredAd], threshold: float, similarity: Any, now: datetime
) -> dict[int, int]:
    """ad id -> cluster id: exact duplicate by canonical hash, else the most similar LSH candidate.

    A handful of statements per chunk, none per ad: one lookup each for exact hashes, band keys and
    candidate signatures; the chunk's new campaigns get the ids the database would give them
    (:func:`bulk.next_id`, under the clustering lock) so ads later in the chunk can join them, and are
    written with their bands in two multi-row INSERTs.
    """
    if not good:
        return {}
    hashes = sorted({s.content_hash for s in good})
    exact: dict[str, int] = {}
    for h, cid in bulk.fetch_plain(session, _exact_statement(session), (bulk.list_value(session, hashes),)):
        if h is not None and cid is not None:
            exact.setdefault(h, cid)
    keys = sorted({k for s in good if s.content_hash not in exact for k in s.band_keys})
    by_key: dict[int, list[int]] = defaultdict(list)
    if keys:
        query = 'SELECT "band_key", "cluster_id" FROM "cluster_bands" WHERE ' + bulk.in_plain(
            session, '"band_key"'
        )
        for key, cid in bulk.fetch_plain(session, query, (bulk.list_value(session, keys),)):
            by_key[key].append(cid)
    candidate_ids = sorted({cid for ids in by_key.values() for cid in ids})
    signatures: dict[int, np.ndarray] = {}
    if candidate_ids:
        query = 'SELECT "id", "signature" FROM "clusters" WHERE ' + bulk.in_plain(session, '"id"')
        for cid, blob in bulk.fetch_plain(session, query, (bulk.list_value(session, candidate_ids),)):
            signatures[cid] = np.frombuffer(blob, dtype=np.uint64)
    assigned: dict[int, int] = {}
    members: Counter[int] = Counter()
    pairs: set[tuple[int, int]] = set()
    new_rows: list[dict[str, Any]] = []
    band_rows: list[tuple[int, int]] = []
    next_cluster = 0  # the id of the chunk's next new campaign, read when the first one is needed

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
            next_cluster = next_cluster or bulk.next_id(session, "clusters")
            cid, next_cluster = next_cluster, next_cluster + 1
            new_rows.append(
                {
                    "id": cid,
                    "representative_ad_id": s.ad_id,
                    "content_hash": s.content_hash,
                    "signature": s.signature.astype(np.uint64).tobytes(),
                    "member_count": 0,
                    "batch_count": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            band_rows.extend((k, cid) for k in sorted(set(s.band_keys)))
            for k in s.band_keys:
                by_key[k].append(cid)
            signatures[cid] = s.signature
        exact.setdefault(s.content_hash, cid)
        assigned[s.ad_id] = cid
        members[cid] += 1
        pairs.add((cid, s.batch_id))
    clusters = cast(Table, Cluster.__table__)
    if new_rows:
        # Inserted with their final counts (the same as zero plus this chunk's): all their ads are in
        # this chunk, and all their (campaign, batch) pairs are new.
        batches_of = Counter(c for c, _ in pairs)
        for row in new_rows:
            row["member_count"], row["batch_count"] = members[row["id"]], batches_of[row["id"]]
        bulk.insert_rows(session, clusters, new_rows)
        bulk.insert_plain(session, ClusterBand.__tablename__, ("band_key", "cluster_id"), band_rows)
        bulk.claim_ids(session, "clusters", new_rows[-1]["id"])
    new_clusters = {row["id"] for row in new_rows}
    existing: set[tuple[int, int]] = set()
    old = sorted(set(members) - new_clusters)
    if old:
        # Only the pairs of the chunk's batches: a campaign's other batches are not in ``pairs``.
        query = (
            'SELECT "cluster_id", "batch_id" FROM "cluster_batches" WHERE '
            + bulk.in_plain(session, '"cluster_id"')
            + " AND "
            + bulk.in_plain(session, '"batch_id"')
        )
        batch_ids = sorted({b for _, b in pairs})
        params = (bulk.list_value(session, old), bulk.list_value(session, batch_ids))
        existing.update((c, b) for c, b in bulk.fetch_plain(session, query, params))
    fresh = sorted(pairs - existing)
    if fresh:
        bulk.insert_rows(
            session, cast(Table, ClusterBatch.__table__), [{"cluster_id": c, "batch_id": b} for c, b in fresh]
        )
    new_batches = Counter(c for c, _ in fresh)
    if old:
        stamp = bulk.bind_value(session, clusters.c.updated_at, now)
        bulk.execute_plain(
            session,
            'UPDATE "clusters" SET "member_count" = "member_count" + ?, "batch_count" = "batch_count" + ?, '
            '"updated_at" = ? WHERE "id" = ?',
            [(members[c], new_batches[c], stamp, c) for c in old],
        )
    return assigned


def _exact_statement(session: Session) -> str:
    """(hash, campaign) of the clustered ads with the given content hashes (one ``?``).

    SQLite: the campaign of the first clustered ad of each hash, as the first row of a read of them all
    gave it (``ix_ads_content_hash`` lists a hash's ads by id), without reading the others: a popular
    template's hash has thousands. PostgreSQL: all the hash's ads; unclustered ads are skipped by the
    caller, not in the WHERE clause: with statistics taken when the upload ended (no ad clustered yet),
    PostgreSQL read ix_ads_cluster_id for the "few" clustered ads and compared the hash of every one of
    them (~14 ms per chunk at 20,000 scored).
    """
    if is_postgres(session):
        return 'SELECT "content_hash", "cluster_id" FROM "ads" WHERE ' + bulk.in_plain(
            session, '"content_hash"', "text"
        )
    return (
        'SELECT h.value, (SELECT "cluster_id" FROM "ads" WHERE "content_hash" = h.value'
        ' AND "cluster_id" IS NOT NULL ORDER BY "id" LIMIT 1) FROM json_each(?) AS h'
    )


# Which reason wins when a campaign qualifies for several (the lower, the stronger).
_REASON_RANK = {ItemReason.THRESHOLD: 0, ItemReason.UNCERTAIN: 1, ItemReason.CAMPAIGN: 2, ItemReason.AUDIT: 3}


def _enqueue(
    session: Session,
    good: Sequence[ScoredAd],
    clusters: dict[int, int],
    threshold: float,
    margin: float,
    now: datetime,
    *,
    audit_rate: float = 0.0,
    campaign_min_ads: int = 0,
) -> Counter[int]:
    """One queue item per campaign with a reason to be reviewed; returns how many per batch."""
    query = 'SELECT "id", "member_count" FROM "clusters" WHERE ' + bulk.in_plain(session, '"id"')
    params = (bulk.list_value(session, sorted(set(clusters.values()))),)
    members: dict[int, int] = dict(bulk.fetch_plain(session, query, params))

    def reason_of(s: ScoredAd, cid: int) -> ItemReason | None:
        if s.risk >= threshold:
            return ItemReason.THRESHOLD
        if s.risk >= threshold - margin:
            return ItemReason.UNCERTAIN
        if campaign_min_ads and members.get(cid, 0) >= campaign_min_ads:
            return ItemReason.CAMPAIGN
        if audit_sampled(s.content_hash or str(s.ad_id), audit_rate):
            return ItemReason.AUDIT
        return None

    def priority_of(s: ScoredAd, cid: int) -> float:
        weight = s.priority / s.risk if s.risk else 1.0  # the offer weight of a not_offer text
        return queue_priority(risk=s.risk, threshold=threshold, members=members.get(cid, 1), weight=weight)

    best: dict[int, tuple[ScoredAd, ItemReason, float]] = {}
    for s in good:
        cid = clusters[s.ad_id]
        reason = reason_of(s, cid)
        if reason is None:
            continue
        p = priority_of(s, cid)
        held = best.get(cid)
        if held is None or (_REASON_RANK[reason], -p) < (_REASON_RANK[held[1]], -held[2]):
            best[cid] = (s, reason, p)
    enqueued: Counter[int] = Counter()
    if not best:
        return enqueued
    queue = cast(Table, QueueItem.__table__)
    query = f"SELECT {', '.join(_HeldItem._fields)} FROM queue_items WHERE " + bulk.in_plain(
        session, "cluster_id"
    )
    held_rows = bulk.fetch_plain(session, query, (bulk.list_value(session, sorted(best)),))
    items = {item.cluster_id: item for item in map(_HeldItem._make, held_rows)}
    stamp = bulk.bind_value(session, queue.c.updated_at, now)
    new_rows: list[dict[str, Any]] = []
    changed: list[tuple[Any, ...]] = []
    for cid, (s, reason, p) in best.items():
        assert s.assessment is not None
        item = items.get(cid)
        if item is None:
            slots = slots_of(s.assessment)
            new_rows.append(
                {
                    "cluster_id": cid,
                    "ad_id": s.ad_id,
                    "batch_id": s.batch_id,
                    "status": ItemStatus.OPEN,
                    "reason": reason,
                    "priority": p,
                    "risk": s.risk,
                    "tier": s.assessment["tier"],
                    "scope": s.scope,
                    "platform": s.platform,
                    "indicators_text": _tags(i["id"] for i in s.assessment["indicators"]),
                    "places_text": _tags(place.lower() for place in slots["places"]),
                    "review_round": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            enqueued[s.batch_id] += 1
        elif item.status in (ItemStatus.OPEN, ItemStatus.LEASED) and item.review_round == 1:
            # A riskier repost, or a grown campaign: the item moves up; its ad stays the first.
            risk, tier, scope = item.risk, item.tier, item.scope
            if s.risk > item.risk:
                risk, tier, scope = s.risk, s.assessment["tier"], s.scope
            new_reason = item.reason
            if item.reason in _REASON_RANK and _REASON_RANK[reason] < _REASON_RANK[ItemReason(item.reason)]:
                new_reason = reason
            changed.append((risk, tier, scope, max(item.priority, p), str(new_reason), stamp, item.id))
    if new_rows:
        bulk.insert_rows(session, queue, new_rows)
    if changed:
        bulk.execute_plain(
            session,
            'UPDATE "queue_items" SET "risk" = ?, "tier" = ?, "scope" = ?, "priority" = ?, "reason" = ?, '
            '"updated_at" = ? WHERE "id" = ?',
            changed,
        )
    return enqueued


class _HeldItem(NamedTuple):
    """The queue item a campaign already has, as :func:`_enqueue` reads it (columns in this order)."""

    id: int
    cluster_id: int
    status: str
    review_round: int
    risk: float
    tier: str
    scope: str
    priority: float
    reason: str


def _tags(values: Iterable[str]) -> str:
    unique = sorted(set(values))
    return "," + ",".join(unique) + "," if unique else ""


def _advance_batches(
    session: Session, mine: Sequence[ScoredAd], enqueued: Counter[int], now: datetime
) -> None:
    """Add the chunk's ads to their batches' counters; a batch all of whose ads are scored is done.

    One UPDATE per batch through the driver, reading the counters it adds to (the right-hand side of
    SET sees the row as it was), instead of loading each batch into the session and flushing it.
    """
    stamp = bulk.bind_value(session, cast(Table, Batch.__table__).c.updated_at, now)
    counts = Counter(s.batch_id for s in mine)
    rows = [
        (n, enqueued[batch_id], stamp, n, str(BatchStatus.DONE), str(BatchStatus.SCORING), n, stamp, batch_id)
        for batch_id, n in sorted(counts.items())
    ]
    bulk.execute_plain(
        session,
        'UPDATE "batches" SET "scored" = "scored" + ?, "enqueued" = "enqueued" + ?, "updated_at" = ?, '
        '"status" = CASE WHEN "scored" + ? >= "accepted" THEN ? ELSE ? END, '
        '"finished_at" = CASE WHEN "scored" + ? >= "accepted" THEN ? ELSE "finished_at" END '
        'WHERE "id" = ?',
        rows,
    )
