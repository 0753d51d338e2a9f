"""Commitments and check-ins end to end over a real SQLite file; dialogues that start others."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.errors import MissingInputs, NoSuchCommitment
from bot.store.records import CommitmentOutcome, User
from bot.store.sql import SqlStore
from tests.conftest import PROMPTS
from tests.db import rows

RELATIONSHIPS = [
    Incoming.choice("lunch"),
    Incoming.choice("1"),
    Incoming.choice("2"),
    Incoming.choice("2"),
    Incoming.text("Elke week één klant <b>bedanken</b>"),
    Incoming.choice("4"),
    Incoming.choice("7"),
]


async def finish_relationships(coach: Coach, user: User) -> Turn:
    await coach.start(user, "relationships")
    turn = None
    for incoming in RELATIONSHIPS:
        turn = await coach.reply(user, incoming)
    assert turn is not None
    return turn


async def test_finishing_a_track_stores_the_commitment_and_shows_the_chart(
    coach: Coach, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")

    turn = await finish_relationships(coach, user)

    summary = turn.messages[-1]
    assert turn.finished
    assert summary.image is not None
    assert summary.image.png.startswith(b"\x89PNG")
    assert "Over 7 dagen vraag ik je hoe het ging" in summary.text
    [(text, status, created, due)] = rows(
        database_url, "SELECT text, status, created_at, due_at FROM commitments"
    )
    assert (text, status) == ("Elke week één klant <b>bedanken</b>", "open")
    gap = datetime.fromisoformat(str(due)) - datetime.fromisoformat(str(created))
    assert gap == timedelta(days=7)


async def test_the_menu_offers_a_check_in_which_comes_first_once_due(
    coach: Coach, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await finish_relationships(coach, user)

    later = await coach.menu(user)
    rows(
        database_url,
        "UPDATE commitments SET due_at = ?",
        (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    )
    due = await coach.menu(user)

    [check_in] = [item for item in later if item.commitment_id is not None]
    assert check_in.title == "Check-in: Elke week één klant <b>bedanken</b>"
    assert not check_in.due
    assert later[-1] == check_in  # not due yet: after the tracks
    assert due[0].commitment_id == check_in.commitment_id
    assert due[0].due


async def test_a_check_in_quotes_the_commitment_and_closes_it(
    coach: Coach, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await finish_relationships(coach, user)
    [item] = [i for i in await coach.menu(user) if i.commitment_id is not None]

    opened = await coach.open_item(user, item)
    await coach.reply(user, Incoming.choice("yes"))
    await coach.reply(user, Incoming.text("Twee klanten reageerden blij"))
    last = await coach.reply(user, Incoming.choice("done"))

    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in opened.messages[-1].text
    assert "Relaties, geen transacties" in opened.messages[-1].text
    assert last is not None
    assert last.finished
    assert rows(database_url, "SELECT status, outcome FROM commitments") == [("done", "yes")]
    assert [i for i in await coach.menu(user) if i.commitment_id is not None] == []
    with pytest.raises(NoSuchCommitment):
        await coach.open_item(user, item)


async def test_a_check_in_that_did_not_work_plans_a_smaller_next_step(
    coach: Coach, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await finish_relationships(coach, user)
    [item] = [i for i in await coach.menu(user) if i.commitment_id is not None]

    await coach.open_item(user, item)
    await coach.reply(user, Incoming.choice("no"))
    smaller = await coach.reply(user, Incoming.text("Geen tijd gehad"))
    await coach.reply(user, Incoming.text("Eén bedankje op vrijdag"))
    await coach.reply(user, Incoming.choice("3"))

    assert smaller is not None
    assert "“Geen tijd gehad” is een herkenbare drempel" in smaller.messages[-1].text
    commitments = rows(database_url, "SELECT text, status, outcome FROM commitments ORDER BY id")
    assert commitments == [
        ("Elke week één klant <b>bedanken</b>", "done", "no"),
        ("Eén bedankje op vrijdag", "open", None),
    ]


async def test_nobody_can_close_another_users_commitment(
    coach: Coach, store: SqlStore, database_url: str
) -> None:
    eve = await coach.user("terminal:eve", "Eve")
    await finish_relationships(coach, eve)
    [(commitment_id,)] = rows(database_url, "SELECT id FROM commitments")
    mallory = await coach.user("terminal:mallory", "Mallory")
    session = (await coach.start(mallory, "kinds")).session

    await store.save(
        session,
        [],
        expected_step=session.step,
        writes=[CommitmentOutcome(int(str(commitment_id)), "yes")],
    )

    assert rows(database_url, "SELECT status FROM commitments") == [("open",)]


async def test_a_check_in_cannot_start_without_its_commitment(engine: Engine) -> None:
    with pytest.raises(MissingInputs, match="commitment"):
        engine.start(1, "checkin", Person("Eve", "nl"))


async def test_an_entry_dialogue_starts_the_chosen_dialogue_right_away(
    coach: Coach, database_url: str
) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "pick")

    turn = await coach.reply(user, Incoming.choice("yes"))

    assert turn is not None
    assert [m.text for m in turn.messages] == ["Oké.", "Hoi Eve!", "Wat verkoop je?"]
    assert turn.session.dialogue_id == "kinds"
    assert rows(database_url, "SELECT dialogue_id, status FROM sessions ORDER BY id") == [
        ("pick", "completed"),
        ("kinds", "active"),
    ]


async def test_an_entry_dialogue_answered_no_just_ends(coach: Coach) -> None:
    user = await coach.user("terminal:eve", "Eve")
    await coach.start(user, "pick")

    turn = await coach.reply(user, Incoming.choice("no"))

    assert turn is not None
    assert turn.finished
    assert [m.text for m in turn.messages] == ["Oké."]


def test_start_dialogue_naming_a_missing_dialogue_is_reported(tmp_path: Path) -> None:
    (tmp_path / "entry.yaml").write_text(
        textwrap.dedent(
            """\
            id: entry
            kind: entry
            title: {nl: Start, en: Start}
            description: {nl: Start, en: Start}
            start: done
            nodes:
              done:
                type: end
                text: {nl: Klaar, en: Done}
                start_dialogue: '"nowhere"'
            """
        ),
        encoding="utf-8",
    )

    catalog = load_catalog([tmp_path], PROMPTS)

    [problem] = catalog.problems
    assert (problem.line, problem.column) == (10, 21)
    assert "'start_dialogue' names 'nowhere', which is not a valid dialogue" in problem.message
    assert "entry" not in catalog.latest
