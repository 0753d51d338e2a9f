"""What /team shows of a team's figures: the member lines split into phone-sized screens, the
chart, the CSV export; and the same lines and file for ``coachbot team`` on the server."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from bot.dialogue.catalog import Catalog
from bot.dialogue.model import EndNode, LadderChart
from bot.engine.conversation import Conversation
from bot.engine.menu import track_title
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Screen, day, name_of
from bot.engine.team_csv import team_csv
from bot.engine.team_figures import COUNTED, Spread, Status, TeamFigures, team_figures
from bot.engine.team_views import MAX_BUTTONS, telegram_id
from bot.engine.turn import TeamChart
from bot.records import User
from bot.store.base import Store, Transaction

View = Literal["list", "chart", "export"]
SCREEN_CHARS = 3500  # a screen stays one phone-sized message (Telegram takes 4096)
CHART_FROM = 9  # from this many members the list is too long to take in: a chart comes along
CHART_ROWS = 60  # members drawn at most: more bars would be too thin to read on a phone


def team_args(args: Sequence[str]) -> tuple[str | None, View]:
    """/team's words: whose team (an admin's ``<id>`` or ``all``) and what to show."""
    words = list(args[:2])
    view: View = "list"
    if words and words[-1] in ("chart", "export"):
        view = "chart" if words.pop() == "chart" else "export"
    return (words[0] if words else None), view


def team_view(
    c: Conversation, manager: User, view: View, now: datetime, *, buttons: bool
) -> tuple[Screen, ...]:
    """``manager``'s team as ``view`` asks: the list (remove buttons if asked), the chart or
    the CSV file."""
    figures = team_figures(c.tx, c.catalog, manager, now)
    own = manager.id == c.user.id
    if not figures.members:
        return (Screen(phrase(c.lang, "team_empty" if own else "team_empty_other")),)
    if view == "list":
        command = "/team" if own else f"/team {telegram_id(manager)}"
        return list_screens(figures, c.catalog, c.lang, own=own, buttons=buttons, command=command)
    if view == "chart" and any(figures.totals().values()):
        return (Screen("", chart=team_chart(figures, c.lang)),)
    if view == "export" and figures.rows:
        name = f"team-{telegram_id(manager)}-{now:%Y-%m-%d}.csv"
        data = team_csv(figures, c.catalog, c.lang)
        return (Screen(phrase(c.lang, "fig_export"), document=(name, data)),)
    return (Screen(phrase(c.lang, "fig_nothing")),)


def list_screens(
    figures: TeamFigures, catalog: Catalog, lang: str, *, own: bool, buttons: bool, command: str
) -> tuple[Screen, ...]:
    """The member lines in screens of at most SCREEN_CHARS; the last one carries the remove
    buttons (the first MAX_BUTTONS members) and, for a big team, the chart."""
    lines = [
        *team_lines(figures, catalog, lang, own=own),
        "",
        phrase(lang, "fig_hint", command=command),
    ]
    actions = tuple(
        Action(
            phrase(lang, "team_remove_button", name=name_of(m.member.user, lang))[:60],
            "remove",
            str(m.member.user.id),
        )
        for m in figures.members[:MAX_BUTTONS]
        if buttons
    )
    big = len(figures.members) >= CHART_FROM and any(figures.totals().values())
    texts = _split(lines)
    last = Screen(texts[-1], actions, chart=team_chart(figures, lang) if big else None)
    return (*(Screen(text) for text in texts[:-1]), last)


def team_lines(figures: TeamFigures, catalog: Catalog, lang: str, *, own: bool) -> list[str]:
    """The title, a line per member (their counts below it when they have assignments), the
    team's totals, who cannot be reached, and the ladder spreads."""
    count = len(figures.members)
    manager = name_of(figures.manager, lang)
    title = "team_members" if own else "team_of"
    lines = [phrase(lang, title, manager=manager, count=count)]
    for member in figures.members:
        mark = "" if member.reachable else phrase(lang, "fig_unreachable_mark")
        lines.append(
            phrase(
                lang,
                "team_member_line",
                name=name_of(member.member.user, lang) + mark,
                joined=day(member.member.joined_at, lang),
                active=day(member.member.last_active, lang),
            )
        )
        if any(member.counts.values()):
            lines.append(phrase(lang, "fig_member_counts", counts=_counts(member.counts, lang)))
    totals = figures.totals()
    if any(totals.values()):
        lines += ["", phrase(lang, "fig_totals", counts=_counts(totals, lang))]
    if not all(member.reachable for member in figures.members):
        lines.append(phrase(lang, "fig_unreachable"))
    for spread in figures.spreads:
        lines += ["", *_spread_lines(spread, catalog, lang)]
    return lines


