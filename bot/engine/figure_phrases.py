# ruff: noqa: E501  (one sentence per line reads best for translators)
"""The sentences of a team's figures: /team's counts, its chart, /team export and the ladders.

Merged into ``PHRASES`` at the end of ``bot.engine.phrases``; nothing here imports it.
"""

from __future__ import annotations

FIGURE_PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "fig_open": "{n} open",
        "fig_started": "{n} bezig",
        "fig_done": "{n} klaar",
        "fig_overdue": "{n} te laat",
        "fig_member_counts": "   {counts}",
        "fig_totals": "Samen: {counts}",
        "fig_unreachable_mark": " ⛔",
        "fig_unreachable": "⛔ = heeft de bot geblokkeerd: herinneringen komen niet aan.",
        "fig_hint": "Stuur {command} chart voor een grafiek of {command} export voor een CSV-bestand.",
        "fig_ladders": "Zo verdeelt het team zich over de ladders van {track} ({count} mensen, ieders laatste keer):",
        "fig_ladder_line": "• {ladder}: {counts}",
        "fig_level": "{level} {n}",
        "fig_chart_title": "Team van {manager}: opdrachten op {day}",
        "fig_chart_first": "{title} (de eerste {shown} van {count})",
        "fig_label_open": "open",
        "fig_label_started": "bezig",
        "fig_label_done": "klaar",
        "fig_label_overdue": "te laat",
        "fig_label_withdrawn": "ingetrokken",
        "fig_nothing": "Er zijn nog geen opdrachten in dit team, dus nog niets voor een grafiek of een bestand.",
        "fig_export": "De opdrachten van het team, om te openen in Excel. Zonder antwoorden of samenvattingen.",
        "fig_csv_header": "Lid,Track,Opgegeven op,Klaar uiterlijk,Status,Klaar op,Gedeeld",
        "fig_shared_none": "nog niet gekozen",
        "fig_shared_done": "alleen dat het klaar is",
        "fig_shared_summary": "de samenvatting",
    },
    "en": {
        "fig_open": "{n} open",
        "fig_started": "{n} in progress",
        "fig_done": "{n} done",
        "fig_overdue": "{n} overdue",
        "fig_member_counts": "   {counts}",
        "fig_totals": "Together: {counts}",
        "fig_unreachable_mark": " ⛔",
        "fig_unreachable": "⛔ = blocked the bot: reminders don't reach them.",
        "fig_hint": "Send {command} chart for a chart, or {command} export for a CSV file.",
        "fig_ladders": "How the team spreads over the ladders of {track} ({count} people, each one's latest run):",
        "fig_ladder_line": "• {ladder}: {counts}",
        "fig_level": "{level} {n}",
        "fig_chart_title": "{manager}'s team: assignments on {day}",
        "fig_chart_first": "{title} (the first {shown} of {count})",
        "fig_label_open": "open",
        "fig_label_started": "in progress",
        "fig_label_done": "done",
        "fig_label_overdue": "overdue",
        "fig_label_withdrawn": "withdrawn",
        "fig_nothing": "There are no assignments in this team yet, so nothing to chart or export.",
        "fig_export": "The team's assignments, to open in Excel. Without answers or summaries.",
        "fig_csv_header": "Member,Track,Assigned on,Due on,Status,Finished on,Shared",
        "fig_shared_none": "not chosen yet",
        "fig_shared_done": "only that it's done",
        "fig_shared_summary": "the summary",
    },
}
