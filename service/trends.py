"""Trends as the API, the page and the CSV download show them (one builder for the three).

Contacts are personal data: for educators the *new this week* contacts are redacted
(:func:`screener.redact.redact`), in JSON, on the page and in the CSV alike.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from screener.redact import redact
from screener.trends import DIMENSIONS, Trends, compute_trends
from service.store.trends import trend_records

__all__ = ["MAX_WEEKS", "trends_csv", "trends_public"]

MAX_WEEKS = 52


def _trends(sessions: sessionmaker[Session], *, now: datetime, weeks: int) -> Trends:
    with sessions() as session:
        return compute_trends(trend_records(session, until=now), now=now, weeks=weeks)


def trends_public(
    sessions: sessionmaker[Session], *, now: datetime, weeks: int, redact_contacts: bool
) -> dict[str, Any]:
    """``GET /api/v1/trends``'s answer."""
    found = _trends(sessions, now=now, weeks=weeks)
    return {
        "weeks": [w.isoformat() for w in found.weeks],
        "offers": found.offers,
        "flagged": found.flagged,
        "series": {
            dimension: [
                {"value": value, "offers": offers, "flagged": flagged}
                for value, (offers, flagged) in found.series.get(dimension, {}).items()
            ]
            for dimension in DIMENSIONS
        },
        "new_since": found.since.isoformat() if found.since else None,
        "new": [
            {
                "kind": n.kind,
                "value": redact(n.value).text if redact_contacts and n.kind == "contact" else n.value,
                "why": "first_seen" if n.first_seen_this_week else "more_sources",
                "first_seen": n.first_seen.isoformat(),
                "sources_before": n.sources_before,
                "sources_now": n.sources_now,
                "ads_this_week": n.ads_this_week,
                "flagged_this_week": n.flagged_this_week,
            }
            for n in found.new
        ],
    }


def trends_csv(public: dict[str, Any]) -> str:
    """The weekly counts as CSV: ``week, dimension, value, offers, flagged`` (``all`` for the totals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["week", "dimension", "value", "offers", "flagged"])
    for i, week in enumerate(public["weeks"]):
        writer.writerow([week, "all", "", public["offers"][i], public["flagged"][i]])
        for dimension in DIMENSIONS:
            for entry in public["series"][dimension]:
                writer.writerow([week, dimension, entry["value"], entry["offers"][i], entry["flagged"][i]])
    return out.getvalue()
