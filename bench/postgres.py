"""PostgreSQL for the benchmark: is a server there, and a fresh database per scenario."""

from __future__ import annotations

import asyncio
import itertools
import os

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CONNECT_SECONDS = 5.0
_names = itertools.count(1)


def _admin(url: str) -> AsyncEngine:
    return create_async_engine(url, isolation_level="AUTOCOMMIT")


async def server_version(url: str) -> str:
    """The server's version string; raises if it cannot be reached within a few seconds."""
    engine = _admin(url)
    try:
        async with asyncio.timeout(CONNECT_SECONDS), engine.connect() as connection:
            return str(await connection.scalar(text("SHOW server_version")))
    finally:
        await engine.dispose()


async def create_database(url: str) -> str:
    """A new, empty database on the server of ``url``; returns its URL."""
    name = f"coachbot_bench_{os.getpid()}_{next(_names)}"
    engine = _admin(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str, database_url: str) -> None:
    """Drop the database ``create_database`` made (connections to it are ended)."""
    name = make_url(database_url).database
    engine = _admin(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()
