"""The review desk: ``unsure`` votes are counted on the queue item, and the queue filters by reason.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("queue_items") as batch:
        batch.add_column(sa.Column("unsure_votes", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_queue_items_status_reason", ["status", "reason"])


def downgrade() -> None:
    with op.batch_alter_table("queue_items") as batch:
        batch.drop_index("ix_queue_items_status_reason")
        batch.drop_column("unsure_votes")
