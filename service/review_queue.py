"""The review queue's request and response schemas, and what its API routes and pages share.

The pages (``service.pages.moderator``) render the same batch status and refuse the same unknown
indicators as the ``/api/v1`` queue routes, through the functions here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from screener.catalogue import catalogue
from service.errors import Unprocessable
from service.store import ingest
from service.vocabulary import BatchStatus, Verdict

__all__ = [
    "BatchCreated",
    "BatchPublic",
    "BatchRowError",
    "ClaimCreate",
    "DecisionCreate",
    "ItemsPublic",
    "QueuePublic",
    "ReleaseCreate",
    "ReleasedPublic",
    "batch_public",
    "check_indicators",
]


class BatchCreated(BaseModel):
    id: int
    status: str
    accepted: int
    rejected: int
    skipped: int = Field(default=0, description="Messages skipped as not ads (chatter, system lines, media).")
    format: str | None = Field(default=None, description="The format the file was read as.")


class BatchRowError(BaseModel):
    row: int
    message: str


class BatchPublic(BaseModel):
    id: int
    status: BatchStatus
    filename: str | None
    accepted: int
    rejected: int
    scored: int
    enqueued: int
    skipped: int = Field(default=0, description="Messages skipped as not ads (chatter, system lines, media).")
    format: str | None = Field(default=None, description="The format the file was read as.")
    progress: float = Field(description="Scored share of the accepted ads, 0 to 1.")
    error: str | None
    errors: list[BatchRowError]
    created_at: datetime
    finished_at: datetime | None


class ClaimCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=1, ge=1, le=100, description="How many items to lease.")


class ReleaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        default=None, max_length=1000, description="The items to release; omitted: every item you hold."
    )


class ReleasedPublic(BaseModel):
    released: list[int]


class ItemsPublic(BaseModel):
    items: list[dict[str, Any]]


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Verdict
    indicators: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=5000)


class QueuePublic(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def batch_public(session: Session, *, batch_id: int) -> BatchPublic:
    """A batch's status, counts, progress and malformed rows (the API and the progress page)."""
    batch = ingest.get_batch(session, batch_id=batch_id)
    errors = ingest.batch_errors(session, batch_id=batch_id)
    return BatchPublic(
        id=batch.id,
        status=BatchStatus(batch.status),
        filename=batch.filename,
        accepted=batch.accepted,
        rejected=batch.rejected,
        scored=batch.scored,
        enqueued=batch.enqueued,
        skipped=batch.skipped,
        format=batch.source_format,
        progress=round(batch.scored / batch.accepted, 4) if batch.accepted else 1.0,
        error=batch.error,
        errors=[BatchRowError(row=e.row, message=e.message) for e in errors],
        created_at=batch.created_at,
        finished_at=batch.finished_at,
    )


def check_indicators(indicators: list[str]) -> list[str]:
    """The indicator ids, sorted and deduplicated; 422 for an id the catalogue does not know."""
    known = {ind.id for ind in catalogue()}
    unknown = sorted(set(indicators) - known)
    if unknown:
        raise Unprocessable(
            f"unknown indicators: {', '.join(unknown)}", f"indikator tidak dikenal: {', '.join(unknown)}"
        )
    return sorted(set(indicators))
