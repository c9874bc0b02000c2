"""Reading scored ads as trend records (:mod:`screener.trends`), streamed in batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.trends import TrendRecord, record_from_assessment
from service.store.models import Ad, AdAssessment

__all__ = ["trend_records"]


def trend_records(
    session: Session, *, until: datetime | None = None, batch_size: int = 1000
) -> Iterator[TrendRecord]:
    """Every scored ad as a :class:`TrendRecord`, dated by when it was posted (else received)."""
    query = select(
        Ad.text, Ad.posted_at, Ad.received_at, Ad.platform, Ad.group_name, Ad.source, AdAssessment.assessment
    ).join(AdAssessment, AdAssessment.ad_id == Ad.id)
    if until is not None:
        query = query.where(Ad.received_at <= until)
    for text, posted_at, received_at, platform, group, source, assessment in session.execute(
        query.execution_options(yield_per=batch_size)
    ):
        yield record_from_assessment(
            assessment, text=text, when=posted_at or received_at, platform=platform, source=group or source
        )
