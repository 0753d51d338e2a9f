"""SIGHUP to the real ``coachbot run``: the edited dialogue goes live for new sessions while a
user in the middle of the old version finishes on it."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from tests.faults.bot_process import REPO, BotProcess
from tests.store.test_live_versions import VERSION_A, VERSION_B
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser


async def opens_on(user: FakeUser, expected: str, within: float = 20) -> None:
    """Open the edited dialogue afresh until its first question is ``expected``."""
    deadline = time.monotonic() + within
    while True:
        await user.act(">/cancel", "menu")
        await user.act("Bewerkt", "vraag 1")
        if expected in (user.texts()[-1] if user.texts() else ""):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {expected!r}: {user.texts()[-3:]}")
        await asyncio.sleep(0.2)


async def test_sighup_reloads_and_a_session_in_progress_keeps_its_version(
    api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    dialogues = tmp_path / "dialogues"
    dialogues.mkdir()
    (dialogues / "edit.yaml").write_text(VERSION_A, encoding="utf-8")
    settings = {
        "COACHBOT_DIALOGUES_DIR": str(dialogues),
        "COACHBOT_PROMPTS_DIR": str(REPO / "prompts"),
        "COACHBOT_DATA_DIR": str(tmp_path / "data"),
    }
    eva, sam = FakeUser(api, 7001, "Eva"), FakeUser(api, 7002, "Sam")
    bot = BotProcess(api, database_url, settings)
    try:
        await bot.ready()
        for user in (eva, sam):
            await user.act(">/start", "In welke taal")
            await user.act("Nederlands", "Kies een gesprek")
        await eva.act("Bewerkt", "A vraag 1")
        await eva.act(">een", "A vraag 2")

        (dialogues / "edit.yaml").write_text(VERSION_B, encoding="utf-8")
        bot.process.send_signal(signal.SIGHUP)
        await opens_on(sam, "B vraag 1")
        await eva.act(">twee", "A vraag 3 na een")
        await eva.act(">drie", "A klaar: een, twee, drie")
        assert await bot.terminate() == 0, bot.errors()
    finally:
        bot.close()
