"""A salesperson on Telegram: the real python-telegram-bot Application against a fake Bot API."""

from __future__ import annotations

from bot.channels.telegram.app import TelegramApp as App
from tests.db import rows, track_rows
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser

SKIP_PROFILE = ("Sla maar over", "Skip for now")


async def choose_language(api: FakeBotAPI, user: FakeUser, label: str) -> None:
    """/start, the language, and past the profile questions (skipped) if they are asked."""
    await user.send("/start")
    await api.settle()
    await user.click(label)
    await api.settle()
    skip = [b for b in user.messages[-1].button_labels() if b in SKIP_PROFILE]
    if skip:
        await user.click(skip[0])
        await api.settle()


async def step(api: FakeBotAPI, user: FakeUser, *actions: str) -> None:
    """Each action is a button label to press, or text to type when it starts with '>'."""
    for action in actions:
        if action.startswith(">"):
            await user.send(action[1:].strip())
        else:
            await user.click(action)
        await api.settle()


async def test_start_asks_the_language_once_then_shows_the_menu(api: FakeBotAPI, bot: App) -> None:
    eva = FakeUser(api, 501, "Eva")

    await choose_language(api, eva, "Nederlands")
    await eva.send("/start")
    await api.settle()

    texts = eva.texts()
    assert texts[0].startswith("Hoi Eva!")
    assert "\n\nIn welke taal wil je coaching? / Which language would you like?" in texts[0]
    assert texts[0].endswith("Jouw keuze:</i> <b>Nederlands</b>")
    assert texts[1].startswith("Prima, we praten Nederlands.\n\nEerst vijf korte vragen")
    assert "Aan wie verkoop je vooral?" in texts[1]  # the profile, right after the language
    assert texts[2].startswith("Prima, dan slaan we het over.")  # skipped by choose_language
    assert texts[3] == "Kies een gesprek:"
    assert sum("In welke taal" in t for t in texts) == 1  # asked the first time only
    assert sum("Aan wie verkoop je" in t for t in texts) == 1  # and so is the profile
    menu = eva.messages[-1]
    assert menu.text is not None
    assert menu.text.startswith("Hoi Eva!")
    assert menu.text.endswith("\n\nKies een gesprek:")
    assert menu.button_labels()[0] == "Welk onderdeel past bij mij?"
    assert "Relaties, geen transacties" in menu.button_labels()


async def test_a_whole_dutch_track_by_buttons_and_text(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 502, "Eva")
    await choose_language(api, eva, "Nederlands")

    await step(
        api,
        eva,
        "Relaties, geen transacties",
        "Ik zorg voor lunch en een borrel",
        "2 · Beter",
        "1 · Basis",
    )
    question = next(m for m in eva.messages if m.text and "Hoe bedank je die?" in m.text)
    await step(
        api, eva, "3 · Best", "> Elke week één klant <b>bedanken</b> & taggen", "> over 7 dagen"
    )
    await step(api, eva, "> Als het druk wordt, doe ik het 's ochtends", "4")

    assert question.buttons == []  # the answered question lost its buttons...
    assert question.text is not None
    assert question.text.endswith(
        "Jouw keuze:</i> <b>Ik zorg voor lunch en een borrel</b>"
    )  # ...and shows the choice
    summary = next(m.text for m in eva.messages if m.text and "Afgesproken, Eva" in m.text)
    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt; &amp; taggen" in summary
    assert "De dag erna vraag ik hoe het ging" in summary
    photos = [m.photo for m in eva.messages if m.photo is not None]
    assert len(photos) == 1
    assert photos[0].startswith(b"\x89PNG")
    # "Done" closes the summary itself, not a message of its own; the chart comes last.
    assert summary.endswith("<i>Klaar! Kies /menu voor een ander gesprek.</i>")
    assert eva.messages[-1].photo is not None
    assert track_rows(database_url, "SELECT status FROM sessions") == [("completed",)]
    [(commitment,)] = rows(database_url, "SELECT text FROM commitments")
    assert commitment.startswith("Elke week één klant <b>bedanken</b> & taggen (")
    presses = sum(1 for c in api.calls_of("answerCallbackQuery"))
    # Every press answered (language, profile skipped, menu, five in the track): no spinner.
    assert presses == len(api.answered) == 8


