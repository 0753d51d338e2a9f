"""The store on a database server (PostgreSQL with asyncpg): one transaction per unit.

asyncpg speaks to the server from the event loop itself, so a unit runs without any thread
hop (SQLAlchemy's ``run_sync`` adapts the plain statements). The number of units in flight
is bounded by the pool size, so a burst waits in asyncio instead of timing out on the pool.
Several bot processes can share the database: a unit locks its user's row first, so one
user's updates never interleave, whichever process receives them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import ConcurrentUpdate, StoreUnavailable
from bot.store.base import T, Unit
from bot.store.database import StoreOptions, migrate_server
from bot.store.sql import SqlTransaction

log = logging.getLogger(__name__)
RETRIES_ON_CONFLICT = 3
# SQLSTATEs worth another try: serialization failure, deadlock, connection trouble.
_RETRYABLE = ("40001", "40P01", "08000", "08003", "08006", "57P01", "57P02", "57P03")


class ServerStore:
    """Units on a database server, each in its own transaction."""

    def __init__(self, engine: AsyncEngine, options: StoreOptions) -> None:
        self.engine = engine
        self.options = options
        self._slots = asyncio.Semaphore(options.pool_size)

    @classmethod
    async def open(cls, engine: AsyncEngine, options: StoreOptions) -> ServerStore:
        """Bring the schema up to date."""
        await migrate_server(engine)
        return cls(engine, options)

    async def write(self, unit: Unit[T]) -> T:
        """Run ``unit`` in a transaction and commit it."""
        return await self._run(unit)

    async def read(self, unit: Unit[T]) -> T:
        """Run ``unit`` (PostgreSQL readers never wait for writers)."""
        return await self._run(unit)

    async def close(self) -> None:
        """Release connections."""
        await self.engine.dispose()

    async def _run(self, unit: Unit[T]) -> T:
        deadline = time.monotonic() + self.options.busy_seconds
        pause, conflicts = 0.02, 0
        async with self._slots:
            while True:
                try:
                    async with self.engine.connect() as connection:
                        result: T = await connection.run_sync(_in_transaction, unit)
                        return result
                except ConcurrentUpdate:
                    conflicts += 1
                    if conflicts >= RETRIES_ON_CONFLICT:
                        raise
                    continue
                except DBAPIError as err:
                    if not _retryable(err) or time.monotonic() + pause > deadline:
                        log.error("a step could not be stored: %s", type(err.orig).__name__)
                        raise StoreUnavailable(_reason(err)) from err
                    log.warning("database trouble (%s); trying again", type(err.orig).__name__)
                except OSError as err:  # the server went away between pool checks
                    if time.monotonic() + pause > deadline:
                        raise StoreUnavailable(f"cannot reach the database: {err}") from err
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.5)


def _in_transaction(connection: Connection, unit: Unit[T]) -> T:
    with connection.begin():
        return unit(SqlTransaction(connection))


def _retryable(err: DBAPIError) -> bool:
    code = _sqlstate(err)
    return err.connection_invalidated or (code is not None and code.startswith(_RETRYABLE))


def _sqlstate(err: DBAPIError) -> str | None:
    orig: Any = err.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return str(code) if code else None


def _reason(err: DBAPIError) -> str:
    return f"{type(err.orig).__name__} (SQLSTATE {_sqlstate(err) or '?'})"
