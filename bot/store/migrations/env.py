"""Alembic environment: runs on the connection Coachbot hands over, or opens its own."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from bot.store.database import create_engine
from bot.store.tables import Base

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    """Run the migrations on an open synchronous connection."""
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    """Used by the plain ``alembic`` command line: open an engine from the configured URL."""
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    run_on(handed_over)
else:
    asyncio.run(run_standalone())
