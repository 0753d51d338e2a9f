"""Reading the test database directly, with a plain sqlite3 connection next to the bot's own."""

from __future__ import annotations


def rows(database_url: str, query: str, *args: object) -> list[tuple[object, ...]]:
    """The rows ``query`` returns from the SQLite file behind ``database_url``."""
    import sqlite3

    with sqlite3.connect(database_url.split("///", 1)[1]) as connection:
        return connection.execute(query, args).fetchall()
