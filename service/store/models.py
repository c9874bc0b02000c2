"""The tables, as typed SQLAlchemy 2 models (the migrations in ``service/migrations`` create them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from screener.vocabulary import Scope
from service.vocabulary import BatchStatus, ItemReason, ItemStatus, Role

__all__ = [
    "AccessEntry",
    "Ad",
    "AdAssessment",
    "AdContact",
    "AlertSent",
    "ApiKey",
    "AuditEntry",
    "Base",
    "Batch",
    "BatchError",
    "Check",
    "Cluster",
    "ClusterBand",
    "ClusterBatch",
    "Decision",
    "QueueItem",
    "RateBucket",
    "Source",
    "SourcePost",
    "StoredImage",
    "UTCDateTime",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        CheckConstraint(f"role IN ({', '.join(repr(str(r)) for r in Role)})", name="ck_api_keys_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the whole key
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, for display only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Check(Base):
    """One ad an officer scored and chose to keep (their history)."""

    __tablename__ = "checks"
    __table_args__ = (Index("ix_checks_key_id_id", "key_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", name="fk_checks_key_id"))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    assessment: Mapped[dict[str, Any]] = mapped_column(JSONType)
    model_version: Mapped[str] = mapped_column(String(64))
    risk: Mapped[float] = mapped_column(Float)
    tier: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)  # migration 0007


# -- the batch review queue (migration 0002) ---------------------------------------------------------


class Batch(Base):
    """One uploaded file of ads; ``receiving`` until the upload is complete (never scored before)."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", name="fk_batches_key_id"))
    status: Mapped[str] = mapped_column(String(20), default=BatchStatus.RECEIVING)
    filename: Mapped[str | None] = mapped_column(String(300), default=None)
    content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    scored: Mapped[int] = mapped_column(Integer, default=0)
    enqueued: Mapped[int] = mapped_column(Integer, default=0)
    # Migration 0009: messages an import skipped (chatter, system lines, media) and the format read.
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    source_format: Mapped[str | None] = mapped_column(String(30), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class BatchError(Base):
    """A malformed row of a batch: reported, never blocking the rest."""

    __tablename__ = "batch_errors"
    __table_args__ = (Index("ix_batch_errors_batch_id", "batch_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", name="fk_batch_errors_batch_id"))
    row: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)


class Ad(Base):
    __tablename__ = "ads"
    __table_args__ = (
        Index("ix_ads_scored_id", "scored", "id"),
        # The worker's claim, whatever the statistics say (migration 0012).
        Index("ix_ads_pending", "id", postgresql_where=text("NOT scored"), sqlite_where=text("NOT scored")),
        Index("ix_ads_content_hash", "content_hash"),
        Index("ix_ads_cluster_id", "cluster_id"),
        Index("ix_ads_batch_id", "batch_id"),
        Index("ix_ads_redacted_at_id", "redacted_at", "id"),
        Index("ix_ads_posted_at", "posted_at"),
        Index("ix_ads_author_hash", "author_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", name="fk_ads_batch_id"))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)  # sha256 of canonical text
    source: Mapped[str | None] = mapped_column(String(200), default=None)
    platform: Mapped[str | None] = mapped_column(String(50), default=None)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    # Source metadata (migration 0009): the group / channel / page, when it was posted, and the
    # author as a keyed hash (HMAC-SHA256, ``SCREENER_AUTHOR_HASH_KEY``), never the name or number.
    group_name: Mapped[str | None] = mapped_column(String(300), default=None)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    author_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scored: Mapped[bool] = mapped_column(default=False)
    cluster_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # When the raw text was replaced by its redacted text, and why (migration 0007; service.privacy).
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    redaction: Mapped[str | None] = mapped_column(String(16), default=None)  # retention | erasure


class AdAssessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("ad_id", name="uq_assessments_ad_id"),)  # scored exactly once

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", name="fk_assessments_ad_id"))
    model_version: Mapped[str] = mapped_column(String(64))
    risk: Mapped[float] = mapped_column(Float)
    tier: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    indicators: Mapped[list[str]] = mapped_column(JSONType)
    slots: Mapped[dict[str, Any]] = mapped_column(JSONType)  # phones, salaries, places: what reposts vary
    assessment: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Cluster(Base):
    """A near-duplicate campaign; its representative's MinHash signature is what new ads are compared to."""

    __tablename__ = "clusters"
    __table_args__ = (Index("ix_clusters_content_hash", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    representative_ad_id: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    member_count: Mapped[int] = mapped_column(Integer, default=1)
    batch_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClusterBand(Base):
    """LSH band key -> cluster: candidate campaigns for a new ad are one indexed lookup."""

    __tablename__ = "cluster_bands"

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class ClusterBatch(Base):
    __tablename__ = "cluster_batches"

    cluster_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class QueueItem(Base):
    """One per campaign (cluster) with an ad above the review threshold or in the uncertain slice."""

    __tablename__ = "queue_items"
    __table_args__ = (
        UniqueConstraint("cluster_id", name="uq_queue_items_cluster_id"),
        Index("ix_queue_items_status_priority", "status", "priority"),
        Index("ix_queue_items_status_reason", "status", "reason"),
        Index("ix_queue_items_batch_status", "batch_id", "status"),  # migration 0011
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(Integer)
    ad_id: Mapped[int] = mapped_column(Integer)  # the representative shown to reviewers
    batch_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default=ItemStatus.OPEN)
    reason: Mapped[str] = mapped_column(String(16), default=ItemReason.THRESHOLD)
    priority: Mapped[float] = mapped_column(Float)
    risk: Mapped[float] = mapped_column(Float)
    tier: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), default=Scope.OFFER, server_default=Scope.OFFER.value)
    platform: Mapped[str | None] = mapped_column(String(50), default=None)
    indicators_text: Mapped[str] = mapped_column(Text, default="")  # ",id1,id2," for portable filters
    places_text: Mapped[str] = mapped_column(Text, default="")
    review_round: Mapped[int] = mapped_column(Integer, default=1)
    unsure_votes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_key_id: Mapped[int | None] = mapped_column(Integer, default=None)
    lease_key_id: Mapped[int | None] = mapped_column(Integer, default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    final_verdict: Mapped[str | None] = mapped_column(String(16), default=None)
    final_indicators: Mapped[list[str] | None] = mapped_column(JSONType, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_item_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id", name="fk_decisions_item_id"))
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", name="fk_decisions_key_id"))
    review_round: Mapped[int] = mapped_column(Integer)  # 1, 2, or 3 (adjudication)
    verdict: Mapped[str] = mapped_column(String(16))
    indicators: Mapped[list[str]] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AdContact(Base):
    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_value", "value"), Index("ix_contacts_ad_id", "ad_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", name="fk_contacts_ad_id"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300))


class AuditEntry(Base):
    """Append-only: the code has no UPDATE or DELETE path for this table.

    Tamper-evident (migration 0007): ``row_hash`` is the hash of the row's content and ``prev_hash``,
    the previous row's ``row_hash`` (``service.store.chain``); ``screener audit verify`` checks it.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int | None] = mapped_column(Integer, default=None)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    row_hash: Mapped[str | None] = mapped_column(String(64), default=None)


class AccessEntry(Base):
    """One read of personal data (migration 0007): who (key, role), why (purpose), what."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_key_id_id", "key_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int | None] = mapped_column(Integer, default=None)
    role: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(50))  # read_item, read_contact, export, ...
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(300), default=None)  # ids; contacts as keyed hashes
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# -- watched public sources (migration 0010) ---------------------------------------------------------


class Source(Base):
    """A watched public page (Telegram channel preview, feed, or HTML page with a CSS selector)."""

    __tablename__ = "sources"
    __table_args__ = (
        UniqueConstraint("url", name="uq_sources_url"),
        Index("ix_sources_status_next_run", "status", "next_run_at"),
        CheckConstraint("status IN ('active', 'paused')", name="ck_sources_status"),
        CheckConstraint("kind IN ('telegram', 'feed', 'html')", name="ck_sources_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    every_seconds: Mapped[int] = mapped_column(Integer)
    selector: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="active")
    key_id: Mapped[int | None] = mapped_column(Integer, default=None)  # who added it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed fetches (backoff)
    empty_fetches: Mapped[int] = mapped_column(Integer, default=0)  # consecutive fetches with 0 posts
    last_found: Mapped[int] = mapped_column(Integer, default=0)  # posts on the last fetched page(s)
    imported: Mapped[int] = mapped_column(Integer, default=0)  # new posts sent to batches, in all
    etag: Mapped[str | None] = mapped_column(String(300), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    batch_id: Mapped[int | None] = mapped_column(Integer, default=None)  # today's batch
    batch_day: Mapped[str | None] = mapped_column(String(10), default=None)  # its day, YYYY-MM-DD (UTC)
    # An older page still to read (a Telegram preview's ?before=): paging stopped by the page limit
    # or by a failure resumes there on the next poll, so older posts are not skipped.
    backfill_url: Mapped[str | None] = mapped_column(String(2000), default=None)


class SourcePost(Base):
    """A post a source has shown: its id (or link / content hash) and the hash of the text imported."""

    __tablename__ = "source_posts"
    __table_args__ = (
        UniqueConstraint("source_id", "post_key", name="uq_source_posts_source_key"),
        Index("ix_source_posts_source_hash", "source_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", name="fk_source_posts_source_id", ondelete="CASCADE")
    )
    post_key: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(Text, default=None)
    content_hash: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertSent(Base):
    """An alert the webhook accepted (migration 0009): each (kind, value) is sent once."""

    __tablename__ = "alerts_sent"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_alerts_sent_kind_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(300))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RateBucket(Base):
    """A token bucket shared by every process on the database (migration 0008; service/ratelimit_db.py)."""

    __tablename__ = "rate_buckets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # which limit: "api", "bookkeeping"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # the API key's id
    tokens: Mapped[float] = mapped_column(Float)
    refreshed_at: Mapped[float] = mapped_column(Float)  # Unix seconds of the last refill
    granted: Mapped[bool] = mapped_column(Boolean)  # the last request's answer, read by RETURNING


# -- images (migration 0006) ---------------------------------------------------------------------------


class StoredImage(Base):
    """A poster or screenshot: an officer's upload on /cek (``key_id``) or the picture of a queued ad
    (``ad_id``), with what OCR read (``ocr``: text, words with boxes, confidence)."""

    __tablename__ = "images"
    __table_args__ = (Index("ix_images_ad_id", "ad_id"), Index("ix_images_key_id", "key_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ads.id", name="fk_images_ad_id"), default=None)
    key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", name="fk_images_key_id"), default=None
    )
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str | None] = mapped_column(String(300), default=None)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    ocr: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
