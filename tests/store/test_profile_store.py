"""The profile through the coach on both databases: asked once, stored, read, exported, erased."""

from __future__ import annotations

import pytest

from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.multi import ON
from bot.engine.turn import Incoming, Turn
from bot.store.sql import SqlTransaction
from tests.db import rows

EVE = Visitor("telegram:77", "Eve")
CONSUMER = ["consumer", "Keukens op maat", "inside", "under_2", "Instagram, WhatsApp"]


def turn_of(reply: Reply) -> Turn:
    assert reply.turn is not None, reply
    return reply.turn


async def answer(coach: Coach, shown: Reply, *values: str) -> Reply:
    """Answer the question ``shown`` and the ones after it: a button's value, else text."""
    reply = shown
    for value in values:
        buttons = {b.value for b in turn_of(reply).buttons}
        incoming = Incoming.choice(value) if value in buttons else Incoming.text(value)
        reply = await coach.reply(EVE, incoming)
        assert turn_of(reply).outcome in {"accepted", "completed"}, (value, reply.notice)
    return reply


def stored(database_url: str) -> list[tuple[object, ...]]:
    return rows(database_url, "SELECT market, product, role, experience, channels FROM profiles")


async def test_the_first_language_choice_asks_the_profile_and_a_later_one_does_not(
    coach: Coach,
) -> None:
    first = await coach.set_language(EVE, "nl")

    assert first.notice == "Prima, we praten Nederlands."
    assert turn_of(first).session.dialogue_id == "profile"
    assert first.menu is None
    await answer(coach, first, "skip")

    again = await coach.set_language(EVE, "en")

    assert again.turn is None  # skipped once: never asked again by itself
    assert again.menu is not None
    assert "profile" not in [item.dialogue_id for item in again.menu]


async def test_finishing_stores_the_profile_with_the_closing_step(
    coach: Coach, database_url: str
) -> None:
    asked = await coach.set_language(EVE, "nl")

    done = await answer(coach, asked, *CONSUMER)

    assert turn_of(done).finished
    assert done.menu is not None  # the menu follows, to begin a track
    assert stored(database_url) == [
        ("consumer", "Keukens op maat", "inside", "under_2", '["instagram", "whatsapp"]')
    ]
    assert rows(database_url, "SELECT status FROM sessions") == [("completed",)]


async def test_skipping_stores_no_profile(coach: Coach, database_url: str) -> None:
    asked = await coach.set_language(EVE, "nl")

    skipped = await answer(coach, asked, "skip")

    assert turn_of(skipped).finished
    assert stored(database_url) == []


async def test_profile_again_overwrites_the_stored_one(coach: Coach, database_url: str) -> None:
    await answer(coach, await coach.set_language(EVE, "nl"), *CONSUMER)

    asked = await coach.profile(EVE)
    assert turn_of(asked).session.node == "market"
    await answer(coach, asked, "b2b", "Hydraulische slangen", "field", "over_10", "Geen van deze")

    assert stored(database_url) == [("b2b", "Hydraulische slangen", "field", "over_10", '["none"]')]


async def test_every_later_dialogue_reads_the_stored_profile(coach: Coach) -> None:
    await answer(coach, await coach.set_language(EVE, "nl"), *CONSUMER)

    advice = await answer(coach, await coach.open(EVE, "which_track"), "unsure", "own")

    assert turn_of(advice).session.answers["recommended"] == "talk"  # a consumer seller's pick
    assert any("Je verkoopt aan consumenten" in m.text for m in turn_of(advice).messages)


async def test_mydata_holds_the_profile_and_forget_erases_it(
    coach: Coach, database_url: str
) -> None:
    asked = await coach.set_language(EVE, "nl")
    before = (await coach.export(EVE)).export
    await answer(coach, asked, *CONSUMER)

    data = (await coach.export(EVE)).export

    assert before is not None
    assert before["work_profile"] is None
    assert data is not None
    assert data["work_profile"]["market"] == "consumer"
    assert data["work_profile"]["product"] == "Keukens op maat"
    assert data["work_profile"]["channels"] == ["instagram", "whatsapp"]
    await coach.forget(EVE)
    assert stored(database_url) == []


async def test_the_profile_and_the_step_that_finishes_it_are_one_transaction(
    coach: Coach, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_channel = await answer(coach, await coach.set_language(EVE, "nl"), *CONSUMER[:-1])

    def broken(*_: object) -> None:
        raise RuntimeError("the profile could not be written")

    monkeypatch.setattr(SqlTransaction, "_save_profile", broken)
    with pytest.raises(RuntimeError):
        await answer(coach, at_channel, "Instagram")

    assert stored(database_url) == []
    assert rows(database_url, "SELECT node, status FROM sessions") == [("channels", "active")]
    assert rows(database_url, "SELECT count(*) FROM answers WHERE key = 'channels'") == [(0,)]


async def test_mydata_shows_a_half_made_selection_as_in_progress_not_as_an_answer(
    coach: Coach,
) -> None:
    asked = await coach.set_language(EVE, "nl")
    at_channels = await answer(coach, asked, *CONSUMER[:4])
    await coach.reply(EVE, Incoming.choice(f"{ON}linkedin"))

    data = (await coach.export(EVE)).export

    assert turn_of(at_channels).session.node == "channels"
    assert data is not None
    [profile_run] = [s for s in data["sessions"] if s["dialogue"] == "profile"]
    assert not [key for key in profile_run["answers"] if key.startswith("_")]
    assert profile_run["in_progress"]["picked"]["picked"] == ["linkedin"]
