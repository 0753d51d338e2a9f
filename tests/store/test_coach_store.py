"""The Coach over a real SQLite file: answers are committed before the reply, sessions resume."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.engine import Engine
from bot.engine.turn import Incoming, Turn
from bot.records import Session
from bot.store import Store, open_store
from tests.db import rows

EVE = Visitor("terminal:eve", "Eve")
SAM = Visitor("terminal:sam", "Sam")


def turn_of(reply: Reply) -> Turn:
    assert reply.turn is not None, reply
    return reply.turn


async def test_an_answer_is_committed_before_the_reply_is_returned(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")

    turn = turn_of(await coach.reply(EVE, Incoming.text("koffie")))

    assert turn.messages[-1].text == "Hoeveel deals per maand?"
    assert rows(database_url, "SELECT node, key, value FROM answers") == [
        ("product", "product", '"koffie"')
    ]
    assert rows(database_url, "SELECT node, step, status FROM sessions") == [("deals", 1, "active")]


async def test_a_rejected_answer_writes_nothing_and_says_why(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")

    reply = await coach.reply(EVE, Incoming.text("x" * 10_000))

    assert turn_of(reply).outcome == "rejected"
    assert reply.notice is not None
    assert "maximaal 40 tekens" in reply.notice
    assert rows(database_url, "SELECT count(*) FROM answers") == [(0,)]
    assert rows(database_url, "SELECT node, step FROM sessions") == [("product", 0)]


async def test_a_new_process_resumes_at_the_same_question(
    engine: Engine, database_url: str
) -> None:
    first = await open_store(database_url)
    coach = Coach(engine, first)
    await coach.open(EVE, "kinds")
    await coach.reply(EVE, Incoming.text("koffie"))
    await coach.reply(EVE, Incoming.text("12"))
    await first.close()

    second = await open_store(database_url)
    reply = await Coach(engine, second).resume(EVE)
    await second.close()

    turn = turn_of(reply)
    assert reply.notice is not None
    assert "Welkom terug" in reply.notice
    assert turn.messages[-1].text.startswith("Hoe gaat het?")
    assert turn.session.answers == {"product": "koffie", "deals": 12}


async def test_open_resumes_an_unfinished_session_instead_of_starting_over(coach: Coach) -> None:
    await coach.open(EVE, "kinds")
    await coach.reply(EVE, Incoming.text("koffie"))

    turn = turn_of(await coach.open(EVE, "kinds"))

    assert turn.outcome == "resumed"
    assert turn.session.node == "deals"


async def test_restart_keeps_the_old_session_as_abandoned(coach: Coach, database_url: str) -> None:
    await coach.open(EVE, "kinds")
    await coach.reply(EVE, Incoming.text("koffie"))

    turn = turn_of(await coach.restart(EVE))

    assert turn.session.node == "product"
    assert rows(database_url, "SELECT status FROM sessions ORDER BY id") == [
        ("abandoned",),
        ("active",),
    ]
    assert rows(database_url, "SELECT count(*) FROM answers") == [(1,)]


async def test_finishing_marks_the_session_completed_and_says_done_in_the_summary(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    for typed in ["koffie", "10", "3", "Rechts"]:
        reply = await coach.reply(EVE, Incoming.text(typed))

    turn = turn_of(reply)
    assert turn.finished
    assert turn.messages[-1].text.endswith("<i>Klaar! Kies /menu voor een ander gesprek.</i>")
    assert rows(database_url, "SELECT status, completed_at IS NOT NULL FROM sessions") == [
        ("completed", 1)
    ]
    after = await coach.reply(EVE, Incoming.text("nog iets"))
    assert after.turn is None
    assert after.notice == "Je hebt geen lopend gesprek. Kies er een uit het menu."
    assert after.menu


async def test_menu_lists_every_dialogue_with_unfinished_first(coach: Coach) -> None:
    await coach.set_language(SAM, "en")
    await coach.open(SAM, "kinds")

    menu = (await coach.menu(SAM)).menu

    assert menu is not None
    assert menu[0].dialogue_id == "kinds"
    assert menu[0].unfinished
    assert menu[0].title == "All kinds"
    assert {item.dialogue_id for item in menu} >= {"kinds", "relationships"}
    assert not any(item.unfinished for item in menu[1:])


async def test_language_is_remembered(coach: Coach, database_url: str) -> None:
    await coach.set_language(SAM, "en")

    reply = await coach.whois(SAM)

    assert (reply.user.language, reply.lang) == ("en", "en")
    assert rows(database_url, "SELECT language FROM users") == [("en",)]


async def test_a_new_visitor_is_not_stored_by_reading(coach: Coach, database_url: str) -> None:
    await coach.menu(EVE)
    await coach.whois(EVE)

    assert rows(database_url, "SELECT count(*) FROM users") == [(0,)]


async def test_a_typed_answer_bound_to_an_older_step_changes_nothing(
    coach: Coach, database_url: str
) -> None:
    started = turn_of(await coach.open(EVE, "kinds"))
    await coach.reply(EVE, Incoming.text("koffie"))  # answered in another window meanwhile

    late = await coach.reply(EVE, Incoming.text("thee", started.session.step, started.session.id))

    assert turn_of(late).outcome == "stale"
    assert late.notice is not None
    assert "eerdere vraag" in late.notice
    assert rows(database_url, "SELECT value FROM answers") == [('"koffie"',)]


async def test_two_coaches_answering_at_once_lose_no_answer(
    engine: Engine, database_url: str
) -> None:
    stores = [await open_store(database_url) for _ in range(2)]
    first, second = (Coach(engine, s) for s in stores)
    await first.open(EVE, "kinds")

    # Both processes write the same session at the same moment: SQLite lets one in, the
    # other waits for the lock and then reads the session the first one left. "500" and "300"
    # fit both questions (a product name of three characters, a number of deals), so whichever
    # comes first answers the first question and the other the second.
    replies = await asyncio.gather(
        first.reply(EVE, Incoming.text("500")), second.reply(EVE, Incoming.text("300"))
    )
    for opened in stores:
        await opened.close()

    assert sorted(turn_of(r).session.step for r in replies) == [1, 2]
    logged = rows(database_url, "SELECT key, value FROM answers ORDER BY id")
    assert [key for key, _ in logged] == ["product", "deals"]
    assert sorted(str(value).strip('"') for _, value in logged) == ["300", "500"]
    assert rows(database_url, "SELECT step FROM sessions") == [(2,)]


async def test_a_session_whose_step_vanished_starts_over_and_keeps_the_old_one(
    coach: Coach, store: Store, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    [(user_id,)] = rows(database_url, "SELECT id FROM users")
    await store.write(lambda tx: tx.abandon(1))
    vanished = Session(int(str(user_id)), "kinds", "old-version", "removed_node", {"x": 1})
    await store.write(lambda tx: tx.save(vanished, [], expected_step=None))

    reply = await coach.reply(EVE, Incoming.text("koffie"))

    assert reply.notice is not None
    assert "beginnen opnieuw" in reply.notice
    assert turn_of(reply).session.node == "product"
    assert rows(database_url, "SELECT node, status FROM sessions ORDER BY id") == [
        ("product", "abandoned"),
        ("removed_node", "abandoned"),
        ("product", "active"),
    ]


async def test_update_ids_older_than_the_redelivery_window_are_pruned(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds", update_id=1)
    await coach.reply(EVE, Incoming.text("koffie"), update_id=2)
    rows(
        database_url,
        "UPDATE processed_updates SET created_at = :old WHERE update_id = 1",
        old=datetime.now(UTC) - timedelta(days=3),
    )

    pruned = await coach.prune_updates(datetime.now(UTC) - timedelta(hours=25))

    assert pruned == 1
    assert rows(database_url, "SELECT update_id FROM processed_updates") == [(2,)]
    again = await coach.reply(EVE, Incoming.text("12"), update_id=2)  # still known: skipped
    assert again.duplicate


async def test_back_works_on_history_stored_by_an_older_coachbot(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    await coach.reply(EVE, Incoming.text("koffie"))
    old_history = '[{"node": "product", "answers_before": {}}]'  # a full copy, the old way
    rows(database_url, "UPDATE sessions SET history = :h", h=old_history)

    turn = turn_of(await coach.back(EVE))

    assert turn.session.node == "product"
    assert turn.session.answers == {}


async def test_history_keeps_what_each_step_changed_not_a_copy_of_everything(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    for typed in ["koffie", "10", "4"]:
        await coach.reply(EVE, Incoming.text(typed))

    [(history,)] = rows(database_url, "SELECT history FROM sessions")
    frames = json.loads(str(history))
    assert frames[-1] == {"node": "mood", "restore": {}, "added": ["mood", "score"]}
    undone = turn_of(await coach.back(EVE))
    assert undone.session.answers == {"product": "koffie", "deals": 10}


async def test_details_of_the_last_summary_come_on_a_press_and_stay_in_mydata(
    coach: Coach,
) -> None:
    await coach.open(EVE, "kinds")
    for typed in ["koffie", "10", "3"]:
        await coach.reply(EVE, Incoming.text(typed))
    ended = turn_of(await coach.reply(EVE, Incoming.text("Rechts")))
    [button] = ended.buttons
    press = Incoming.choice(button.value, ended.session.step, ended.session.id)

    shown = turn_of(await coach.reply(EVE, press))

    assert "Uitleg: koffie loont." in shown.messages[0].text
    assert shown.messages[0].text.startswith("Rechts klaar: koffie, 10 deals")
    exported = json.dumps((await coach.export(EVE)).export)
    assert "Uitleg: koffie loont." in exported
    await coach.open(EVE, "kinds")  # a new conversation: the old button still shows its text
    assert "Uitleg: koffie loont." in turn_of(await coach.reply(EVE, press)).messages[0].text


async def test_continue_after_finishing_shows_how_it_ended_in_case_it_never_arrived(
    coach: Coach, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    for typed in ["koffie", "10", "3", "Rechts"]:
        await coach.reply(EVE, Incoming.text(typed))

    again = await coach.resume(EVE)

    assert again.notice == "Je hebt geen lopend gesprek. Zo eindigde je laatste gesprek:"
    assert turn_of(again).messages[-1].text.startswith("Rechts klaar: koffie, 10 deals")
    assert again.menu
    rows(
        database_url,
        "UPDATE sessions SET updated_at = :old",
        old=datetime.now(UTC) - timedelta(days=2),
    )
    later = await coach.resume(EVE)
    assert later.turn is None  # long ago: just the menu
    assert later.notice == "Je hebt geen lopend gesprek. Kies er een uit het menu."
