"""Batch runs: the shipments a ``dualuse screen`` run has recorded, so that a killed run resumes without duplicates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``batch_items`` (run key x input ordinal -> audit record seq)."""
    op.create_table(
        "batch_items",
        sa.Column("run_key", sa.String(length=64), nullable=False),
        sa.Column("ordinal", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("run_key", "ordinal"),
    )


def downgrade() -> None:
    """Drop ``batch_items``."""
    op.drop_table("batch_items")
