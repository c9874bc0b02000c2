"""Images: posters and screenshots kept for officers' checks (/cek) and for queue items from images.

Revision ID: 0006
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from service.store.models import UTCDateTime

revision = "0006"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ad_id", sa.Integer(), sa.ForeignKey("ads.id", name="fk_images_ad_id"), nullable=True),
        sa.Column(
            "key_id", sa.Integer(), sa.ForeignKey("api_keys.id", name="fk_images_key_id"), nullable=True
        ),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("filename", sa.String(300), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("ocr", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_images_ad_id", "images", ["ad_id"])
    op.create_index("ix_images_key_id", "images", ["key_id"])


def downgrade() -> None:
    op.drop_index("ix_images_key_id", table_name="images")
    op.drop_index("ix_images_ad_id", table_name="images")
    op.drop_table("images")
