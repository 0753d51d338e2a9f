"""The Coach over a real SQLite file: answers are committed before the reply, sessions resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.engine.turn import Incoming
from bot.errors import ConcurrentUpdate
from bot.store.sql import SqlStore
from tests.db import rows


async def test_an_answer_is_committed_before_the_reply_is_returned(
    coach: Coach, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "kinds")

    turn = await coach.reply(user, Incoming.text("koffie"))

    assert turn is not None
    assert turn.messages[-1].text == "Hoeveel deals per maand?"
    assert rows(database_url, "SELECT node, key, value FROM answers") == [
        ("product", "product", '"koffie"')
    ]
    assert rows(database_url, "SELECT node, step, status FROM sessions") == [("deals", 1, "active")]


async def test_a_rejected_answer_writes_nothing(coach: Coach, database_url: str) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "kinds")

    turn = await coach.reply(user, Incoming.text("x" * 10_000))

    assert turn is not None
    assert turn.outcome == "rejected"
    assert rows(database_url, "SELECT count(*) FROM answers") == [(0,)]
    assert rows(database_url, "SELECT node, step FROM sessions") == [("product", 0)]


async def test_a_new_process_resumes_at_the_same_question(
    engine: Engine, database_url: str
) -> None:
    first = await SqlStore.open(database_url)
    coach = Coach(engine, first)
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "kinds")
    await coach.reply(user, Incoming.text("koffie"))
    await coach.reply(user, Incoming.text("12"))
    await first.close()

    second = await SqlStore.open(database_url)
    again = Coach(engine, second)
    turn = await again.resume(await again.user("terminal:eve", "Eve"))
    await second.close()

    assert turn is not None
    assert "Welkom terug" in turn.messages[0].text
    assert turn.messages[-1].text.startswith("Hoe gaat het?")
    assert turn.session.answers == {"product": "koffie", "deals": 12}


async def test_open_resumes_an_unfinished_session_instead_of_starting_over(coach: Coach) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "kinds")
    await coach.reply(user, Incoming.text("koffie"))

    turn = await coach.open(user, "kinds")

    assert turn.outcome == "resumed"
    assert turn.session.node == "deals"


async def test_restart_keeps_the_old_session_as_abandoned(coach: Coach, database_url: str) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "kinds")
    await coach.reply(user, Incoming.text("koffie"))

    turn = await coach.restart(user)

    assert turn is not None
    assert turn.session.node == "product"
    assert rows(database_url, "SELECT status FROM sessions ORDER BY id") == [
        ("abandoned",),
        ("active",),
    ]
    assert rows(database_url, "SELECT count(*) FROM answers") == [(1,)]


async def test_finishing_marks_the_session_completed(coach: Coach, database_url: str) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "kinds")
    for typed in ["koffie", "10", "3", "Rechts"]:
        turn = await coach.reply(user, Incoming.text(typed))

    assert turn is not None
    assert turn.finished
    assert rows(database_url, "SELECT status, completed_at IS NOT NULL FROM sessions") == [
        ("completed", 1)
    ]
    assert await coach.current(user) is None
    assert await coach.reply(user, Incoming.text("nog iets")) is None


async def test_menu_lists_every_dialogue_with_unfinished_first(coach: Coach) -> None:
    user = await coach.user("terminal:sam", "Sam", "en")
    await coach.start(user, "kinds")

    menu = await coach.menu(user)

    assert menu[0].dialogue_id == "kinds"
    assert menu[0].unfinished
    assert menu[0].title == "All kinds"
    assert {item.dialogue_id for item in menu} >= {"kinds", "relationships"}
    assert not any(item.unfinished for item in menu[1:])


async def test_language_is_remembered(coach: Coach) -> None:
    await coach.user("terminal:sam", "Sam", "en")

    user = await coach.user("terminal:sam", "Sam")

    assert user.language == "en"
    assert coach.person(user).lang == "en"


async def test_a_stale_write_is_refused_and_writes_nothing(
    coach: Coach, store: SqlStore, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")
    session = (await coach.start(user, "kinds")).session
    await coach.reply(user, Incoming.text("koffie"))  # the session moved to step 1 meanwhile
    late = coach.engine.reply(session, Incoming.text("thee"), coach.person(user))

    with pytest.raises(ConcurrentUpdate):
        await store.save(late.session, late.saved, expected_step=session.step)

    assert rows(database_url, "SELECT value FROM answers") == [('"koffie"',)]


async def test_two_coaches_on_one_database_never_lose_an_answer(
    engine: Engine, database_url: str
) -> None:
    stores = [await SqlStore.open(database_url) for _ in range(2)]
    first, second = (Coach(engine, s) for s in stores)
    user = await first.user("terminal:eve", "Eve")
    await first.start(user, "kinds")

    await first.reply(user, Incoming.text("koffie"))
    await second.reply(user, Incoming.text("12"))
    for opened in stores:
        await opened.close()

    assert rows(database_url, "SELECT key, value FROM answers ORDER BY id") == [
        ("product", '"koffie"'),
        ("deals", 12),
    ]


async def test_migrations_are_idempotent_and_sqlite_is_tuned(
    database_url: str, tmp_path: Path
) -> None:
    for _ in range(2):
        opened = await SqlStore.open(database_url)
        await opened.close()

    assert rows(database_url, "SELECT version_num FROM alembic_version") == [("0003",)]
    assert rows(database_url, "PRAGMA journal_mode") == [("wal",)]
    tables = {
        name for (name,) in rows(database_url, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {"users", "sessions", "answers"} <= tables


async def test_the_data_folder_is_created_for_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'dir' / 'coachbot.db'}"

    opened = await SqlStore.open(url)
    await opened.close()

    assert (tmp_path / "nested" / "dir" / "coachbot.db").exists()
