"""Decided campaigns out, in the corpus schema, for training on moderators' decisions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screener.language import guess_language
from service.store.models import Ad, QueueItem
from service.vocabulary import ItemStatus, Verdict

__all__ = ["count_decided_rows", "decided_rows"]


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
        .where(QueueItem.status == ItemStatus.DECIDED, QueueItem.final_verdict != Verdict("unsure"))
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
            "language": str(guess_language(row.text)),
            "platform": row.platform if row.platform in platforms else fallback_platform,
            "group": f"campaign-{row.cluster_id}",
        }


def count_decided_rows(session: Session) -> int:
    """How many ads :func:`decided_rows` yields."""
    query = (
        select(func.count())
        .select_from(Ad)
        .join(QueueItem, QueueItem.cluster_id == Ad.cluster_id)
        .where(QueueItem.status == ItemStatus.DECIDED, QueueItem.final_verdict != Verdict("unsure"))
    )
    return int(session.scalar(query) or 0)
