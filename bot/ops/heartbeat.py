"""The running bot's heartbeat: a file touched from the event loop, so a hung loop stops it.

``coachbot run`` touches ``<data dir>/heartbeat`` every few seconds from an asyncio task;
``coachbot health`` reads how long ago that was. The file is removed on a clean stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
FILE_NAME = "heartbeat"
BEAT_SECONDS = 10.0
STALE_SECONDS = 60.0  # several missed beats: the loop is stuck, or the bot is gone


def heartbeat_file(data_dir: Path) -> Path:
    """Where the bot with this data dir keeps its heartbeat."""
    return data_dir / FILE_NAME


def beat(path: Path) -> None:
    """Touch the heartbeat file now (creating its folder if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def age(path: Path) -> float | None:
    """Seconds since the last beat, or None if there is no heartbeat file."""
    try:
        return max(0.0, time.time() - path.stat().st_mtime)
    except FileNotFoundError:
        return None


async def beat_forever(
    path: Path, alive: Callable[[], bool] = lambda: True, every: float = BEAT_SECONDS
) -> None:
    """Beat every ``every`` seconds while ``alive()``; a write that fails is logged, not fatal."""
    failing = False
    while True:
        if alive():
            try:
                beat(path)
                failing = False
            except OSError as err:
                if not failing:  # once per outage, not every beat
                    log.error("cannot write the heartbeat %s: %s", path, err.strerror)
                failing = True
        await asyncio.sleep(every)


def remove(path: Path) -> None:
    """Say the bot stopped: a stopped bot has no heartbeat."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
