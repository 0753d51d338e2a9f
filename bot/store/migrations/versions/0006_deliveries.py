"""deliveries: messages the bot sends on its own (check-ins on their day), each at most once

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "commitment_id", name="uq_deliveries_kind_commitment"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_deliveries_due", "deliveries", ["claimed_at", "due_at"])
    # Commitments made before this revision whose day is still ahead get their check-in pushed
    # too; those already past stay in the menu as due, without a late message out of the blue.
    bind = op.get_bind()
    now = datetime.now(UTC)
    bind.execute(
        sa.text(
            "INSERT INTO deliveries (user_id, kind, commitment_id, due_at) "
            "SELECT user_id, 'checkin', id, due_at FROM commitments "
            "WHERE status = 'open' AND due_at > :now"
        ).bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True))),
        # SQLite keeps naive UTC text; PostgreSQL compares aware moments.
        {"now": now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now},
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_table("deliveries")
