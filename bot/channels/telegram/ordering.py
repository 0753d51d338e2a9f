"""The update processor: one user's updates strictly in order, different users concurrently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)
MAX_WAITING_PER_USER = 20  # more than this queued from one user is a flood: drop the excess


class PerUserOrder(BaseUpdateProcessor):
    """Runs updates concurrently, but one user's in arrival order (asyncio locks are FIFO).

    A lock exists only while someone holds or waits for it, so idle users cost nothing.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the user's earlier updates, then handle this one."""
        key = _user_of(update)
        if key is None:
            await coroutine
            return
        if self._waiting.get(key, 0) >= MAX_WAITING_PER_USER:
            log.warning("user %s sends faster than we answer; an update was dropped", key)
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def __len__(self) -> int:
        return len(self._locks)


def _user_of(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None
