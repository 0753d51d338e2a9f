"""The sentences of analytics: /stats and ``coachbot stats``.

Merged into ``PHRASES`` at the end of ``bot.engine.phrases``; nothing here imports it.
"""

from __future__ import annotations

STATS_PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "stats_title": "{title} ({id})",
        "stats_summary": "Gestart: {starts} · afgerond: {completions} ({rate})",
        "stats_median": "Mediane duur tot het einde: {duration}",
        "stats_no_median": "Nog niemand heeft het afgerond.",
        "stats_dropoff": "Gestopt (of {days} dagen stil) bij:",
        "stats_no_dropoff": "Nog niemand is onderweg gestopt.",
        "stats_stop_one": "{node}: 1 stopte hier ({share})",
        "stats_stop_many": "{node}: {n} stopten hier ({share})",
        "stats_more": "…en bij {count} andere stappen (zie coachbot stats {id}).",
        "stats_no_sessions": "{title} ({id}): nog geen gesprekken, dus nog geen cijfers.",
        "stats_unknown": "Dat gesprek ken ik niet. Stuur /stats voor alle gesprekken.",
        "stats_chart_title": "Trechter van {id}: hoeveel kwamen bij elke stap",
        "stats_chart_caption": "{title}: hoeveel gesprekken elke stap bereikten (oranje: daar gestopt)",
        "stats_label_reached": "bereikt",
        "stats_label_stopped": "hier gestopt",
        "stats_minutes": "{n} min",
        "stats_hours": "{n} uur",
        "stats_days": "{n} dagen",
        "stats_under_minute": "minder dan een minuut",
    },
    "en": {
        "stats_title": "{title} ({id})",
        "stats_summary": "Started: {starts} · completed: {completions} ({rate})",
        "stats_median": "Median time to the end: {duration}",
        "stats_no_median": "Nobody has completed it yet.",
        "stats_dropoff": "Stopped (or {days} days idle) at:",
        "stats_no_dropoff": "Nobody has stopped along the way yet.",
        "stats_stop_one": "{node}: 1 stopped here ({share})",
        "stats_stop_many": "{node}: {n} stopped here ({share})",
        "stats_more": "…and at {count} other steps (see coachbot stats {id}).",
        "stats_no_sessions": "{title} ({id}): no conversations yet, so no figures yet.",
        "stats_unknown": "I don't know that conversation. Send /stats for all of them.",
        "stats_chart_title": "Funnel of {id}: how many reached each step",
        "stats_chart_caption": "{title}: how many conversations reached each step (orange: stopped there)",
        "stats_label_reached": "reached",
        "stats_label_stopped": "stopped here",
        "stats_minutes": "{n} min",
        "stats_hours": "{n} h",
        "stats_days": "{n} days",
        "stats_under_minute": "under a minute",
    },
}
