"""Decisions: the lease holder's verdict, the two-person rule, and admins' adjudication."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.vocabulary import Tier
from service.store.audit import audit, item_snapshot
from service.store.errors import NotFound, NotInAdjudication, SameReviewer
from service.store.leases import already_decided, held_item
from service.store.models import Cluster, Decision, QueueItem, utcnow
from service.vocabulary import SAFE_VERDICTS, SECOND_REVIEW_VERDICTS, ItemReason, ItemStatus, Verdict

__all__ = ["adjudicate", "decide", "needs_second_review"]


def needs_second_review(*, verdict: str, tier: str) -> bool:
    """tppo/tppm verdicts, and verdicts calling a ``tinggi`` ad safe, need a second reviewer."""
    return verdict in SECOND_REVIEW_VERDICTS or (tier == Tier.TINGGI and verdict in SAFE_VERDICTS)


def _finalise(
    session: Session, item: QueueItem, key_id: int, verdict: str, indicators: list[str], now: datetime
) -> None:
    item.status = ItemStatus.DECIDED
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
    unsure_escalate_after: int = 2,
    now: datetime | None = None,
) -> QueueItem:
    """Record the lease holder's decision and move the item on (decided, second review or adjudication).

    Every review is kept (``decisions``). ``unsure`` returns the item to the queue for another
    moderator (who voted ``unsure`` does not get it again), or sends it to adjudication after
    ``unsure_escalate_after`` such votes. When a second reviewer agrees, the final indicators are the
    union of both reviewers' (neither loses what the other marked); when they disagree, an admin
    adjudicates and their indicators are final.
    """
    now = now or utcnow()
    item = held_item(session, item_id, key_id, now)
    before = item_snapshot(item)
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
    if verdict == Verdict("unsure"):
        item.unsure_votes = (item.unsure_votes or 0) + 1
        item.lease_key_id = item.lease_expires_at = None
        if item.unsure_votes >= unsure_escalate_after:
            item.status, item.reason = ItemStatus.ADJUDICATION, ItemReason.ADJUDICATION
        else:
            item.status = ItemStatus.OPEN if item.review_round == 1 else ItemStatus.NEEDS_SECOND_REVIEW
    elif item.review_round == 1:
        if two_person_rule and needs_second_review(verdict=verdict, tier=item.tier):
            item.status, item.review_round, item.first_key_id = ItemStatus.NEEDS_SECOND_REVIEW, 2, key_id
            item.reason = ItemReason.SECOND_REVIEW
            item.lease_key_id = item.lease_expires_at = None
        else:
            _finalise(session, item, key_id, verdict, indicators, now)
    else:
        if key_id == item.first_key_id:  # claims already exclude this; kept as a guard
            raise SameReviewer(
                "the second review must come from another reviewer",
                "tinjauan kedua harus dilakukan peninjau lain",
            )
        first = session.scalars(
            select(Decision)
            .where(
                Decision.item_id == item.id,
                Decision.review_round == 1,
                Decision.verdict != Verdict("unsure"),
            )
            .order_by(Decision.id.desc())
        ).first()
        if first is not None and first.verdict == verdict:
            merged = sorted(set(first.indicators) | set(indicators))
            _finalise(session, item, key_id, verdict, merged, now)
        else:
            item.status, item.reason = ItemStatus.ADJUDICATION, ItemReason.ADJUDICATION
            item.lease_key_id = item.lease_expires_at = None
    item.updated_at = now
    session.flush()
    audit(
        session, key_id=key_id, action="decision", object_type="queue_item", object_id=item.id,
        before=before, after={**item_snapshot(item), "verdict": verdict, "indicators": indicators, "note": note},
        when=now,
    )  # fmt: skip
    return item


def adjudicate(
    session: Session,
    *,
    item_id: int,
    key_id: int,
    verdict: str,
    indicators: list[str],
    note: str | None,
    now: datetime | None = None,
) -> QueueItem:
    """An admin's final verdict on an item whose two reviewers disagreed."""
    now = now or utcnow()
    item = session.get(QueueItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"no queue item {item_id}", f"tidak ada item antrean {item_id}")
    if item.status == ItemStatus.DECIDED:
        raise already_decided(session, item)
    if item.status != ItemStatus.ADJUDICATION:
        raise NotInAdjudication(
            f"item {item_id} is not awaiting adjudication (status {item.status})",
            f"item {item_id} tidak menunggu keputusan akhir (status {item.status})",
        )
    before = item_snapshot(item)
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
        before=before, after={**item_snapshot(item), "note": note}, when=now,
    )  # fmt: skip
    return item
