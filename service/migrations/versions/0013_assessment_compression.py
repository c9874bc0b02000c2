"""PostgreSQL compresses the stored assessments with lz4 instead of pglz.

An assessment is about 3.5 KB of JSON, over the 2 KB at which PostgreSQL compresses a value, and every
scored ad writes one. Inserting 5,000 of them as JSONB cost ~77 µs each with pglz and ~42 µs with
lz4, for about the same size on disk (39 MB against 42 MB). Values already stored keep their
compression. A server built without lz4 keeps pglz; SQLite does not compress.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (("assessments", "assessment"), ("checks", "assessment"))


def _lz4_available() -> bool:
    query = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    return bool(op.get_bind().exec_driver_sql(query).scalar())


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql" or not _lz4_available():
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION lz4')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION DEFAULT')
