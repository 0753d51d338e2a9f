"""What analytics shows: a dialogue's figures as lines (``coachbot stats``, /stats), as CSV,
and its funnel chart; read in one unit that only reads."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from bot.dialogue.catalog import Catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.engine.funnel_chart import FunnelChart
from bot.engine.phrases import phrase
from bot.engine.stats import IDLE, DialogueStats, dialogue_stats
from bot.store.base import Store, Transaction

Figures = list[tuple[CompiledDialogue, DialogueStats]]
CSV_COLUMNS = (
    "dialogue",
    "node",
    "position",
    "reached",
    "stopped",
    "stopped_pct",
    "completions",
    "completion_pct",
    "median_minutes",
)


def read_figures(
    tx: Transaction, catalog: Catalog, dialogue_id: str | None, now: datetime
) -> Figures | None:
    """The figures of every dialogue in the catalog, or of ``dialogue_id`` alone; None when
    the catalog has no such dialogue."""
    if dialogue_id is not None and dialogue_id not in catalog.latest:
        return None
    chosen = [catalog.latest[dialogue_id]] if dialogue_id else catalog.listed()
    log = tx.analytics([d.id for d in chosen])
    return [(d, dialogue_stats(d.model, log, now)) for d in chosen]


def stats_lines(
    dialogue: CompiledDialogue, stats: DialogueStats, lang: str, limit: int | None = None
) -> list[str]:
    """The title, starts and completions, the median duration and the drop-off lines (the
    first ``limit`` of them, if given), or one line when there were no sessions."""
    title = dialogue.model.title.get(lang)
    if not stats.starts:
        return [phrase(lang, "stats_no_sessions", title=title, id=dialogue.id)]
    lines = [
        phrase(lang, "stats_title", title=title, id=dialogue.id),
        phrase(
            lang,
            "stats_summary",
            starts=stats.starts,
            completions=stats.completions,
            rate=_pct(stats.rate),
        ),
    ]
    if stats.median is None:
        lines.append(phrase(lang, "stats_no_median"))
    else:
        lines.append(phrase(lang, "stats_median", duration=duration(stats.median, lang)))
    drops = stats.drop_offs()
    if not drops:
        return [*lines, phrase(lang, "stats_no_dropoff")]
    lines.append(phrase(lang, "stats_dropoff", days=IDLE.days))
    for node in drops[:limit]:
        key = "stats_stop_one" if node.stopped == 1 else "stats_stop_many"
        share = _pct(stats.share(node.stopped))
        lines.append(phrase(lang, key, node=node.node, n=node.stopped, share=share))
    if limit is not None and len(drops) > limit:
        lines.append(phrase(lang, "stats_more", count=len(drops) - limit, id=dialogue.id))
    return lines


def funnel_chart(dialogue: CompiledDialogue, stats: DialogueStats, lang: str) -> FunnelChart:
    """The funnel of the nodes runs reached, in the dialogue's order."""
    shown = [n for n in stats.nodes if n.reached]
    labels = (phrase(lang, "stats_label_reached"), phrase(lang, "stats_label_stopped"))
    title = dialogue.model.title.get(lang)
    return FunnelChart(
        phrase(lang, "stats_chart_title", id=dialogue.id),
        tuple(n.node for n in shown),
        tuple(n.reached for n in shown),
        tuple(n.stopped for n in shown),
        labels,
        f"funnel-{dialogue.id}.png",
        phrase(lang, "stats_chart_caption", title=title),
    )


def stats_csv(figures: Figures) -> str:
    """One summary row per dialogue (its starts as ``reached``, every stopped run as
    ``stopped``), then a row per node in the dialogue's order; see README "Analytics"."""
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    table.writerow(CSV_COLUMNS)
    for dialogue, stats in figures:
        median = "" if stats.median is None else f"{stats.median / timedelta(minutes=1):.1f}"
        summary = (stats.starts, stats.stopped, _share(stats, stats.stopped))
        done = (stats.completions, f"{100 * stats.rate:.1f}", median)
        table.writerow((dialogue.id, "", 0, *summary, *done))
        for position, node in enumerate(stats.nodes, start=1):
            counts = (node.reached, node.stopped, _share(stats, node.stopped))
            table.writerow((dialogue.id, node.node, position, *counts, "", "", ""))
    return out.getvalue()


async def stats_report(
    store: Store,
    catalog: Catalog,
    dialogue_id: str | None,
    lang: str,
    now: datetime,
    *,
    as_csv: bool,
) -> str | None:
    """``coachbot stats``: the lines of each dialogue (or one), or the CSV; None if the
    catalog has no dialogue ``dialogue_id``."""
    figures = await store.read(lambda tx: read_figures(tx, catalog, dialogue_id, now))
    if figures is None:
        return None
    if as_csv:
        return stats_csv(figures)
    return "\n\n".join("\n".join(stats_lines(d, s, lang)) for d, s in figures)


def duration(span: timedelta, lang: str) -> str:
    """A duration as people say it: 12 min, 3 uur, 2 dagen."""
    minutes = round(span / timedelta(minutes=1))
    if minutes < 1:
        return phrase(lang, "stats_under_minute")
    if minutes < 120:
        return phrase(lang, "stats_minutes", n=minutes)
    if minutes < 48 * 60:
        return phrase(lang, "stats_hours", n=round(minutes / 60))
    return phrase(lang, "stats_days", n=round(minutes / (24 * 60)))


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def _share(stats: DialogueStats, count: int) -> str:
    return f"{100 * stats.share(count):.1f}"
