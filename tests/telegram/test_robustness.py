"""What goes wrong on phones and networks: stale and double taps, stickers, floods, restarts."""

from __future__ import annotations

import json
import logging
import socket

import aiohttp
import pytest

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.app import Webhook, start, stop
from bot.channels.telegram.limits import split_text
from bot.engine.coach import Coach
from tests.db import rows, track_rows
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_salesperson import choose_language, step

QUESTION = "Hoe bedank je die?"


async def at_first_question(api: FakeBotAPI, user: FakeUser) -> None:
    await choose_language(api, user, "Nederlands")
    await step(api, user, "Relaties, geen transacties")


def answer_count(database_url: str) -> int:
    return int(str(track_rows(database_url, "SELECT count(*) FROM answers")[0][0]))


async def test_an_older_questions_button_changes_nothing(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 601)
    await at_first_question(api, eva)
    question = eva.messages[-1]
    old_data = question.buttons[0][0][1]
    await step(api, eva, "Ik zorg voor lunch en een borrel")
    before = answer_count(database_url)

    await eva.click_data(question, old_data)
    await api.settle()

    assert answer_count(database_url) == before
    assert api.answered[-1][1] == "Die knop hoort bij een eerdere vraag. We zijn hier gebleven:"
    assert eva.messages[-1].text is not None
    assert eva.messages[-1].text.startswith(
        "<b>Ladder 1: relaties bouwen.</b>"
    )  # the current question again


async def test_a_double_tap_counts_once(api: FakeBotAPI, bot: App, database_url: str) -> None:
    eva = FakeUser(api, 602)
    await at_first_question(api, eva)
    question = eva.messages[-1]
    data = question.buttons[1][0][1]

    await eva.click_data(question, data)
    await eva.click_data(question, data)
    await api.settle()

    assert track_rows(database_url, "SELECT key, value FROM answers") == [("thanks", '"lunch"')]
    assert api.answered[-1][1] == "Die knop hoort bij een eerdere vraag. We zijn hier gebleven:"


