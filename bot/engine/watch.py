"""``coachbot run --watch``: reload the dialogues when a file under them or prompts/ changes.

It polls modification times (every two seconds, no extra package) and reloads once the files
have been quiet for one round, so an editor's several writes make one reload. A reload that
finds problems keeps the content served, as ``/reload`` does, and logs them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from bot.engine.content import Content, ReloadResult, describe

log = logging.getLogger(__name__)
EVERY_SECONDS = 2.0


def fingerprint(folders: list[Path]) -> dict[str, float]:
    """Every file under ``folders`` with its modification time."""
    found: dict[str, float] = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and ".backups" not in path.parts:
                try:
                    found[str(path)] = path.stat().st_mtime
                except OSError:  # gone between listing and looking
                    continue
    return found


async def watch_forever(
    content: Content,
    every: float = EVERY_SECONDS,
    watching: asyncio.Event | None = None,
    reloaded: Callable[[ReloadResult], None] | None = None,
) -> None:
    """Reload after the watched files change and then stay unchanged for one round
    (``watching`` is set once the files were first looked at; ``reloaded`` hears each result)."""
    folders = [*content.folders, content.prompts_dir]
    seen = await asyncio.to_thread(fingerprint, folders)
    if watching is not None:
        watching.set()
    pending = False
    while True:
        await asyncio.sleep(every)
        now = await asyncio.to_thread(fingerprint, folders)
        if now != seen:
            seen, pending = now, True
            continue
        if not pending:
            continue
        pending = False
        try:
            result = await content.reload()
        except Exception:  # a reload must never stop the watching
            log.exception("reload after a file change failed")
            continue
        if reloaded is not None:
            reloaded(result)
        for problem in result.problems:
            log.warning("not reloaded: %s", problem)
        if result.ok:
            log.warning("files changed: %s", ", ".join(map(describe, result.changes)) or "same")
