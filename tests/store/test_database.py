"""Opening the database: migrations, SQLite settings, and one clear line for what cannot work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.errors import DatabaseSetupError
from bot.store import Store, StoreOptions, open_store
from bot.store.database import alembic_config, head_revision
from bot.store.sql import SqlTransaction
from bot.store.tables import metadata
from tests.db import Postgres, rows
from tests.store.test_coach_store import EVE, SAM


def sync_url(database_url: str) -> str:
    url = make_url(database_url)
    driver = "sqlite+pysqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return url.set(drivername=driver).render_as_string(hide_password=False)


async def test_migrations_make_exactly_the_tables_the_code_declares(
    store: Store, database_url: str
) -> None:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()

    assert differences == []
    assert rows(database_url, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


async def test_opening_twice_changes_nothing(database_url: str) -> None:
    for _ in range(2):
        opened = await open_store(database_url)
        await opened.close()

    assert rows(database_url, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


async def test_sqlite_runs_in_wal_with_full_sync_foreign_keys_and_read_only_readers(
    sqlite_url: str,
) -> None:
    store = await open_store(sqlite_url)

    def settings(tx: SqlTransaction) -> list[object]:
        names = ("journal_mode", "synchronous", "foreign_keys", "query_only")
        return [tx.db.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]

    writer = await store.write(settings)  # type: ignore[arg-type]
    reader = await store.read(settings)  # type: ignore[arg-type]
    await store.close()

    assert writer == ["wal", 2, 1, 0]  # synchronous 2 = FULL: a commit survives power loss
    assert reader == ["wal", 2, 1, 1]  # a reader can never take the write lock


async def test_normal_sync_is_a_setting(sqlite_url: str) -> None:
    store = await open_store(sqlite_url, StoreOptions(synchronous="NORMAL"))

    level = await store.write(lambda tx: tx.db.exec_driver_sql("PRAGMA synchronous").scalar())  # type: ignore[attr-defined]
    await store.close()

    assert level == 1


async def test_a_forgotten_users_id_is_never_handed_out_again(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    [(first,)] = rows(database_url, "SELECT id FROM users")
    await coach.forget(EVE)

    await coach.open(SAM, "kinds")

    [(second,)] = rows(database_url, "SELECT id FROM users")
    assert second != first
    assert rows(database_url, "SELECT count(*) FROM sessions WHERE user_id = :id", id=first) == [
        (0,)
    ]


async def test_an_older_database_is_upgraded_and_keeps_every_row(sqlite_url: str) -> None:
    path = make_url(sqlite_url).database
    assert path is not None
    sync = create_engine(f"sqlite:///{path}")
    with sync.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    with sqlite3.connect(path) as old:
        old.execute(
            "INSERT INTO users (id, external_id, display_name, language, active, created_at, "
            "updated_at) VALUES (7, 'terminal:eve', 'Eve', 'nl', 1, '2026-01-01', '2026-01-01')"
        )
        old.execute(
            "INSERT INTO sessions (user_id, dialogue_id, content_version, node, status, step, "
            "answers, history, started_at, updated_at) VALUES (7, 'kinds', 'v', 'deals', "
            "'active', 1, '{\"product\": \"koffie\"}', '[]', '2026-01-01', '2026-01-01')"
        )
    sync.dispose()

    store = await open_store(sqlite_url)
    await store.close()

    assert rows(sqlite_url, "SELECT id, display_name FROM users") == [(7, "Eve")]
    assert rows(sqlite_url, "SELECT node, answers FROM sessions") == [
        ("deals", '{"product": "koffie"}')
    ]
    schema = rows(sqlite_url, "SELECT sql FROM sqlite_master WHERE name = 'users'")[0][0]
    assert "AUTOINCREMENT" in str(schema)


def write_garbage(path: Path) -> None:
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)


@pytest.mark.parametrize(
    ("make", "url", "expected"),
    [
        (None, "not a database url", "COACHBOT_DATABASE_URL is not a database URL"),
        (None, "sqlite:///{tmp}/afile/coachbot.db", "cannot create the folder"),
        (write_garbage, "sqlite:///{tmp}/coachbot.db", "is not a SQLite database"),
        (None, "mysql+nodriver://x@localhost/db", "no async driver"),
        (None, "sqlite://", "SQLite needs a file path"),
    ],
)
async def test_a_database_that_cannot_work_is_one_clear_error(
    tmp_path: Path, make: object, url: str, expected: str
) -> None:
    (tmp_path / "afile").write_text("I am a file, not a folder")
    if callable(make):
        make(tmp_path / "coachbot.db")

    with pytest.raises(DatabaseSetupError, match=expected):
        await open_store(url.format(tmp=tmp_path))


async def test_a_database_from_a_newer_coachbot_is_refused(sqlite_url: str) -> None:
    store = await open_store(sqlite_url)
    await store.close()
    rows(sqlite_url, "UPDATE alembic_version SET version_num = '0999'")

    with pytest.raises(DatabaseSetupError, match=r"revision '0999'.*newer version"):
        await open_store(sqlite_url)


async def test_a_password_with_a_percent_sign_works(postgres: Postgres, engine: Engine) -> None:
    fresh = postgres.fresh()
    with_password = fresh.replace("postgres@", "postgres:p%40ss%25word@")
    try:
        store = await open_store(with_password)
        await Coach(engine, store).open(EVE, "kinds")
        await store.close()
        assert rows(fresh, "SELECT count(*) FROM sessions") == [(1,)]
    finally:
        postgres.drop(fresh)


async def test_an_unreachable_server_is_one_clear_error() -> None:
    with pytest.raises(DatabaseSetupError, match=r"cannot use the database server at 127.0.0.1:9"):
        await open_store("postgresql+asyncpg://postgres@127.0.0.1:9/none")
