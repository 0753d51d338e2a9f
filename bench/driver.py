"""Walks users through the ten steps by feeding updates to a bot, timed, and checks the replies.

Two ways to deliver updates:
- ``sequential``: round-robin over the users, one ``await app.process_update(update)`` at a time
  (the cost of one update with nothing else going on);
- ``burst``: each round every user's next update is put on ``app.update_queue`` at once, with the
  Application started, so its own update fetcher and concurrency settings (``concurrent_updates``)
  handle them, exactly as updates from long polling or a webhook arrive. A user's latency runs
  from the moment the update is queued until the Application finished it.

A button press carries the callback data the bot really sent (read from the fake API's recorded
keyboards). Every user's transcript must equal a reference walk made alone (with the user's own
name and answers), so missing, extra, crossed or reordered replies all show up as mismatches.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bench.bots import OPEN_DATA, BotUnderTest
from bench.fake_request import Event

DONE_GROUP = 10_000  # a handler group after every bot's own: runs when the update is finished


@dataclass(frozen=True)
class Step:
    """What a user does: open the ten steps from the menu, press a button, or type."""

    kind: Literal["open", "press", "type"]
    value: str  # callback data, button label, or text; "{token}" is the user's own mark


WALK = (
    Step("open", OPEN_DATA),
    Step("press", "Meer leads"),
    Step("type", "Klant {token}"),
    Step("press", "4"),
    Step("type", "12"),
    Step("press", "LinkedIn"),
    Step("type", "Hallo {token}, ik zag je bericht over de beurs."),
    Step("press", "3"),
    Step("press", "Deze week"),
    Step("type", "Bel {token} vrijdag om tien uur"),
)


@dataclass
class User:
    """One simulated salesperson; their token appears in their name and in what they type."""

    id: int
    position: int = 0  # index into the whole sequence of steps over all walks
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    presses: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def token(self) -> str:
        return f"u{self.id}x"

    @property
    def profile(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": f"Sam {self.token}"}


@dataclass
class Measurement:
    """What one scenario measured."""

    bot: str
    mode: str
    users: int
    updates: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time (every thread, so aiosqlite's too)
    latencies: list[float] = field(default_factory=list)
    calls: int = 0
    calls_by_method: Counter[str] = field(default_factory=Counter)
    server_seconds: float = 0.0
    errors: int = 0
    sorry: int = 0
    wrong_users: int = 0
    missing_buttons: int = 0
    first_problem: str = ""

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def quantile(self, q: float) -> float:
        """Seconds per update at quantile ``q`` (0.5 = median)."""
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(q * 100) - 1]

    @property
    def ok(self) -> bool:
        """Every update answered, in order, nobody got another's reply, no error."""
        return not (self.errors or self.sorry or self.wrong_users or self.missing_buttons)