def team_chart(figures: TeamFigures, lang: str) -> TeamChart:
    """The stacked bars of the first CHART_ROWS members (the team's name and the day above)."""
    shown = figures.members[:CHART_ROWS]
    title = phrase(
        lang,
        "fig_chart_title",
        manager=name_of(figures.manager, lang),
        day=day(figures.now, lang),
    )
    parts = tuple(
        (phrase(lang, f"fig_label_{status}"), tuple(m.counts[status] for m in shown))
        for status in COUNTED
    )
    caption = title
    if len(shown) < len(figures.members):
        caption = phrase(
            lang, "fig_chart_first", title=title, shown=len(shown), count=len(figures.members)
        )
    names = tuple(name_of(m.member.user, lang) for m in shown)
    filename = f"team-{telegram_id(figures.manager)}-{figures.now:%Y-%m-%d}.png"
    return TeamChart(title, names, parts, filename, caption)


async def manager_report(
    store: Store, catalog: Catalog, external_id: str, lang: str, now: datetime, *, as_csv: bool
) -> str | bytes | None:
    """``coachbot team``: the /team lines of a manager's team, or its CSV; None if the id is
    not a manager's."""

    def read(tx: Transaction) -> str | bytes | None:
        manager = tx.find_user(external_id)
        if manager is None or "manager" not in tx.teams.roles(manager.id):
            return None
        figures = team_figures(tx, catalog, manager, now)
        if as_csv:
            return team_csv(figures, catalog, lang)
        if not figures.members:
            return phrase(lang, "team_empty_other")
        return "\n".join(team_lines(figures, catalog, lang, own=False))

    return await store.read(read)


def _counts(counts: dict[Status, int], lang: str) -> str:
    return " · ".join(phrase(lang, f"fig_{s}", n=counts[s]) for s in COUNTED if counts[s])


def _spread_lines(spread: Spread, catalog: Catalog, lang: str) -> list[str]:
    """How many stand on each level of each ladder: counts only, nobody named."""
    chart = _chart_of(catalog, spread)
    if chart is None:  # the track changed under the unit: nothing honest to show
        return []
    track = track_title(catalog, spread.dialogue_id, lang)
    lines = [phrase(lang, "fig_ladders", track=track, count=spread.people)]
    levels = chart.levels.get(lang)
    for ladder, counts in zip(chart.ladders, spread.ladders, strict=False):
        text = " · ".join(
            phrase(lang, "fig_level", level=level, n=n)
            for level, n in zip(levels, counts, strict=False)
        )
        lines.append(phrase(lang, "fig_ladder_line", ladder=ladder.label.get(lang), counts=text))
    return lines


def _chart_of(catalog: Catalog, spread: Spread) -> LadderChart | None:
    end = catalog.get(spread.dialogue_id).model.nodes.get(spread.node)
    return end.chart if isinstance(end, EndNode) else None


def _split(lines: list[str]) -> list[str]:
    """The lines joined into texts of at most SCREEN_CHARS, cut only between lines."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > SCREEN_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return ["\n".join(chunk).strip("\n") for chunk in chunks]
