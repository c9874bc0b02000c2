"""Source metadata on ads: the group / channel / page, when the message was posted, the author's keyed hash;
batches count the messages an import skipped (chatter, system lines, media) and name the format read;
``alerts_sent`` remembers the alerts the webhook accepted.

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_alerts_sent_kind_value"),
    )
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("source_format", sa.String(30), nullable=True))
    with op.batch_alter_table("ads") as batch:
        batch.add_column(sa.Column("group_name", sa.String(300), nullable=True))
        batch.add_column(sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("author_hash", sa.String(64), nullable=True))
        batch.create_index("ix_ads_posted_at", ["posted_at"])
        batch.create_index("ix_ads_author_hash", ["author_hash"])


def downgrade() -> None:
    op.drop_table("alerts_sent")
    with op.batch_alter_table("ads") as batch:
        batch.drop_index("ix_ads_author_hash")
        batch.drop_index("ix_ads_posted_at")
        batch.drop_column("author_hash")
        batch.drop_column("posted_at")
        batch.drop_column("group_name")
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("source_format")
        batch.drop_column("skipped")
