"""ids are never handed out twice (SQLite AUTOINCREMENT on users, sessions, commitments)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("users", "sessions", "commitments")


def upgrade() -> None:
    # Other databases never reuse an id; SQLite does for the highest one unless the table is
    # declared AUTOINCREMENT, which takes a rebuild (foreign keys are off while migrating).
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