class Driver:
    """Feeds one bot the updates of many users and checks what each of them saw."""

    def __init__(self, bot: BotUnderTest) -> None:
        self.bot = bot
        self.errors = 0
        self._update_ids = itertools.count(1)
        self._finished: dict[int, float] = {}
        bot.app.add_error_handler(self._count_error)

    async def _count_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors += 1

    # -- building updates ---------------------------------------------------------------------

    def update_for(self, user: User) -> Update | None:
        """The user's next update, or None if the button to press is not on their screen."""
        step = WALK[user.position % len(WALK)]
        user.position += 1
        value = step.value.replace("{token}", user.token)
        if step.kind == "type":
            message = self._message(user, next(user.message_ids), value, user.profile)
            return Update.de_json(
                {"update_id": next(self._update_ids), "message": message}, self.bot.app.bot
            )
        if step.kind == "open":
            menu = {"inline_keyboard": [[{"text": "Tien stappen", "callback_data": value}]]}
            shown = {**self._message(user, 0, "Kies een gesprek"), "reply_markup": menu}
            data = value
        elif self.bot.has_buttons:
            found = self.bot.api.button(user.id, value)
            if found is None:
                return None
            shown, data = found
        else:  # the echo bot shows no buttons: press one it might have shown
            shown, data = self._message(user, 0, "echo"), f"echo:{value}"
        query = {
            "id": f"{user.id}:{next(user.presses)}",
            "from": user.profile,
            "chat_instance": str(user.id),
            "data": data,
            "message": shown,
        }
        return Update.de_json(
            {"update_id": next(self._update_ids), "callback_query": query}, self.bot.app.bot
        )

    @staticmethod
    def _message(
        user: User, message_id: int, text: str, sender: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        chat = {"id": user.id, "type": "private", "first_name": user.profile["first_name"]}
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "text": text}
        message["from"] = sender or {"id": 1, "is_bot": True, "first_name": "Bot"}
        return message

    # -- delivering them ----------------------------------------------------------------------

    async def sequential(self, users: list[User], walks: int, measure: Measurement) -> None:
        """Round-robin over ``users``, one update awaited at a time."""
        for _ in range(walks * len(WALK)):
            for user in users:
                update = self.update_for(user)
                if update is None:
                    measure.missing_buttons += 1
                    continue
                cpu, started = time.process_time(), time.perf_counter()
                await self.bot.app.process_update(update)
                took = time.perf_counter() - started
                measure.cpu_seconds += time.process_time() - cpu
                measure.latencies.append(took)
                measure.seconds += took
                measure.updates += 1

    async def burst(self, users: list[User], walks: int, measure: Measurement) -> None:
        """Each round, every user's next update queued at once; the Application handles them."""
        marker = TypeHandler(Update, self._mark_finished)
        self.bot.app.add_handler(marker, group=DONE_GROUP)
        try:
            for _ in range(walks * len(WALK)):
                updates = [self.update_for(user) for user in users]
                measure.missing_buttons += sum(1 for u in updates if u is None)
                ready = [u for u in updates if u is not None]
                self._finished.clear()
                cpu, started = time.process_time(), time.perf_counter()
                for update in ready:
                    self.bot.app.update_queue.put_nowait(update)
                await self.bot.app.update_queue.join()
                ended = time.perf_counter()
                measure.cpu_seconds += time.process_time() - cpu
                measure.seconds += ended - started
                measure.updates += len(ready)
                measure.latencies += [
                    self._finished.get(u.update_id, ended) - started for u in ready
                ]
        finally:
            self.bot.app.remove_handler(marker, group=DONE_GROUP)

    async def _mark_finished(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._finished[update.update_id] = time.perf_counter()

    # -- checking what users saw ----------------------------------------------------------------

    def transcript(self, user: User) -> list[Event]:
        """What ``user`` saw, with their own token replaced by a placeholder."""
        return [
            Event(e.kind, e.text.replace(user.token, "{token}"))
            for e in self.bot.api.transcripts.get(user.id, [])
        ]

    def check(self, users: list[User], reference: list[Event], measure: Measurement) -> None:
        """Count users whose transcript is not the reference walk, repeated; note the first."""
        for user in users:
            walks, rest = divmod(user.position, len(WALK))
            expected = reference * walks if not rest else None
            seen = self.transcript(user)
            measure.sorry += sum(1 for e in seen if e.text.startswith("Sorry"))
            if seen != expected:
                measure.wrong_users += 1
                if not measure.first_problem:
                    measure.first_problem = _first_difference(user, seen, expected)
        measure.errors = self.errors


def _first_difference(user: User, seen: list[Event], expected: list[Event] | None) -> str:
    if expected is None:
        return f"user {user.id} stopped in the middle of a walk (a button was missing)"
    for index, (got, want) in enumerate(zip(seen, expected, strict=False)):
        if got != want:
            return f"user {user.id}, event {index}: got {got}, expected {want}"
    return f"user {user.id}: {len(seen)} events, expected {len(expected)}"
