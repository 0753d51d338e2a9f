"""A multi-select question on Telegram: toggles edit the question in place, then Done moves on."""

from __future__ import annotations

import json

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.app import start, stop
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import Store
from tests.db import rows, track_rows
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import FakeBotAPI, Sent
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_salesperson import choose_language, step

OPTIONS = ["LinkedIn", "Instagram", "WhatsApp", "E-mail", "Beurzen en events", "Telefoon", "Geen"]


async def at_channels(api: FakeBotAPI, user: FakeUser) -> Sent:
    """The user at the channels question; returns that message."""
    await choose_language(api, user, "Nederlands")
    await step(api, user, "Kanalen", "> hydraulische slangen")
    question = user.messages[-1]
    assert question.text is not None
    assert question.text.startswith("Welke kanalen gebruik je?")
    return question


def picked(database_url: str) -> list[str]:
    """The selection in progress, as stored with the session."""
    [(answers,)] = rows(database_url, "SELECT answers FROM sessions WHERE status = 'active'")
    found = json.loads(answers) if isinstance(answers, str) else answers
    return list(found.get("_picked", {}).get("picked", []))


async def test_a_toggle_marks_the_option_on_the_same_message_and_is_stored(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4101)
    question = await at_channels(api, eva)
    assert question.button_labels() == [*OPTIONS, "Klaar"]
    assert question.text is not None
    assert question.text.endswith("<i>Tik op alles wat past en daarna op Klaar.</i>")
    sent = len(eva.messages)

    await step(api, eva, "LinkedIn", "Telefoon")

    assert len(eva.messages) == sent  # edited in place, nothing new in the chat
    assert question.button_labels() == ["✓ LinkedIn", *OPTIONS[1:5], "✓ Telefoon", "Geen", "Klaar"]
    assert question.text.startswith("Welke kanalen gebruik je?")
    assert picked(database_url) == ["linkedin", "phone"]
    assert track_rows(database_url, "SELECT count(*) FROM answers") == [(1,)]  # only the product


async def test_a_second_press_unmarks_the_option(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4102)
    question = await at_channels(api, eva)

    await step(api, eva, "Instagram", "E-mail", "✓ Instagram")

    assert question.button_labels() == [*OPTIONS[:3], "✓ E-mail", *OPTIONS[4:], "Klaar"]
    assert picked(database_url) == ["email"]


async def test_the_exclusive_option_unmarks_every_other(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4103)
    question = await at_channels(api, eva)

    await step(api, eva, "WhatsApp", "E-mail", "Geen")

    assert question.button_labels() == [*OPTIONS[:6], "✓ Geen", "Klaar"]
    assert picked(database_url) == ["none"]


async def test_done_saves_the_list_marks_the_question_and_moves_on(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4104)
    question = await at_channels(api, eva)

    await step(api, eva, "Telefoon", "LinkedIn", "Klaar")

    assert question.buttons == []
    assert question.text is not None
    assert question.text.endswith("Jouw keuze:</i> <b>LinkedIn, Telefoon</b>")
    assert eva.texts()[-2:] == ["LinkedIn dus. Mooi.", eva.messages[-1].text]
    assert (eva.messages[-1].text or "").startswith("Wat wil je oefenen? Kies er 2 of 3.")
    logged = rows(database_url, "SELECT value FROM answers WHERE key = 'channels'")
    assert [json.loads(v) if isinstance(v, str) else v for (v,) in logged] == [
        ["linkedin", "phone"]
    ]


async def test_done_with_too_few_says_why_on_the_same_message(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4105)
    question = await at_channels(api, eva)
    sent = len(eva.messages)

    await step(api, eva, "Klaar")

    why = "Je hebt nog niets gekozen. Tik op wat past en daarna op Klaar."
    assert api.answered[-1][1] == why
    assert len(eva.messages) == sent
    assert question.text is not None
    assert question.text.startswith(f"{why}\n\nWelke kanalen gebruik je?")
    assert question.button_labels() == [*OPTIONS, "Klaar"]
    assert rows(database_url, "SELECT count(*) FROM answers WHERE key = 'channels'") == [(0,)]


