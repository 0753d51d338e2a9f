"""Text Telegram delivers but UTF-8 cannot hold (lone surrogates) never breaks a user's chat."""

from __future__ import annotations

import json

from bot.channels.telegram.app import TelegramApp as App
from tests.db import track_rows
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_robustness import at_first_question
from tests.telegram.test_salesperson import step


async def test_a_lone_surrogate_in_an_answer_is_dropped_and_replies_go_on(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 701)
    await at_first_question(api, eva)
    await step(api, eva, "Ik zorg voor lunch en een borrel", "3 · Best")

    await step(api, eva, "> Ik stelde Anna\ud800 voor aan Bert", "> /mydata")

    tip = next(t for t in eva.texts() if "Blijf verbinden" in t)
    assert "“Ik stelde Anna voor aan Bert”" in tip
    assert not any(t.startswith("Sorry") for t in eva.texts())
    document = eva.messages[-1].document
    assert document is not None
    assert json.loads(document)["sessions"][-1]["answers"]["relationships_example"] == (
        "Ik stelde Anna voor aan Bert"
    )
    assert track_rows(
        database_url, "SELECT value FROM answers WHERE key = 'relationships_example'"
    ) == [('"Ik stelde Anna voor aan Bert"',)]


async def test_a_lone_surrogate_in_a_first_name_is_dropped(api: FakeBotAPI, bot: App) -> None:
    eva = FakeUser(api, 702, "Eva\udfff")

    await step(api, eva, "> /start", "Nederlands", "> /mydata")

    assert eva.texts()[0].startswith("Hoi Eva!")
    document = eva.messages[-1].document
    assert document is not None
    assert json.loads(document)["profile"]["name"] == "Eva"
