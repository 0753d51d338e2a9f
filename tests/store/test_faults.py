"""A busy, read-only or full database, a lost connection: nothing half-written, the truth told."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.engine.turn import Incoming
from bot.errors import ConcurrentUpdate, RenderError, StoreUnavailable
from bot.records import SavedAnswer
from bot.store import Store, StoreOptions, open_store
from bot.store.base import Transaction
from bot.store.sql import SqlTransaction
from tests.conftest import PROMPTS
from tests.db import rows
from tests.store.test_coach_store import EVE, SAM


def raw(tx: Transaction) -> SqlTransaction:
    assert isinstance(tx, SqlTransaction)
    return tx


async def test_a_database_locked_by_another_process_is_waited_for_then_refused_plainly(
    engine: Engine, sqlite_url: str
) -> None:
    store = await open_store(sqlite_url, StoreOptions(busy_seconds=0.5))
    coach = Coach(engine, store)
    await coach.open(EVE, "kinds")
    other = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock

    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="locked"):
        await coach.reply(EVE, Incoming.text("koffie"))
    waited = time.monotonic() - started
    menu = await coach.menu(EVE)  # reading never waits for a writer
    other.execute("ROLLBACK")
    after = await coach.reply(EVE, Incoming.text("koffie"))
    await store.close()

    assert 0.4 <= waited < 5
    assert menu.menu
    assert after.turn is not None
    assert after.turn.session.node == "deals"
    assert rows(sqlite_url, "SELECT value FROM answers") == [('"koffie"',)]


async def test_a_lock_released_within_the_bound_costs_only_a_wait(
    engine: Engine, sqlite_url: str
) -> None:
    store = await open_store(sqlite_url, StoreOptions(busy_seconds=5))
    coach = Coach(engine, store)
    await coach.open(EVE, "kinds")
    other = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    asyncio.get_running_loop().call_later(0.3, other.execute, "ROLLBACK")

    reply = await coach.reply(EVE, Incoming.text("koffie"))
    await store.close()

    assert reply.turn is not None
    assert reply.turn.session.node == "deals"


async def test_a_read_only_database_writes_nothing_and_says_so(
    engine: Engine, sqlite_url: str
) -> None:
    store = await open_store(sqlite_url)
    coach = Coach(engine, store)
    await coach.open(EVE, "kinds")
    # As if the file (or its folder) turned read-only under the running bot.
    await store.write(lambda tx: raw(tx).db.exec_driver_sql("PRAGMA query_only = ON") and None)

    with pytest.raises(StoreUnavailable, match="read-only"):
        await coach.reply(EVE, Incoming.text("koffie"))
    await store.close()

    assert rows(sqlite_url, "SELECT count(*) FROM answers") == [(0,)]
    assert rows(sqlite_url, "SELECT node, step FROM sessions") == [("product", 0)]


async def test_a_full_disk_fails_the_whole_group_and_every_user_in_it_is_told(
    engine: Engine, sqlite_url: str
) -> None:
    store = await open_store(sqlite_url)
    coach = Coach(engine, store)
    session = (await coach.open(EVE, "kinds")).turn
    await coach.open(SAM, "kinds")
    assert session is not None

    def no_more_pages(tx: Transaction) -> None:
        pages = raw(tx).db.exec_driver_sql("PRAGMA page_count").scalar()
        raw(tx).db.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

    await store.write(no_more_pages)  # as if the disk were full
    big = [SavedAnswer("product", "product", "x" * 50_000)]
    moved = session.session

    results = await asyncio.gather(
        coach.reply(SAM, Incoming.text("thee")),
        store.write(lambda tx: tx.save(moved, big, expected_step=moved.step)),
        return_exceptions=True,
    )
    await store.close()

    # SQLite rolled back the whole transaction: Sam's answer is gone too, and he is told so.
    assert [type(r) for r in results] == [StoreUnavailable, StoreUnavailable]
    assert "full" in str(results[1])
    assert rows(sqlite_url, "SELECT count(*) FROM answers") == [(0,)]
    assert rows(sqlite_url, "SELECT node, step FROM sessions") == [("product", 0), ("product", 0)]
    assert rows(sqlite_url, "PRAGMA integrity_check") == [("ok",)]


async def test_one_failing_step_leaves_the_others_written_at_the_same_moment_alone(
    coach: Coach, store: Store, database_url: str
) -> None:
    await coach.open(EVE, "kinds")
    await coach.open(SAM, "kinds")

    def half_then_fail(tx: Transaction) -> None:
        tx.set_language(1, "en")
        raise RenderError("a template broke half-way")

    results = await asyncio.gather(
        coach.reply(EVE, Incoming.text("koffie")),
        store.write(half_then_fail),
        coach.reply(SAM, Incoming.text("thee")),
        return_exceptions=True,
    )

    assert isinstance(results[1], RenderError)
    assert rows(database_url, "SELECT value FROM answers ORDER BY id") == [
        ('"koffie"',),
        ('"thee"',),
    ]
    assert rows(database_url, "SELECT language FROM users WHERE id = 1") == [(None,)]


async def test_a_unit_that_meets_a_concurrent_change_is_run_again(store: Store) -> None:
    runs = []

    def unit(tx: Transaction) -> int:
        runs.append(1)
        if len(runs) == 1:
            raise ConcurrentUpdate("someone else moved the session")
        return len(runs)

    assert await store.write(unit) == 2


async def test_a_lost_server_connection_is_survived(
    engine: Engine, database_url: str, store: Store
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("a SQLite file has no connection to lose")
    coach = Coach(engine, store)
    await coach.open(EVE, "kinds")
    killed: list[int] = []

    def kill_once(tx: Transaction) -> None:
        if not killed:  # the server restarts in the middle of this step
            killed.append(1)
            raw(tx).db.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    await store.write(kill_once)
    reply = await coach.reply(EVE, Incoming.text("koffie"))

    assert killed == [1]
    assert reply.turn is not None
    assert reply.turn.session.node == "deals"
    assert rows(database_url, "SELECT count(*) FROM answers") == [(1,)]


BROKEN = """\
id: broken
title: {nl: Kapot, en: Broken}
description: {nl: Deelt door nul, en: Divides by zero}
start: ask
nodes:
  ask:
    type: text
    text: {nl: "Wat verkoop je?", en: "What do you sell?"}
    save: product
    next: fail
  fail:
    type: end
    text:
      nl: "{{ 10 // (product | length - product | length) }}"
      en: "{{ 10 // (product | length - product | length) }}"
"""


async def test_an_update_whose_step_failed_is_not_marked_handled(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    catalog = load_catalog([tmp_path], PROMPTS)
    coach = Coach(Engine(catalog), store)
    await coach.open(EVE, "broken", update_id=1)

    with pytest.raises(RenderError):
        await coach.reply(EVE, Incoming.text("koffie"), update_id=2)

    # The claim went with the step: Telegram's redelivery of update 2 will be handled, not
    # skipped as done, and nothing of the failed step was kept.
    assert rows(database_url, "SELECT update_id FROM processed_updates") == [(1,)]
    assert rows(database_url, "SELECT count(*) FROM answers") == [(0,)]
