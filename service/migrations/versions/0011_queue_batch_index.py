"""The queue filtered by batch (a moderator following an upload) searches an index instead of every
open item: ``EXPLAIN`` showed the other hot queries (the worker's claim of pending ads, the moderators'
claim, the reason filter, the status counts, the LSH band lookup) already use one.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_queue_items_batch_status", "queue_items", ["batch_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_queue_items_batch_status", table_name="queue_items")
