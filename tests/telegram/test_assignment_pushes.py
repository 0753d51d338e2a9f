"""An assignment's reminder and its manager's notice through the real python-telegram-bot stack.

The clock is injected into ``send_due``; nothing sleeps.
"""

from __future__ import annotations

from datetime import timedelta

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.pushes import send_due
from bot.engine.coach import Coach
from bot.store import Store
from tests.db import rows
from tests.store.test_assignment_pushes import FRIDAY, MONDAY, assign, finish_track
from tests.store.test_pushes import at, pusher_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser

THURSDAY = FRIDAY - timedelta(days=1)


async def test_the_reminder_opens_the_track_with_one_press(
    api: FakeBotAPI, bot: App, coach: Coach, store: Store
) -> None:
    eva = FakeUser(api, 601, "Eva")
    await assign(store, FRIDAY, at(MONDAY, 10), note="Vooral de laatste vraag!")

    sent = await send_due(pusher_for(coach, store), coach, bot.bot, at(THURSDAY, 9, 15))
    again = await send_due(pusher_for(coach, store), coach, bot.bot, at(THURSDAY, 9, 16))
    reminder = eva.messages[-1]
    await eva.click("Nu beginnen")
    await api.settle()

    assert (sent, again) == (1, 0)
    assert reminder.text is not None
    assert reminder.text.startswith("Hoi Eva! Een kleine herinnering: Tom vroeg je om")
    assert "Tom schreef erbij: “Vooral de laatste vraag!”" in reminder.text
    assert reminder.buttons == [[("Nu beginnen", "m:talk")]]
    assert any("Om te beginnen: wat verkoop je?" in text for text in eva.texts())


async def test_the_manager_is_told_of_a_finish_with_two_buttons(
    api: FakeBotAPI, bot: App, coach: Coach, store: Store
) -> None:
    tom = FakeUser(api, 501, "Tom")
    made = await assign(store, FRIDAY, at(MONDAY, 10))
    await finish_track(store, made, at(MONDAY, 14))

    early = await send_due(pusher_for(coach, store), coach, bot.bot, at(MONDAY, 14, 30))
    sent = await send_due(pusher_for(coach, store), coach, bot.bot, at(MONDAY, 15, 1))

    assert (early, sent) == (0, 1)
    notice = tom.messages[-1]
    assert notice.text is not None
    assert notice.text.startswith("Eva heeft <b>Waarom praten mensen over mijn product?</b>")
    assert notice.buttons == [
        [("👏 Goed gedaan", f"t:well:{made.id}")],
        [("✍️ Stuur een berichtje", f"t:rnote:{made.id}")],
    ]


async def test_a_member_who_blocked_the_bot_is_recorded_and_the_others_still_get_theirs(
    api: FakeBotAPI, bot: App, coach: Coach, store: Store, database_url: str
) -> None:
    await assign(store, FRIDAY, at(MONDAY, 10))
    await assign(store, FRIDAY, at(MONDAY, 10), member=("telegram:602", "Sam"))
    sam = FakeUser(api, 602, "Sam")
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    sent = await send_due(pusher_for(coach, store), coach, bot.bot, at(THURSDAY, 10))

    assert sent == 1
    assert sam.messages[-1].button_labels() == ["Nu beginnen"]
    assert rows(database_url, "SELECT failed FROM deliveries WHERE kind = 'soon' ORDER BY id") == [
        ("blocked the bot",),
        (None,),
    ]
    assert rows(database_url, "SELECT external_id, active FROM users ORDER BY id") == [
        ("telegram:501", True),
        ("telegram:601", False),
        ("telegram:602", True),
    ]
