"""Coachbot's memory: resident size against stored users, and bytes per active or finished user.

Each figure comes from a fresh interpreter (``python -m bench.memory ...`` prints one JSON line),
so nothing measured earlier in the same run is counted:
- ``--stored N``: a SQLite file already holding N users (each with a finished ten-steps session,
  its answer log, an open commitment and ten processed updates, inserted in bulk with SQL);
  resident memory after start-up and after a round of users walking the ten steps;
- ``--trace``: tracemalloc, after a warm-up, of F users who finished a walk (what stays behind
  per idle user) and of A users left in the middle of one (what an active session costs).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bots import DIALOGUE, PROMPTS, coachbot
from bench.driver import WALK, Driver, User
from bench.fake_request import FakeBotAPI
from bot.channels.telegram.app import forget_seen_ids
from bot.dialogue.catalog import load_catalog
from bot.store import open_store

SEEDED_IDS = 50_000_000  # stored users' Telegram ids start here, far from the walking users'
SEEDED_UPDATES = 10**12  # far above the update ids the driver hands out
# The harness and the fake API are not the bot. aiosqlite's worker threads hold a varying amount
# of transient statement memory at any moment (±13 KB between snapshots): noise, not per user.
EXCLUDED = ("*/bench/*", "*/aiosqlite/core.py", tracemalloc.__file__)
# What python-telegram-bot's Application keeps per user or chat it has seen. Without a
# persistence the two "to be updated" sets are never emptied by PTB; the bot empties them every
# hour (bot.channels.telegram.app.forget_seen_ids), so they hold at most an hour of users.
PTB_PER_USER = (
    "_user_ids_to_be_updated_in_persistence",
    "_chat_ids_to_be_updated_in_persistence",
    "_user_data",
    "_chat_data",
)


def rss() -> int:
    """Resident set size of this process in bytes (Linux; peak size elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- seeding a database with stored users --------------------------------------------------------


async def create_schema(db_file: Path) -> None:
    """An empty, fully migrated database, the way Coachbot creates one."""
    store = await open_store(f"sqlite:///{db_file}")
    await store.close()


def seed(db_file: Path, users: int, batch: int = 10_000) -> None:
    """Insert ``users`` users who each finished the ten steps once. Adapt to schema changes here."""
    version = load_catalog([DIALOGUE], PROMPTS).get("ten_steps").version
    with sqlite3.connect(db_file) as db:
        db.execute("PRAGMA synchronous=OFF")
        for start in range(0, users, batch):
            _insert(db, range(start + 1, min(users, start + batch) + 1), version)
            db.commit()


def _insert(db: sqlite3.Connection, ids: range, version: str) -> None:
    when = datetime.now(UTC) - timedelta(days=30)
    now, due = _stamp(when), _stamp(when + timedelta(days=7))
    db.executemany(
        "INSERT INTO users (id, external_id, display_name, language, created_at, updated_at, "
        "active) VALUES (?, ?, ?, 'nl', ?, ?, 1)",
        ((i, f"telegram:{SEEDED_IDS + i}", f"Sam u{i}x", now, now) for i in ids),
    )
    sessions = [(i, *_session(i)) for i in ids]
    db.executemany(
        "INSERT INTO sessions (id, user_id, dialogue_id, content_version, node, status, step, "
        "answers, history, started_at, updated_at, completed_at) "
        "VALUES (?, ?, 'ten_steps', ?, 'summary', 'completed', 9, ?, ?, ?, ?, ?)",
        ((i, i, version, json.dumps(a), json.dumps(h), now, now, now) for i, a, h in sessions),
    )
    db.executemany(
        "INSERT INTO answers (session_id, node, key, value, created_at) VALUES (?, ?, ?, ?, ?)",
        ((i, key, key, json.dumps(value), now) for i, a, _ in sessions for key, value in a.items()),
    )
    db.executemany(
        "INSERT INTO commitments (user_id, session_id, dialogue_id, text, status, created_at, "
        "due_at) VALUES (?, ?, 'ten_steps', ?, 'open', ?, ?)",
        ((i, i, a["action"], now, due) for i, a, _ in sessions),
    )
    db.executemany(
        "INSERT INTO processed_updates (update_id, created_at) VALUES (?, ?)",
        ((SEEDED_UPDATES + i * 10 + k, now) for i in ids for k in range(len(WALK))),
    )


def _session(i: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    answers: dict[str, Any] = {
        "goal": "leads",
        "customer": f"Klant u{i}x",
        "confidence": 4,
        "calls": 12,
        "channel": "linkedin",
        "opener": f"Hallo u{i}x, ik zag je bericht over de beurs.",
        "ease": 3,
        "when": "week",
        "action": f"Bel u{i}x vrijdag om tien uur",
    }
    items = list(answers.items())  # node ids equal the names their answers are saved under
    history = [{"node": key, "restore": {}, "added": [key]} for key, _ in items]
    return answers, history


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


# -- measuring, in a fresh interpreter -----------------------------------------------------------


async def _walk(driver: Driver, first_id: int, count: int, steps: int) -> list[User]:
    users = [User(first_id + n) for n in range(count)]
    for _ in range(steps):
        for user in users:
            update = driver.update_for(user)
            if update is None:
                raise RuntimeError(f"user {user.id} found no button to press")
            await driver.bot.app.process_update(update)
    if driver.errors:
        raise RuntimeError(f"{driver.errors} updates failed while measuring memory")
    return users


def _traced(snapshot: tracemalloc.Snapshot) -> int:
    filters = [tracemalloc.Filter(False, pattern) for pattern in EXCLUDED]
    return sum(stat.size for stat in snapshot.filter_traces(filters).statistics("filename"))


def _settled_rss() -> int:
    gc.collect()
    return rss()


async def _traced_slopes(driver: Driver, finished: int, active: int) -> dict[str, float]:
    """Bytes per finished and per active user, as the growth between two equal batches.

    Taking the difference between a first and a second batch leaves out one-time costs (caches
    filling, pool connections opening) that a single batch would spread over its users.
    """
    tracemalloc.start()
    marks: list[tuple[int, int]] = []
    app = driver.bot.app
    kept = [sum(len(getattr(app, name, ())) for name in PTB_PER_USER)]

    def mark() -> None:
        gc.collect()
        marks.append((_traced(tracemalloc.take_snapshot()), rss()))

    await _walk(driver, 100_000, finished, len(WALK))
    mark()
    await _walk(driver, 150_000, finished, len(WALK))
    forget_seen_ids(app)  # what the running bot's hourly job does
    mark()
    kept.append(sum(len(getattr(app, name, ())) for name in PTB_PER_USER))
    await _walk(driver, 200_000, active, 3)  # opened, pressed, typed: mid-dialogue
    mark()
    await _walk(driver, 250_000, active, 3)
    mark()
    tracemalloc.stop()
    (f1, r1), (f2, r2), (a1, q1), (a2, q2) = marks
    return {
        "traced_per_finished": (f2 - f1) / max(finished, 1),
        "rss_per_finished": (r2 - r1) / max(finished, 1),
        "traced_per_active": (a2 - a1) / max(active, 1),
        "rss_per_active": (q2 - q1) / max(active, 1),
        "ptb_entries_per_user": kept[1] / max(2 * finished, 1),  # what is left after the hourly job
    }


async def measure(db_file: Path, round_users: int, finished: int, active: int) -> dict[str, Any]:
    """The child's figures as a JSON-ready dict."""
    bot = await coachbot(FakeBotAPI(record=False), f"sqlite+aiosqlite:///{db_file}")
    await bot.start()
    try:
        driver = Driver(bot)
        await _walk(driver, 1, 10, len(WALK))  # warm-up: caches, pool, compiled statements
        figures: dict[str, Any] = {"rss_startup": _settled_rss()}
        if round_users:
            await _walk(driver, 1_000, round_users, len(WALK))
            figures["rss_after_round"] = _settled_rss()
        if finished or active:
            figures |= await _traced_slopes(driver, finished, active)
        return figures
    finally:
        await bot.stop()


def run_child(db_file: Path, round_users: int = 0, finished: int = 0, active: int = 0) -> Any:
    """Run ``measure`` in a fresh interpreter and return its figures."""
    command = [sys.executable, "-m", "bench.memory", str(db_file), "--round", str(round_users)]
    command += ["--finished", str(finished), "--active", str(active)]
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class MemoryFigures:
    """Resident memory by stored users, and bytes per finished and per active user."""

    round_users: int
    by_stored: dict[int, dict[str, float]]
    per_user: dict[str, float]
    finished: int
    active: int


def figures(stored: tuple[int, ...], round_users: int, finished: int, active: int) -> MemoryFigures:
    """Seed a fresh SQLite file per stored count and measure each in a fresh interpreter."""
    by_stored: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="coachbot-memory-") as folder:
        for count in stored:
            db_file = Path(folder) / f"stored-{count}.db"
            asyncio.run(create_schema(db_file))
            seed(db_file, count)
            by_stored[count] = run_child(db_file, round_users=round_users)
            for used in Path(folder).glob(f"{db_file.name}*"):  # with its -wal and -shm
                used.unlink()
        db_file = Path(folder) / "sessions.db"
        asyncio.run(create_schema(db_file))
        per_user = run_child(db_file, finished=finished, active=active)
    return MemoryFigures(round_users, by_stored, per_user, finished, active)


def main() -> None:
    """Entry point of the child process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("--round", type=int, default=0)
    parser.add_argument("--finished", type=int, default=0)
    parser.add_argument("--active", type=int, default=0)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.db, args.round, args.finished, args.active))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
