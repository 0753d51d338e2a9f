"""Assignments as managers and members see them: the real Application against the fake Bot API.

Eva (a manager) assigns a track to her team with /assign; Anna and Bram are told, start it with
one press, finish it and choose what Eva sees; Eva reacts, moves a day, withdraws one. The clock
is injected (TeamRules.clock), so "today" is whatever the test says.
"""

from __future__ import annotations

from datetime import timedelta

from bot.channels.telegram.app import TelegramApp as App
from bot.dialogue.dates import day_label
from bot.engine.coach import Coach, Visitor
from bot.engine.turn import Incoming
from tests.db import rows
from tests.store.test_commitments import RELATIONSHIPS
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_teams import (
    ADMIN,
    Clock,
    clock,
    coach,
    join,
    make_manager,
    new_invite,
    press,
    said,
    say,
)

__all__ = ["clock", "coach"]
TRACK = "Relaties, geen transacties"


async def eva_with_team(api: FakeBotAPI) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Ada makes Eva a manager; Anna and Bram join Eva's team."""
    eva = FakeUser(api, 700, "Eva")
    await make_manager(api, FakeUser(api, ADMIN, "Ada"), eva)
    anna, bram = FakeUser(api, 701, "Anna"), FakeUser(api, 702, "Bram")
    for member in (anna, bram):
        await join(api, member, await new_invite(api, eva))
    return eva, anna, bram


async def assign_whole_team(api: FakeBotAPI, eva: FakeUser, typed_day: str, note: str) -> str:
    """/assign to the whole team, the relationships track, a typed day and a note; the
    confirmation screen's text."""
    await say(api, eva, "/assign")
    await press(api, eva, "👥 Het hele team (2)")
    await press(api, eva, TRACK)
    await press(api, eva, "📅 Ik typ een datum")
    await say(api, eva, typed_day)
    return await say(api, eva, note)


async def finish_track(api: FakeBotAPI, coach: Coach, user: FakeUser) -> str:
    """Everything but the last answer through the coach, the last press through Telegram;
    what the bot sent after that press."""
    visitor = Visitor(f"telegram:{user.id}", str(user.profile["first_name"]))
    await coach.open(visitor, "relationships")  # resumed if they pressed "Start now"
    for incoming in RELATIONSHIPS[:-1]:
        await coach.reply(visitor, incoming)
    await say(api, user, "/continue")
    seen = len(user.messages)
    last = RELATIONSHIPS[-1]
    assert last == Incoming.choice("4")
    await press(api, user, "4")
    return said(user, seen)


async def test_a_manager_assigns_members_start_finish_and_share_as_they_choose(
    api: FakeBotAPI, bot: App, coach: Coach, clock: Clock, database_url: str
) -> None:
    eva, anna, bram = await eva_with_team(api)
    today = clock.now.astimezone(coach.team_rules.zone).date()
    due = today + timedelta(days=10)

    confirm = await assign_whole_team(api, eva, due.isoformat(), "Let op de ladders!")
    sent = await press(api, eva, "✅ Versturen")
    told = anna.messages[-1]
    told_text, told_buttons = told.text, told.button_labels()
    start = told.buttons[0][0][1]
    await press(api, anna, "▶️ Nu beginnen")
    first_question = anna.messages[-1].button_labels()
    await say(api, bram, "/menu")
    menu = bram.messages[-1].button_labels()
    await anna.click_data(told, start)  # again: the same session, resumed
    await api.settle()
    resumed = anna.texts()[-1]
    running = rows(database_url, "SELECT count(*) FROM sessions WHERE status = 'active'")

    finished_anna = await finish_track(api, coach, anna)
    eva_before = len(eva.messages)
    await press(api, anna, "Ook mijn samenvatting")
    to_eva_summary = said(eva, eva_before)
    finished_bram = await finish_track(api, coach, bram)
    question = bram.messages[-1]
    summary_too = dict(question.buttons[1])["Ook mijn samenvatting"]
    eva_before = len(eva.messages)
    await press(api, bram, "Alleen dat ik klaar ben")
    to_eva_done = said(eva, eva_before)
    reactions = eva.messages[-1].button_labels()
    await bram.click_data(question, summary_too)  # pressed late, on the same question
    await api.settle()
    again = bram.texts()[-1]
    await press(api, eva, "👏 Goed gedaan")

    assert f"Sessie: {TRACK}\nVoor: Anna, Bram\nKlaar op: {day_label(due, 'nl', today)}" in confirm
    assert "Notitie: Let op de ladders!" in confirm
    assert sent.startswith("Verstuurd naar 2.")
    assert told_text is not None
    assert f"Eva heeft je de coachingsessie ‘{TRACK}’ gegeven" in told_text
    assert "Notitie van Eva: Let op de ladders!" in told_text
    assert told_buttons == ["▶️ Nu beginnen"]
    assert first_question, "the track's first question, with its buttons"
    assert resumed.startswith("Welkom terug! We gaan verder")
    assert running == [(1,)]
    assert menu[0].startswith(f"📌 {TRACK}"), menu
    for finished in (finished_anna, finished_bram):
        assert "Deze sessie kwam van Eva. Wat mag Eva zien?" in finished
    assert "Anna heeft ‘Relaties, geen transacties’ afgerond en deelt de samenvatting" in (
        to_eva_summary
    )
    shared = to_eva_summary.split("deelt de samenvatting met je:")[1]
    assert "✅ Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in shared  # escaped, as typed
    assert "Bram heeft ‘Relaties, geen transacties’ afgerond. Bram deelt alleen" in to_eva_done
    assert "Als het druk wordt" not in to_eva_done  # no answer without the member's press
    assert reactions == ["👏 Goed gedaan", "✍️ Stuur een berichtje"]
    assert "Je hebt al gekozen wat Eva ziet" in again
    assert bram.texts()[-1] == "👏 Eva zegt: goed gedaan met ‘Relaties, geen transacties’!"
    assert rows(
        database_url,
        "SELECT u.display_name, a.status, a.shared FROM assignments a "
        "JOIN users u ON u.id = a.user_id ORDER BY u.display_name",
    ) == [("Anna", "done", "summary"), ("Bram", "done", "done")]


