"""Watched public sources: the sources and the posts each has shown (ids, links, content hashes).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.store.models import UTCDateTime

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("selector", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("next_run_at", UTCDateTime(), nullable=True),
        sa.Column("last_run_at", UTCDateTime(), nullable=True),
        sa.Column("last_success_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTCDateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("empty_fetches", sa.Integer(), nullable=False),
        sa.Column("last_found", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(300), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("batch_day", sa.String(10), nullable=True),
        sa.Column("backfill_url", sa.String(2000), nullable=True),
        sa.UniqueConstraint("url", name="uq_sources_url"),
        sa.CheckConstraint("status IN ('active', 'paused')", name="ck_sources_status"),
        sa.CheckConstraint("kind IN ('telegram', 'feed', 'html')", name="ck_sources_kind"),
    )
    op.create_index("ix_sources_status_next_run", "sources", ["status", "next_run_at"])
    op.create_table(
        "source_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("sources.id", name="fk_source_posts_source_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("post_key", sa.String(300), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("source_id", "post_key", name="uq_source_posts_source_key"),
    )
    op.create_index("ix_source_posts_source_hash", "source_posts", ["source_id", "content_hash"])


def downgrade() -> None:
    op.drop_index("ix_source_posts_source_hash", table_name="source_posts")
    op.drop_table("source_posts")
    op.drop_index("ix_sources_status_next_run", table_name="sources")
    op.drop_table("sources")
