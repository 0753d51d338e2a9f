"""cProfile of Coachbot's step: one user walking the ten steps on SQLite, after a warm-up."""

from __future__ import annotations

import cProfile
import io
import pstats
import tempfile
from pathlib import Path

from bench.bots import coachbot
from bench.driver import Driver, Measurement, User
from bench.fake_request import FakeBotAPI

TOP = 25


async def profile_coachbot(walks: int) -> str:
    """The top functions by cumulative and by own time, as printable text."""
    with tempfile.TemporaryDirectory(prefix="coachbot-profile-") as folder:
        bot = await coachbot(FakeBotAPI(), f"sqlite+aiosqlite:///{Path(folder) / 'p.db'}")
        await bot.start()
        try:
            driver = Driver(bot)
            await driver.sequential([User(1)], 1, Measurement(bot.name, "warm-up", 1))
            measure = Measurement(bot.name, "profile", 1)
            profiler = cProfile.Profile()
            profiler.enable()
            await driver.sequential([User(2)], walks, measure)
            profiler.disable()
        finally:
            await bot.stop()
    out = io.StringIO()
    out.write(
        f"cProfile of {measure.updates} Coachbot updates on SQLite "
        f"({measure.seconds / max(measure.updates, 1) * 1e3:.2f} ms each, profiler included).\n"
        "Work in aiosqlite's thread (SQL, fsync) is invisible here: the event loop waits for "
        "it in select/epoll.\n"
    )
    for order in ("cumulative", "tottime"):
        out.write(f"\n--- top {TOP} by {order} ---\n")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(TOP)
    return out.getvalue()
