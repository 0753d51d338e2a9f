"""A database's schema for operators: which migration it is at, and bringing it to the newest.

Reading never changes the database (a SQLite file that does not exist yet stays absent);
every database that cannot be used is one ``DatabaseSetupError`` with a clear message.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError

from bot.errors import DatabaseSetupError
from bot.store import StoreOptions, open_store
from bot.store.database import (
    alembic_config,
    current_revision,
    describe_sqlite_failure,
    head_revision,
    is_sqlite,
    parse_url,
    run_setup,
    server_engine,
    sqlite_engine,
    sqlite_file,
)

UPGRADE_HINT = "run coachbot db upgrade"


@dataclass(frozen=True)
class SchemaState:
    """The migration a database is at (None: empty) and the newest this Coachbot knows."""

    current: str | None
    head: str

    @property
    def newest(self) -> bool:
        """True when the database needs no upgrade."""
        return self.current == self.head

    def describe(self) -> str:
        """One line: ``0004 (newest)``, or what it is and what to do."""
        if self.newest:
            return f"{self.head} (newest)"
        return f"{self.current or 'empty'}, newest is {self.head}: {UPGRADE_HINT}"


async def read_schema(url: str, options: StoreOptions) -> SchemaState:
    """Where the database at ``url`` is; ``DatabaseSetupError`` if it cannot be read or is
    from a newer Coachbot."""
    parsed = parse_url(url)
    if is_sqlite(parsed):
        current = await asyncio.to_thread(_sqlite_revision, sqlite_file(parsed), options)
    else:
        engine = server_engine(parsed, options)
        try:
            current = await run_setup(engine, current_revision)
        finally:
            await engine.dispose()
    if current is not None and not _known(current):
        raise DatabaseSetupError(
            f"the database is at schema revision {current!r}, which this Coachbot does not "
            "know: it was used by a newer version. Run that version, or restore a backup."
        )
    return SchemaState(current, head_revision())


async def upgrade_schema(url: str, options: StoreOptions) -> tuple[SchemaState, SchemaState]:
    """Bring the database to the newest migration the way the bot does at start; before, after."""
    before = await read_schema(url, options)
    store = await open_store(url, options)
    await store.close()
    return before, await read_schema(url, options)


def _sqlite_revision(path: str, options: StoreOptions) -> str | None:
    if not Path(path).exists():
        return None
    engine = sqlite_engine(path, options, read_only=True)
    try:
        with engine.connect() as connection, connection.begin():
            return current_revision(connection)
    except DBAPIError as err:
        raise DatabaseSetupError(describe_sqlite_failure(path, err)) from err
    finally:
        engine.dispose()


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False
