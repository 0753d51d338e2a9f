"""``kill -9`` of the real ``coachbot run`` while it pushes, then a restart.

Sixty check-ins and twenty overdue assignment reminders, interleaved, are due at once. The bot
is killed in the middle of sending them and started again. No user may get a push twice. A push
goes out at most once: the one being sent at the moment of a kill stays claimed (it may or may
not have reached Telegram) and is never sent again, so at most one push per kill goes missing,
and every other one arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bot.store import open_store
from bot.store.tables import assignments, commitments, deliveries, sessions, users
from tests.db import insert_rows, rows
from tests.faults.bot_process import BotProcess
from tests.telegram.fake_api import FakeBotAPI

CHECK_INS = 60
PUSHES = CHECK_INS + 20  # the others are overdue assignment reminders, one a user
FIRST_CHAT = 7000
SECOND = timedelta(seconds=1)
ALWAYS_OPEN = {"COACHBOT_WORK_DAYS": "mon-sun", "COACHBOT_WORK_HOURS": "00:00-24:00"}


def seed_due_pushes(database_url: str) -> None:
    """PUSHES users: each with an open commitment whose check-in was due an hour ago, or (the
    last ones) with an assignment that became overdue an hour ago."""
    due = datetime.now(UTC) - timedelta(hours=1)
    insert_rows(
        database_url,
        users,
        [
            {"id": n, "external_id": f"telegram:{FIRST_CHAT + n}", "display_name": f"V{n}"}
            for n in range(1, PUSHES + 2)  # the last one is the manager, outside the count
        ],
    )
    seed_check_ins(database_url, range(1, CHECK_INS + 1), due)
    # A reminder every third check-in (by due moment), so a kill finds both kinds on either side.
    reminders = range(CHECK_INS + 1, PUSHES + 1)
    seed_overdue_assignments(database_url, reminders, PUSHES + 1, due + timedelta(seconds=0.5))


def seed_check_ins(database_url: str, numbers: range, due: datetime) -> None:
    """An open commitment per user, its check-in due at ``due``."""
    insert_rows(
        database_url,
        sessions,
        [
            {
                "id": n,
                "user_id": n,
                "dialogue_id": "relationships",
                "content_version": "x",
                "node": "summary",
                "status": "completed",
            }
            for n in numbers
        ],
    )
    insert_rows(
        database_url,
        commitments,
        [
            {
                "id": n,
                "user_id": n,
                "session_id": n,
                "dialogue_id": "relationships",
                "text": f"Klant {n} bellen",
                "status": "open",
                "due_at": due,
            }
            for n in numbers
        ],
    )
    insert_rows(
        database_url,
        deliveries,
        [
            {"user_id": n, "kind": "checkin", "commitment_id": n, "due_at": due + n * SECOND}
            for n in numbers
        ],
    )


def seed_overdue_assignments(
    database_url: str, numbers: range, manager: int, due: datetime
) -> None:
    """An open assignment per user, overdue since ``due``, with its reminder."""
    insert_rows(
        database_url,
        assignments,
        [
            {
                "id": n,
                "manager_id": manager,
                "user_id": n,
                "dialogue_id": "talk",
                "due_on": date.today(),
                "due_at": due,
                "status": "open",
            }
            for n in numbers
        ],
    )
    insert_rows(
        database_url,
        deliveries,
        [
            {
                "user_id": n,
                "kind": "late",
                "assignment_id": n,
                "due_at": due + (n - numbers[0]) * 3 * SECOND,
            }
            for n in numbers
        ],
    )


def pushes_received(api: FakeBotAPI) -> dict[int, int]:
    """How many pushes each seeded chat got."""
    got: dict[int, int] = {}
    for call in api.calls_of("sendMessage"):
        chat = int(call.params["chat_id"])
        if FIRST_CHAT < chat <= FIRST_CHAT + PUSHES:
            got[chat] = got.get(chat, 0) + 1
    return got


async def wait_until(check: Callable[[], bool], within: float) -> None:
    """Poll ``check`` (the bot is another process: nothing here can be awaited)."""
    for _ in range(int(within / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)


async def test_kill_9_while_pushing_sends_nothing_twice_and_loses_at_most_the_one_in_flight(
    api: FakeBotAPI, database_url: str
) -> None:
    store = await open_store(database_url)  # the schema, as `coachbot run` would make it
    await store.close()
    seed_due_pushes(database_url)
    bots = [BotProcess(api, database_url, ALWAYS_OPEN)]
    try:
        await wait_until(lambda: len(pushes_received(api)) >= PUSHES // 3, within=60)
        bots[0].kill()  # in the middle of sending
        sent_before = len(pushes_received(api))
        bots.append(BotProcess(api, database_url, ALWAYS_OPEN))
        await bots[-1].ready()
        await wait_until(lambda: len(pushes_received(api)) >= PUSHES - 1, within=60)
        await asyncio.sleep(0.5)  # anything still on its way
        assert await bots[-1].terminate() == 0, bots[-1].errors()
    finally:
        for bot in bots:
            bot.close()

    received = pushes_received(api)
    assert PUSHES // 3 <= sent_before < PUSHES  # the kill came in the middle
    assert [chat for chat, times in received.items() if times > 1] == []  # none twice
    unfinished = rows(
        database_url,
        "SELECT count(*) FROM deliveries WHERE sent_at IS NULL AND failed IS NULL",
    )
    [(left_claimed,)] = unfinished
    assert len(received) + int(left_claimed) >= PUSHES  # every other one arrived
    assert int(left_claimed) <= 1  # at most the one being sent when the bot was killed
