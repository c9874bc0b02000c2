"""Reading the queue: listings, one item with its campaign, contact reports, reviewer agreement."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from screener.extract.contacts import normalize_contact
from service.store.errors import NotFound
from service.store.keys import key_names
from service.store.leases import queue_order
from service.store.lookup import indicator_ids, places_named
from service.store.models import Ad, AdAssessment, AdContact, Cluster, Decision, QueueItem, utcnow
from service.vocabulary import ItemStatus

__all__ = ["contact_report", "group_names", "item_detail", "list_items", "stats"]


def list_items(
    session: Session,
    *,
    statuses: Sequence[str],
    indicator: str | None = None,
    place: str | None = None,
    platform: str | None = None,
    scope: str | None = None,
    reason: str | None = None,
    batch_id: int | None = None,
    leased_to: int | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[list[Any], int]:
    """Queue items in the queue's order (second reviews first, then by priority) with their ad's
    opening and campaign size; and the total.

    ``leased_to``: only the items that key holds at ``now`` (an unexpired lease).
    """
    conditions: list[Any] = [QueueItem.status.in_(statuses)]
    if leased_to is not None:
        conditions += [
            QueueItem.status == ItemStatus.LEASED,
            QueueItem.lease_key_id == leased_to,
            QueueItem.lease_expires_at > (now or utcnow()),
        ]
    if indicator:  # the id, or its name in either language
        ids = sorted(indicator_ids(indicator) | {indicator})
        conditions.append(or_(*(QueueItem.indicators_text.contains(f",{i},", autoescape=True) for i in ids)))
    if place:  # as typed, or the place it names in either language (stored: the Indonesian name)
        names = sorted({place.lower()} | {p.name_id.lower() for p in places_named(place)})
        conditions.append(or_(*(QueueItem.places_text.contains(n, autoescape=True) for n in names)))
    if platform:
        conditions.append(QueueItem.platform == platform)
    if scope:
        conditions.append(QueueItem.scope == scope)
    if reason:
        conditions.append(QueueItem.reason == reason)
    if batch_id is not None:
        conditions.append(QueueItem.batch_id == batch_id)
    query = (
        select(QueueItem, Ad.text, Cluster.member_count, Cluster.batch_count)
        .join(Ad, Ad.id == QueueItem.ad_id)
        .join(Cluster, Cluster.id == QueueItem.cluster_id)
        .where(*conditions)
        .order_by(*queue_order())
        .limit(limit)
        .offset(offset)
    )
    total = int(session.scalar(select(func.count()).select_from(QueueItem).where(*conditions)) or 0)
    return list(session.execute(query).all()), total


def group_names(session: Session, ad_ids: Sequence[int]) -> dict[int, str]:
    """The group / channel / page of each ad that has one (queue listings show it beside the platform)."""
    if not ad_ids:
        return {}
    query = select(Ad.id, Ad.group_name).where(Ad.id.in_(set(ad_ids)), Ad.group_name.is_not(None))
    return {ad_id: name for ad_id, name in session.execute(query) if name}


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
            counter.update(set(slots.get(name, ())))  # once per ad: a place named twice is one ad
    contacts = []
    for kind, value in session.execute(
        select(AdContact.kind, AdContact.value).where(AdContact.ad_id == ad.id).distinct()
    ):
        ads = session.scalar(
            select(func.count(func.distinct(AdContact.ad_id))).where(AdContact.value == value)
        )
        contacts.append({"kind": kind, "value": value, "ads": int(ads or 0)})
    rows = list(session.scalars(select(Decision).where(Decision.item_id == item.id).order_by(Decision.id)))
    names = key_names(session, [d.key_id for d in rows])
    decisions = [
        {"round": d.review_round, "key_id": d.key_id, "reviewer": names.get(d.key_id, f"#{d.key_id}"),
         "verdict": d.verdict, "indicators": d.indicators, "note": d.note, "created_at": d.created_at.isoformat()}
        for d in rows
    ]  # fmt: skip
    return {
        "id": item.id,
        "status": item.status,
        "reason": item.reason,
        "review_round": item.review_round,
        "unsure_votes": item.unsure_votes,
        "decided_at": item.decided_at.isoformat() if item.decided_at else None,
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
            "group": ad.group_name,
            "posted_at": ad.posted_at.isoformat() if ad.posted_at else None,
            "author_hash": ad.author_hash,
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


def contact_report(
    session: Session, *, value: str, limit: int = 200, hash_value: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """Ads, campaigns and decisions sharing a contact; with ``hash_value``, also the ads whose contacts
    were retired to keyed hashes (retention), so old campaigns stay linked."""
    values = normalize_contact(value)
    if hash_value is not None:
        values = [*values, *(hash_value(v) for v in values)]
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
    clusters: dict[int, dict[str, Any]] = {
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
        "values": [v for v in values if not v.startswith("h:")],
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
    for d in session.scalars(select(Decision).where(Decision.review_round.in_((1, 2))).order_by(Decision.id)):
        if d.verdict == "unsure" and d.review_round in by_item[d.item_id]:
            continue  # a later unsure vote does not replace a verdict in the agreement figures
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

    names = key_names(session, list(reviewers))

    def rate(row: dict[str, int]) -> float | None:
        return round(row["agreed"] / row["paired"], 4) if row["paired"] else None

    return {
        "items": {s: int(statuses.get(s, 0)) for s in ItemStatus},
        "agreement": {"paired": paired, "agreed": agreed, "rate": rate({"paired": paired, "agreed": agreed})},
        "reviewers": [{"key_id": k, "name": names.get(k, f"#{k}"), **v, "agreement": rate(v)}
                      for k, v in sorted(reviewers.items())],
        "indicators": [{"indicator": k, **v, "agreement": rate(v)} for k, v in sorted(indicators.items())],
    }  # fmt: skip
