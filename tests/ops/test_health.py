"""``coachbot health``: 0 with a current database and a fresh heartbeat, else 1 and one line.

Docker runs it as the image's HEALTHCHECK: 1 means unhealthy, and 2 is reserved, so even a
bad setting must answer 1.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.database import head_revision
from tests.db import rows
from tests.ops.cli import coachbot, unreachable_server

HEAD = head_revision()


def health(data_dir: Path, database_url: str, **more: str) -> tuple[int, list[str]]:
    """Exit code and every output line (stdout and stderr) of ``coachbot health``."""
    env = {"COACHBOT_DATA_DIR": str(data_dir), "COACHBOT_DATABASE_URL": database_url, **more}
    result = coachbot("health", env=env)
    return result.returncode, (result.stdout + result.stderr).splitlines()


def beat(data_dir: Path, seconds_ago: float = 0) -> None:
    """A heartbeat file as the running bot leaves it, ``seconds_ago`` old."""
    data_dir.mkdir(parents=True, exist_ok=True)
    heartbeat = data_dir / "heartbeat"
    heartbeat.touch()
    when = time.time() - seconds_ago
    os.utime(heartbeat, (when, when))


@pytest.fixture
def current(database_url: str) -> str:
    """The test's database, at the newest migration."""
    result = coachbot("db", "upgrade", env={"COACHBOT_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    return database_url


def test_a_current_database_and_a_fresh_heartbeat_are_healthy(tmp_path: Path, current: str) -> None:
    beat(tmp_path, seconds_ago=3)

    code, lines = health(tmp_path, current)

    assert code == 0
    assert len(lines) == 1
    said = re.fullmatch(rf"healthy: database at {HEAD} \(newest\), heartbeat (\d+) s ago", lines[0])
    assert said is not None, lines[0]
    assert 3 <= int(said[1]) < 60


def test_a_stale_heartbeat_is_unhealthy(tmp_path: Path, current: str) -> None:
    beat(tmp_path, seconds_ago=90)  # the bot's event loop stopped beating a while ago

    code, lines = health(tmp_path, current)

    assert code == 1
    assert len(lines) == 1
    assert re.match(r"unhealthy: the bot's last heartbeat was 9\d s ago", lines[0])


def test_no_heartbeat_is_unhealthy(tmp_path: Path, current: str) -> None:
    code, lines = health(tmp_path, current)

    assert code == 1
    assert lines == [
        f"unhealthy: no heartbeat at {tmp_path / 'heartbeat'}: the bot (coachbot run) is not "
        "running with this COACHBOT_DATA_DIR"
    ]


def test_an_outdated_database_is_unhealthy(tmp_path: Path, current: str) -> None:
    rows(current, "UPDATE alembic_version SET version_num = '0003'")
    beat(tmp_path)

    code, lines = health(tmp_path, current)

    assert code == 1
    assert lines == [
        f"unhealthy: the database schema is 0003, newest is {HEAD}: run coachbot db upgrade"
    ]


def test_a_database_from_a_newer_coachbot_is_unhealthy(tmp_path: Path, current: str) -> None:
    rows(current, "UPDATE alembic_version SET version_num = '0999'")
    beat(tmp_path)

    code, lines = health(tmp_path, current)

    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith("unhealthy: the database is at schema revision '0999'")


def test_an_unreachable_database_is_unhealthy_without_the_password(tmp_path: Path) -> None:
    beat(tmp_path)

    code, lines = health(tmp_path, unreachable_server("Pw-Q9z"))

    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith("unhealthy: cannot use the database server at 127.0.0.1:9")
    assert "Pw-Q9z" not in lines[0]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never answers (a hung database server)."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)
        yield int(listening.getsockname()[1])


def test_a_database_that_never_answers_is_unhealthy_within_seconds(
    tmp_path: Path, silent_server: int
) -> None:
    beat(tmp_path)
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_server}/coachbot"
    started = time.monotonic()

    code, lines = health(tmp_path, url)

    assert time.monotonic() - started < 30  # Docker's check times out; ours must not hang
    assert code == 1
    assert lines == ["unhealthy: the database did not answer within 5 s"]


def test_a_bad_setting_is_unhealthy_not_exit_2(tmp_path: Path, sqlite_url: str) -> None:
    code, lines = health(tmp_path, sqlite_url, COACHBOT_DB_POOL_SIZE="none")

    assert code == 1
    assert "invalid COACHBOT_* setting" in lines[0]
