"""Analytics on a known answer log, on both databases: the rows are inserted as they would be
stored (known times and nodes), so every figure below is worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.dialogue.catalog import Catalog
from bot.engine.funnel_chart import funnel_bars
from bot.engine.stats import DialogueStats, dialogue_stats
from bot.engine.stats_phrases import STATS_PHRASES
from bot.engine.stats_report import duration, read_figures, stats_csv, stats_lines
from bot.errors import RenderError
from bot.store import Store
from bot.store.stats_sql import Log, Run
from bot.store.tables import answers, sessions, users
from tests.db import insert_rows

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FIRST_ID = 5001  # far above the ids the bot hands out in a test: no clash with its rows
# The 'channels' fixture: product, channels, (linkedin_tip | no_channels), focus, done.
# (node now, status, started days before NOW, minutes to complete or idle days, answered at)
KNOWN: list[tuple[str, str, float, float, tuple[str, ...]]] = [
    ("done", "completed", 3, 10, ("product", "channels", "focus")),
    ("done", "completed", 2, 20, ("product", "channels", "focus")),
    ("done", "completed", 4, 40, ("product", "channels", "focus")),
    ("channels", "abandoned", 5, 1, ("product",)),
    ("channels", "abandoned", 5, 2, ("product",)),
    ("focus", "active", 9, 8, ("product", "channels")),  # idle 8 days: stopped
    ("focus", "active", 1, 0.1, ("product", "channels")),  # busy: not stopped
    ("product", "active", 12, 10, ()),  # no answer at all, idle 10 days: stopped
    ("product", "active", 7, 6.9, ()),  # no answer yet, idle under 7 days: not stopped
]
# Not 'channels': must not count there; a dialogue that is not served is never shown.
OTHERS = [("kinds", "deals", "abandoned"), ("retired", "intro", "abandoned")]


def known_log(database_url: str) -> None:
    """The sessions of KNOWN and OTHERS with their answer log, inserted straight into tables."""
    insert_rows(
        database_url,
        users,
        [{"id": FIRST_ID, "external_id": "telegram:5001", "display_name": "Kim"}],
    )
    rows: list[dict[str, Any]] = []
    logged: list[dict[str, Any]] = []
    for number, (node, status, days, then, answered) in enumerate(KNOWN, start=FIRST_ID):
        started = NOW - timedelta(days=days)
        done = started + timedelta(minutes=then) if status == "completed" else None
        updated = done or NOW - timedelta(days=then)
        rows.append(_session(number, "channels", node, status, started, updated, done))
        for step, at in enumerate(answered):
            when = started + timedelta(minutes=step)
            logged.append(
                {"session_id": number, "node": at, "key": at, "value": "x", "created_at": when}
            )
            logged.append(  # a node's computed value: a second row at the same node
                {"session_id": number, "node": at, "key": f"{at}_n", "value": 1, "created_at": when}
            )
    for number, (dialogue, node, status) in enumerate(OTHERS, start=FIRST_ID + len(KNOWN)):
        rows.append(_session(number, dialogue, node, status, NOW, NOW, None))
        logged.append(
            {"session_id": number, "node": node, "key": "k", "value": 1, "created_at": NOW}
        )
    insert_rows(database_url, sessions, rows)
    insert_rows(database_url, answers, logged)


def _session(
    number: int,
    dialogue: str,
    node: str,
    status: str,
    started: datetime,
    updated: datetime,
    done: datetime | None,
) -> dict[str, Any]:
    return {
        "id": number,
        "user_id": FIRST_ID,
        "dialogue_id": dialogue,
        "content_version": "v",
        "node": node,
        "status": status,
        "started_at": started,
        "updated_at": updated,
        "completed_at": done,
    }


async def figures(store: Store, catalog: Catalog, dialogue: str | None) -> list[DialogueStats]:
    found = await store.read(lambda tx: read_figures(tx, catalog, dialogue, NOW))
    assert found is not None
    return [stats for _, stats in found]


async def test_the_figures_of_a_known_answer_log(
    store: Store, catalog: Catalog, database_url: str
) -> None:
    known_log(database_url)

    [stats] = await figures(store, catalog, "channels")

    assert (stats.dialogue_id, stats.starts, stats.completions) == ("channels", 9, 3)
    assert round(stats.rate, 4) == round(3 / 9, 4)
    assert stats.median == timedelta(minutes=20)
    assert [(n.node, n.reached, n.stopped) for n in stats.nodes] == [
        ("product", 9, 1),
        ("channels", 7, 2),
        ("focus", 5, 1),
        ("done", 3, 0),
        ("linkedin_tip", 0, 0),  # never reached: last, in the dialogue's order
        ("no_channels", 0, 0),
    ]
    assert [(n.node, n.stopped) for n in stats.drop_offs()] == [
        ("channels", 2),
        ("product", 1),  # ties keep the dialogue's order
        ("focus", 1),
    ]
    assert stats.stopped == 4


async def test_every_served_dialogue_is_read_and_an_unknown_one_is_none(
    store: Store, catalog: Catalog, database_url: str
) -> None:
    known_log(database_url)

    every = {s.dialogue_id: s for s in await figures(store, catalog, None)}
    unknown = await store.read(lambda tx: read_figures(tx, catalog, "retired", NOW))

    assert set(every) == set(catalog.latest)  # 'retired' is not served: not shown
    assert every["channels"].starts == 9
    assert (every["kinds"].starts, every["kinds"].stopped, every["kinds"].median) == (1, 1, None)
    assert every["talk"].starts == 0
    assert unknown is None


async def test_the_lines_and_the_csv_of_a_known_log(
    store: Store, catalog: Catalog, database_url: str
) -> None:
    known_log(database_url)
    found = await store.read(lambda tx: read_figures(tx, catalog, None, NOW))
    assert found is not None
    channels = next(pair for pair in found if pair[0].id == "channels")
    talk = next(pair for pair in found if pair[0].id == "talk")

    lines = stats_lines(*channels, "en")
    short = stats_lines(*channels, "nl", limit=1)
    table = stats_csv([channels, talk]).splitlines()

    assert lines == [
        "Channels (channels)",
        "Started: 9 · completed: 3 (33%)",
        "Median time to the end: 20 min",
        "Stopped (or 7 days idle) at:",
        "channels: 2 stopped here (22%)",
        "product: 1 stopped here (11%)",
        "focus: 1 stopped here (11%)",
    ]
    assert short[-2:] == [
        "channels: 2 stopten hier (22%)",
        "…en bij 2 andere stappen (zie coachbot stats channels).",
    ]
    assert stats_lines(*talk, "nl") == [
        "Waarom praten mensen over mijn product? (talk): nog geen gesprekken, dus nog geen cijfers."
    ]
    assert table[:4] == [
        "dialogue,node,position,reached,stopped,stopped_pct,completions,completion_pct,median_minutes",
        "channels,,0,9,4,44.4,3,33.3,20.0",
        "channels,product,1,9,1,11.1,,,",
        "channels,channels,2,7,2,22.2,,,",
    ]
    assert table[6:9] == [
        "channels,linkedin_tip,5,0,0,0.0,,,",
        "channels,no_channels,6,0,0,0.0,,,",
        "talk,,0,0,0,0.0,0,0.0,",
    ]


def test_a_node_an_older_version_had_comes_after_the_current_ones(catalog: Catalog) -> None:
    old = Run("channels", "abandoned", "retired_step", NOW, NOW, None)
    fresh = Run("channels", "active", "product", NOW, NOW, None)
    reached = {("channels", "product"): 2, ("channels", "retired_step"): 1, ("kinds", "deals"): 4}

    stats = dialogue_stats(catalog.get("channels").model, Log([old, fresh], reached), NOW)

    assert [(n.node, n.reached, n.stopped) for n in stats.nodes][:2] == [
        ("product", 2, 0),
        ("retired_step", 1, 1),
    ]
    assert (stats.starts, stats.completions, stats.rate, stats.median) == (2, 0, 0.0, None)


def test_durations_read_as_people_say_them() -> None:
    said = [duration(timedelta(seconds=s), "nl") for s in (20, 95, 7140, 7200, 172_000, 172_800)]

    assert said == ["minder dan een minuut", "2 min", "119 min", "2 uur", "48 uur", "2 dagen"]
    assert duration(timedelta(days=3), "en") == "3 days"


def test_the_funnel_is_a_png_and_counts_that_do_not_fit_are_refused() -> None:
    labels = ("reached", "stopped here")

    png = funnel_bars("Funnel of x", ["a", "b"], [3, 1], [1, 1], labels)

    assert png.startswith(b"\x89PNG")
    with pytest.raises(RenderError):
        funnel_bars("Funnel of x", ["a", "b"], [3, 1], [1, 2], labels)  # more stopped than came
    with pytest.raises(RenderError):
        funnel_bars("Funnel of x", ["a"], [3, 1], [1, 1], labels)


def test_every_stats_phrase_is_in_both_languages_and_short() -> None:
    assert set(STATS_PHRASES["nl"]) == set(STATS_PHRASES["en"])
    assert all(len(text) <= 300 for table in STATS_PHRASES.values() for text in table.values())
