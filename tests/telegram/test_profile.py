"""The profile on Telegram: asked right after the first language choice, again by /profile,
skippable, and stored (through the real Application against the fake Bot API)."""

from __future__ import annotations

from bot.channels.telegram.app import TelegramApp as App
from tests.db import rows
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_salesperson import step

CONSUMER = [
    "Aan consumenten",
    "> Keukens op maat",
    "Vanaf kantoor: telefoon en online",
    "Korter dan 2 jaar",
    "Instagram",
    "E-mail",
    "Klaar",
]


def profiles(database_url: str) -> list[tuple[object, ...]]:
    return rows(database_url, "SELECT market, product, role, experience, channels FROM profiles")


async def test_the_first_language_choice_is_followed_by_the_profile(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 901, "Eva")

    await step(api, eva, "> /start", "Nederlands")

    asked = eva.messages[-1]
    assert asked.text is not None
    assert asked.text.startswith("Prima, we praten Nederlands.\n\nEerst vijf korte vragen")
    assert asked.button_labels() == ["Aan bedrijven (B2B)", "Aan consumenten", "Sla maar over"]
    await step(api, eva, *CONSUMER)

    texts = eva.texts()
    summary = next(t for t in texts if t.startswith("Dank je, dat helpt!"))
    assert "je verkoopt aan consumenten: Keukens op maat" in summary
    assert "klanten bereik je via Instagram en e-mail" in summary
    assert "Klaar!" not in summary  # not a track: no "finished" line
    assert texts[-1] == "Kies een gesprek:"  # the menu follows
    assert "Jouw profiel" not in eva.messages[-1].button_labels()  # not a track in the menu
    assert profiles(database_url) == [
        ("consumer", "Keukens op maat", "inside", "under_2", '["instagram", "email"]')
    ]


async def test_profile_asks_again_and_replaces_the_stored_one(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 902, "Eva")
    await step(api, eva, "> /start", "Nederlands", *CONSUMER)

    await step(api, eva, "> /profile")

    assert "Aan wie verkoop je vooral?" in eva.texts()[-1]
    await step(
        api,
        eva,
        "Aan bedrijven (B2B)",
        "> Hydraulische slangen",
        "Bij de klant: ik ben veel onderweg",
        "Meer dan 10 jaar",
        "Geen van deze",
        "Klaar",
    )
    assert profiles(database_url) == [
        ("b2b", "Hydraulische slangen", "field", "over_10", '["none"]')
    ]


async def test_a_skipped_profile_is_not_asked_again_by_itself(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    sam = FakeUser(api, 903, "Sam", "en")
    await step(api, sam, "> /start", "English")

    await step(api, sam, "Skip for now")

    texts = sam.texts()
    assert texts[-2].startswith("Fine, we'll skip it.")
    assert "/profile" in texts[-2]
    assert texts[-1] == "Choose a conversation:"
    assert profiles(database_url) == []
    await step(api, sam, "> /language", "Nederlands")
    assert sam.texts()[-1] == "Prima, we praten Nederlands.\n\nKies een gesprek:"
    assert sum("Who do you mostly sell to?" in t for t in sam.texts()) == 1


async def test_the_language_pressed_again_while_the_profile_waits_shows_the_profile(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    # After a crash the first press may be handled without its reply reaching the user, who
    # presses again: the profile opened by the first press must not be left waiting unseen,
    # or /continue after their first track would drag them back to it.
    eva = FakeUser(api, 904, "Eva")
    await step(api, eva, "> /start")
    asked = eva.messages[-1]
    dutch = next(data for row in asked.buttons for label, data in row if label == "Nederlands")
    await step(api, eva, "Nederlands")
    await eva.click_data(asked, dutch)  # the same button again, as if nothing had come back
    await api.settle()

    again = eva.texts()[-1]
    assert "Aan wie verkoop je vooral?" in again
    assert eva.messages[-1].button_labels() == [
        "Aan bedrijven (B2B)",
        "Aan consumenten",
        "Sla maar over",
    ]
    await step(api, eva, "Sla maar over", "> /continue")
    assert "Aan wie verkoop je vooral?" not in eva.texts()[-1]
    assert rows(database_url, "SELECT count(*) FROM sessions WHERE status = 'active'") == [(0,)]
