"""Rate-limit buckets shared by every process and instance on one database.

One row per (limit, key): the tokens left, when they were last refilled (Unix seconds) and whether
the last request was granted (read back by the same ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
that updates the row, so one statement decides each request).

Revision ID: 0008
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("refreshed_at", sa.Float(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key", name="pk_rate_buckets"),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
