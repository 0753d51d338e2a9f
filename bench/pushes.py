"""1,000 pushes due at once: sent within Telegram's ~30 messages a second, each once.

A script, not a test: ``.venv/bin/python -m bench.pushes [--count 1000]``. It stores ``count``
users, half with an open commitment whose check-in is due and half with an overdue assignment
from one manager (its reminder due), then runs the bot's own ``send_due`` through the real
``build_application`` (with its AIORateLimiter) against the in-memory Bot API, which here also
plays Telegram's flood control: more than 30 messages in any one second gets a 429. It prints
how long the run took, the rate, the busiest second, the 429s, and whether every user got
exactly one check-in.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert

from bench.fake_request import TOKEN, FakeBotAPI, Params, _error
from bot.channels.telegram.app import TelegramOptions, build_application
from bot.channels.telegram.pushes import push_pace, send_due
from bot.channels.telegram.sender import TELEGRAM
from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.engine.pushes import Pusher
from bot.engine.working_time import WorkingTime
from bot.store import open_store
from bot.store.tables import assignments, commitments, deliveries, sessions, users

LIMIT_PER_SECOND = 30
ROOT = Path(__file__).resolve().parent.parent


class FloodControlledAPI(FakeBotAPI):
    """The in-memory Bot API, answering 429 when more than 30 messages fall in one second."""

    def __init__(self) -> None:
        super().__init__(record=False)
        self.sent_at: deque[float] = deque()
        self.busiest = 0
        self.refused = 0
        self.per_chat: dict[int, int] = {}

    def _answer(self, api_method: str, params: Params) -> tuple[int, bytes]:
        if api_method == "sendMessage":
            now = time.monotonic()
            while self.sent_at and now - self.sent_at[0] >= 1.0:
                self.sent_at.popleft()
            if len(self.sent_at) >= LIMIT_PER_SECOND:
                self.refused += 1
                return _error(429, "Too Many Requests: retry after 1")
            self.sent_at.append(now)
            self.busiest = max(self.busiest, len(self.sent_at))
            chat = int(params["chat_id"])
            self.per_chat[chat] = self.per_chat.get(chat, 0) + 1
        return super()._answer(api_method, params)


def seed(path: Path, count: int, due: datetime) -> None:
    """``count`` Telegram users: odd ones with a check-in due, even ones with an overdue
    assignment whose reminder is due, and the manager (who is sent nothing)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as db:
        db.execute(
            insert(users),
            [
                {"id": n, "external_id": f"telegram:{10_000 + n}", "display_name": f"User {n}"}
                for n in range(1, count + 2)
            ],
        )
        common = {"dialogue_id": "relationships", "status": "completed", "node": "summary"}
        db.execute(
            insert(sessions),
            [
                {"id": n, "user_id": n, "content_version": "bench", **common}
                for n in range(1, count + 1)
            ],
        )
        db.execute(
            insert(commitments),
            [
                {
                    "id": n,
                    "user_id": n,
                    "session_id": n,
                    "dialogue_id": "relationships",
                    "text": f"Bel klant {n} zonder verkoopdoel (vrijdag 4 december)",
                    "status": "open",
                    "due_at": due,
                }
                for n in range(1, count + 1, 2)
            ],
        )
        db.execute(
            insert(assignments),
            [
                {
                    "id": n,
                    "manager_id": count + 1,
                    "user_id": n,
                    "dialogue_id": "talk",
                    "note": "",
                    "due_on": due.date(),
                    "due_at": due,
                    "status": "open",
                }
                for n in range(2, count + 1, 2)
            ],
        )
        db.execute(
            insert(deliveries),
            [
                {
                    "user_id": n,
                    "kind": "checkin" if n % 2 else "late",
                    "commitment_id": n if n % 2 else None,
                    "assignment_id": None if n % 2 else n,
                    "due_at": due,
                }
                for n in range(1, count + 1)
            ],
        )
    engine.dispose()


async def run(count: int) -> dict[str, Any]:
    """Send ``count`` due pushes and measure it."""
    catalog = load_catalog([ROOT / "dialogues"], ROOT / "prompts")
    office = WorkingTime.parse("mon-sun", "00:00-24:00", "Europe/Amsterdam")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pushes.db"
        store = await open_store(f"sqlite:///{path}")  # creates and migrates the schema
        await store.close()
        seed(path, count, now - timedelta(hours=1))
        store = await open_store(f"sqlite:///{path}")
        api = FloodControlledAPI()
        coach = Coach(Engine(catalog), store)
        app = build_application(TelegramOptions(TOKEN), coach, request=api)
        pusher = Pusher(store, lambda: catalog, office, "bench", "nl", TELEGRAM)
        await app.initialize()
        started = time.perf_counter()
        sent, rounds, pace = 0, 0, push_pace()
        try:
            while sent < count and rounds < 10:  # a 429 ends a round; the next one goes on
                sent += await send_due(pusher, coach, app.bot, now, pace)
                rounds += 1
        finally:
            seconds = time.perf_counter() - started
            await app.shutdown()
            await store.close()
    return {
        "pushes": count,
        "sent": sent,
        "seconds": round(seconds, 1),
        "per second": round(sent / seconds, 1),
        "rounds": rounds,
        "busiest second": api.busiest,
        "429s": api.refused,
        "users with exactly one": sum(1 for n in api.per_chat.values() if n == 1),
        "users with more than one": sum(1 for n in api.per_chat.values() if n > 1),
    }


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    figures = asyncio.run(run(parser.parse_args().count))
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
