"""A team's figures on Telegram: /team's counts, the chart for a big team, /team chart and
/team export, for the manager and for an admin; the real Application against the fake Bot API."""

from __future__ import annotations

import csv
import io

from bot.channels.telegram.app import TelegramApp as App
from bot.dialogue.catalog import Catalog
from bot.store import Store
from bot.store.base import Transaction
from tests.engine.test_team_figures import NOW, SECRET, assign, known_assignments, make_team
from tests.telegram.fake_api import FakeBotAPI, Sent
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_teams import ADMIN, Clock, clock, coach, say

__all__ = ["clock", "coach"]  # the fixtures: one admin from the settings, an injected clock
NINE = ["Anna", "Bram", "Cas", "Dirk", "Els", "Fien", "Gijs", "Hans", "Ilse"]


def photos(user: FakeUser, since: int) -> list[Sent]:
    return [m for m in user.messages[since:] if m.photo is not None]


async def sent_for(api: FakeBotAPI, user: FakeUser, text: str) -> list[Sent]:
    """What the bot sent ``user`` in answer to ``text``."""
    seen = len(user.messages)
    await say(api, user, text)
    return user.messages[seen:]


async def test_a_manager_reads_the_counts_and_gets_the_chart_and_the_file(
    api: FakeBotAPI, bot: App, store: Store, catalog: Catalog, clock: Clock
) -> None:
    clock.now = NOW
    await store.write(lambda tx: known_assignments(tx, catalog))
    eva = FakeUser(api, 700, "Eva")

    team = await say(api, eva, "/team")
    buttons = eva.messages[-1].button_labels()
    chart = await sent_for(api, eva, "/team chart")
    [document] = await sent_for(api, eva, "/team export")

    assert team.startswith("Je team (3):\n• Anna: lid sinds 2-3-2026, laatst actief ")
    assert "\n   1 klaar · 1 bezig · 1 open · 1 te laat\n" in team
    assert "\n• Cas ⛔: lid sinds" in team
    assert "Samen: 1 klaar · 2 bezig · 3 open · 1 te laat" in team
    assert "Stuur /team chart voor een grafiek of /team export voor een CSV-bestand." in team
    assert buttons == ["Haal Anna uit je team", "Haal Bram uit je team", "Haal Cas uit je team"]
    assert photos(eva, 0)[:-1] == []  # three members: /team itself sent no chart
    assert len(chart) == 1  # the photo alone, no text before it
    assert chart[0].photo is not None
    assert chart[0].photo.startswith(b"\x89PNG")
    assert chart[0].text == "Team van Eva: opdrachten op 2-3-2026"
    assert document.document is not None
    assert document.filename == "team-700-2026-03-02.csv"
    assert document.text is not None
    assert document.text.startswith("De opdrachten van het team")
    table = list(csv.reader(io.StringIO(document.document.decode("utf-8-sig"))))
    assert len(table) == 9
    assert SECRET not in document.document.decode("utf-8-sig")


async def test_a_team_of_nine_gets_its_chart_with_team_and_three_do_not(
    api: FakeBotAPI, bot: App, store: Store, clock: Clock
) -> None:
    clock.now = NOW

    def teams(tx: Transaction) -> None:
        nine = make_team(tx, NINE)
        for name in NINE:
            assign(tx, nine, name, "talk", 7)
        three = make_team(tx, ["Jan", "Kim", "Lot"], manager=800, name="Tom")
        assign(tx, three, "Jan", "talk", -1)

    await store.write(teams)
    eva, tom = FakeUser(api, 700, "Eva"), FakeUser(api, 800, "Tom")

    big = await say(api, eva, "/team")
    small = await say(api, tom, "/team")

    [chart] = photos(eva, 0)
    assert chart.photo is not None
    assert chart.photo.startswith(b"\x89PNG")
    assert big.startswith("Team van Eva: opdrachten op 2-3-2026")  # the photo comes last
    assert any(t.startswith("Je team (9):") for t in eva.texts())
    assert photos(tom, 0) == []
    assert small.startswith("Je team (3):")


async def test_an_admin_sees_the_same_figures_and_file_of_a_team(
    api: FakeBotAPI, bot: App, store: Store, catalog: Catalog, clock: Clock
) -> None:
    clock.now = NOW
    await store.write(lambda tx: known_assignments(tx, catalog))
    ada = FakeUser(api, ADMIN, "Ada")

    team = await say(api, ada, "/team 700")
    buttons = ada.messages[-1].button_labels()
    [document] = await sent_for(api, ada, "/team 700 export")

    assert team.startswith("Het team van Eva (3):\n• Anna: lid sinds ")
    assert "Samen: 1 klaar · 2 bezig · 3 open · 1 te laat" in team
    assert "Stuur /team 700 chart voor een grafiek" in team
    assert buttons == []
    assert document.document is not None
    assert len(list(csv.reader(io.StringIO(document.document.decode("utf-8-sig"))))) == 9


async def test_a_long_team_is_split_into_phone_sized_messages(
    api: FakeBotAPI, bot: App, store: Store, clock: Clock
) -> None:
    clock.now = NOW
    names = [f"Verkoper met een lange naam nummer {n:03}" for n in range(120)]
    await store.write(lambda tx: make_team(tx, names))
    eva = FakeUser(api, 700, "Eva")

    await say(api, eva, "/team")

    texts = eva.texts()
    assert len(texts) >= 3
    assert all(len(t) <= 3500 for t in texts)
    assert sum(t.count("\n• ") + t.startswith("• ") for t in texts) == 120
    assert len(eva.messages[-1].button_labels()) == 90  # on the last one, as before
    assert photos(eva, 0) == []  # nothing assigned: nothing to draw
