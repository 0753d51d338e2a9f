"""Fixtures for tests that run ``coachbot chat`` as a real process."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.channels.chat_process import ChatProcess

Spawn = Callable[..., ChatProcess]


def _spawner(database_url: str) -> Iterator[Spawn]:
    started: list[ChatProcess] = []

    def start(*args: str) -> ChatProcess:
        chat = ChatProcess(database_url, *args)
        started.append(chat)
        return chat

    yield start
    for chat in started:
        chat.__exit__(None, None, None)


@pytest.fixture
def spawn(database_url: str) -> Iterator[Spawn]:
    """Start ``coachbot chat`` processes on the test's database; all are ended afterwards."""
    yield from _spawner(database_url)


@pytest.fixture
def spawn_sqlite(sqlite_url: str) -> Iterator[Spawn]:
    """The same, on a SQLite file (for what only a file can do, such as being locked)."""
    yield from _spawner(sqlite_url)
