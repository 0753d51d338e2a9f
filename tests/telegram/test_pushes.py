"""Check-ins pushed, and /progress, through the real python-telegram-bot stack and the fake API.

The clock is injected into ``send_due``; nothing sleeps.
"""

from __future__ import annotations

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.pushes import send_due
from bot.engine.coach import Coach, Visitor
from bot.store import Store
from tests.db import rows
from tests.store.test_pushes import at, commit, due_day, first_working_day_from, pusher_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser


async def test_the_pushed_check_in_opens_with_one_press(
    api: FakeBotAPI, bot: App, coach: Coach, store: Store
) -> None:
    eva = FakeUser(api, 601, "Eva")
    await commit(coach, Visitor("telegram:601", "Eva"))
    day = first_working_day_from(due_day())

    sent = await send_due(pusher_for(coach, store), coach, bot.bot, at(day, 9, 15))
    again = await send_due(pusher_for(coach, store), coach, bot.bot, at(day, 9, 16))
    pushed = eva.messages[-1]
    await eva.click("Vertel hoe het ging")
    await api.settle()

    assert (sent, again) == (1, 0)
    assert pushed.text is not None
    assert pushed.text.startswith("Hoi Eva! Vandaag hoor ik graag hoe het ging")
    assert "✅ Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in pushed.text  # as typed
    assert pushed.button_labels() == ["Vertel hoe het ging"]
    opened = eva.messages[-1].text
    assert opened is not None
    assert "Is het gelukt?" in opened  # the check-in, quoting the step:
    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in opened


async def test_a_user_who_blocked_the_bot_is_recorded_and_the_others_still_get_theirs(
    api: FakeBotAPI, bot: App, coach: Coach, store: Store, database_url: str
) -> None:
    await commit(coach, Visitor("telegram:601", "Eva"))
    await commit(coach, Visitor("telegram:602", "Sam"))
    sam = FakeUser(api, 602, "Sam")
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    day = first_working_day_from(due_day())

    sent = await send_due(pusher_for(coach, store), coach, bot.bot, at(day, 10))

    assert sent == 1
    assert sam.messages[-1].button_labels() == ["Vertel hoe het ging"]
    assert rows(database_url, "SELECT failed FROM deliveries ORDER BY id") == [
        ("blocked the bot",),
        (None,),
    ]
    assert rows(database_url, "SELECT external_id, active FROM users ORDER BY id") == [
        ("telegram:601", False),
        ("telegram:602", True),
    ]


async def test_flood_control_gives_the_push_back_for_the_next_round(
    api: FakeBotAPI, bot: App, coach: Coach, store: Store
) -> None:
    eva = FakeUser(api, 601, "Eva")
    await commit(coach, Visitor("telegram:601", "Eva"))
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    day = first_working_day_from(due_day())

    first_round = await send_due(pusher_for(coach, store), coach, bot.bot, at(day, 10))
    next_round = await send_due(pusher_for(coach, store), coach, bot.bot, at(day, 10, 1))

    assert (first_round, next_round) == (0, 1)
    assert eva.messages[-1].button_labels() == ["Vertel hoe het ging"]


async def test_progress_shows_the_finished_track_and_keeps_the_question_live(
    api: FakeBotAPI, bot: App, coach: Coach
) -> None:
    eva = FakeUser(api, 601, "Eva")
    await commit(coach, Visitor("telegram:601", "Eva"))
    await coach.open(Visitor("telegram:601", "Eva"), "kinds")
    await eva.send("/progress")
    await api.settle()

    progress = eva.messages[-1].text
    assert progress is not None
    assert progress.startswith("<b>Jouw voortgang</b>")
    assert "Relaties, geen transacties: 1×" in progress
    await eva.send("koffie")  # the question asked before /progress still takes its answer
    await api.settle()
    assert eva.messages[-1].text == "Hoeveel deals per maand?"
