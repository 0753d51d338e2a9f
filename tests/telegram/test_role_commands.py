"""Each role sees its own commands in Telegram's menu, and a team change reaches others even when
the sender's own reply fails: the real Application against the fake Bot API."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from bot.channels.telegram import command_menus
from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.app import start, stop
from bot.engine.coach import Coach
from bot.engine.teams import set_role
from bot.store import Store
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import Call, FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_teams import ADMIN, clock, coach, eva_invites, join, press, say

__all__ = ["clock", "coach"]  # the fixtures: one admin from the settings, an injected clock
SALES = ["menu", "continue", "back", "restart", "cancel", "profile", "progress", "language"]
SALES += ["mydata", "forget", "leave", "help"]
TEAM = {"team", "invite", "assign", "assignments"}
ADMIN_ONLY = {"managers", "reload", "stats"}


def chat_commands(call: Call, chat_id: int, lang: str | None = None) -> bool:
    """Whether ``call`` sets the commands of ``chat_id`` (in ``lang``; None: without one)."""
    scope = call.params.get("scope") or {}
    return (
        call.method == "setMyCommands"
        and scope.get("chat_id") == chat_id
        and call.params.get("language_code") == lang
    )


def chat_scoped(api: FakeBotAPI) -> list[Call]:
    """Every command call about one chat."""
    return [c for c in api.calls if "Commands" in c.method and c.params.get("scope")]


async def test_at_start_everybody_gets_the_salespersons_commands_and_role_holders_their_own(
    api: FakeBotAPI, coach: Coach, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command_menus, "START_CALLS_PER_SECOND", 100)  # no pace needed here
    now = datetime.now(UTC)
    await set_role(store, "telegram:700", "manager", True, now)
    await set_role(store, "telegram:800", "admin", True, now)
    application = application_for(api, coach)
    await start(application)
    try:
        for chat_id in (ADMIN, 700, 800):
            await api.wait_for(partial(chat_commands, chat_id=chat_id))

        for lang in ("nl", "en", "de"):
            assert api.menu_of(555, lang) == SALES  # a salesperson, whatever their language
            assert set(api.menu_of(700, lang)) == set(SALES) | TEAM
            assert set(api.menu_of(800, lang)) == set(SALES) | TEAM | ADMIN_ONLY
            assert set(api.menu_of(ADMIN, lang)) == set(SALES) | TEAM | ADMIN_ONLY
        dutch = next(c for c in api.calls if chat_commands(c, 700, "nl")).params["commands"]
        assert {"command": "assign", "description": "Een coachingsessie toewijzen"} in dutch
    finally:
        await stop(application)


async def test_start_does_not_wait_for_the_commands_of_many_managers_and_paces_them(
    api: FakeBotAPI, coach: Coach, store: Store
) -> None:
    now = datetime.now(UTC)
    for number in range(40):
        await set_role(store, f"telegram:{7000 + number}", "manager", True, now)
    api.unknown_chats |= {7000, 7001}  # never wrote to the bot: skipped
    application = application_for(api, coach)
    await start(application)
    try:
        started = len(chat_scoped(api))
        await api.wait_for(lambda c: chat_commands(c, 7004))
        calls = chat_scoped(api)
    finally:
        await stop(application)
    stopped = len(chat_scoped(api))
    await api.settle()

    assert started < 10  # 120 calls are due; start returned long before
    assert calls[10].at - calls[0].at >= 1.4  # 4 a second, after a burst of 4
    assert api.menu_of(7000, "nl") == SALES
    assert set(api.menu_of(7002, "nl")) == set(SALES) | TEAM
    assert len(chat_scoped(api)) == stopped < 120  # the rest was dropped at the stop


async def test_managers_add_and_remove_change_that_persons_commands(
    api: FakeBotAPI, bot: App
) -> None:
    ada = FakeUser(api, ADMIN, "Ada")

    await say(api, ada, "/managers add 123")
    added = {lang: api.menu_of(123, lang) for lang in ("nl", "en", "de")}
    await say(api, ada, "/managers remove 123")
    removed = {lang: api.menu_of(123, lang) for lang in ("nl", "en", "de")}
    left = [key for key in api.commands if key[0] == 123]

    assert all(set(menu) == set(SALES) | TEAM for menu in added.values())
    assert all(menu == SALES for menu in removed.values())
    assert left == []  # the chat's own lists are deleted: the default applies again


async def test_an_admin_who_stops_being_a_manager_keeps_the_admins_commands(
    api: FakeBotAPI, bot: App
) -> None:
    ada = FakeUser(api, ADMIN, "Ada")

    await say(api, ada, f"/managers add {ADMIN}")
    await say(api, ada, f"/managers remove {ADMIN}")

    assert "managers" in api.menu_of(ADMIN, "nl")
    assert "managers" in api.menu_of(ADMIN, "en")


async def test_a_salespersons_managers_attempt_changes_no_commands(
    api: FakeBotAPI, bot: App
) -> None:
    sam = FakeUser(api, 555, "Sam")
    await say(api, sam, "/start")
    await api.wait_for(lambda c: chat_commands(c, ADMIN))  # the start's own
    await api.settle()
    before, calls = dict(api.commands), len(chat_scoped(api))

    refused = await say(api, sam, "/managers add 555")

    assert refused == "Dit kan alleen een beheerder van Coachbot."
    assert api.commands == before
    assert len(chat_scoped(api)) == calls


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
