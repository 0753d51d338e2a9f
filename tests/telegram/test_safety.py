"""What users send is shown as text, never as markup; what they did not press changes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.app import start, stop
from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import Store
from tests.conftest import PROMPTS
from tests.db import rows, track_rows
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_robustness import at_first_question
from tests.telegram.test_salesperson import choose_language, step

ODD_LABEL = "Koffie <3 & <i>thee</i>"
ODD = {
    "id": "odd",
    "title": {"nl": "Vreemde knop", "en": "Odd button"},
    "description": {"nl": "Tekens", "en": "Characters"},
    "start": "pick",
    "nodes": {
        "pick": {
            "type": "choice",
            "text": {"nl": "Wat drink je?", "en": "What do you drink?"},
            "save": "drink",
            "options": [
                {"value": "odd", "label": {"nl": ODD_LABEL, "en": ODD_LABEL}},
                {"value": "water", "label": {"nl": "Water", "en": "Water"}},
            ],
            "next": "done",
        },
        "done": {"type": "end", "text": {"nl": "Proost.", "en": "Cheers."}},
    },
}


@pytest.fixture
async def odd_bot(api: FakeBotAPI, store: Store, tmp_path: Path) -> AsyncIterator[App]:
    """The bot serving one dialogue whose button label looks like markup."""
    (tmp_path / "odd.yaml").write_text(json.dumps(ODD), encoding="utf-8")
    catalog = load_catalog([tmp_path], PROMPTS)
    assert not catalog.broken, catalog.problems
    application = application_for(api, Coach(Engine(catalog), store))
    await start(application)
    yield application
    await stop(application)


async def test_a_first_name_that_looks_like_markup_is_shown_as_text(
    api: FakeBotAPI, bot: App
) -> None:
    mallory = FakeUser(api, 1701, "<b>Mal</b> & <a href='x'>co</a>")

    await step(api, mallory, "> /start")

    welcome = mallory.texts()[0]
    assert welcome.startswith("Hoi &lt;b&gt;Mal&lt;/b&gt; &amp; &lt;a href='x'&gt;co&lt;/a&gt;!")


async def test_a_chosen_label_that_looks_like_markup_is_shown_as_text(
    api: FakeBotAPI, odd_bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 1702)
    await choose_language(api, eva, "Nederlands")
    await step(api, eva, "Vreemde knop")
    question = eva.messages[-1]

    await step(api, eva, ODD_LABEL)

    assert question.text is not None
    assert question.text.endswith("<b>Koffie &lt;3 &amp; &lt;i&gt;thee&lt;/i&gt;</b>")
    assert not any(t.startswith("Sorry") for t in eva.texts())
    assert track_rows(database_url, "SELECT value FROM answers") == [('"odd"',)]


async def test_an_edited_message_is_not_a_new_answer(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 1703)
    await at_first_question(api, eva)
    await step(api, eva, "Ik zorg voor lunch en een borrel", "3 · Best")
    sent = len(eva.messages)
    edited: dict[str, Any] = eva.message_update("Anna en Bert")
    edited["edited_message"] = {**edited.pop("message"), "edit_date": 1}

    await api.queue(edited)
    await api.settle()

    assert len(eva.messages) == sent  # no reply at all
    assert track_rows(database_url, "SELECT key FROM answers ORDER BY id") == [
        ("thanks",),
        ("relationships",),
    ]


async def test_a_stale_press_leaves_the_old_question_as_it_was(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 1704)
    await at_first_question(api, eva)
    question = eva.messages[-1]
    other = question.buttons[2][0][1]
    await step(api, eva, "Ik zorg voor lunch en een borrel")
    shown = question.text

    await eva.click_data(question, other)  # a second button of the answered question
    await api.settle()

    assert question.text == shown  # not marked with a second "your choice"
    assert track_rows(database_url, "SELECT count(*) FROM answers") == [(1,)]


async def test_a_button_of_an_abandoned_session_at_the_same_step_changes_nothing(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 1705)
    await at_first_question(api, eva)
    old = eva.messages[-1]
    await step(api, eva, "> /restart")  # a new session, again at step 0

    await eva.click_data(old, old.buttons[1][0][1])
    await api.settle()

    assert api.answered[-1][1] == "Die knop hoort bij een eerdere vraag. We zijn hier gebleven:"
    assert track_rows(database_url, "SELECT count(*) FROM answers") == [(0,)]


async def test_a_forged_check_in_is_politely_not_available(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 1706)
    await choose_language(api, eva, "Nederlands")

    await eva.click_data(eva.messages[-1], "m:checkin")
    await api.settle()
    await eva.click_data(eva.messages[-1], "c:checkin:1")
    await api.settle()

    texts = eva.texts()
    assert texts[-1].startswith("Dat gesprek bestaat niet.")
    assert texts[-2].startswith("Dat gesprek bestaat niet.")
    assert track_rows(database_url, "SELECT count(*) FROM sessions") == [(0,)]


async def test_a_user_who_comes_back_after_blocking_is_active_again(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 1707)
    await step(api, eva, "> /start")
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await step(api, eva, "> /help")
    assert rows(database_url, "SELECT active FROM users") == [(0,)]

    await step(api, eva, "Nederlands")

    assert rows(database_url, "SELECT active FROM users") == [(1,)]
