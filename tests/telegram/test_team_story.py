"""The whole story of a team, as its people live it, through the fake Bot API with an injected
clock: an admin makes a manager, the manager invites, two salespeople join, the manager assigns
a track with a due day, the reminder fires once the clock passes its time (and not again after a
restart), one member shares the summary and the other only that it is done, the manager is told
accordingly, and /team and the CSV show it.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.channels.telegram.app import TelegramApp as App
from bot.channels.telegram.pushes import send_due
from bot.engine.coach import Coach
from bot.store import Store, open_store
from tests.db import rows
from tests.store.test_pushes import at, pusher_for
from tests.telegram.fake_api import FakeBotAPI, Sent
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_assignments import assign_whole_team, eva_with_team, finish_track
from tests.telegram.test_teams import Clock, clock, coach, press, said, say

__all__ = ["clock", "coach"]
MONDAY, WEDNESDAY, THURSDAY = date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 10)
NEXT_MONDAY = date(2026, 12, 14)
TRACK = "Relaties, geen transacties"


async def test_admin_manager_team_assignment_reminder_finish_share_and_figures(
    api: FakeBotAPI, bot: App, coach: Coach, clock: Clock, store: Store, database_url: str
) -> None:
    clock.now = at(MONDAY, 10)
    eva, anna, bram = await eva_with_team(api)
    await assign_whole_team(api, eva, "11-12", "Succes!")  # Friday, typed the Dutch way
    await press(api, eva, "✅ Versturen")

    too_early = await send_due(pusher_for(coach, store), coach, bot.bot, at(WEDNESDAY, 17))
    anna_before = len(anna.messages)
    on_time = await send_due(pusher_for(coach, store), coach, bot.bot, at(THURSDAY, 9, 5))
    reminder = said(anna, anna_before)
    restarted = await open_store(database_url)  # a new process on the same database
    try:
        pusher = pusher_for(coach, restarted, "after-restart")
        after_restart = await send_due(pusher, coach, bot.bot, at(THURSDAY, 9, 30))
    finally:
        await restarted.close()

    await finish_track(api, coach, anna)
    seen = len(eva.messages)
    await press(api, anna, "Ook mijn samenvatting")
    eva_told_summary = said(eva, seen)
    await finish_track(api, coach, bram)
    seen = len(eva.messages)
    await press(api, bram, "Alleen dat ik klaar ben")
    eva_told_done = said(eva, seen)
    await send_due(pusher_for(coach, store), coach, bot.bot, at(NEXT_MONDAY, 9, 5))
    overdue = rows(
        database_url, "SELECT count(*) FROM deliveries WHERE kind = 'late' AND sent_at IS NOT NULL"
    )

    clock.now = at(NEXT_MONDAY, 10)
    team = "\n".join(m.text or "" for m in await _answer(api, eva, "/team"))
    [document] = await _answer(api, eva, "/team export")
    assert document.document is not None
    table = list(csv.reader(io.StringIO(document.document.decode("utf-8-sig"))))

    assert (too_early, on_time, after_restart) == (0, 2, 0)
    assert overdue == [(0,)]  # both finished before their day: no overdue reminder
    assert f"{TRACK}" in reminder
    assert "Succes!" in reminder
    assert "Anna heeft ‘Relaties, geen transacties’ afgerond en deelt de samenvatting" in (
        eva_told_summary
    )
    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in eva_told_summary
    assert "Bram deelt alleen dat het klaar is." in eva_told_done
    assert "bedanken" not in eva_told_done
    assert "Samen: 2 klaar" in team
    assert table[0] == [
        "Lid",
        "Track",
        "Opgegeven op",
        "Klaar uiterlijk",
        "Status",
        "Klaar op",
        "Gedeeld",
    ]
    shared = {row[0]: (row[1], row[3], row[6]) for row in table[1:]}
    assert shared == {
        "Anna": (TRACK, "2026-12-11", "de samenvatting"),
        "Bram": (TRACK, "2026-12-11", "alleen dat het klaar is"),
    }
    assert "bedanken" not in document.document.decode("utf-8-sig")


async def _answer(api: FakeBotAPI, user: FakeUser, text: str) -> list[Sent]:
    seen = len(user.messages)
    await say(api, user, text)
    return user.messages[seen:]
