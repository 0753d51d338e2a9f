"""Shared fixtures: the repository's folders, a catalog, and a store on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dialogue.catalog import Catalog, load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import Store, open_store

REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "prompts"
DIALOGUES = REPO / "dialogues"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dialogues"


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


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'coachbot.db'}"


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated store on a real SQLite file."""
    opened = await open_store(database_url)
    yield opened
    await opened.close()


@pytest.fixture
def coach(engine: Engine, store: Store) -> Coach:
    """The async API over the engine and the real store."""
    return Coach(engine, store)
