"""The store on a SQLite file: one writer thread that commits queued units together.

SQLite takes one writer at a time. Instead of many connections queueing on SQLite's sleeping
busy handler, units wait in an asyncio queue; the writer thread takes everything queued, runs
each unit under its own savepoint inside one ``BEGIN IMMEDIATE`` transaction, commits once
(one fsync for the whole group) and only then hands every unit its result. A burst of users
therefore costs a few commits, not one each, and an update crosses to a database thread once.
Reads run on a second, read-only connection and never wait for the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from bot.errors import ConcurrentUpdate, StoreUnavailable
from bot.store.base import T, Unit
from bot.store.database import (
    StoreOptions,
    describe_sqlite_failure,
    migrate_sqlite,
    sqlite_engine,
)
from bot.store.sql import SqlTransaction

log = logging.getLogger(__name__)
MAX_GROUP = 256  # units per commit: bounds how long one transaction holds the write lock
RETRIES_ON_CONFLICT = 3


@dataclass
class _Job:
    unit: Unit[Any]
    future: asyncio.Future[Any]


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class SqliteStore:
    """Units on a SQLite file, written by one thread in groups, read by another."""

    def __init__(self, path: str, options: StoreOptions) -> None:
        self.path = path
        self.options = options
        self._write_engine: Engine = sqlite_engine(path, options)
        self._read_engine: Engine = sqlite_engine(path, options, read_only=True)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="coachbot-writer")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="coachbot-reader")
        self._write_connection: Connection | None = None
        self._read_connection: Connection | None = None
        self._queue: list[_Job] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while nothing is queued or being written
        self._idle.set()
        self._draining = asyncio.get_running_loop().create_task(self._drain())

    @classmethod
    async def open(cls, path: str, options: StoreOptions) -> SqliteStore:
        """Bring the file's schema up to date and start the writer."""
        await asyncio.to_thread(migrate_sqlite, path, options)
        return cls(path, options)

    async def write(self, unit: Unit[T]) -> T:
        """Queue ``unit``; its result arrives once the group it ran in is committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append(_Job(unit, future))
        self._idle.clear()
        self._wake.set()
        return await future

    async def read(self, unit: Unit[T]) -> T:
        """Run ``unit`` on the read-only connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader, self._read_now, unit)

    async def close(self) -> None:
        """Finish queued units, then release the connections."""
        await self._idle.wait()
        self._draining.cancel()
        await asyncio.gather(self._draining, return_exceptions=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self._close_writer)
        await loop.run_in_executor(self._reader, self._close_reader)
        self._writer.shutdown()
        self._reader.shutdown()
        self._write_engine.dispose()
        self._read_engine.dispose()

    # -- the event loop side ---------------------------------------------------------------

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                jobs = [job for job in self._queue[:MAX_GROUP] if not job.future.done()]
                del self._queue[:MAX_GROUP]
                if not jobs:
                    continue
                units = [job.unit for job in jobs]
                results = await loop.run_in_executor(self._writer, self._commit_safely, units)
                for job, result in zip(jobs, results, strict=True):
                    if job.future.done():
                        continue
                    if isinstance(result, _Failed):
                        job.future.set_exception(result.error)
                    else:
                        job.future.set_result(result)
            self._idle.set()

    # -- the writer thread -----------------------------------------------------------------

    def _commit_safely(self, units: list[Unit[Any]]) -> list[Any]:
        """Commit a group; whatever goes wrong fails this group only, never the writer."""
        try:
            return self._commit_group(units)
        except Exception as err:
            log.exception("a group of %d step(s) failed as a whole", len(units))
            if self._write_connection is not None:
                self._rollback(self._write_connection)
            return [_Failed(StoreUnavailable(f"the write failed: {type(err).__name__}"))] * len(
                units
            )

    def _commit_group(self, units: list[Unit[Any]]) -> list[Any]:
        connection = self._writing()
        try:
            self._begin(connection)
        except StoreUnavailable as err:
            return [_Failed(err)] * len(units)
        results = []
        for unit in units:
            results.append(self._run_one(connection, unit))
            if not _in_transaction(connection):  # SQLite itself rolled back (disk full, I/O)
                self._rollback(connection)
                failure = results[-1].error if isinstance(results[-1], _Failed) else None
                if not isinstance(failure, StoreUnavailable):
                    failure = StoreUnavailable("the database rolled the write back")
                return [_Failed(failure)] * len(units)
        try:
            connection.commit()
        except DBAPIError as err:
            self._rollback(connection)
            why = describe_sqlite_failure(self.path, err)
            log.error("commit of %d step(s) failed: %s", len(units), why)
            return [_Failed(StoreUnavailable(why))] * len(units)
        return results

    def _begin(self, connection: Connection) -> None:
        """BEGIN IMMEDIATE, retried with backoff while another process holds the lock."""
        deadline = time.monotonic() + self.options.busy_seconds
        pause = 0.01
        while True:
            try:
                connection.begin()  # BEGIN IMMEDIATE (see database.sqlite_engine)
                return
            except DBAPIError as err:
                self._rollback(connection)
                reason = describe_sqlite_failure(self.path, err)
                if "locked" not in str(err.orig) or time.monotonic() + pause > deadline:
                    log.error("cannot begin a write: %s", reason)
                    raise StoreUnavailable(reason) from err
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _run_one(self, connection: Connection, unit: Unit[Any]) -> Any:
        # Plain SAVEPOINT statements: SQLAlchemy's begin_nested compiles its clause anew
        # every time, which the profile showed as a tenth of a step.
        for _ in range(RETRIES_ON_CONFLICT):
            connection.exec_driver_sql("SAVEPOINT unit")
            try:
                result = unit(SqlTransaction(connection))
                connection.exec_driver_sql("RELEASE unit")
                return result
            except ConcurrentUpdate:  # another process moved the session: read it again
                _undo(connection)
                continue
            except DBAPIError as err:
                _undo(connection)
                return _Failed(StoreUnavailable(describe_sqlite_failure(self.path, err)))
            except Exception as err:  # the unit's own error: only its part is undone
                _undo(connection)
                return _Failed(err)
        return _Failed(ConcurrentUpdate("the session kept changing; please try again"))

    def _writing(self) -> Connection:
        if self._write_connection is None or self._write_connection.closed:
            self._write_connection = self._write_engine.connect()
        return self._write_connection

    def _rollback(self, connection: Connection) -> None:
        try:
            connection.rollback()
        except DBAPIError:  # the connection is broken: start afresh with the next group
            connection.invalidate()
            self._write_connection = None

    def _close_writer(self) -> None:
        if self._write_connection is not None:
            self._write_connection.close()

    # -- the reader thread -----------------------------------------------------------------

    def _read_now(self, unit: Unit[T]) -> T:
        if self._read_connection is None or self._read_connection.closed:
            self._read_connection = self._read_engine.connect()
        connection = self._read_connection
        try:
            with connection.begin():
                return unit(SqlTransaction(connection))
        except DBAPIError as err:
            raise StoreUnavailable(describe_sqlite_failure(self.path, err)) from err

    def _close_reader(self) -> None:
        if self._read_connection is not None:
            self._read_connection.close()


def _in_transaction(connection: Connection) -> bool:
    """Whether SQLite itself still has the transaction open (after SQLITE_FULL it has not)."""
    dbapi = connection.connection.dbapi_connection
    return bool(getattr(dbapi, "in_transaction", True))


def _undo(connection: Connection) -> None:
    """Roll back to the unit's savepoint, unless SQLite already rolled back everything."""
    if not _in_transaction(connection):
        return
    with contextlib.suppress(DBAPIError):
        connection.exec_driver_sql("ROLLBACK TO unit")
        connection.exec_driver_sql("RELEASE unit")
