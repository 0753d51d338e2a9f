"""The team screens: every team (admins), the managers (admins); a manager's members with their
figures are in ``bot.engine.team_report``."""

from __future__ import annotations

from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Screen, name_of
from bot.records import User

MAX_BUTTONS = 90  # Telegram takes at most 100 buttons on one message


def telegram_id(user: User) -> str:
    """The id a person types for ``user`` (their external id without the channel)."""
    return user.external_id.partition(":")[2]


def teams_screen(c: Conversation) -> Screen:
    """Every manager with the size of their team (admins)."""
    teams = c.tx.teams.teams()
    if not teams:
        return Screen(phrase(c.lang, "teams_none"))
    lines = [
        phrase(
            c.lang,
            "teams_line",
            manager=name_of(t.manager, c.lang),
            id=telegram_id(t.manager),
            count=t.members,
        )
        for t in teams
    ]
    title = phrase(c.lang, "teams_all", count=len(teams))
    return Screen("\n".join([title, *lines, "", phrase(c.lang, "teams_hint")]))


def managers_screen(c: Conversation) -> Screen:
    """The managers, and how to add or remove one (admins)."""
    managers = c.tx.teams.holders("manager")
    usage = phrase(c.lang, "managers_usage")
    if not managers:
        return Screen(f"{phrase(c.lang, 'managers_none')}\n\n{usage}")
    lines = [
        phrase(c.lang, "managers_line", name=name_of(m, c.lang), id=telegram_id(m))
        for m in managers
    ]
    title = phrase(c.lang, "managers_list", count=len(managers))
    return Screen("\n".join([title, *lines, "", usage]))
