"""An assignment's reminders and its manager's notice, pushed on both databases.

The reminder before the due day goes out on the last working day before it; the overdue one at
the first working moment after the due day, never on the day itself; the manager hears an hour
after a finish unless the member chose what to share. The clock is injected; nothing sleeps.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

from bot.dialogue.catalog import Catalog
from bot.engine.coach import Coach, Visitor
from bot.engine.push_phrases import PUSH_PHRASES
from bot.engine.push_texts import OpenTrack, render
from bot.engine.pushes import CHOSE_MEANWHILE, Pusher
from bot.engine.roles import Action
from bot.records import Assignment, Push, Session, User
from bot.store import Store, open_store
from bot.store.assign_base import Draft
from bot.store.base import Transaction
from tests.db import rows
from tests.store.test_pushes import OFFICE, at, pusher_for

FRIDAY = date(2026, 12, 4)
MONDAY = date(2026, 11, 30)  # the week before: when the manager assigns
NEXT_MONDAY = date(2026, 12, 7)


async def assign(
    store: Store,
    due_on: date,
    now: datetime,
    note: str = "",
    due_at: datetime | None = None,
    member: tuple[str, str] = ("telegram:601", "Eva"),
) -> Assignment:
    """Tom (a manager) assigns ``member`` (Eva) the talk track, due at the end of ``due_on``."""
    end = due_at or OFFICE.end_of_day(at(due_on, 12))

    def unit(tx: Transaction) -> Assignment:
        tom, eva = tx.user("telegram:501", "Tom"), tx.user(*member)
        [made] = tx.assignments.assign(Draft(tom.id, (eva.id,), "talk", due_on, note), end, now)
        return made

    return await store.write(unit)


async def finish_track(store: Store, assignment: Assignment, now: datetime) -> None:
    """Eva finishes the assigned track (the store's part of it)."""

    def unit(tx: Transaction) -> None:
        member = assignment.member.id
        done = Session(member, "talk", "x", "summary", status="completed")
        session = tx.save(done, [], expected_step=None)
        assert session.id is not None
        tx.assignments.complete(member, "talk", session.id, "<b>Samenvatting</b>", now)

    await store.write(unit)


async def kinds_due(pusher: Pusher, now: datetime) -> list[str]:
    """The kinds of push claimed at ``now`` (each then recorded as sent)."""
    kinds: list[str] = []
    while (message := await pusher.next_due(now)) is not None:
        kinds.append(message.push.kind)
        await pusher.finish(message.push, now)
    return kinds


async def test_the_reminder_goes_out_on_the_working_day_before_and_not_before(
    coach: Coach, store: Store
) -> None:
    await assign(store, FRIDAY, at(MONDAY, 10), note="Let op <b>vooral</b> de korting")
    pusher = pusher_for(coach, store)
    thursday = FRIDAY - timedelta(days=1)

    two_days_before = await pusher.next_due(at(thursday - timedelta(days=1), 17, 59))
    before_hours = await pusher.next_due(at(thursday, 8, 59))
    soon = await pusher.next_due(at(thursday, 9))

    assert (two_days_before, before_hours) == (None, None)
    assert soon is not None
    assert soon.push.kind == "soon"
    assert soon.push.external_id == "telegram:601"
    assert soon.text.startswith("Hoi Eva! Een kleine herinnering: Tom vroeg je om ")
    assert "<b>Waarom praten mensen over mijn product?</b>" in soon.text
    assert "uiterlijk morgen, vrijdag 4 december" in soon.text
    assert "“Let op &lt;b&gt;vooral&lt;/b&gt; de korting”" in soon.text  # escaped
    assert soon.buttons == (OpenTrack("Nu beginnen", "talk"),)


async def test_a_monday_due_day_is_reminded_of_on_the_friday_before(
    coach: Coach, store: Store
) -> None:
    await assign(store, NEXT_MONDAY, at(MONDAY, 10))
    pusher = pusher_for(coach, store)

    assert await kinds_due(pusher, at(FRIDAY - timedelta(days=1), 17)) == []
    assert await kinds_due(pusher, at(FRIDAY, 9)) == ["soon"]


async def test_the_overdue_reminder_waits_for_the_first_working_moment_after_the_due_day(
    coach: Coach, store: Store
) -> None:
    await assign(store, FRIDAY, at(MONDAY, 10))
    pusher = pusher_for(coach, store)
    assert await kinds_due(pusher, at(FRIDAY - timedelta(days=1), 9)) == ["soon"]

    on_the_day = await kinds_due(pusher, at(FRIDAY, 17, 59))
    weekend = await kinds_due(pusher, at(FRIDAY + timedelta(days=1), 11))
    late = await pusher.next_due(at(NEXT_MONDAY, 9))

    assert (on_the_day, weekend) == ([], [])
    assert late is not None
    assert late.push.kind == "late"
    assert (
        "<b>Waarom praten mensen over mijn product?</b> van Tom stond voor vrijdag 4 december"
        in (late.text)
    )
    assert "Geen punt" in late.text
    assert late.buttons == (OpenTrack("Nu beginnen", "talk"),)


async def test_an_unfinished_session_of_the_track_gets_continue(coach: Coach, store: Store) -> None:
    await assign(store, FRIDAY, at(MONDAY, 10))
    await coach.open(Visitor("telegram:601", "Eva"), "talk")

    soon = await pusher_for(coach, store).next_due(at(FRIDAY - timedelta(days=1), 9))

    assert soon is not None
    assert soon.buttons == (OpenTrack("Ga verder", "talk"),)


async def test_no_reminders_once_finished_or_withdrawn(coach: Coach, store: Store) -> None:
    finished = await assign(store, FRIDAY, at(MONDAY, 10))
    await finish_track(store, finished, at(MONDAY, 11))
    withdrawn = await assign(store, FRIDAY, at(MONDAY, 10))
    await store.write(lambda tx: tx.assignments.withdraw(withdrawn.id, at(MONDAY, 12)))
    pusher = pusher_for(coach, store)

    assert await kinds_due(pusher, at(FRIDAY - timedelta(days=1), 10)) == ["finished"]  # Tom's
    assert await kinds_due(pusher, at(NEXT_MONDAY, 10)) == []


async def test_finishing_cancels_the_reminders_and_the_manager_hears_instead(
    coach: Coach, store: Store, database_url: str
) -> None:
    made = await assign(store, FRIDAY, at(MONDAY, 10))
    await finish_track(store, made, at(NEXT_MONDAY, 8))

    assert await kinds_due(pusher_for(coach, store), at(NEXT_MONDAY, 10)) == ["finished"]
    assert rows(database_url, "SELECT kind, failed FROM deliveries ORDER BY id") == [
        ("late", "finished before it"),
        ("soon", "finished before it"),
        ("finished", None),
    ]


async def test_moving_the_due_day_moves_the_reminders(coach: Coach, store: Store) -> None:
    made = await assign(store, FRIDAY, at(MONDAY, 10))
    later = FRIDAY + timedelta(days=7)
    moved_to = OFFICE.end_of_day(at(later, 12))
    await store.write(
        lambda tx: tx.assignments.change_due(made.id, later, moved_to, at(MONDAY, 11))
    )
    pusher = pusher_for(coach, store)

    assert await kinds_due(pusher, at(FRIDAY - timedelta(days=1), 10)) == []
    assert await kinds_due(pusher, at(NEXT_MONDAY, 10)) == []
    soon = await pusher.next_due(at(later - timedelta(days=1), 10))
    assert soon is not None
    assert "uiterlijk morgen, vrijdag 11 december" in soon.text
    await pusher.finish(soon.push, at(later - timedelta(days=1), 10))
    assert await kinds_due(pusher, at(later, 17)) == []
    assert await kinds_due(pusher, at(later + timedelta(days=3), 9)) == ["late"]


async def test_a_reminder_is_sent_once_also_after_a_restart(
    coach: Coach, store: Store, database_url: str
) -> None:
    await assign(store, FRIDAY, at(MONDAY, 10))
    thursday = FRIDAY - timedelta(days=1)
    assert await kinds_due(pusher_for(coach, store), at(thursday, 9, 30)) == ["soon"]

    again = await kinds_due(pusher_for(coach, store), at(thursday, 9, 31))
    reopened = await open_store(database_url)
    try:
        after_restart = await kinds_due(pusher_for(coach, reopened, "two"), at(thursday, 15))
    finally:
        await reopened.close()

    assert (again, after_restart) == ([], [])
    assert rows(database_url, "SELECT kind FROM deliveries WHERE sent_at IS NOT NULL") == [
        ("soon",)
    ]


async def test_working_hours_hold_on_both_sides_of_the_clock_change(
    coach: Coach, store: Store
) -> None:
    """A due moment at 08:30 local waits for 09:00 local, in winter and in summer time."""
    for day in (date(2027, 3, 26), date(2027, 3, 29), date(2027, 10, 29), date(2027, 11, 1)):
        made = await assign(store, day, at(day, 7), due_at=at(day, 8, 30))  # no reminder before
        pusher = pusher_for(coach, store)

        assert await kinds_due(pusher, at(day, 8, 59)) == [], day
        late = await pusher.next_due(at(day, 9))
        assert late is not None, day
        assert (late.push.kind, late.push.assignment) == ("late", made), day
        await pusher.finish(late.push, at(day, 9))


async def test_the_manager_hears_an_hour_after_a_finish_without_a_choice(
    coach: Coach, store: Store, database_url: str
) -> None:
    made = await assign(store, FRIDAY, at(MONDAY, 10))
    await finish_track(store, made, at(MONDAY, 14))
    pusher = pusher_for(coach, store)

    too_soon = await pusher.next_due(at(MONDAY, 14, 59))
    notice = await pusher.next_due(at(MONDAY, 15))

    assert too_soon is None
    assert notice is not None
    assert notice.push.kind == "finished"
    assert notice.push.external_id == "telegram:501"  # to the manager
    assert notice.text.startswith(
        "Eva heeft <b>Waarom praten mensen over mijn product?</b> afgerond"
    )
    assert "jij ziet alleen dat het af is" in notice.text
    ref = str(made.id)
    assert notice.buttons == (
        Action("👏 Goed gedaan", "well", ref),
        Action("✍️ Stuur een berichtje", "rnote", ref),
    )
    assert rows(database_url, "SELECT shared FROM assignments") == [("done",)]  # the default


async def test_the_manager_is_not_told_when_the_member_chose(
    coach: Coach, store: Store, database_url: str
) -> None:
    made = await assign(store, FRIDAY, at(MONDAY, 10))
    await finish_track(store, made, at(MONDAY, 14))
    member = made.member.id
    await store.write(lambda tx: tx.assignments.share(made.id, member, "summary", at(MONDAY, 14)))

    assert await pusher_for(coach, store).next_due(at(MONDAY, 16)) is None
    assert rows(database_url, "SELECT shared FROM assignments") == [("summary",)]


async def test_a_choice_made_while_the_notice_was_being_picked_wins(
    coach: Coach, store: Store, database_url: str
) -> None:
    """The member chose after the notice was found due but before its claim: not sent."""
    made = await assign(store, FRIDAY, at(MONDAY, 10))
    await finish_track(store, made, at(MONDAY, 14))
    # As share() does, but the notice is not cancelled yet: it was already found due.
    rows(database_url, "UPDATE assignments SET shared = 'summary' WHERE id = :id", id=made.id)

    assert await pusher_for(coach, store).next_due(at(MONDAY, 16)) is None
    assert rows(database_url, "SELECT failed FROM deliveries WHERE kind = 'finished'") == [
        (CHOSE_MEANWHILE,)
    ]
    assert rows(database_url, "SELECT shared FROM assignments") == [("summary",)]


async def test_a_track_no_longer_served_is_recorded_and_the_next_goes_out(
    coach: Coach, store: Store, database_url: str
) -> None:
    gone = await assign(store, FRIDAY, at(MONDAY, 10))
    rows(database_url, "UPDATE assignments SET dialogue_id = 'gone' WHERE id = :id", id=gone.id)
    await assign(store, FRIDAY, at(MONDAY, 10))

    kinds = await kinds_due(pusher_for(coach, store), at(FRIDAY - timedelta(days=1), 10))

    assert kinds == ["soon"]
    assert rows(database_url, "SELECT failed FROM deliveries WHERE kind = 'soon' ORDER BY id") == [
        ("the track is no longer served",),
        (None,),
    ]


def test_a_reminder_with_the_longest_names_and_note_fits_a_phone(catalog: Catalog) -> None:
    long = "Ŵ" * 200
    manager, member = User(1, "telegram:1", long, "nl"), User(2, "telegram:2", long, "nl")
    made = Assignment(
        1, manager, member, "talk", "<" * 500, at(MONDAY, 9), FRIDAY, at(FRIDAY, 23), "open"
    )
    for kind in ("soon", "late", "finished"):
        for lang in ("nl", "en"):
            push = Push(1, 2, "telegram:2", long, lang, kind, assignment=made)
            message = render(catalog, push, lang, MONDAY)
            assert message is not None
            visible = html.unescape(re.sub(r"<[^>]+>", "", message.text))
            assert len(visible) <= 600, (kind, lang, len(visible))


def test_every_push_phrase_is_in_both_languages() -> None:
    assert set(PUSH_PHRASES["nl"]) == set(PUSH_PHRASES["en"])
