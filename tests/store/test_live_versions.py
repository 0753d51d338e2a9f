"""Editing a dialogue under people who are in the middle of it, on both databases.

The case that used to break: a user stands at question 2; the author removes it, adds a question
that saves an answer and uses that answer in question 3. The user must finish on the version they
started on: after a live reload, and after a restart with only the new file on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.content import Content, ReloadResult
from bot.engine.engine import Engine
from bot.engine.turn import Incoming
from bot.engine.watch import watch_forever
from bot.store import Store, open_store
from tests.db import rows

EVA = Visitor("terminal:eva", "Eva")
VERSION_A = """\
id: edit
title: {nl: Bewerkt, en: Edited}
description: {nl: Test, en: Test}
start: q1
nodes:
  q1:
    type: text
    text: {nl: "A vraag 1", en: "A question 1"}
    save: one
    next: q2
  q2:
    type: text
    text: {nl: "A vraag 2", en: "A question 2"}
    save: two
    next: q3
  q3:
    type: text
    text: {nl: "A vraag 3 na {{ one }}", en: "A question 3 after {{ one }}"}
    save: three
    next: done
  done:
    type: end
    text: {nl: "A klaar: {{ one }}, {{ two }}, {{ three }}", en: "A done"}
"""
# q2 is gone; q2b saves an answer that q3 and the end now use.
VERSION_B = """\
id: edit
title: {nl: Bewerkt, en: Edited}
description: {nl: Test, en: Test}
start: q1
nodes:
  q1:
    type: text
    text: {nl: "B vraag 1", en: "B question 1"}
    save: one
    next: q2b
  q2b:
    type: text
    text: {nl: "B vraag 2b", en: "B question 2b"}
    save: extra
    next: q3
  q3:
    type: text
    text: {nl: "B vraag 3 na {{ extra }}", en: "B question 3 after {{ extra }}"}
    save: three
    next: done
  done:
    type: end
    text: {nl: "B klaar: {{ extra }}, {{ three }}", en: "B done"}
"""


def shown(reply: Reply) -> str:
    assert reply.turn is not None, reply
    return "\n".join(m.text for m in reply.turn.messages)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "prompts").mkdir()
    (tmp_path / "dialogues" / "edit.yaml").write_text(VERSION_A, encoding="utf-8")
    return tmp_path


def content_for(folder: Path, store: Store) -> Content:
    catalog = load_catalog([folder / "dialogues"], folder / "prompts")
    assert not catalog.problems, catalog.problems
    return Content(Engine(catalog), store, [folder / "dialogues"], folder / "prompts")


async def eva_at_question_2(content: Content, store: Store) -> Coach:
    await content.keep_versions()  # as the bot does when it starts
    coach = Coach(content.engine, store)
    await coach.set_language(EVA, "nl", ask_profile=False)
    await coach.open(EVA, "edit")
    at_two = await coach.reply(EVA, Incoming.text("een"))
    assert shown(at_two) == "A vraag 2"
    return coach


async def test_a_live_edit_leaves_a_session_on_its_own_version(folder: Path, store: Store) -> None:
    content = content_for(folder, store)
    coach = await eva_at_question_2(content, store)
    (folder / "dialogues" / "edit.yaml").write_text(VERSION_B, encoding="utf-8")

    reloaded = await content.reload()
    three = await coach.reply(EVA, Incoming.text("twee"))
    done = await coach.reply(EVA, Incoming.text("drie"))
    await coach.open(EVA, "edit")
    fresh = await coach.resume(EVA)

    assert reloaded.ok
    assert [(c.kind, c.nodes_added, c.nodes_removed) for c in reloaded.changes] == [
        ("changed", ("q2b",), ("q2",))
    ]
    assert shown(three) == "A vraag 3 na een"
    assert shown(done).startswith("A klaar: een, twee, drie")
    assert shown(fresh).endswith("B vraag 1")  # a new session starts on the newest


async def test_after_a_restart_with_only_the_new_file_the_session_still_finishes(
    folder: Path, store: Store, database_url: str
) -> None:
    await eva_at_question_2(content_for(folder, store), store)
    (folder / "dialogues" / "edit.yaml").write_text(VERSION_B, encoding="utf-8")

    restarted = await open_store(database_url)  # a new process: only version B on disk
    try:
        content = content_for(folder, restarted)
        await content.keep_versions()
        coach = Coach(content.engine, restarted)
        three = await coach.reply(EVA, Incoming.text("twee"))
        done = await coach.reply(EVA, Incoming.text("drie"))
    finally:
        await restarted.close()

    assert shown(three) == "A vraag 3 na een"
    assert shown(done).startswith("A klaar: een, twee, drie")
    # The old version was kept while Eva needed it, and dropped once nobody does.
    kept = rows(database_url, "SELECT count(*) FROM content_versions WHERE dialogue_id = 'edit'")
    assert kept == [(2,)]


async def test_a_reload_with_a_broken_file_keeps_serving_what_was_served(
    folder: Path, store: Store
) -> None:
    content = content_for(folder, store)
    coach = await eva_at_question_2(content, store)
    broken = VERSION_B.replace("next: q3\n  q3:", "next: nowhere\n  q3:")
    (folder / "dialogues" / "edit.yaml").write_text(broken, encoding="utf-8")

    refused = await content.reload()
    three = await coach.reply(EVA, Incoming.text("twee"))

    assert not refused.ok
    assert any("nowhere" in p.message and p.line > 1 for p in refused.problems)
    assert shown(three) == "A vraag 3 na een"
    served = content.engine.catalog.latest["edit"]
    assert served.render("q1", "nl", {}) == "A vraag 1"  # version A is still the one served


async def test_watching_reloads_after_an_edit_settles(folder: Path, store: Store) -> None:
    content = content_for(folder, store)
    looking, results = asyncio.Event(), asyncio.Queue[ReloadResult]()
    watcher = watch_forever(content, 0.02, looking, results.put_nowait)
    task = asyncio.create_task(watcher)
    try:
        await asyncio.wait_for(looking.wait(), 10)
        (folder / "dialogues" / "edit.yaml").write_text(VERSION_B, encoding="utf-8")
        result = await asyncio.wait_for(results.get(), 10)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert [c.nodes_added for c in result.changes] == [("q2b",)]
    assert content.engine.catalog.latest["edit"].render("q1", "nl", {}) == "B vraag 1"
