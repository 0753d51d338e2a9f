"""Commitments and check-ins end to end over a real SQLite file; dialogues that start others."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.dialogue.dates import day_label
from bot.engine.coach import Coach, Visitor
from bot.engine.engine import Engine, Person
from bot.engine.menu import MenuItem
from bot.engine.turn import Chart, Incoming, Turn
from bot.errors import MissingInputs
from bot.records import CommitmentOutcome
from bot.store import Store
from tests.conftest import PROMPTS
from tests.db import rows
from tests.store.test_coach_store import EVE, turn_of

MALLORY = Visitor("terminal:mallory", "Mallory")

PLAN = "Elke week één klant <b>bedanken</b>"
WHEN = Person("Eve", "nl").today + timedelta(days=7)
COMMITMENT = f"{PLAN} ({day_label(WHEN, 'nl')})"  # the plan with its day
RELATIONSHIPS = [
    Incoming.choice("lunch"),
    Incoming.choice("1"),
    Incoming.choice("2"),
    Incoming.choice("2"),
    Incoming.text(PLAN),
    Incoming.choice(WHEN.isoformat()),
    Incoming.text("Als het druk wordt, doe ik het 's ochtends als eerste"),
    Incoming.choice("4"),
]


async def finish_relationships(coach: Coach, visitor: Visitor = EVE) -> Turn:
    await coach.open(visitor, "relationships")
    for incoming in RELATIONSHIPS:
        reply = await coach.reply(visitor, incoming)
    return turn_of(reply)


async def menu_of(coach: Coach, visitor: Visitor = EVE) -> tuple[MenuItem, ...]:
    menu = (await coach.menu(visitor)).menu
    assert menu is not None
    return menu


async def check_in_item(coach: Coach) -> MenuItem:
    [item] = [i for i in await menu_of(coach) if i.commitment_id is not None]
    return item


async def test_finishing_a_track_stores_the_commitment_and_shows_the_chart(
    coach: Coach, database_url: str
) -> None:
    turn = await finish_relationships(coach)

    summary = turn.messages[-1]
    assert turn.finished
    assert summary.image is not None
    assert summary.image.png().startswith(b"\x89PNG")
    assert "De dag erna vraag ik hoe het ging" in summary.text
    [(text, status, created, due)] = rows(
        database_url, "SELECT text, status, created_at, due_at FROM commitments"
    )
    assert (text, status) == (COMMITMENT, "open")
    gap = datetime.fromisoformat(str(due)) - datetime.fromisoformat(str(created))
    assert gap == timedelta(days=8)  # the day after the chosen day


async def test_the_menu_offers_a_check_in_which_comes_first_once_due(
    coach: Coach, database_url: str
) -> None:
    await finish_relationships(coach)

    later = await menu_of(coach)
    rows(
        database_url,
        "UPDATE commitments SET due_at = :due",
        due=datetime.now(UTC) - timedelta(hours=1),
    )
    due = await menu_of(coach)

    [check_in] = [item for item in later if item.commitment_id is not None]
    assert check_in.title == f"Relaties, geen transacties: {COMMITMENT}"
    assert not check_in.due
    assert later[-1] == check_in  # not due yet: after the tracks
    assert due[0].commitment_id == check_in.commitment_id
    assert due[0].due


async def test_a_check_in_quotes_the_commitment_and_closes_it(
    coach: Coach, database_url: str
) -> None:
    await finish_relationships(coach)
    item = await check_in_item(coach)

    opened = turn_of(await coach.open(EVE, item.dialogue_id, item.commitment_id))
    await coach.reply(EVE, Incoming.choice("yes"))
    await coach.reply(EVE, Incoming.text("Twee klanten reageerden blij"))
    await coach.reply(EVE, Incoming.text("Een kort bedankje werkt beter dan een lange mail"))
    last = turn_of(await coach.reply(EVE, Incoming.choice("done")))

    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in opened.messages[-1].text
    assert "Relaties, geen transacties" in opened.messages[-1].text
    assert last.finished
    assert rows(database_url, "SELECT status, outcome FROM commitments") == [("done", "yes")]
    assert [i for i in await menu_of(coach) if i.commitment_id is not None] == []
    again = await coach.open(EVE, item.dialogue_id, item.commitment_id)
    assert again.turn is None
    assert again.notice == "Dat gesprek bestaat niet. Kies een nummer uit het menu."


async def test_a_check_in_that_did_not_work_plans_a_smaller_next_step(
    coach: Coach, database_url: str
) -> None:
    await finish_relationships(coach)
    item = await check_in_item(coach)

    await coach.open(EVE, item.dialogue_id, item.commitment_id)
    await coach.reply(EVE, Incoming.choice("no"))
    probe = turn_of(await coach.reply(EVE, Incoming.text("Geen tijd gehad")))
    smaller = turn_of(await coach.reply(EVE, Incoming.text("Vrijdag na het teamoverleg")))
    await coach.reply(EVE, Incoming.text("Eén bedankje op vrijdag"))
    await coach.reply(EVE, Incoming.choice("3"))

    assert "Wat ging er deze keer voor?" in probe.messages[-1].text  # "no time" is probed once
    assert "“Vrijdag na het teamoverleg”" in smaller.messages[-1].text
    commitments = rows(database_url, "SELECT text, status, outcome FROM commitments ORDER BY id")
    assert commitments == [
        (COMMITMENT, "done", "no"),
        ("Eén bedankje op vrijdag", "open", None),
    ]


async def test_nobody_can_close_another_users_commitment(
    coach: Coach, store: Store, database_url: str
) -> None:
    await finish_relationships(coach)
    [(commitment_id,)] = rows(database_url, "SELECT id FROM commitments")
    session = turn_of(await coach.open(MALLORY, "kinds")).session
    close = [CommitmentOutcome(int(str(commitment_id)), "yes")]

    await store.write(lambda tx: tx.save(session, [], expected_step=session.step, writes=close))

    assert rows(database_url, "SELECT status FROM commitments") == [("open",)]


async def test_a_check_in_cannot_start_without_its_commitment(engine: Engine) -> None:
    with pytest.raises(MissingInputs, match="commitment"):
        engine.start(1, "checkin", Person("Eve", "nl"))


async def test_an_entry_dialogue_starts_the_chosen_dialogue_right_away(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "pick")

    turn = turn_of(await coach.reply(EVE, Incoming.choice("yes")))

    assert [m.text for m in turn.messages] == ["Oké.", "Hoi Eve!", "Wat verkoop je?"]
    assert turn.session.dialogue_id == "kinds"
    assert rows(database_url, "SELECT dialogue_id, status FROM sessions ORDER BY id") == [
        ("pick", "completed"),
        ("kinds", "active"),
    ]


async def test_an_entry_dialogue_answered_no_just_ends(coach: Coach) -> None:
    await coach.open(EVE, "pick")

    turn = turn_of(await coach.reply(EVE, Incoming.choice("no")))

    assert turn.finished
    assert [m.text for m in turn.messages] == [
        "Oké.\n\n<i>Klaar! Kies /menu voor een ander gesprek.</i>"
    ]


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


async def test_a_commitment_is_closed_once_and_then_stays_as_it_was(
    coach: Coach, store: Store, database_url: str
) -> None:
    await finish_relationships(coach)
    item = await check_in_item(coach)
    await coach.open(EVE, item.dialogue_id, item.commitment_id)
    await coach.reply(EVE, Incoming.choice("yes"))
    await coach.reply(EVE, Incoming.text("Twee klanten reageerden blij"))
    await coach.reply(EVE, Incoming.text("Een kort bedankje werkt beter dan een lange mail"))
    await coach.reply(EVE, Incoming.choice("done"))
    [(checked_at,)] = rows(database_url, "SELECT checked_at FROM commitments")
    session = turn_of(await coach.open(EVE, "kinds")).session
    again = [CommitmentOutcome(int(str(item.commitment_id)), "no")]

    await store.write(lambda tx: tx.save(session, [], expected_step=session.step, writes=again))

    assert rows(database_url, "SELECT status, outcome, checked_at FROM commitments") == [
        ("done", "yes", checked_at)
    ]


async def test_a_retaken_track_knows_the_last_run_and_charts_both(coach: Coach) -> None:
    first = (await finish_relationships(coach)).messages[-1].image
    await coach.open(EVE, "relationships")
    for incoming in [*RELATIONSHIPS[:3], Incoming.choice("1"), *RELATIONSHIPS[4:]]:
        reply = await coach.reply(EVE, incoming)
    second = turn_of(reply)

    chart = second.messages[-1].image
    assert isinstance(first, Chart)
    assert isinstance(chart, Chart)
    assert first.before == ()
    assert chart.before == tuple(level for _, level in first.ladders)
    assert chart.ladders != first.ladders  # the ladder answered differently moved
    assert "vorige keer" in chart.caption
    assert chart.png().startswith(b"\x89PNG")
    assert chart.filename != first.filename
    previous = second.session.answers["previous"]
    assert previous["commitment"] == COMMITMENT
    assert previous["outcome"] == ""
    assert "previous" not in previous
