"""Alembic environment: runs on the connection Coachbot hands over (``coachbot db upgrade``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bot.store.tables import metadata

target_metadata = metadata


def run_on(connection: Connection) -> None:
    """Run the migrations on an open synchronous connection."""
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


handed_over = context.config.attributes.get("connection")
if handed_over is None:
    raise SystemExit("run migrations with `coachbot db upgrade`: it opens the database for Alembic")
run_on(handed_over)
