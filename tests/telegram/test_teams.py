"""Managers, teams and invites as users see them: the real Application against the fake Bot API.

The admin is named by the deployment (``TeamRules.admin_ids``, as ``COACHBOT_ADMIN_IDS`` does);
the clock is injected, so expiry and the wrong-link window are crossed without sleeping.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.telegram.app import TelegramApp as App
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.engine.roles import TeamRules
from bot.store import Store
from tests.db import rows
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser

ADMIN = 900
TEAM_OF_ANYONE = "SELECT u.display_name FROM memberships m JOIN users u ON u.id = m.manager_id"
LINK = re.compile(r"https://t\.me/coachbot_test_bot\?start=([A-Za-z0-9_-]+)")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def coach(engine: Engine, store: Store, clock: Clock) -> Coach:
    """The coach with one admin from the deployment's settings and the test's clock."""
    rules = TeamRules(admin_ids=frozenset({f"telegram:{ADMIN}"}), clock=clock)
    return Coach(engine, store, team_rules=rules)


async def say(api: FakeBotAPI, user: FakeUser, text: str) -> str:
    """Send ``text``; the newest text the bot sent back."""
    await user.send(text)
    await api.settle()
    return last(user)


async def press(api: FakeBotAPI, user: FakeUser, label: str) -> str:
    """Press ``label``; the newest text the bot sent back."""
    await user.click(label)
    await api.settle()
    return last(user)


def last(user: FakeUser) -> str:
    return user.texts()[-1] if user.texts() else ""


def said(user: FakeUser, since: int) -> str:
    """Everything the bot sent ``user`` after their first ``since`` messages, as one text."""
    return "\n".join(m.text or "" for m in user.messages[since:])


async def make_manager(api: FakeBotAPI, admin: FakeUser, manager: FakeUser) -> None:
    await say(api, admin, f"/managers add {manager.id}")
    await say(api, manager, "/start")  # they say hello, so their name is known


async def new_invite(api: FakeBotAPI, manager: FakeUser) -> str:
    """/invite; the token in the link on the QR code's caption."""
    await say(api, manager, "/invite")
    photo = next(m for m in reversed(manager.messages) if m.photo is not None)
    match = LINK.search(photo.text or "")
    assert match is not None, photo.text
    return match[1]


async def eva_invites(api: FakeBotAPI) -> tuple[FakeUser, FakeUser, FakeUser, str]:
    """Ada (admin) makes Eva a manager, Eva makes an invite; Anna has not written yet."""
    ada, eva = FakeUser(api, ADMIN, "Ada"), FakeUser(api, 700, "Eva")
    await make_manager(api, ada, eva)
    return ada, eva, FakeUser(api, 701, "Anna"), await new_invite(api, eva)


async def join(api: FakeBotAPI, user: FakeUser, token: str, yes: str = "Ja, ik doe mee") -> str:
    await say(api, user, f"/start {token}")
    return await press(api, user, yes)


