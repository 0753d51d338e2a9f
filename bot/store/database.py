"""Opens the database: URLs, engines, SQLite settings, and the Alembic migrations run at start."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import DatabaseSetupError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
Synchronous = Literal["FULL", "NORMAL"]


@dataclass(frozen=True)
class StoreOptions:
    """How the store treats its database (from the COACHBOT_* settings)."""

    busy_seconds: float = 5.0  # how long a step may wait for a busy database before giving up
    synchronous: Synchronous = "FULL"  # SQLite: FULL survives power loss, NORMAL only crashes
    pool_size: int = 10  # database servers: connections per process


def parse_url(url: str) -> URL:
    """The parsed URL; a bad one is refused without repeating it (it may hold a password)."""
    try:
        return make_url(url)
    except ArgumentError as err:
        raise DatabaseSetupError(
            "COACHBOT_DATABASE_URL is not a database URL; expected e.g. "
            "sqlite:///./data/coachbot.db or postgresql+asyncpg://user@host/dbname"
        ) from err


def is_sqlite(url: URL) -> bool:
    """True for a SQLite database (kept in a file next to the bot)."""
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> str:
    """The SQLite file behind ``url``, its folder created if needed."""
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DatabaseSetupError("SQLite needs a file path, e.g. sqlite:///./data/coachbot.db")
    try:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatabaseSetupError(
            f"cannot create the folder for the database file {database}: {err.strerror}"
        ) from err
    return database


def sqlite_engine(
    path: str, options: StoreOptions, *, read_only: bool = False, foreign_keys: bool = True
) -> Engine:
    """A synchronous engine on a SQLite file in WAL mode, foreign keys on.

    Coachbot queues its own writes (one writer thread), so SQLite's busy handler only waits
    for other processes; ``read_only`` connections can never take the write lock.
    """
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        hide_parameters=True,  # a failed write must not put an answer in the log
        connect_args={"check_same_thread": False, "timeout": 0.05},
    )

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Coachbot issues BEGIN itself (IMMEDIATE for writes), not the driver.
        dbapi_connection.isolation_level = None
        for pragma in sqlite_pragmas(options, read_only=read_only, foreign_keys=foreign_keys):
            dbapi_connection.execute(pragma)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front, so it can never fail half-way on upgrading a
        # read lock; a reader never takes it.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def sqlite_pragmas(
    options: StoreOptions, *, read_only: bool = False, foreign_keys: bool = True
) -> list[str]:
    """The settings every Coachbot SQLite connection runs with."""
    pragmas = [
        "PRAGMA journal_mode=WAL",
        f"PRAGMA synchronous={options.synchronous}",
        f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}",
        "PRAGMA busy_timeout=50",
    ]
    return [*pragmas, "PRAGMA query_only=ON"] if read_only else pragmas


def server_engine(url: URL, options: StoreOptions) -> AsyncEngine:
    """An async engine for a database server (PostgreSQL with asyncpg)."""
    try:
        return create_async_engine(
            url,
            hide_parameters=True,
            pool_pre_ping=True,  # a restarted server costs one failed ping, not a failed step
            pool_size=options.pool_size,
            max_overflow=0,
            pool_reset_on_return=None,  # every unit ends in COMMIT or ROLLBACK itself
        )
    except (NoSuchModuleError, ArgumentError, ImportError) as err:
        raise DatabaseSetupError(
            f"no async driver for {url.drivername!r}; use postgresql+asyncpg://..."
        ) from err


def alembic_config() -> Config:
    """Alembic's configuration, built in code (no alembic.ini, no URL with % to escape)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration this Coachbot knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> None:
    """Bring the schema on ``connection`` to the newest migration."""
    known = current_revision(connection)
    if known is not None and not _knows(known):
        raise DatabaseSetupError(
            f"the database is at schema revision {known!r}, which this Coachbot does not know: "
            "it was used by a newer version. Run that version, or restore a backup."
        )
    config = alembic_config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, "head")
    except CommandError as err:
        raise DatabaseSetupError(f"the database schema cannot be upgraded: {err}") from err


def _knows(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def migrate_sqlite(path: str, options: StoreOptions) -> None:
    """Create or upgrade the schema of a SQLite file."""
    # Rebuilding a table (SQLite's way to alter one) must not cascade deletes.
    engine = sqlite_engine(path, options, foreign_keys=False)
    try:
        with engine.connect() as connection:
            with connection.begin():
                upgrade(connection)
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DatabaseSetupError(f"{path}: {len(problems)} broken references after upgrade")
    except DBAPIError as err:
        raise DatabaseSetupError(describe_sqlite_failure(path, err)) from err
    finally:
        engine.dispose()


async def migrate_server(engine: AsyncEngine) -> None:
    """Create or upgrade the schema on a database server."""
    await run_setup(engine, upgrade)


async def run_setup(engine: AsyncEngine, work: Callable[[Connection], Any]) -> Any:
    """Run ``work`` in one transaction; connection failures become one clear line."""
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work)
    except (DBAPIError, OSError) as err:
        where = f"{engine.url.host or 'localhost'}:{engine.url.port or 5432}"
        reason = getattr(err, "orig", None) or err
        raise DatabaseSetupError(
            f"cannot use the database server at {where}: {type(reason).__name__}: "
            f"{str(reason).splitlines()[0] if str(reason) else 'no answer'}"
        ) from err


def describe_sqlite_failure(path: str, err: DBAPIError) -> str:
    """One line saying why a SQLite file cannot be used."""
    message = str(err.orig)
    if "not a database" in message:
        return f"{path} is not a SQLite database; point COACHBOT_DATABASE_URL at another file"
    if "unable to open" in message:
        return f"cannot open {path}; check that its folder exists and is writable"
    if "readonly" in message:
        return f"{path} is read-only; Coachbot needs to write to it"
    return f"cannot use {path}: {message}"
