"""/team export: a team's assignments as a CSV file for Excel, never with answers or summaries."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.dialogue.catalog import Catalog
from bot.engine.menu import track_title
from bot.engine.phrases import phrase
from bot.engine.presenter import TIME_ZONE
from bot.engine.roles import name_of
from bot.engine.team_figures import Row, TeamFigures

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # Excel would run such a cell as a formula


def team_csv(figures: TeamFigures, catalog: Catalog, lang: str) -> bytes:
    """One row per assignment (newest first): member, track, assigned on, due on, status,
    finished on, what the member shared; UTF-8 with a BOM so Excel reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(phrase(lang, "fig_csv_header").split(","))
    for row in figures.rows:
        writer.writerow([_safe(cell) for cell in _cells(row, catalog, lang)])
    return out.getvalue().encode("utf-8-sig")


def _cells(row: Row, catalog: Catalog, lang: str) -> list[str]:
    a = row.assignment
    shared = ""
    if a.status == "done":
        shared = phrase(lang, f"fig_shared_{a.shared or 'none'}")
    return [
        name_of(a.member, lang),
        track_title(catalog, a.dialogue_id, lang),
        _date(a.created_at),
        a.due_on.isoformat(),
        phrase(lang, f"fig_label_{row.status}"),
        _date(a.finished_at),
        shared,
    ]


def _date(moment: datetime | None) -> str:
    return moment.astimezone(TIME_ZONE).date().isoformat() if moment is not None else ""


def _safe(cell: str) -> str:
    """A cell a spreadsheet shows as text: names are typed by people, and one starting with
    ``=`` would otherwise be run as a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell
