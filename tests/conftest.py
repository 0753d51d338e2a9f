"""Shared fixtures: the repository's folders, a catalog, and a store on a real database.

``database_url`` (and so ``store`` and ``coach``) runs every test once on a SQLite file and
once on a fresh PostgreSQL database; ``sqlite_url`` is for what only SQLite has.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.dialogue.catalog import Catalog, load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import Store, open_store
from tests.db import Postgres

REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "prompts"
DIALOGUES = REPO / "dialogues"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dialogues"


def pytest_configure(config: pytest.Config) -> None:
    """Processes the tests start (coachbot chat, run) keep their content cache out of the repo."""
    os.environ.setdefault("COACHBOT_CACHE_DIR", tempfile.mkdtemp(prefix="coachbot-test-cache-"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The repository's dialogues plus the test fixtures, all valid."""
    loaded = load_catalog([DIALOGUES, FIXTURES], PROMPTS)
    assert not loaded.broken, loaded.problems
    return loaded


@pytest.fixture
def engine(catalog: Catalog) -> Engine:
    """A pure engine over the catalog."""
    return Engine(catalog)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """The test PostgreSQL server, with a migrated template; skipped (failed in CI) if absent."""
    server = Postgres()
    why = server.reachable()
    if why is not None:
        message = f"PostgreSQL is not reachable at {server.admin_url.host}:5432 ({why})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI needs it", pytrace=False)
        pytest.skip(f"{message}: the PostgreSQL half of the suite is skipped")
    server.prepare()
    yield server
    server.finish()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'coachbot.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """A fresh database per test: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield sqlite_url
        return
    server: Postgres = request.getfixturevalue("postgres")
    url = server.fresh()
    yield url
    server.drop(url)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated store on the test's database."""
    opened = await open_store(database_url)
    yield opened
    await opened.close()


@pytest.fixture
def coach(engine: Engine, store: Store) -> Coach:
    """The async API over the engine and the real store."""
    return Coach(engine, store)