async def test_a_forged_button_is_refused(
    api: FakeBotAPI, bot: App, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    eva = FakeUser(api, 603)
    await at_first_question(api, eva)

    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram.channel"):
        await eva.click_data(eva.messages[-1], "a:999999:0:'; DROP TABLE users;--")
        await api.settle()

    assert answer_count(database_url) == 0
    assert api.answered[-1][1] == "Die knop kan ik niet verwerken. Hier is waar we gebleven waren."
    assert "malformed or forged button" in caplog.text
    assert QUESTION in (eva.messages[-1].text or "")


@pytest.mark.parametrize(
    ("action", "explanation"),
    [
        ("sticker", "Dat kan ik niet lezen. Stuur je antwoord als tekst of kies een knop."),
        ("text", "Kies een van de knoppen hieronder (of typ precies de tekst van een knop)."),
    ],
)
async def test_a_sticker_or_text_where_buttons_are_expected(
    api: FakeBotAPI, bot: App, database_url: str, action: str, explanation: str
) -> None:
    eva = FakeUser(api, 604)
    await at_first_question(api, eva)

    await (eva.send_sticker() if action == "sticker" else eva.send("geen idee"))
    await api.settle()

    # The reason and the question again, in one message.
    assert eva.texts()[-1].startswith(explanation + "\n\n")
    assert QUESTION in eva.texts()[-1]
    assert eva.messages[-1].buttons  # asked again, with its buttons
    assert answer_count(database_url) == 0


async def test_ten_thousand_characters_and_html_in_an_answer(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 605)
    await at_first_question(api, eva)
    await step(api, eva, "Ik zorg voor lunch en een borrel", "3 · Best")

    await step(api, eva, "> " + "x" * 10_000)
    too_long = eva.texts()[-1].split("\n\n")[0]
    await step(api, eva, "> Ik stelde <b>Anna</b> & </code> Bert voor")

    assert (
        too_long
        == "Dat is te lang: maximaal 500 tekens (nu 10000). Maak het korter en stuur het opnieuw."
    )
    tip = next(t for t in eva.texts() if "Blijf verbinden" in t)
    assert "“Ik stelde &lt;b&gt;Anna&lt;/b&gt; &amp; &lt;/code&gt; Bert voor”" in tip
    assert track_rows(
        database_url, "SELECT value FROM answers WHERE key = 'relationships_example'"
    ) == [('"Ik stelde <b>Anna</b> & </code> Bert voor"',)]


async def test_a_restart_in_the_middle_continues_at_the_same_question(
    api: FakeBotAPI, coach: Coach
) -> None:
    eva = FakeUser(api, 606)
    first = application_for(api, coach)
    await start(first)
    await at_first_question(api, eva)
    await step(api, eva, "Ik zorg voor lunch en een borrel")
    await stop(first)

    second = application_for(api, coach)
    await start(second)
    try:
        await step(api, eva, "> /continue")
    finally:
        await stop(second)

    assert eva.texts()[-1].startswith(
        "Welkom terug! We gaan verder waar je was gebleven.\n\n<b>Ladder 1: relaties bouwen.</b>"
    )
    assert eva.messages[-1].button_labels() == ["1 · Basis", "2 · Beter", "3 · Best"]


async def test_the_same_update_delivered_twice_is_handled_once(
    api: FakeBotAPI, bot: App, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    eva = FakeUser(api, 607)
    await at_first_question(api, eva)
    update = await eva.click("Ik zorg voor lunch en een borrel")
    await api.settle()
    sent, delivered = len(eva.messages), api.delivered

    with caplog.at_level(logging.INFO, logger="bot.channels.telegram.channel"):
        await eva.resend(update)
        await api.settle()

    assert api.delivered == delivered + 1  # the bot really fetched it a second time
    assert f"update={update['update_id']} duplicate=skipped" in caplog.text
    assert len(eva.messages) == sent
    assert answer_count(database_url) == 1


async def test_flood_control_waits_for_retry_after_and_delivers(api: FakeBotAPI, bot: App) -> None:
    eva = FakeUser(api, 608)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    await eva.send("/help")
    await api.settle(quiet=1.5)

    attempts = api.calls_of("sendMessage")
    assert len(attempts) == 2  # refused once, then sent after waiting
    assert attempts[1].at - attempts[0].at >= 1.0  # as long as Telegram asked
    assert eva.texts()[-1].startswith("Zo werkt het:")
    for command in ["/progress", "/leave", "/invite", "/team", "/managers"]:
        assert command in eva.texts()[-1]  # every command a user might need is named


async def test_a_user_who_blocked_the_bot_is_marked_inactive(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 609)
    await eva.send("/start")
    await api.settle()
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    await eva.send("/help")
    await api.settle()

    assert rows(database_url, "SELECT active FROM users") == [(0,)]


async def test_mydata_then_forget_leaves_no_row_of_the_user(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 610)
    bas = FakeUser(api, 611, "Bas")
    for user in (bas, eva):  # both finish a track: sessions, answers and a commitment each
        await at_first_question(api, user)
        await step(api, user, "Ik zorg voor lunch en een borrel", "2 · Beter", "1 · Basis")
        await step(api, user, "3 · Best", "> Elke week één klant bedanken", "> over 7 dagen")
        await step(api, user, "> Als het druk wordt, doe ik het 's ochtends", "4")
    await step(api, eva, "> /mydata")
    document = eva.messages[-1]

    await step(api, eva, "> /forget", "Ja, wis alles")

    assert document.document is not None
    data = json.loads(document.document)
    assert data["profile"]["name"] == "Eva"
    assert data["sessions"][-1]["answers"]["thanks"] == "lunch"
    [commitment] = [c["text"] for c in data["commitments"]]
    assert commitment.startswith("Elke week één klant bedanken (")  # with its day
    assert eva.texts()[-1] == "Alles is gewist. Stuur /start als je ooit opnieuw wilt beginnen."
    [(bas_id,)] = rows(database_url, "SELECT id FROM users")
    for table in ("sessions", "commitments"):
        left = rows(database_url, f"SELECT DISTINCT user_id FROM {table}")
        assert left == [(bas_id,)], table
    logged = rows(
        database_url,
        "SELECT DISTINCT s.user_id FROM answers a JOIN sessions s ON a.session_id = s.id",
    )
    assert logged == [(bas_id,)]
    assert track_rows(database_url, "SELECT count(*) FROM answers") == [(17,)]  # all Bas's


def test_long_texts_are_split_at_paragraph_boundaries() -> None:
    paragraphs = [f"Alinea {n}: " + " ".join(["woord"] * 150) for n in range(12)]

    pieces = split_text("\n\n".join(paragraphs))

    assert all(len(piece) <= 4096 for piece in pieces)
    assert len(pieces) > 1
    assert all(piece.startswith("Alinea") for piece in pieces)
    assert "\n\n".join(pieces) == "\n\n".join(paragraphs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_serves_the_path_of_its_url_and_checks_the_secret(
    api: FakeBotAPI, coach: Coach
) -> None:
    port = free_port()
    public = "https://coach.example.com/hooks/coachbot-7f3a"
    hook = Webhook(public, "s3cret-token", "127.0.0.1", port)
    application = application_for(api, coach)
    await start(application, hook)
    eva = FakeUser(api, 613)
    local = f"http://127.0.0.1:{port}"
    attempts = [
        ("/hooks/coachbot-7f3a", None),
        ("/hooks/coachbot-7f3a", "wrong"),
        ("/telegram", "s3cret-token"),  # python-telegram-bot's default path: not ours
        ("/hooks/coachbot-7f3a", "s3cret-token"),
    ]
    try:
        async with aiohttp.ClientSession() as http:
            statuses = []
            for path, secret in attempts:
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                update = eva.message_update("/help")
                async with http.post(local + path, json=update, headers=headers) as response:
                    statuses.append(response.status)
        await api.settle()
    finally:
        await stop(application)

    assert api.webhook is not None
    assert api.webhook["url"] == public
    assert api.webhook["secret_token"] == "s3cret-token"
    assert statuses == [403, 403, 404, 200]
    assert len(eva.texts()) == 1
    assert eva.texts()[0].startswith("Zo werkt het:")


async def test_one_users_updates_are_handled_in_order(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 614)
    await at_first_question(api, eva)

    # Both typed answers arrive in one batch; the second only fits the question after the first.
    await eva.send("Ik zorg voor lunch en een borrel")
    await eva.send("2 · Beter")
    await api.settle()

    assert track_rows(database_url, "SELECT key, value FROM answers ORDER BY id") == [
        ("thanks", '"lunch"'),
        ("relationships", 2),
    ]


async def test_a_reply_that_could_not_be_sent_comes_back_with_the_next_message(
    api: FakeBotAPI, bot: App, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    eva = FakeUser(api, 615)
    await at_first_question(api, eva)
    api.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    api.fail_next("sendMessage", 500, "Internal Server Error")

    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram.channel"):
        await step(api, eva, "Ik zorg voor lunch en een borrel")
    assert not any("Ladder 1" in t for t in eva.texts())  # the next question never arrived
    assert track_rows(database_url, "SELECT key FROM answers") == [("thanks",)]  # but it was saved
    assert "reply not delivered" in caplog.text

    # Whatever she types next is not taken as the answer to a question she never saw.
    await step(api, eva, "> hallo?")
    assert eva.texts()[-1].startswith("Mijn vorige bericht is misschien niet aangekomen.")
    assert "<b>Ladder 1: relaties bouwen.</b>" in eva.texts()[-1]
    assert track_rows(database_url, "SELECT key FROM answers") == [("thanks",)]
    await step(api, eva, "2 · Beter")  # and then it goes on as normal
    assert track_rows(database_url, "SELECT key FROM answers ORDER BY id") == [
        ("thanks",),
        ("relationships",),
    ]


async def test_the_command_list_is_set_in_dutch_and_english(api: FakeBotAPI, bot: App) -> None:
    calls = api.calls_of("setMyCommands")

    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_language) == {"nl", "en", None}
    assert {"command": "menu", "description": "Kies een gesprek"} in by_language["nl"]
    assert {"command": "forget", "description": "Erase all your data"} in by_language["en"]


async def test_a_button_of_a_finished_session_changes_nothing(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 616)
    await choose_language(api, eva, "Nederlands")
    await step(
        api,
        eva,
        "Welk onderdeel past bij mij?",
        "Weten waar we voor staan",
        "Ik post eigen berichten",
    )
    go = eva.messages[-1]
    later = go.buttons[1][0][1]
    await step(api, eva, "Later")  # the entry dialogue is finished

    await eva.click_data(go, later)
    await api.settle()

    assert api.answered[-1][1] == "Die knop hoort bij een eerdere vraag. We zijn hier gebleven:"
    assert track_rows(database_url, "SELECT status FROM sessions") == [("completed",)]
    assert (
        eva.texts()[-1]
        == "Je hebt geen lopend gesprek. Kies er een uit het menu.\n\nKies een gesprek:"
    )


async def test_a_summary_that_never_arrived_comes_with_continue(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 617)
    await at_first_question(api, eva)
    await step(api, eva, "Ik zorg voor lunch en een borrel", "2 · Beter", "1 · Basis")
    await step(api, eva, "3 · Best", "> Elke week één klant bedanken", "> over 7 dagen")
    await step(api, eva, "> Als het druk wordt, doe ik het 's ochtends")
    api.fail_next("sendMessage", 500, "Internal Server Error")  # the summary is lost
    await step(api, eva, "4")
    assert not any("Afgesproken" in t for t in eva.texts())

    await step(api, eva, "> /continue")

    assert any(t.startswith("Je hebt geen lopend gesprek. Zo eindigde") for t in eva.texts())
    assert any("Afgesproken" in t for t in eva.texts())
    assert eva.messages[-1].text == "Kies een gesprek:"
