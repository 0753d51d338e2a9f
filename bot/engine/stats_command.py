"""/stats for admins: each dialogue's figures in a phone-sized message with its funnel chart.

Only reads, in the coach's read-only unit: the figures of a busy bot never hold up a writer.
"""

from __future__ import annotations

from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Panel, Screen
from bot.engine.stats_report import funnel_chart, read_figures, stats_lines
from bot.engine.teams import who

DROP_LINES = 6  # drop-off lines per message: with the rest it stays well under 600 characters


async def stats(coach: Coach, visitor: Visitor, dialogue_id: str | None = None) -> Reply:
    """/stats (admins): the figures and funnel of every dialogue, or of ``dialogue_id``."""

    def act(c: Conversation) -> Reply:
        if not who(c.tx, c.user, coach.team_rules).admin:
            return _reply(c, Screen(phrase(c.lang, "team_only_admins")))
        figures = read_figures(c.tx, c.catalog, dialogue_id, coach.team_rules.clock())
        if figures is None:
            return _reply(c, Screen(phrase(c.lang, "stats_unknown")))
        screens = [
            Screen(
                "\n".join(stats_lines(dialogue, figures_of, c.lang, DROP_LINES)),
                chart=funnel_chart(dialogue, figures_of, c.lang) if figures_of.starts else None,
            )
            for dialogue, figures_of in figures
        ]
        return _reply(c, *screens)

    return await coach.look(visitor, act)


def _reply(c: Conversation, *screens: Screen) -> Reply:
    return Reply(c.user, c.lang, panel=Panel(tuple(screens)))
