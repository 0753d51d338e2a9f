"""Two bot instances on one PostgreSQL database, as in webhook mode behind a load balancer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.app import TelegramApp
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import open_store
from tests.db import Postgres, track_rows
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser

USERS = 10


@pytest.fixture
async def two_instances(
    api: FakeBotAPI, engine: Engine, postgres: Postgres
) -> AsyncIterator[tuple[str, list[TelegramApp]]]:
    """Two initialised Applications, each with its own store, on one fresh database."""
    url = postgres.fresh()
    stores = [await open_store(url) for _ in range(2)]
    apps = [application_for(api, Coach(engine, store)) for store in stores]
    for app in apps:
        await app.initialize()
    yield url, apps
    for app in apps:
        await app.shutdown()
    for store in stores:
        await store.close()
    postgres.drop(url)


async def deliver(app: TelegramApp, update: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(update, app.bot))


def answer_button(user: FakeUser, label: str) -> dict[str, Any]:
    """The update of pressing ``label`` on the newest message that has it."""
    for sent in reversed(user.messages):
        for row in sent.buttons:
            for text, data in row:
                if text == label:
                    query = {
                        "id": f"{user.id}-{label}",
                        "from": user.profile,
                        "chat_instance": f"chat-{user.id}",
                        "data": data,
                        "message": FakeBotAPI._message(user.id, sent),
                    }
                    return {"update_id": user.api.next_update_id(), "callback_query": query}
    raise AssertionError(f"no button {label!r}")


async def test_a_double_tap_landing_on_two_instances_counts_once(
    api: FakeBotAPI, two_instances: tuple[str, list[TelegramApp]]
) -> None:
    url, (first, second) = two_instances
    users = [FakeUser(api, 7000 + n) for n in range(USERS)]
    for user in users:  # every user at the first question of the relationships track
        await deliver(first, user.message_update("/start"))
        await deliver(first, answer_button(user, "Nederlands"))
        await deliver(first, answer_button(user, "Sla maar over"))
        await deliver(second, answer_button(user, "Relaties, geen transacties"))

    # Each user taps two answers of the same question; the taps reach different instances
    # at the same moment.
    taps = []
    for user in users:
        taps += [
            deliver(first, answer_button(user, "Ik zorg voor lunch en een borrel")),
            deliver(second, answer_button(user, "Ik help later terug")),
        ]
    await asyncio.gather(*taps)

    per_session = track_rows(url, "SELECT session_id, count(*) FROM answers GROUP BY session_id")
    assert sorted(count for _, count in per_session) == [1] * USERS  # one answer per user
    assert track_rows(url, "SELECT DISTINCT node, step FROM sessions") == [("relationships", 1)]


async def test_one_update_delivered_to_both_instances_is_handled_once(
    api: FakeBotAPI, two_instances: tuple[str, list[TelegramApp]]
) -> None:
    url, (first, second) = two_instances
    users = [FakeUser(api, 7100 + n) for n in range(USERS)]
    for user in users:
        await deliver(first, user.message_update("/start"))
        await deliver(first, answer_button(user, "Nederlands"))
        await deliver(first, answer_button(user, "Sla maar over"))
        await deliver(first, answer_button(user, "Relaties, geen transacties"))
    sent = {user.id: len(user.messages) for user in users}

    presses = [answer_button(user, "Ik zorg voor lunch en een borrel") for user in users]
    await asyncio.gather(*(deliver(app, p) for p in presses for app in (first, second)))

    assert track_rows(url, "SELECT count(*) FROM answers") == [(USERS,)]
    for user in users:  # one reply per user (the other instance saw a duplicate and kept still)
        new = user.messages[sent[user.id] :]
        assert sum("Ladder 1" in (m.text or "") for m in new) == 1


async def test_answers_in_quick_succession_on_two_instances_are_taken_in_turn(
    api: FakeBotAPI, two_instances: tuple[str, list[TelegramApp]]
) -> None:
    url, (first, second) = two_instances
    users = [FakeUser(api, 7200 + n) for n in range(USERS)]
    for user in users:
        await deliver(first, user.message_update("/start"))
        await deliver(first, answer_button(user, "Nederlands"))
        await deliver(first, answer_button(user, "Sla maar over"))
        await deliver(first, answer_button(user, "Relaties, geen transacties"))
        await deliver(first, answer_button(user, "Ik zorg voor lunch en een borrel"))
        await deliver(first, answer_button(user, "3 · Best"))  # asks for an example next

    # Two typed messages at once, one per instance: the first taken becomes the example, the
    # second meets the next question (a choice) and is asked again; none is lost or merged.
    await asyncio.gather(
        *(
            deliver(app, user.message_update(f"Voorbeeld {n} van {user.id}"))
            for user in users
            for n, app in enumerate((first, second))
        )
    )

    examples = track_rows(url, "SELECT value FROM answers WHERE key = 'relationships_example'")
    assert len(examples) == USERS
    assert track_rows(url, "SELECT DISTINCT node FROM sessions") == [("status",)]
