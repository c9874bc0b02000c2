"""Queue items carry the scope of their ad (``offer`` / ``not_offer``), so the queue can filter by it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Items queued before the scope model existed were all treated as offers.
    with op.batch_alter_table("queue_items") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="offer"))


def downgrade() -> None:
    with op.batch_alter_table("queue_items") as batch:
        batch.drop_column("scope")
