"""Storage: users, sessions, the answer log and commitments behind the ``Store`` interface."""

from __future__ import annotations

from bot.store.base import Store, Transaction
from bot.store.database import StoreOptions, is_sqlite, parse_url, server_engine, sqlite_file

__all__ = ["Store", "StoreOptions", "Transaction", "open_store"]


async def open_store(url: str, options: StoreOptions | None = None) -> Store:
    """The store for ``url``, its schema brought up to date (``DatabaseSetupError`` if not)."""
    options = options or StoreOptions()
    parsed = parse_url(url)
    if is_sqlite(parsed):
        from bot.store.sqlite_store import SqliteStore

        return await SqliteStore.open(sqlite_file(parsed), options)
    from bot.store.server_store import ServerStore

    return await ServerStore.open(server_engine(parsed, options), options)
