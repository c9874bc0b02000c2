"""Privacy by design (UU PDP): a tamper-evident audit log, an access log, retired raw text.

- ``audit_log`` gains ``prev_hash`` and ``row_hash``: each row carries the hash of the one before it
  (rows written before this migration are chained here, in id order);
- ``access_log``: who read personal data (key, role, purpose, what);
- ``ads.redacted_at`` / ``ads.redaction`` and ``checks.redacted_at``: when and why (``retention``,
  ``erasure``) the raw text was replaced by its redacted text.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=True))
    with op.batch_alter_table("ads") as batch:
        batch.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("redaction", sa.String(16), nullable=True))
    with op.batch_alter_table("checks") as batch:
        batch.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_ads_redacted_at_id", "ads", ["redacted_at", "id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(300), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("object_type", sa.String(30), nullable=False),
        sa.Column("object_id", sa.String(300), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_access_log_key_id_id", "access_log", ["key_id", "id"])
    _chain_existing_rows()


def _chain_existing_rows() -> None:
    from service.store.chain import GENESIS, entry_hash

    connection = op.get_bind()
    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("key_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("object_type", sa.String()),
        sa.column("object_id", sa.Integer()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
    )
    previous = GENESIS
    rows = connection.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    for row in rows:
        digest = entry_hash(previous, dict(row))
        connection.execute(
            audit.update().where(audit.c.id == row["id"]).values(prev_hash=previous, row_hash=digest)
        )
        previous = digest


def downgrade() -> None:
    op.drop_index("ix_access_log_key_id_id", table_name="access_log")
    op.drop_table("access_log")
    op.drop_index("ix_ads_redacted_at_id", table_name="ads")
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("redacted_at")
    with op.batch_alter_table("ads") as batch:
        batch.drop_column("redaction")
        batch.drop_column("redacted_at")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