async def test_dates_that_cannot_be_read_or_have_passed_get_a_clear_re_prompt(
    api: FakeBotAPI, bot: App, clock: Clock
) -> None:
    eva, _, _ = await eva_with_team(api)
    await say(api, eva, "/assign")
    await press(api, eva, "Verder ➡️")  # nobody chosen yet
    nobody = eva.texts()[-1]
    await press(api, eva, "▫️ Anna")
    await press(api, eva, "Verder ➡️")
    await press(api, eva, TRACK)
    await press(api, eva, "📅 Ik typ een datum")

    unreadable = await say(api, eva, "ergens volgende maand misschien")
    past = await say(api, eva, "2020-03-01")
    readable = await say(api, eva, "5 december" if clock.now.month < 12 else "5 januari")
    too_long = await say(api, eva, "x" * 301)
    confirm = await say(api, eva, "Succes!")
    await press(api, eva, "Annuleren")

    assert nobody.startswith("Kies eerst minstens één persoon.")
    assert unreadable.startswith("Die datum kan ik niet lezen.")
    assert past.startswith("zondag 1 maart 2020 is al voorbij.")
    assert readable.startswith("Wil je er een korte notitie bij zetten?")
    assert too_long.startswith("Die notitie is 301 tekens")
    assert "Voor: Anna\n" in confirm
    assert eva.texts()[-1] == "Geannuleerd; er is niets verstuurd."


async def test_a_manager_moves_a_day_and_withdraws_and_the_member_is_told(
    api: FakeBotAPI, bot: App, coach: Coach, clock: Clock, database_url: str
) -> None:
    eva, anna, bram = await eva_with_team(api)
    today = clock.now.astimezone(coach.team_rules.zone).date()
    await assign_whole_team(api, eva, (today + timedelta(days=10)).isoformat(), "Geen haast")
    await press(api, eva, "✅ Versturen")

    overview = await say(api, eva, "/assignments")
    labels = eva.messages[-1].button_labels()
    await press(api, eva, next(label for label in labels if label.startswith("Anna")))
    await press(api, eva, "📅 Ik typ een datum")
    moved = await say(api, eva, (today + timedelta(days=20)).isoformat())
    told_anna = anna.texts()[-1]
    await say(api, eva, "/assignments")
    await press(api, eva, next(b for b in eva.messages[-1].button_labels() if b.startswith("Bram")))
    await press(api, eva, "✖️ Intrekken")
    withdrawn = await press(api, eva, "Ja, intrekken")
    told_bram = bram.texts()[-1]
    await say(api, bram, "/menu")
    bram_menu = bram.messages[-1].button_labels()

    new_day = day_label(today + timedelta(days=20), "nl", today)
    assert overview.startswith("Open toewijzingen (2).")
    assert moved.startswith(f"De nieuwe datum is {day_label(today + timedelta(days=20), 'nl')}")
    assert told_anna == f"Eva heeft de datum van ‘{TRACK}’ verzet naar {new_day}."
    assert withdrawn == "Ingetrokken. Bram heeft bericht gekregen."
    assert told_bram.startswith(f"Eva heeft de sessie ‘{TRACK}’ ingetrokken.")
    assert not any(label.startswith("📌") for label in bram_menu)
    stored = rows(database_url, "SELECT status, due_on FROM assignments ORDER BY id")
    assert [(status, str(day)) for status, day in stored] == [
        ("open", str(today + timedelta(days=20))),
        ("withdrawn", str(today + timedelta(days=10))),
    ]
    reminders = rows(
        database_url,
        "SELECT d.kind FROM deliveries d JOIN assignments a ON a.id = d.assignment_id "
        "WHERE a.status = 'withdrawn' AND d.claimed_at IS NULL",
    )
    assert reminders == []  # a withdrawn assignment reminds nobody


async def test_leaving_the_team_withdraws_what_its_manager_assigned(
    api: FakeBotAPI, bot: App, coach: Coach, clock: Clock, database_url: str
) -> None:
    eva, _, bram = await eva_with_team(api)
    today = clock.now.astimezone(coach.team_rules.zone).date()
    await assign_whole_team(api, eva, (today + timedelta(days=10)).isoformat(), "Geen haast")
    await press(api, eva, "✅ Versturen")

    await say(api, bram, "/leave")
    await press(api, bram, "Ja, ik stap uit het team")
    await say(api, bram, "/menu")
    menu = bram.messages[-1].button_labels()
    overview = await say(api, eva, "/assignments")

    assert not any(label.startswith("📌") for label in menu)
    assert overview.startswith("Open toewijzingen (1).")
    assert "Bram" not in overview
    assert rows(
        database_url,
        "SELECT u.display_name, a.status FROM assignments a JOIN users u ON u.id = a.user_id"
        " ORDER BY u.display_name",
    ) == [("Anna", "open"), ("Bram", "withdrawn")]
    assert rows(
        database_url,
        "SELECT count(*) FROM deliveries d JOIN assignments a ON a.id = d.assignment_id"
        " WHERE a.status = 'withdrawn' AND d.claimed_at IS NULL",
    ) == [(0,)]
