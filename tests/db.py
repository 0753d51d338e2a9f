"""The test databases: a SQLite file, or a fresh PostgreSQL database, and reading them directly.

Every test that takes ``database_url`` runs once per backend. PostgreSQL databases are copied
from a template migrated once per run (``CREATE DATABASE ... TEMPLATE``) and dropped after the
test. The server is 127.0.0.1:5432 (user postgres, trust auth) unless
``COACHBOT_TEST_POSTGRES`` names another; with ``CI`` set an unreachable server fails the run.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from typing import Any

from sqlalchemy import Engine, Table, create_engine, text
from sqlalchemy.engine import make_url

from bot.store import open_store

ADMIN_URL = os.environ.get("COACHBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
_JSON_TYPES = {114, 3802}  # PostgreSQL's json and jsonb type oids


def _sync_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return create_engine(url.set(drivername="sqlite+pysqlite"))
    return create_engine(url.set(drivername="postgresql+psycopg"))


def insert_rows(database_url: str, table: Table, values: list[dict[str, Any]]) -> None:
    """Insert ``values`` into ``table`` in one statement (the table's own defaults apply)."""
    engine = _sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(table.insert(), values)
    finally:
        engine.dispose()


def rows(database_url: str, query: str, **params: object) -> list[tuple[Any, ...]]:
    """The rows ``query`` returns, read with a connection of the test's own.

    Values look the way SQLite keeps them (JSON as text, a JSON number as a number), so one
    assertion holds for both backends.
    """
    engine = _sync_engine(database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(query), params)
            if not result.returns_rows:
                return []
            json_columns = _json_columns(result)
            return [
                tuple(_as_sqlite(v) if i in json_columns else v for i, v in enumerate(row))
                for row in result
            ]
    finally:
        engine.dispose()


def _json_columns(result: Any) -> set[int]:
    description = result.cursor.description or []
    return {i for i, column in enumerate(description) if column[1] in _JSON_TYPES}


def _as_sqlite(value: Any) -> Any:
    """A decoded JSON value as SQLite hands it back: text, except numbers (numeric affinity)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return json.dumps(value)


class Postgres:
    """Fresh databases on the test server, copied from one migrated template."""

    def __init__(self, admin_url: str = ADMIN_URL) -> None:
        self.admin_url = make_url(admin_url)
        self._engine = create_engine(
            self.admin_url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
        self._names = (f"coachbot_t{os.getpid()}_{n}" for n in itertools.count())
        self.template = f"coachbot_tmpl{os.getpid()}"

    def reachable(self) -> str | None:
        """None when the server answers, else why not (one line)."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as err:
            return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        return None

    def prepare(self) -> None:
        """Create the template and migrate it with Coachbot's own start-up."""
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._execute(f'CREATE DATABASE "{self.template}"')

        async def migrate() -> None:
            store = await open_store(self.url(self.template))
            await store.close()

        asyncio.run(migrate())

    def fresh(self) -> str:
        """The URL of a new database with the current schema."""
        name = next(self._names)
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a database made by ``fresh`` (closing what still uses it)."""
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def finish(self) -> None:
        """Drop the template."""
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._engine.dispose()

    def url(self, name: str) -> str:
        """The asyncpg URL Coachbot uses for database ``name``."""
        return self.admin_url.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )

    def _execute(self, statement: str) -> None:
        with self._engine.connect() as connection:
            connection.execute(text(statement))


_TRACK_TABLES = {
    "FROM answers": (
        "FROM (SELECT answers.* FROM answers JOIN sessions ON sessions.id = answers.session_id"
        " WHERE sessions.dialogue_id <> 'profile') AS answers"
    ),
    "FROM sessions": "FROM (SELECT * FROM sessions WHERE dialogue_id <> 'profile') AS sessions",
}


def track_rows(database_url: str, query: str, **params: object) -> list[tuple[Any, ...]]:
    """``rows``, with ``FROM answers`` and ``FROM sessions`` reading everything but the profile
    dialogue's (tests of tracks, where the profile was skipped on the way)."""
    for table, tracks_only in _TRACK_TABLES.items():
        query = query.replace(table, tracks_only)
    return rows(database_url, query, **params)
