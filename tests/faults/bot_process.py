"""The real ``coachbot run`` as a subprocess against the fake Bot API, and users who persist.

A user here behaves like a person whose message got no answer: after a while they press the
button or send the text again. That is what lets a walk finish across crashes of the bot.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.telegram.fake_api import TOKEN, FakeBotAPI
from tests.telegram.fake_user import FakeUser

REPO = Path(__file__).resolve().parents[2]
COACHBOT = str(Path(sys.executable).parent / "coachbot")

# (what the user does, a snippet of the reply that shows it was taken)
WALK = [
    ("> /start", "In welke taal"),
    ("Nederlands", "Kies een gesprek"),
    ("Relaties, geen transacties", "Hoe bedank je hem?"),
    ("Ik zorg voor lunch en een borrel", "Ladder 1: relaties bouwen"),
    ("2 · Beter", "Ladder 2: status verdienen"),
    ("1 · Basis", "Ladder 3: sociale valuta maken"),
    ("3 · Best", "concreet doen"),
    ("> Elke week één klant bedanken", "Hoe zeker"),
    ("4", "Wanneer"),
    ("Over een week", "Jouw samenvatting"),
]
# What every walk leaves in the session, however often the bot crashed on the way.
ANSWERS = {
    "thanks": "lunch",
    "relationships": 2,
    "status": 1,
    "currency": 3,
    "action": "Elke week één klant bedanken",
    "confidence": 4,
    "follow_up_days": 7,
}


class BotProcess:
    """``coachbot run`` (long polling) on ``database_url``, talking to ``api``."""

    def __init__(self, api: FakeBotAPI, database_url: str) -> None:
        self.api = api
        self._started_after = len(api.calls)
        env = {
            **os.environ,
            "COACHBOT_DATABASE_URL": database_url,
            "COACHBOT_TELEGRAM_TOKEN": TOKEN,
            "COACHBOT_TELEGRAM_API_URL": api.base_url,
            "COACHBOT_TELEGRAM_FILE_URL": api.base_file_url,
            "COACHBOT_LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [COACHBOT, "run"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    async def ready(self, within: float = 60) -> None:
        """Wait until the bot has started (its command list arrives as its last start-up step)."""
        deadline = time.monotonic() + within
        while not any(c.method == "setMyCommands" for c in self.api.calls[self._started_after :]):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"the bot did not start: {self.errors()}")
            await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, within: float = 20) -> int:
        """SIGTERM, then wait for the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=within)

    def errors(self) -> str:
        """What the bot wrote to stderr (after it ended)."""
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def close(self) -> None:
        """Make sure the process is gone and its pipe closed."""
        if self.process.poll() is None:
            self.kill()
        if self.process.stderr is not None:
            self.process.stderr.close()


async def persist(user: FakeUser, action: str, expect: str, patience: float) -> None:
    """Do ``action`` until a reply with ``expect`` arrives, as a person would retry.

    A pressed button may have been taken (and its buttons removed) just before a crash; then
    there is nothing left to press, and a person sends /continue to see where they are.
    """
    since = len(user.messages)
    while True:
        if action.startswith(">"):
            await user.send(action[1:].strip())
        elif any(action in m.button_labels() for m in user.messages):
            await user.click(action)
        else:
            await user.send("/continue")
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if any(expect in (m.text or "") for m in user.messages[since:]):
                return
            await asyncio.sleep(0.05)


async def walk(user: FakeUser, patience: float = 4.0) -> None:
    """The whole track, retrying every step that got no answer."""
    for action, expect in WALK:
        await persist(user, action, expect, patience)
