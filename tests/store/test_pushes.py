"""Check-ins pushed on their day, on both databases: due in working time only, claimed once.

The clock is injected: each test says what time it is, nothing sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.channels.telegram.sender import TELEGRAM
from bot.engine.coach import Coach, Visitor
from bot.engine.push_texts import OpenTrack
from bot.engine.pushes import STALE_CLAIM, Pusher
from bot.engine.turn import Incoming
from bot.engine.working_time import WorkingTime
from bot.store import Store, open_store
from tests.db import rows
from tests.store.test_commitments import RELATIONSHIPS, WHEN

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OFFICE = WorkingTime.parse("mon-fri", "09:00-18:00", "Europe/Amsterdam")
EVA = Visitor("telegram:601", "Eva")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on ``day`` at local Amsterdam time."""
    return datetime.combine(day, time(hour, minute), AMSTERDAM)


def pusher_for(coach: Coach, store: Store, claimer: str = "one") -> Pusher:
    return Pusher(store, lambda: coach.catalog, OFFICE, claimer, "nl", TELEGRAM)


async def commit(coach: Coach, visitor: Visitor = EVA) -> None:
    """Walk the relationships track to its end: a step on WHEN, checked in on the day after."""
    await coach.open(visitor, "relationships")
    for incoming in RELATIONSHIPS:
        await coach.reply(visitor, incoming)


def due_day() -> date:
    """The day the check-in is due: the day after the step's day."""
    return WHEN + timedelta(days=1)


def first_working_day_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def test_a_commitment_is_pushed_once_on_its_day_in_working_time(
    coach: Coach, store: Store
) -> None:
    await commit(coach)
    pusher = pusher_for(coach, store)
    day = first_working_day_from(due_day())

    too_early = await pusher.next_due(at(day - timedelta(days=1), 10))
    before_hours = await pusher.next_due(at(day, 8, 59))
    on_time = await pusher.next_due(at(day, 9, 0))
    again = await pusher.next_due(at(day, 9, 1))

    assert too_early is None
    assert before_hours is None
    assert on_time is not None
    assert again is None  # claimed: never handed out twice
    assert "Hoi Eva! Vandaag hoor ik graag hoe het ging" in on_time.text
    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in on_time.text  # escaped
    assert "<b>Relaties, geen transacties</b>" in on_time.text  # named after its track
    assert on_time.push.commitment is not None
    assert on_time.buttons == (
        OpenTrack("Vertel hoe het ging", "checkin", on_time.push.commitment.id),
    )


async def test_after_hours_and_at_the_weekend_nothing_is_pushed(coach: Coach, store: Store) -> None:
    await commit(coach)
    pusher = pusher_for(coach, store)
    day = first_working_day_from(due_day())
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)

    assert await pusher.next_due(at(day, 18, 0)) is None
    assert await pusher.next_due(at(day, 7, 30)) is None
    assert await pusher.next_due(at(saturday, 11)) is None
    assert await pusher.next_due(at(saturday + timedelta(days=2), 9, 5)) is not None  # Monday


async def test_a_sent_push_is_not_sent_again_after_a_restart(
    coach: Coach, store: Store, database_url: str
) -> None:
    await commit(coach)
    day = first_working_day_from(due_day())
    message = await pusher_for(coach, store).next_due(at(day, 10))
    assert message is not None
    await pusher_for(coach, store).finish(message.push, at(day, 10))

    reopened = await open_store(database_url)
    try:
        after_restart = await pusher_for(coach, reopened, "two").next_due(at(day, 11))
    finally:
        await reopened.close()

    assert after_restart is None
    assert rows(database_url, "SELECT count(*) FROM deliveries WHERE sent_at IS NOT NULL") == [(1,)]


