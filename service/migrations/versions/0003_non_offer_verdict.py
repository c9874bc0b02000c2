"""Decisions may say ``non_offer``: the text is not a job offer (exported with label 0).

Revision ID: 0003
Revises: 0002
Create Date: 2026-01-20
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Spelled out, not read from service.vocabulary: a migration must mean the same thing forever.
BEFORE = ("tppo", "tppm", "scam", "legit", "awareness", "unsure")
AFTER = (*BEFORE, "non_offer")


def _verdicts(values: tuple[str, ...]) -> str:
    return "verdict IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _replace_check(values: tuple[str, ...]) -> None:
    # Batch mode: SQLite cannot alter a CHECK constraint, so the table is copied (PostgreSQL alters it).
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint("ck_decisions_verdict", type_="check")
        batch.create_check_constraint("ck_decisions_verdict", _verdicts(values))


def upgrade() -> None:
    _replace_check(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM decisions WHERE verdict = 'non_offer'")
    _replace_check(BEFORE)