async def test_quick_taps_before_the_keyboard_caught_up_do_what_their_buttons_showed(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4106)
    question = await at_channels(api, eva)
    linkedin, email = question.buttons[0][0][1], question.buttons[3][0][1]

    # Three taps on the keyboard as it was shown, before any edit arrived.
    await eva.click_data(question, linkedin)
    await eva.click_data(question, email)
    await eva.click_data(question, linkedin)  # "tick on" again: it stays ticked
    await api.settle()

    assert picked(database_url) == ["linkedin", "email"]
    assert question.button_labels()[:4] == ["✓ LinkedIn", "Instagram", "WhatsApp", "✓ E-mail"]
    assert not any(text for _, text in api.answered[-3:])  # no "stale" toast


async def test_a_toggle_from_an_earlier_visit_of_the_question_is_stale(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4112)
    old = await at_channels(api, eva)
    await step(api, eva, "LinkedIn")
    instagram = old.buttons[1][0][1]
    await step(api, eva, "> /back", "> koffie")  # the product again, then the channels anew
    await step(api, eva, "Telefoon")
    sent = len(eva.messages)

    await eva.click_data(old, instagram)
    await api.settle()

    assert api.answered[-1][1] == "Die knop hoort bij een eerdere vraag. We zijn hier gebleven:"
    assert picked(database_url) == ["phone"]
    assert len(eva.messages) == sent + 1  # the question as it stands, sent once more
    assert eva.messages[-1].button_labels()[:2] == ["LinkedIn", "Instagram"]
    assert "✓ Telefoon" in eva.messages[-1].button_labels()


async def test_a_typed_list_of_names_is_the_whole_answer(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4107)
    await at_channels(api, eva)
    await step(api, eva, "Instagram")

    await step(api, eva, "> e-mail, Beurzen en events")

    assert (eva.messages[-1].text or "").startswith("Wat wil je oefenen?")
    logged = rows(database_url, "SELECT value FROM answers WHERE key = 'channels'")
    assert [json.loads(v) if isinstance(v, str) else v for (v,) in logged] == [["email", "events"]]


async def test_typed_words_that_name_no_option_say_how_to_answer(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4108)
    await at_channels(api, eva)

    await step(api, eva, "> vooral bellen")

    assert (eva.messages[-1].text or "").startswith(
        "“vooral bellen” herken ik niet als keuze. Tik op de knoppen en daarna op Klaar, of typ"
    )
    assert eva.messages[-1].button_labels() == [*OPTIONS, "Klaar"]


async def test_a_question_that_cannot_be_edited_is_sent_again(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4109)
    await at_channels(api, eva)
    sent = len(eva.messages)
    api.fail_next("editMessageText", 400, "Bad Request: message can't be edited")

    await step(api, eva, "LinkedIn")

    assert len(eva.messages) == sent + 1
    assert eva.messages[-1].button_labels()[0] == "✓ LinkedIn"
    assert picked(database_url) == ["linkedin"]


async def test_a_restart_keeps_the_selection_in_progress(
    api: FakeBotAPI, coach: Coach, store: Store
) -> None:
    eva = FakeUser(api, 4110)
    first = application_for(api, coach)
    await start(first)
    try:
        await at_channels(api, eva)
        await step(api, eva, "WhatsApp", "E-mail")
    finally:
        await stop(first)

    second = application_for(api, Coach(Engine(coach.catalog), store))  # a fresh process
    await start(second)
    try:
        await step(api, eva, "> /continue")
        await step(api, eva, "Klaar")
    finally:
        await stop(second)

    assert eva.texts()[-1].startswith("Wat wil je oefenen?")
    resumed = next(m for m in eva.messages if (m.text or "").startswith("Welkom terug!"))
    assert resumed.text is not None
    assert resumed.text.endswith("Jouw keuze:</i> <b>WhatsApp, E-mail</b>")


async def test_a_toggle_whose_edit_was_lost_is_shown_again_with_the_next_message(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 4111)
    await at_channels(api, eva)
    for _ in range(3):  # the first try and both retries
        api.fail_next("editMessageText", 502, "Bad Gateway")

    await step(api, eva, "Instagram")
    assert picked(database_url) == ["instagram"]  # stored before the reply was tried

    await step(api, eva, "> Telefoon")  # never taken as the answer: she did not see the mark
    assert eva.texts()[-1].startswith("Mijn vorige bericht is misschien niet aangekomen.")
    assert eva.messages[-1].button_labels()[:2] == ["LinkedIn", "✓ Instagram"]
    assert rows(database_url, "SELECT count(*) FROM answers WHERE key = 'channels'") == [(0,)]
