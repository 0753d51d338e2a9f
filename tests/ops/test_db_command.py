"""``coachbot db current`` and ``coachbot db upgrade`` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

from alembic import command as alembic
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.store.database import alembic_config, head_revision
from bot.store.tables import metadata
from tests.db import rows
from tests.ops.cli import coachbot, unreachable_server

HEAD = head_revision()


def db(command: str, database_url: str) -> tuple[int, str, str]:
    result = coachbot("db", command, env={"COACHBOT_DATABASE_URL": database_url})
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def make_empty(database_url: str) -> None:
    """No schema at all: a SQLite file that does not exist, a database without tables."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        Path(url.database).unlink(missing_ok=True)
        return
    for table in [*(t.name for t in metadata.sorted_tables), "alembic_version"]:
        rows(database_url, f"DROP TABLE {table} CASCADE")


def revision(database_url: str) -> list[tuple[object, ...]]:
    return rows(database_url, "SELECT version_num FROM alembic_version")


def test_a_current_database_is_reported_as_the_newest(database_url: str) -> None:
    assert db("upgrade", database_url)[0] == 0

    assert db("current", database_url) == (0, f"{HEAD} (newest)", "")


def migrate_to(database_url: str, revision: str) -> None:
    """The schema as an older Coachbot left it: the migrations up to ``revision`` only."""
    url = make_url(database_url)
    sync = "sqlite+pysqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    engine = create_engine(url.set(drivername=sync))
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            alembic.upgrade(config, revision)  # an empty database
            alembic.downgrade(config, revision)  # one made from a migrated template
    finally:
        engine.dispose()


def test_an_older_database_is_reported_then_upgraded(database_url: str) -> None:
    migrate_to(database_url, "0003")

    before = db("current", database_url)
    upgraded = db("upgrade", database_url)
    after = db("current", database_url)

    assert before == (1, f"0003, newest is {HEAD}: run coachbot db upgrade", "")
    assert upgraded == (0, f"upgraded the database from 0003 to {HEAD} (newest)", "")
    assert after == (0, f"{HEAD} (newest)", "")
    assert revision(database_url) == [(HEAD,)]


def test_an_empty_database_gets_its_schema(database_url: str) -> None:
    make_empty(database_url)

    before = db("current", database_url)
    created = db("upgrade", database_url)
    again = db("upgrade", database_url)

    assert before == (1, f"empty, newest is {HEAD}: run coachbot db upgrade", "")
    assert created == (0, f"created the database schema at {HEAD} (newest)", "")
    assert again == (0, f"the database is already at {HEAD} (newest); nothing to do", "")
    assert revision(database_url) == [(HEAD,)]


def test_current_changes_nothing(sqlite_url: str) -> None:
    path = make_url(sqlite_url).database
    assert path is not None

    code, output, _ = db("current", sqlite_url)

    assert (code, output) == (1, f"empty, newest is {HEAD}: run coachbot db upgrade")
    assert not Path(path).exists()


def test_a_database_from_a_newer_coachbot_is_one_line_and_exit_2(database_url: str) -> None:
    db("upgrade", database_url)
    rows(database_url, "UPDATE alembic_version SET version_num = '0999'")

    for command in ("current", "upgrade"):
        code, output, error = db(command, database_url)
        assert (code, output) == (2, "")
        assert error.startswith("coachbot: the database is at schema revision '0999'")
        assert len(error.splitlines()) == 1
    assert revision(database_url) == [("0999",)]  # the upgrade touched nothing


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    for command in ("current", "upgrade"):
        code, output, error = db(command, unreachable_server("Pw-Q9z"))
        assert (code, output) == (2, "")
        assert error.startswith("coachbot: cannot use the database server at 127.0.0.1:9")
        assert len(error.splitlines()) == 1
        assert "Pw-Q9z" not in error
