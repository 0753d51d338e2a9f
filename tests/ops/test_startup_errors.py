"""A database the bot cannot use stops ``coachbot chat`` and ``coachbot run`` with one clear
line on stderr and exit code 2: never a traceback, never the database password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.db import Postgres, rows
from tests.ops.cli import CLOSED_PORT, coachbot, with_password

PASSWORD = "Pw-7%41x"  # the raw form; encoded in the URL as Pw-7%2541x
ENCODED = "Pw-7%2541x"
Case = Callable[[Path, str], str]  # (temporary folder, the test's database URL) -> the URL to use


def newer_migration(tmp: Path, database_url: str) -> str:
    """A database last used by a newer Coachbot, reached with a password."""
    opened = coachbot("db", "upgrade", env={"COACHBOT_DATABASE_URL": database_url})
    assert opened.returncode == 0, opened.stderr
    rows(database_url, "UPDATE alembic_version SET version_num = '0999'")
    return with_password(database_url, PASSWORD)


def under_a_file(tmp: Path, _: str) -> str:
    (tmp / "notes.txt").write_text("a file, not a folder")
    return f"sqlite:///{tmp}/notes.txt/coachbot.db"


def not_a_database(tmp: Path, _: str) -> str:
    (tmp / "coachbot.db").write_bytes(b"name;email\nEva;eva@example.com\n" * 200)
    return f"sqlite:///{tmp}/coachbot.db"


def unparsable(tmp: Path, _: str) -> str:
    return f"postgres ql://postgres:{ENCODED}@127.0.0.1/coachbot"


def percent_in_the_url(tmp: Path, _: str) -> str:
    # `%` was once read by Alembic's configparser as interpolation: a traceback at start.
    return f"postgresql+asyncpg://postgres:{ENCODED}@127.0.0.1:{CLOSED_PORT}/coach%25bot"


def raw_percent_in_the_url(tmp: Path, _: str) -> str:
    return f"postgresql+asyncpg://postgres:50%off@127.0.0.1:{CLOSED_PORT}/coachbot"


CASES: dict[str, tuple[Case, str]] = {
    "under a file": (under_a_file, "cannot create the folder for the database file"),
    "not a database": (not_a_database, "is not a SQLite database"),
    "unparsable": (unparsable, "COACHBOT_DATABASE_URL is not a database URL"),
    "percent": (percent_in_the_url, f"cannot use the database server at 127.0.0.1:{CLOSED_PORT}"),
    "raw percent": (raw_percent_in_the_url, "cannot use the database server at 127.0.0.1"),
}
COMMANDS = {
    "chat": ("chat", "--user", "Eva"),
    "run": ("run",),
}


def start(command: str, url: str) -> tuple[int, list[str], str]:
    """Start ``command`` on ``url``; exit code, stderr lines and stdout."""
    env = {
        "COACHBOT_DATABASE_URL": url,
        # run: a token, and a Bot API that would refuse at once if it were ever reached
        "COACHBOT_TELEGRAM_TOKEN": "123456:AAF-not-a-real-token",
        "COACHBOT_TELEGRAM_API_URL": f"http://127.0.0.1:{CLOSED_PORT}/bot",
    }
    result = coachbot(*COMMANDS[command], env=env, stdin="/quit\n")
    return result.returncode, result.stderr.splitlines(), result.stdout


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES)
def test_a_database_that_cannot_work_is_one_line_and_exit_2(
    tmp_path: Path, command: str, case: str
) -> None:
    make, expected = CASES[case]

    code, errors, output = start(command, make(tmp_path, ""))

    assert code == 2
    assert len(errors) == 1, errors
    assert errors[0].startswith("coachbot: ")
    assert expected in errors[0]
    assert "Traceback" not in output
    for secret in (PASSWORD, ENCODED, "50%off"):
        assert secret not in errors[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_database_from_a_newer_coachbot_is_one_line_and_exit_2(
    tmp_path: Path, database_url: str, command: str
) -> None:
    code, errors, output = start(command, newer_migration(tmp_path, database_url))

    assert code == 2
    assert len(errors) == 1, errors
    assert errors[0].startswith("coachbot: the database is at schema revision '0999'")
    assert "newer version" in errors[0]
    assert "Traceback" not in output
    assert PASSWORD not in errors[0]
    assert ENCODED not in errors[0]
    assert rows(database_url, "SELECT version_num FROM alembic_version") == [("0999",)]


def test_a_password_with_a_percent_sign_reaches_the_server(postgres: Postgres) -> None:
    database_url = postgres.fresh()
    try:
        url = with_password(database_url, PASSWORD)
        env = {"COACHBOT_DATABASE_URL": url}

        result = coachbot("chat", "--user", "Eva", env=env, stdin="/quit\n")

        assert result.returncode == 0, result.stderr
        assert rows(database_url, "SELECT display_name FROM users") == [("Eva",)]
    finally:
        postgres.drop(database_url)
