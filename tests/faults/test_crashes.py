"""``kill -9`` of the Telegram bot at random moments under load, and SIGTERM under load.

Many users walk a track through the fake Bot API while the real ``coachbot run`` is killed
again and again. Afterwards every walk must have finished with exactly its answers: none lost,
none applied twice, even though updates that were fetched but not confirmed were handed out
again after each crash. ``COACHBOT_FAULT_KILLS`` sets how many kills (default 3; the full run
in the README uses 30).
"""

from __future__ import annotations

import asyncio
import json
import os
import random

from tests.db import rows
from tests.faults.bot_process import ANSWERS, BotProcess, walk
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser

USERS = 12
KILLS = int(os.environ.get("COACHBOT_FAULT_KILLS", "3"))


async def finish(walks: list[asyncio.Task[None]], users: list[FakeUser], database_url: str) -> None:
    """Wait for every walk; on a timeout, say where each unfinished user got stuck."""
    done, pending = await asyncio.wait(walks, timeout=150)
    for task in done:
        task.result()
    query = (
        "SELECT s.node, s.status, s.step, s.updated_at FROM sessions s JOIN users u "
        "ON s.user_id = u.id WHERE u.external_id = :who"
    )
    stuck = [
        f"{user.id}: {[(m.text or '')[:50] for m in user.messages[-3:]]} "
        f"{rows(database_url, query, who=f'telegram:{user.id}')}"
        for user, task in zip(users, walks, strict=True)
        if task in pending
    ]
    assert not stuck, "walks that never finished:\n" + "\n".join(stuck)


def check_every_walk(database_url: str, users: int) -> None:
    """Every session finished with exactly the walk's answers, each logged once."""
    sessions = rows(
        database_url, "SELECT id, answers, status FROM sessions WHERE dialogue_id = 'relationships'"
    )
    assert len(sessions) == users
    for session_id, answers, status in sessions:
        stored = json.loads(str(answers))
        assert {key: stored[key] for key in ANSWERS} == ANSWERS
        assert status == "completed"
        logged = rows(database_url, "SELECT key FROM answers WHERE session_id = :id", id=session_id)
        keys = [str(key) for (key,) in logged]
        assert sorted(set(keys)) == sorted(keys), f"an answer was applied twice: {keys}"
        assert set(ANSWERS) <= set(keys)
    if database_url.startswith("sqlite"):
        assert rows(database_url, "PRAGMA integrity_check") == [("ok",)]


async def test_kill_9_at_random_moments_loses_no_answer_and_applies_none_twice(
    api: FakeBotAPI, database_url: str
) -> None:
    rng = random.Random(20261203)
    users = [FakeUser(api, 5000 + n, f"Klant{n}") for n in range(USERS)]
    walks = [asyncio.create_task(walk(user)) for user in users]
    bots: list[BotProcess] = []
    try:
        for _ in range(KILLS):
            bots.append(BotProcess(api, database_url))
            await asyncio.sleep(rng.uniform(2.5, 5.0))  # start-up, then in the middle of the load
            bots[-1].kill()
            # Telegram delivers at least once: what was in flight may come again, handled or not.
            await api.redeliver_recent(rng.randint(3, 12))
        bots.append(BotProcess(api, database_url))
        await bots[-1].ready()
        await finish(walks, users, database_url)
        await api.settle(within=30)
        assert await bots[-1].terminate() == 0, bots[-1].errors()
    finally:
        for task in walks:
            task.cancel()
        for bot in bots:
            bot.close()

    check_every_walk(database_url, USERS)
    again = [update for update, times in api.handed_out.items() if times > 1]
    assert len(again) >= KILLS  # redelivered after every crash, and still applied once


async def test_sigterm_under_load_finishes_what_is_in_flight(
    api: FakeBotAPI, database_url: str
) -> None:
    users = [FakeUser(api, 6000 + n, f"Klant{n}") for n in range(USERS)]
    walks = [asyncio.create_task(walk(user, patience=6.0)) for user in users]
    bots = [BotProcess(api, database_url)]
    try:
        await bots[0].ready()
        await asyncio.sleep(1.0)  # in the middle of the load
        code = await bots[0].terminate()
        fetched = api.delivered
        answered = sum(len(user.messages) for user in users)
        bots.append(BotProcess(api, database_url))
        await finish(walks, users, database_url)
        assert await bots[-1].terminate() == 0, bots[-1].errors()
    finally:
        for task in walks:
            task.cancel()
        for bot in bots:
            bot.close()

    assert code == 0
    assert fetched > 0
    assert answered > 0
    check_every_walk(database_url, USERS)
