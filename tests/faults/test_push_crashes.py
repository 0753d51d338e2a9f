"""``kill -9`` of the real ``coachbot run`` while it pushes check-ins, then a restart.

Sixty check-ins are due at once. The bot is killed in the middle of sending them and started
again. No user may get a check-in twice. A push goes out at most once: the one being sent at the
moment of a kill stays claimed (it may or may not have reached Telegram) and is never sent
again, so at most one check-in per kill goes missing, and every other one arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.store import open_store
from bot.store.tables import commitments, deliveries, sessions, users
from tests.db import insert_rows, rows
from tests.faults.bot_process import BotProcess
from tests.telegram.fake_api import FakeBotAPI

PUSHES = 60
FIRST_CHAT = 7000
ALWAYS_OPEN = {"COACHBOT_WORK_DAYS": "mon-sun", "COACHBOT_WORK_HOURS": "00:00-24:00"}


def seed_due_check_ins(database_url: str) -> None:
    """PUSHES users, each with an open commitment whose check-in was due an hour ago."""
    due = datetime.now(UTC) - timedelta(hours=1)
    numbers = range(1, PUSHES + 1)
    insert_rows(
        database_url,
        users,
        [
            {"id": n, "external_id": f"telegram:{FIRST_CHAT + n}", "display_name": f"V{n}"}
            for n in numbers
        ],
    )
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
        [{"user_id": n, "kind": "checkin", "commitment_id": n, "due_at": due} for n in numbers],
    )


def pushes_received(api: FakeBotAPI) -> dict[int, int]:
    """How many check-ins each seeded chat got."""
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


async def test_kill_9_while_pushing_sends_no_check_in_twice_and_loses_at_most_the_one_in_flight(
    api: FakeBotAPI, database_url: str
) -> None:
    store = await open_store(database_url)  # the schema, as `coachbot run` would make it
    await store.close()
    seed_due_check_ins(database_url)
    bots = [BotProcess(api, database_url, ALWAYS_OPEN)]
    try:
        await wait_until(lambda: len(pushes_received(api)) >= PUSHES // 3, within=60)
        bots[0].kill()  # in the middle of sending
        sent_before = len(pushes_received(api))
        bots.append(BotProcess(api, database_url, ALWAYS_OPEN))
        await bots[-1].ready()
        await wait_until(lambda: len(pushes_received(api)) >= PUSHES - 1, within=60)
        await asyncio.sleep(0.5)  # anything still on its way
        assert bots[-1].terminate() == 0, bots[-1].errors()
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
