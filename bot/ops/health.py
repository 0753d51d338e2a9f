"""``coachbot health``: the database is reachable and current, and the bot is alive.

Exit codes follow Docker's HEALTHCHECK: 0 healthy, 1 unhealthy (never 2, which Docker
reserves). Every check is bounded in time, so the check itself cannot hang.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DatabaseSetupError
from bot.ops.heartbeat import STALE_SECONDS, age
from bot.ops.schema import read_schema
from bot.store import StoreOptions

DATABASE_SECONDS = 5.0


@dataclass(frozen=True)
class Health:
    """The verdict, with one line saying why."""

    healthy: bool
    line: str


async def check_health(
    database_url: str,
    options: StoreOptions,
    heartbeat: Path,
    *,
    database_seconds: float = DATABASE_SECONDS,
    stale_seconds: float = STALE_SECONDS,
) -> Health:
    """Check the database, then the bot's heartbeat; the first problem found is the verdict."""
    try:
        schema = await asyncio.wait_for(read_schema(database_url, options), database_seconds)
    except DatabaseSetupError as err:
        return Health(False, f"unhealthy: {err}")
    except TimeoutError:
        waited = f"{database_seconds:g} s"
        return Health(False, f"unhealthy: the database did not answer within {waited}")
    if not schema.newest:
        return Health(False, f"unhealthy: the database schema is {schema.describe()}")
    beat = age(heartbeat)
    if beat is None:
        return Health(
            False,
            f"unhealthy: no heartbeat at {heartbeat}: the bot (coachbot run) is not running "
            "with this COACHBOT_DATA_DIR",
        )
    if beat > stale_seconds:
        return Health(
            False,
            f"unhealthy: the bot's last heartbeat was {beat:.0f} s ago ({heartbeat}): "
            "it is stuck or has stopped",
        )
    return Health(True, f"healthy: database at {schema.describe()}, heartbeat {beat:.0f} s ago")