async def test_admin_makes_a_manager_who_invites_two_who_join_leave_and_are_removed(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    ada, eva = FakeUser(api, ADMIN, "Ada"), FakeUser(api, 700, "Eva")
    anna, bram = FakeUser(api, 701, "Anna"), FakeUser(api, 702, "Bram")

    added = await say(api, ada, "/managers add 700")
    told_eva = eva.texts()[-1]
    await say(api, eva, "/start")
    listed = await say(api, ada, "/managers")
    token = await new_invite(api, eva)
    photo = next(m for m in reversed(eva.messages) if m.photo is not None)
    open_list = eva.messages[-1]
    asked = await say(api, anna, f"/start {token}")
    question = anna.messages[-1].button_labels()
    joined = await press(api, anna, "Ja, ik doe mee")
    await join(api, bram, token)
    team = await say(api, eva, "/team")
    team_buttons = eva.messages[-1].button_labels()

    assert added == "700 is nu manager en kan met /invite een team uitnodigen."
    assert told_eva.startswith("Je bent nu manager in Coachbot.")
    assert "• Eva (Telegram-id 700)" in listed
    assert photo.photo is not None
    assert photo.photo.startswith(b"\x89PNG")
    assert len(token) >= 22  # 16 random bytes or more
    assert (
        open_list.text == "Open uitnodigingen: 1. Trek je er een in, dan werkt die link niet meer."
    )
    assert open_list.button_labels()[0].startswith("Intrekken: #1 (tot ")
    assert asked.startswith("Wil je bij het team van Eva?")
    assert question == ["Ja, ik doe mee", "Nee, liever niet"]
    assert "Welkom in het team van Eva!" in said(anna, 0)
    assert "In welke taal" in joined  # someone new: the language question follows
    assert "Anna zit nu in je team." in eva.texts()
    assert "Bram zit nu in je team." in eva.texts()
    assert team.startswith("Je team (2):\n• Anna: lid sinds ")
    assert "\n• Bram: lid sinds " in team
    assert "laatst actief" in team
    assert team_buttons == ["Haal Anna uit je team", "Haal Bram uit je team"]
    [(stored,)] = rows(database_url, "SELECT token_hash FROM invites")
    assert token not in stored
    assert len(stored) == 64  # only its sha256 is kept

    every_team = await say(api, ada, "/team")
    evas_team = await say(api, ada, "/team 700")
    evas_buttons = ada.messages[-1].button_labels()

    assert every_team.startswith("Alle teams (1):\n• Eva (Telegram-id 700): 2 in het team")
    assert evas_team.startswith("Het team van Eva (2):\n• Anna: lid sinds ")
    assert evas_buttons == []  # an admin sees every team, and changes none

    asked_leave = await say(api, anna, "/leave")
    left = await press(api, anna, "Ja, ik stap uit het team")
    await say(api, eva, "/team")
    confirm = await press(api, eva, "Haal Bram uit je team")
    removed = await press(api, eva, "Ja, haal uit het team")

    assert asked_leave == "Wil je het team van Eva verlaten? Eva krijgt daar bericht van."
    assert left == "Je zit niet meer in het team van Eva. Je coaching gaat gewoon door."
    assert "Anna zit niet meer in je team." in eva.texts()
    assert confirm == "Bram uit je team halen? Bram krijgt daar bericht van."
    assert removed == "Bram zit niet meer in je team."
    assert bram.texts()[-1].startswith("Eva heeft je uit het team gehaald.")
    assert rows(database_url, "SELECT count(*) FROM memberships") == [(0,)]


async def test_revoked_and_expired_invites_are_refused_with_a_clear_message(
    api: FakeBotAPI, bot: App, clock: Clock, database_url: str
) -> None:
    ada, eva, anna = (
        FakeUser(api, ADMIN, "Ada"),
        FakeUser(api, 700, "Eva"),
        FakeUser(api, 701, "Anna"),
    )
    await make_manager(api, ada, eva)
    first = await new_invite(api, eva)
    second = await new_invite(api, eva)

    revoked = await press(api, eva, eva.messages[-1].button_labels()[0])
    remaining = eva.messages[-1]
    on_revoked = await say(api, anna, f"/start {first}")
    clock.now += timedelta(days=7, minutes=1)
    await say(api, anna, f"/start {second}")
    listed = await say(api, eva, "/invite")

    assert revoked.startswith("Open uitnodigingen: 1.")
    assert "Uitnodiging #1 is ingetrokken. Die link werkt niet meer." in eva.texts()
    assert remaining.button_labels()[0].startswith("Intrekken: #2")
    assert "Deze uitnodiging is ingetrokken. Vraag je manager om een nieuwe link." in said(anna, 0)
    assert on_revoked.startswith("In welke taal")  # and, being new, the language question
    assert "Deze uitnodiging is verlopen. Vraag je manager om een nieuwe link." in said(anna, 2)
    assert "Open uitnodigingen: 1." in listed  # only the one just made: #2 expired
    assert eva.messages[-1].button_labels()[0].startswith("Intrekken: #3")
    assert rows(database_url, "SELECT count(*) FROM memberships") == [(0,)]


async def test_wrong_links_are_rate_limited_per_user(
    api: FakeBotAPI, bot: App, clock: Clock, database_url: str
) -> None:
    ada, eva = FakeUser(api, ADMIN, "Ada"), FakeUser(api, 700, "Eva")
    anna, bram = FakeUser(api, 701, "Anna"), FakeUser(api, 702, "Bram")
    await make_manager(api, ada, eva)
    token = await new_invite(api, eva)
    guesses = [f"{token[:-1]}{c}" for c in "ABCDE" if not token.endswith(c)][:5]
    guesses += ["x" * 24] * (5 - len(guesses))

    for guess in guesses:
        await say(api, anna, f"/start {guess}")
    wrong = said(anna, 0).count("Deze uitnodigingslink klopt niet.")
    seen = len(anna.messages)
    await say(api, anna, f"/start {token}")
    limited = said(anna, seen)
    others = await say(api, bram, f"/start {token}")  # another user is not held back
    clock.now += timedelta(hours=1, minutes=1)
    later = await say(api, anna, f"/start {token}")

    assert wrong == 5
    assert "Je hebt te vaak een link geopend die niet klopt." in limited
    assert "Wil je bij het team" not in limited  # not even the right link, for now
    assert others.startswith("Wil je bij het team van Eva?")
    assert later.startswith("Wil je bij het team van Eva?")
    assert rows(database_url, "SELECT count(*) FROM invite_tries") == [(0,)]  # old ones dropped


async def test_opening_a_second_teams_invite_asks_whether_to_switch(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    ada, eva, tom = (
        FakeUser(api, ADMIN, "Ada"),
        FakeUser(api, 700, "Eva"),
        FakeUser(api, 710, "Tom"),
    )
    anna = FakeUser(api, 701, "Anna")
    await make_manager(api, ada, eva)
    await make_manager(api, ada, tom)
    await join(api, anna, await new_invite(api, eva))
    toms = await new_invite(api, tom)

    asked = await say(api, anna, f"/start {toms}")
    buttons = anna.messages[-1].button_labels()
    stayed = await press(api, anna, "Nee, ik blijf")
    still = rows(database_url, TEAM_OF_ANYONE)
    await say(api, anna, f"/start {toms}")
    await press(api, anna, "Ja, ik stap over")

    assert asked.startswith(
        "Je zit nu in het team van Eva. Wil je overstappen naar het team van Tom?"
    )
    assert buttons == ["Ja, ik stap over", "Nee, ik blijf"]
    assert stayed == "Oké, er is niets veranderd."
    assert still == [("Eva",)]
    assert "Welkom in het team van Tom!" in said(anna, 0)
    assert "Anna zit niet meer in je team." in eva.texts()
    assert "Anna zit nu in je team." in tom.texts()
    assert rows(database_url, TEAM_OF_ANYONE) == [("Tom",)]


async def test_a_manager_who_blocked_the_bot_does_not_break_the_joiners_reply(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    _, eva, anna, token = await eva_invites(api)
    api.blocked.add(eva.id)

    await join(api, anna, token)

    assert "Welkom in het team van Eva!" in said(anna, 0)
    assert rows(database_url, "SELECT count(*) FROM memberships") == [(1,)]
    assert rows(database_url, "SELECT active FROM users WHERE external_id = 'telegram:700'") == [
        (False,)
    ]


async def test_an_admin_takes_the_manager_role_away_and_the_team_and_invites_end(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    ada, eva, anna, token = await eva_invites(api)
    await join(api, anna, token)

    removed = await say(api, ada, "/managers remove 700")
    again = await say(api, ada, "/managers remove 700")
    refused = await say(api, eva, "/team")
    seen = len(anna.messages)
    await say(api, anna, f"/start {token}")
    link = said(anna, seen)

    assert removed.startswith("700 is geen manager meer.")
    assert "het team (1) is opgeheven" in removed
    assert again == "700 is geen manager. Er is niets veranderd."
    assert refused.startswith("Dit is voor managers.")
    assert "Deze uitnodiging is ingetrokken." in link
    assert rows(database_url, "SELECT count(*) FROM memberships") == [(0,)]
    assert rows(database_url, "SELECT count(*) FROM invites WHERE revoked_at IS NULL") == [(0,)]


async def test_in_english_the_invite_and_the_join_speak_english(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    ada, eva = FakeUser(api, ADMIN, "Ada", "en"), FakeUser(api, 700, "Eva", "en")
    sam = FakeUser(api, 703, "Sam", "en")
    await say(api, eva, "/start")
    await press(api, eva, "English")
    await say(api, sam, "/start")
    await press(api, sam, "English")
    await say(api, ada, f"/managers add {eva.id}")
    token = await new_invite(api, eva)
    caption = next(m.text for m in reversed(eva.messages) if m.photo is not None)

    asked = await say(api, sam, f"/start {token}")
    buttons = sam.messages[-1].button_labels()
    await press(api, sam, "Yes, I'll join")
    team = await say(api, eva, "/team")

    assert caption is not None
    assert caption.startswith("Here's your invite. Send the link to your team")
    assert asked.startswith("Would you like to join Eva's team?")
    assert buttons == ["Yes, I'll join", "No, thanks"]
    assert "Welcome to Eva's team!" in said(sam, 0)
    assert "Sam is now in your team." in eva.texts()
    assert team.startswith("Your team (1):\n• Sam: member since ")


async def test_words_team_and_managers_do_not_take_are_named_with_the_ones_they_do(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    ada, eva, _, _ = await eva_invites(api)
    before = rows(database_url, "SELECT user_id, role FROM roles ORDER BY user_id")

    manager_typo = await say(api, eva, "/team grafiek")
    admin_typo = await say(api, ada, "/team <b>overzicht</b>")
    not_an_id = await say(api, ada, "/managers add @eva")

    assert manager_typo.startswith("‘grafiek’ ken ik niet bij /team.")
    assert "/team chart voor een grafiek of /team export" in manager_typo
    assert "beheerder" not in manager_typo  # not "only an admin can do this"
    assert admin_typo.startswith("‘&lt;b&gt;overzicht&lt;/b&gt;’ ken ik niet bij /team.")
    assert "/team &lt;telegram-id&gt;" in admin_typo
    assert not_an_id.startswith("‘/managers add @eva’ begrijp ik niet. Maak iemand manager met")
    assert "Het id is een getal" in not_an_id
    assert rows(database_url, "SELECT user_id, role FROM roles ORDER BY user_id") == before
