"""A team change reaches others even when the sender's own reply fails: the real Application
against the fake Bot API."""

from __future__ import annotations

from bot.channels.telegram.app import TelegramApp as App
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.test_teams import clock, coach, eva_invites, join, press, say

__all__ = ["clock", "coach"]  # the fixtures: one admin from the settings, an injected clock


async def test_the_manager_is_told_of_a_leave_even_when_the_leavers_reply_fails(
    api: FakeBotAPI, bot: App
) -> None:
    _, eva, anna, token = await eva_invites(api)
    await join(api, anna, token)
    await say(api, anna, "/leave")
    api.fail_next("sendMessage", 500, "Internal Server Error")  # Anna's "you left"

    await press(api, anna, "Ja, ik stap uit het team")

    assert "Anna zit niet meer in je team." in eva.texts()
    assert not any(t.startswith("Je zit niet meer in het team") for t in anna.texts())