async def test_two_instances_never_claim_the_same_push(
    coach: Coach, store: Store, database_url: str
) -> None:
    for number in range(12):
        await commit(coach, Visitor(f"telegram:{700 + number}", f"Verkoper {number}"))
    other_store = await open_store(database_url)
    day = first_working_day_from(due_day())
    pushers = [pusher_for(coach, store, "one"), pusher_for(coach, other_store, "two")]

    async def drain(pusher: Pusher) -> list[int]:
        taken = []
        while (message := await pusher.next_due(at(day, 9, 30))) is not None:
            taken.append(message.push.id)
        return taken

    try:
        first, second = await asyncio.gather(*(drain(p) for p in pushers))
    finally:
        await other_store.close()

    assert sorted(first + second) == sorted(set(first + second))  # none twice
    assert len(first + second) == 12  # none lost


async def test_a_claim_left_by_a_dead_sender_is_marked_interrupted_and_never_sent(
    coach: Coach, store: Store, database_url: str
) -> None:
    await commit(coach)
    day = first_working_day_from(due_day())
    claimed = await pusher_for(coach, store).next_due(at(day, 9, 30))  # then the process died
    assert claimed is not None
    restarted = pusher_for(coach, store, "after-restart")

    too_soon = await restarted.interrupt_stale(at(day, 9, 31))
    later = await restarted.interrupt_stale(at(day, 9, 30) + STALE_CLAIM + timedelta(seconds=1))

    assert (too_soon, later) == (0, 1)
    assert await restarted.next_due(at(day, 12)) is None
    assert rows(database_url, "SELECT failed FROM deliveries") == [
        ("interrupted: maybe sent, so not sent again",)
    ]


async def test_checking_in_early_from_the_menu_cancels_the_push(coach: Coach, store: Store) -> None:
    await commit(coach)
    menu = (await coach.menu(EVA)).menu
    assert menu is not None
    [item] = [i for i in menu if i.commitment_id is not None]
    await coach.open(EVA, item.dialogue_id, item.commitment_id)
    await coach.reply(EVA, Incoming.choice("yes"))
    await coach.reply(EVA, Incoming.text("Twee klanten reageerden blij"))
    await coach.reply(EVA, Incoming.text("Een kort bedankje werkt beter dan een lange mail"))
    await coach.reply(EVA, Incoming.choice("done"))

    pushed = await pusher_for(coach, store).next_due(at(first_working_day_from(due_day()), 10))

    assert pushed is None


async def test_a_user_who_blocked_the_bot_is_not_pushed_until_they_return(
    coach: Coach, store: Store
) -> None:
    await commit(coach)
    await coach.mark_unreachable(EVA)
    day = first_working_day_from(due_day())

    while_blocked = await pusher_for(coach, store).next_due(at(day, 10))
    await coach.greet(EVA)  # writing again makes them reachable
    after_return = await pusher_for(coach, store).next_due(at(day, 10))

    assert while_blocked is None
    assert after_return is not None


async def test_mydata_lists_the_pushes_and_forget_erases_them(
    coach: Coach, database_url: str
) -> None:
    await commit(coach)

    data = (await coach.export(EVA)).export
    await coach.forget(EVA)

    assert data is not None
    [push] = data["messages_the_bot_sends_itself"]
    assert push["kind"] == "checkin"
    assert push["sent_at"] is None
    assert rows(database_url, "SELECT count(*) FROM deliveries") == [(0,)]


def test_a_day_keeps_its_nine_oclock_across_the_clock_change() -> None:
    before = datetime(2027, 3, 26, 7, 59, tzinfo=UTC)  # Friday 08:59 CET
    monday = OFFICE.next_open(before + timedelta(hours=2))  # Friday 10:59: open, itself

    after_change = OFFICE.next_open(datetime(2027, 3, 27, 12, tzinfo=UTC))  # Saturday

    assert not OFFICE.is_open(before)
    assert monday == before + timedelta(hours=2)
    assert after_change.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime(2027, 3, 29, 9)
    assert after_change == datetime(2027, 3, 29, 7, tzinfo=UTC)  # summer time: UTC+2
