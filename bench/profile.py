"""Where Coachbot's step spends its time: one user walking the ten steps on SQLite, after a warm-up.

First a plain timed run that splits wall time into the event loop thread's CPU, the other
threads' CPU (aiosqlite runs every SQL statement in a thread of its own) and the rest (waiting:
fsync, other programs). Then cProfile of the event loop thread: own time per package, and the
top functions by cumulative and by own time.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.bots import coachbot
from bench.driver import Driver, Measurement, User
from bench.fake_request import FakeBotAPI

TOP = 25
_SITE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
_REPO = re.compile(r"/(bot|bench)/([a-z_]+)")
_STDLIB = re.compile(r"/python3\.\d+/([a-z_]+)")


async def profile_coachbot(walks: int) -> str:
    """The split of wall time, the own time per package and the top functions, as text."""
    with tempfile.TemporaryDirectory(prefix="coachbot-profile-") as folder:
        bot = await coachbot(FakeBotAPI(), f"sqlite:///{Path(folder) / 'p.db'}")
        await bot.start()
        try:
            driver = Driver(bot)
            await driver.sequential([User(1)], 1, Measurement(bot.name, "warm-up", 1))
            split = await _split(driver, walks)
            profiler = cProfile.Profile()
            measure = Measurement(bot.name, "profile", 1)
            profiler.enable()
            await driver.sequential([User(3)], walks, measure)
            profiler.disable()
        finally:
            await bot.stop()
    out = io.StringIO()
    out.write(split)
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"\ncProfile of {measure.updates} more updates (event loop thread only)\n")
    out.write("\nown time by package (tottime):\n")
    total = sum(entry[2] for entry in stats.stats.values())  # type: ignore[attr-defined]
    for package, seconds in _by_package(stats).most_common(15):
        out.write(f"  {package:<32} {seconds / total:6.1%}  {seconds * 1e3:8.1f} ms\n")
    for order in ("cumulative", "tottime"):
        out.write(f"\n--- top {TOP} by {order} ---\n")
        stats.sort_stats(order).print_stats(TOP)
    return out.getvalue()


async def _split(driver: Driver, walks: int) -> str:
    measure = Measurement(driver.bot.name, "split", 1)
    counts: Counter[str] = Counter()

    def statement(*_: Any) -> None:
        counts["statements"] += 1

    def commit(*_: Any) -> None:
        counts["commits"] += 1

    def rollback(*_: Any) -> None:
        counts["rollbacks"] += 1

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)
    event.listen(Engine, "rollback", rollback)
    wall, loop_cpu, all_cpu = time.perf_counter(), time.thread_time(), time.process_time()
    try:
        await driver.sequential([User(2)], walks, measure)
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        event.remove(Engine, "commit", commit)
        event.remove(Engine, "rollback", rollback)
    updates = max(measure.updates, 1)
    wall = (time.perf_counter() - wall) / updates * 1e3
    loop_cpu = (time.thread_time() - loop_cpu) / updates * 1e3
    other_cpu = (time.process_time() - all_cpu) / updates * 1e3 - loop_cpu
    return (
        f"Coachbot on SQLite, {measure.updates} updates of one user, per update:\n"
        f"  wall {wall:.2f} ms = event loop thread CPU {loop_cpu:.2f} ms"
        f" + other threads' CPU (aiosqlite) {other_cpu:.2f} ms"
        f" + the rest (waiting: fsync, other programs) {wall - loop_cpu - other_cpu:.2f} ms\n"
        "  (the other threads' CPU partly overlaps the loop's, so the rest can come out low)\n"
        f"  SQL statements {counts['statements'] / updates:.1f}, commits (each one an fsync)"
        f" {counts['commits'] / updates:.1f}, rollbacks"
        f" {counts['rollbacks'] / updates:.1f}\n"
    )


def _by_package(stats: pstats.Stats) -> Counter[str]:
    """Own time summed per package: bot.store, sqlalchemy, telegram, asyncio, …"""
    own: Counter[str] = Counter()
    for (filename, _, function), entry in stats.stats.items():  # type: ignore[attr-defined]
        own[_package(filename, function)] += entry[2]
    return own


def _package(filename: str, function: str) -> str:
    if filename == "~":
        return "waiting in epoll (idle loop)" if "epoll" in function else "built-ins"
    if match := _SITE.search(filename):
        return match[1]
    if match := _REPO.search(filename):
        return f"{match[1]}.{match[2]}"
    if match := _STDLIB.search(filename):
        return f"stdlib {match[1]}"
    return "other"
