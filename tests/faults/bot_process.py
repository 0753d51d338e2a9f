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

# (a snippet of a question, what the user answers when they see it), in the track's order.
PROMPTS = [
    ("In welke taal", "Nederlands"),
    ("Aan wie verkoop je vooral?", "Sla maar over"),  # the profile, skipped
    ("Kies een gesprek", "Relaties, geen transacties"),
    ("Hoe bedank je die?", "Ik zorg voor lunch en een borrel"),
    ("Ladder 1: relaties bouwen", "2 · Beter"),
    ("Ladder 2: status verdienen", "1 · Basis"),
    ("Ladder 3: sociale valuta maken", "3 · Best"),
    ("Welke stap zet je", "> Elke week één klant bedanken"),
    # A button, not typed: a day typed twice while the bot was down would answer the next
    # question too (typed text is not bound to a question; buttons are).
    ("Op welke dag doe je het?", "#3"),
    ("Wat kan er tussenkomen", "> Als het druk wordt, doe ik het 's ochtends"),
    ("Hoe zeker weet je", "4"),
]
SUMMARY = "Afgesproken"
# What every walk leaves in the session, however often the bot crashed on the way.
ANSWERS = {
    "thanks": "lunch",
    "relationships": 2,
    "status": 1,
    "currency": 3,
    "action": "Elke week één klant bedanken",
    "obstacle": "Als het druk wordt, doe ik het 's ochtends",
    "confidence": 4,
}


class BotProcess:
    """``coachbot run`` (long polling) on ``database_url``, talking to ``api``."""

    def __init__(
        self, api: FakeBotAPI, database_url: str, extra_env: dict[str, str] | None = None
    ) -> None:
        self.api = api
        self._started_after = len(api.calls)
        env = {
            **os.environ,
            "COACHBOT_DATABASE_URL": database_url,
            "COACHBOT_TELEGRAM_TOKEN": TOKEN,
            "COACHBOT_TELEGRAM_API_URL": api.base_url,
            "COACHBOT_TELEGRAM_FILE_URL": api.base_file_url,
            "COACHBOT_LOG_LEVEL": "WARNING",
            **(extra_env or {}),
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

    async def terminate(self, within: float = 20) -> int:
        """SIGTERM, then wait for the exit code, in a thread: the fake Bot API runs on this
        event loop, and a bot stopping waits for its answers (a long poll, commands in flight)."""
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.process.wait, within)

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


def shown(user: FakeUser) -> tuple[int, int] | None:
    """(message index, prompt index) of the newest question on the user's screen."""
    for index in range(len(user.messages) - 1, -1, -1):
        text = user.messages[index].text or ""
        for number, (snippet, _) in enumerate(PROMPTS):
            if snippet in text:
                return index, number
    return None


async def walk(user: FakeUser, patience: float = 4.0) -> None:
    """The whole track the way a person does it: answer the question on screen; when nothing
    comes back for a while, ask where they are (/continue); done once the summary is shown.

    After a crash Telegram may hand the bot updates again, so the conversation can be further
    along than the last reply showed: a person simply answers what they see next.
    """
    furthest = -1
    await user.send("/start")
    while not any(SUMMARY in (m.text or "") for m in user.messages):
        seen = len(user.messages)
        on_screen = shown(user)
        if on_screen is None:
            await user.send("/continue")
        else:
            index, number = on_screen
            action = PROMPTS[number][1]
            buttons = user.messages[index].button_labels()
            if number < furthest and number <= 2:  # language, profile or menu again, later on
                await user.send("/continue")
            elif action.startswith(">"):
                await user.send(action[1:].strip())
            elif action.startswith("#") and len(buttons) >= int(action[1:]):
                await user.click(buttons[int(action[1:]) - 1])
            elif action in buttons:
                await user.click(action)
            else:  # answered already, its buttons gone: where are we?
                await user.send("/continue")
            furthest = max(furthest, number)
        for _ in range(int(patience / 0.05)):  # wait for a reply, as long as patience lasts
            if len(user.messages) > seen:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # let a reply of several messages arrive whole
