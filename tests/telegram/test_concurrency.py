"""Many salespeople at once: everyone answered, in order, nothing crossed, nothing lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.app import start, stop
from bot.engine.coach import Coach
from tests.db import track_rows
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser

USERS = 50
# (what the user does, a snippet of the reply it must bring)
WALK = [
    ("> /start", "In welke taal"),
    ("Nederlands", "Aan wie verkoop je vooral?"),
    ("Sla maar over", "Kies een gesprek"),
    ("Relaties, geen transacties", "Hoe bedank je die?"),
    ("Ik zorg voor lunch en een borrel", "Ladder 1: relaties bouwen"),
    ("2 · Beter", "Ladder 2: status verdienen"),
    ("1 · Basis", "Ladder 3: sociale valuta maken"),
    ("3 · Best", "tree hoger"),
    ("> Elke week één klant bedanken, zegt {name}", "Op welke dag"),
    ("> over 7 dagen", "tussenkomen"),
    ("> Als het druk wordt, doe ik het 's ochtends", "Hoe zeker"),
    ("4", "Afgesproken, {name}"),
]


async def walk(user: FakeUser) -> None:
    name = str(user.profile["first_name"])
    for action, expect in WALK:
        await user.act(action.format(name=name), expect.format(name=name))


@pytest.fixture
async def fast_bot(api: FakeBotAPI, coach: Coach) -> AsyncIterator[App]:
    """The bot without Telegram's 30 messages a second, so the test measures our own stack."""
    application = application_for(api, coach, messages_per_second=10_000)
    await start(application)
    yield application
    await stop(application)


async def test_fifty_users_at_once_each_walk_a_whole_track(
    api: FakeBotAPI, fast_bot: App, database_url: str
) -> None:
    users = [FakeUser(api, 9000 + n, f"Verkoper{n}") for n in range(USERS)]

    await asyncio.gather(*(walk(user) for user in users))
    await api.settle()

    for user in users:
        name = str(user.profile["first_name"])
        texts = user.texts()
        assert not [t for t in texts if t.startswith("Sorry")], name
        summary = next(t for t in texts if "Afgesproken" in t)
        assert f"Afgesproken, {name}" in summary  # nobody got somebody else's
        assert f"zegt {name}" in summary
        assert not any("Verkoper" in t and name not in t for t in texts)  # no crossed replies
    finished = track_rows(database_url, "SELECT count(*) FROM sessions WHERE status = 'completed'")
    assert finished == [(USERS,)]
    per_session = track_rows(
        database_url, "SELECT session_id, count(*) FROM answers GROUP BY session_id"
    )
    # 8 answers, 8 computed (total, focus, examples, smallest, weak, plan, first plan), summary
    assert sorted(count for _, count in per_session) == [17] * USERS
