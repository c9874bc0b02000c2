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
    """Every scored ad as a :class:`TrendRecord`, dated by when it was posted (else received).

    Only the parts of the stored assessment that trends use are read (scope, places, contacts, pay),
    not the whole document.
    """
    doc = AdAssessment.assessment
    query = select(
        Ad.text, Ad.posted_at, Ad.received_at, Ad.platform, Ad.group_name, Ad.source, AdAssessment.tier,
        AdAssessment.indicators, doc["scope"].as_string(), doc["places"], doc["contacts"],
        doc[("salary", "amount", "idr_month_high")].as_float(),
    ).join(AdAssessment, AdAssessment.ad_id == Ad.id)  # fmt: skip
    if until is not None:
        query = query.where(Ad.received_at <= until)
    for row in session.execute(query.execution_options(yield_per=batch_size)):
        (
            text,
            posted_at,
            received_at,
            platform,
            group,
            source,
            tier,
            indicators,
            scope,
            places,
            contacts,
            pay,
        ) = row
        parts = {
            "tier": tier,
            "scope": scope or "offer",
            "indicators": indicators or [],
            "places": places or [],
            "contacts": contacts or [],
            "salary": {"amount": {"idr_month_high": pay}},
        }
        yield record_from_assessment(
            parts, text=text, when=posted_at or received_at, platform=platform, source=group or source
        )