async def test_a_whole_english_track_from_the_entry_dialogue(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    sam = FakeUser(api, 503, "Sam", "en")
    await choose_language(api, sam, "English")

    await step(
        api, sam, "Which track fits me?", "Knowing what we stand for", "I write my own posts"
    )
    await step(api, sam, "Yes, let's go", "I ask about the goal", "Honestly, no")
    await step(api, sam, "> We make small firms feel big", "> Their trust and honest feedback")
    await step(api, sam, "Quote and negotiation", "> Quotes sit a week before anyone sends them")
    await step(api, sam, "Nobody, really", "Often", "> Energy audits for bakeries")
    await step(api, sam, "> Visit one bakery without a quote", "> in 7 days")
    await step(api, sam, "> If a delivery runs late, I go on Friday morning", "4", "Details")

    texts = sam.texts()
    assert "Choose a conversation:" in texts
    assert any(t.startswith("🧭 <b>My advice: Back to why</b>") for t in texts)
    assert any(t.startswith("Here we go! “Back to why” starts now.") for t in texts)
    assert any("faster horses" in t for t in texts)  # "Back to why" started at once
    assert any(t.startswith("No problem") for t in texts)  # the "no" branch
    assert any("Nobody owns “Quotes sit a week before anyone sends them”" in t for t in texts)
    assert any("rarely fits the way your company is built" in t for t in texts)  # "often" copies
    summary = next(t for t in texts if t.startswith("<b>Agreed, Sam.</b>"))
    assert "✅ Visit one bakery without a quote" in summary
    assert "The day after" in summary
    details = next(t for t in texts if "<b>Back to your why</b>" in t)  # after "Details"
    assert "Your territory: “Energy audits for bakeries”" in details
    assert texts[-1].endswith("<i>Done! Choose /menu for another conversation.</i>")
    assert track_rows(database_url, "SELECT dialogue_id, status FROM sessions ORDER BY id") == [
        ("which_track", "completed"),
        ("why", "completed"),
    ]


async def test_back_restart_cancel_and_language_commands(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 505, "Eva")
    await choose_language(api, eva, "Nederlands")
    await step(
        api, eva, "Relaties, geen transacties", "Ik zorg voor lunch en een borrel", "> /back"
    )
    assert eva.texts()[-1].startswith("Oké, we gaan een stap terug.\n\n")
    assert "Hoe bedank je die?" in eva.texts()[-1]

    await step(api, eva, "> /restart")
    assert track_rows(database_url, "SELECT status FROM sessions ORDER BY id") == [
        ("abandoned",),
        ("active",),
    ]

    await step(api, eva, "> /cancel")
    assert eva.texts()[-1] == "Gestopt. Je antwoorden tot nu toe zijn bewaard.\n\nKies een gesprek:"

    await step(api, eva, "> /language", "English", "> /menu")
    assert "Great, we'll talk English.\n\nChoose a conversation:" in eva.texts()
    assert eva.messages[-1].text == "Choose a conversation:"
    assert rows(database_url, "SELECT language FROM users") == [("en",)]


async def test_a_number_question_by_text_in_a_track(
    api: FakeBotAPI, bot: App, database_url: str
) -> None:
    eva = FakeUser(api, 504, "Eva")
    await choose_language(api, eva, "Nederlands")
    await step(
        api, eva, "Waarde toevoegen in de koopcyclus", "Online zoeken en vergelijken", "> Google"
    )
    await step(
        api, eva, "Als ze al bijna besloten zijn", "Ja, duidelijk", "> Ik ken hun installatie"
    )
    await step(api, eva, "Gericht, per klant", "> Bakkerij Jansen wil besparen", "4")
    await step(api, eva, "> veel", "> 2.400", "> 180.000")

    texts = eva.texts()
    assert any(
        "dan wordt jouw markt een <b>commodity</b>" in t for t in texts
    )  # the phase-out warning
    assert any(t.startswith("Ik verwacht een getal, bijvoorbeeld 1.500.\n\n") for t in texts)
    assert any(t.startswith("Je rating: <b>75</b> euro per bericht.") for t in texts)
    query = (
        "SELECT key, value FROM answers WHERE key IN ('messages', 'profit', 'rating') ORDER BY id"
    )
    assert rows(database_url, query) == [("messages", 2400), ("profit", 180000), ("rating", 75)]


async def test_a_summary_with_details_shows_them_on_a_press_only(api: FakeBotAPI, bot: App) -> None:
    eva = FakeUser(api, 531, "Eva")
    await choose_language(api, eva, "Nederlands")

    await step(api, eva, "Alle soorten", "> koffie", "> 10", "3", "Rechts")
    summary = eva.messages[-1]
    assert summary.text is not None
    assert summary.text.startswith("Rechts klaar: koffie, 10 deals")
    assert "Uitleg" not in summary.text  # the phone gets the short part first
    assert summary.button_labels() == ["Details"]
    await step(api, eva, "Details")

    assert eva.messages[-1].text is not None
    assert "Uitleg: koffie loont." in eva.messages[-1].text
    assert summary.buttons == []  # pressed once: the button is gone from the summary


async def test_a_tip_with_details_opens_on_a_press_and_the_question_stays_live(
    api: FakeBotAPI, bot: App
) -> None:
    eva = FakeUser(api, 532, "Eva")
    await choose_language(api, eva, "Nederlands")
    await step(api, eva, "Alle soorten", "> koffie", "> 50", "2")
    tip, question = eva.messages[-2:]
    assert question.button_labels() == ["Links", "Rechts"]
    assert tip.text == "Druk! Score 100."
    assert tip.button_labels() == ["Details"]

    await step(api, eva, "Details")

    assert eva.messages[-1].text == (
        "Druk! Score 100.\n\nWie druk is, plant eerst en verkoopt koffie daarna."
    )
    assert tip.buttons == []  # pressed once: the button is gone from the tip
    await step(api, eva, "Links")  # the question below it still takes its answer
    assert eva.messages[-1].text is not None
    assert eva.messages[-1].text.startswith("Links klaar: koffie")
