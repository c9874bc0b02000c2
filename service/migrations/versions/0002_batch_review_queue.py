"""Batch review queue: batches, ads, assessments, clusters, queue items, decisions, contacts, audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from service.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "batches",
        _id(),
        sa.Column(
            "key_id", sa.Integer(), sa.ForeignKey("api_keys.id", name="fk_batches_key_id"), nullable=True
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(300), nullable=True),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.Column("enqueued", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('receiving', 'queued', 'scoring', 'done', 'failed')", name="ck_batches_status"
        ),
    )
    op.create_table(
        "batch_errors",
        _id(),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("batches.id", name="fk_batch_errors_batch_id"),
            nullable=False,
        ),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
    )
    op.create_index("ix_batch_errors_batch_id", "batch_errors", ["batch_id", "id"])
    op.create_table(
        "ads",
        _id(),
        sa.Column(
            "batch_id", sa.Integer(), sa.ForeignKey("batches.id", name="fk_ads_batch_id"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("platform", sa.String(50), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("scored", sa.Boolean(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_ads_scored_id", "ads", ["scored", "id"])
    op.create_index("ix_ads_content_hash", "ads", ["content_hash"])
    op.create_index("ix_ads_cluster_id", "ads", ["cluster_id"])
    op.create_index("ix_ads_batch_id", "ads", ["batch_id"])
    op.create_table(
        "assessments",
        _id(),
        sa.Column(
            "ad_id", sa.Integer(), sa.ForeignKey("ads.id", name="fk_assessments_ad_id"), nullable=False
        ),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("indicators", JSON, nullable=False),
        sa.Column("slots", JSON, nullable=False),
        sa.Column("assessment", JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("ad_id", name="uq_assessments_ad_id"),
    )
    op.create_table(
        "clusters",
        _id(),
        sa.Column("representative_ad_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("batch_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_clusters_content_hash", "clusters", ["content_hash"])
    op.create_table(
        "cluster_bands",
        sa.Column("band_key", sa.BigInteger(), primary_key=True),
        sa.Column("cluster_id", sa.Integer(), primary_key=True),
    )
    op.create_table(
        "cluster_batches",
        sa.Column("cluster_id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), primary_key=True),
    )
    op.create_table(
        "queue_items",
        _id(),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("ad_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("platform", sa.String(50), nullable=True),
        sa.Column("indicators_text", sa.Text(), nullable=False),
        sa.Column("places_text", sa.Text(), nullable=False),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("first_key_id", sa.Integer(), nullable=True),
        sa.Column("lease_key_id", sa.Integer(), nullable=True),
        sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
        sa.Column("final_verdict", sa.String(16), nullable=True),
        sa.Column("final_indicators", JSON, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("cluster_id", name="uq_queue_items_cluster_id"),
        sa.CheckConstraint(
            "status IN ('open', 'leased', 'decided', 'needs_second_review', 'adjudication')",
            name="ck_queue_items_status",
        ),
    )
    op.create_index("ix_queue_items_status_priority", "queue_items", ["status", "priority"])
    op.create_table(
        "decisions",
        _id(),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("queue_items.id", name="fk_decisions_item_id"),
            nullable=False,
        ),
        sa.Column(
            "key_id", sa.Integer(), sa.ForeignKey("api_keys.id", name="fk_decisions_key_id"), nullable=False
        ),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("indicators", JSON, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('tppo', 'tppm', 'scam', 'legit', 'awareness', 'unsure')", name="ck_decisions_verdict"
        ),
    )
    op.create_index("ix_decisions_item_id", "decisions", ["item_id"])
    op.create_table(
        "contacts",
        _id(),
        sa.Column("ad_id", sa.Integer(), sa.ForeignKey("ads.id", name="fk_contacts_ad_id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
    )
    op.create_index("ix_contacts_value", "contacts", ["value"])
    op.create_index("ix_contacts_ad_id", "contacts", ["ad_id"])
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("object_type", sa.String(30), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "audit_log", "contacts", "decisions", "queue_items", "cluster_batches", "cluster_bands", "clusters",
        "assessments", "ads", "batch_errors", "batches",
    ):  # fmt: skip
        op.drop_table(table)
