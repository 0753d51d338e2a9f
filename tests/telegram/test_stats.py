"""/stats on Telegram: an admin gets each dialogue's figures with its funnel chart, a dialogue
without sessions says so without a chart, and a manager or salesperson is refused."""

from __future__ import annotations

from bot.channels.telegram.app import TelegramApp as App
from bot.dialogue.catalog import Catalog
from bot.engine.phrases import phrase
from bot.store import Store
from tests.engine.test_stats import NOW, known_log
from tests.telegram.fake_api import FakeBotAPI, Sent
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_teams import ADMIN, Clock, clock, coach, make_manager, say

__all__ = ["clock", "coach"]  # the fixtures: one admin from the settings, an injected clock
VISIBLE = 600  # the most a message may say


async def sent_for(api: FakeBotAPI, user: FakeUser, text: str) -> list[Sent]:
    """What the bot sent ``user`` in answer to ``text``."""
    seen = len(user.messages)
    await say(api, user, text)
    return user.messages[seen:]


async def test_an_admin_gets_the_figures_and_a_funnel_per_dialogue(
    api: FakeBotAPI, bot: App, store: Store, catalog: Catalog, database_url: str, clock: Clock
) -> None:
    known_log(database_url)
    clock.now = NOW
    ada = FakeUser(api, ADMIN, "Ada")

    text, chart = await sent_for(api, ada, "/stats channels")
    [empty] = await sent_for(api, ada, "/stats talk")
    every = await sent_for(api, ada, "/stats")
    [unknown] = await sent_for(api, ada, "/stats retired")

    assert text.text == (
        "Kanalen (channels)\n"
        "Gestart: 9 · afgerond: 3 (33%)\n"
        "Mediane duur tot het einde: 20 min\n"
        "Gestopt (of 7 dagen stil) bij:\n"
        "channels: 2 stopten hier (22%)\n"
        "product: 1 stopte hier (11%)\n"
        "focus: 1 stopte hier (11%)"
    )
    assert chart.photo is not None
    assert chart.photo.startswith(b"\x89PNG")
    assert chart.text == "Kanalen: hoeveel gesprekken elke stap bereikten (oranje: daar gestopt)"
    assert empty.photo is None
    assert empty.text == (
        "Waarom praten mensen over mijn product? (talk): nog geen gesprekken, dus nog geen cijfers."
    )
    photos = [m for m in every if m.photo is not None]
    assert len(photos) == 2  # channels and kinds have sessions; the rest say they have none
    assert len(every) - len(photos) == len(catalog.latest)  # a message per dialogue
    assert all(len(m.text or "") <= VISIBLE for m in every)
    assert unknown.text == phrase("nl", "stats_unknown")


async def test_a_manager_and_a_salesperson_are_refused(
    api: FakeBotAPI, bot: App, store: Store, database_url: str
) -> None:
    known_log(database_url)
    ada, eva, sam = (
        FakeUser(api, ADMIN, "Ada"),
        FakeUser(api, 700, "Eva"),
        FakeUser(api, 720, "Sam"),
    )
    await make_manager(api, ada, eva)
    await say(api, sam, "/start")

    for user in (eva, sam):
        for command in ("/stats", "/stats channels"):
            answer = await sent_for(api, user, command)
            assert [m.text for m in answer] == [phrase("nl", "team_only_admins")], command
