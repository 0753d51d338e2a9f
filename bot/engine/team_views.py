"""The team screens: a manager's members, every team (admins), the managers (admins)."""

from __future__ import annotations

from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Screen, day, name_of
from bot.records import User

MAX_BUTTONS = 90  # Telegram takes at most 100 buttons on one message


def telegram_id(user: User) -> str:
    """The id a person types for ``user`` (their external id without the channel)."""
    return user.external_id.partition(":")[2]


def members_screen(c: Conversation, manager: User, *, buttons: bool) -> Screen:
    """The manager's members (name, since when, last active); a remove button each if asked."""
    members = c.tx.teams.members(manager.id)
    own = manager.id == c.user.id
    if not members:
        return Screen(phrase(c.lang, "team_empty" if own else "team_empty_other"))
    title = (
        phrase(c.lang, "team_members", count=len(members))
        if own
        else phrase(c.lang, "team_of", manager=name_of(manager, c.lang), count=len(members))
    )
    lines = [
        phrase(
            c.lang,
            "team_member_line",
            name=name_of(m.user, c.lang),
            joined=day(m.joined_at, c.lang),
            active=day(m.last_active, c.lang),
        )
        for m in members
    ]
    actions = tuple(
        Action(
            phrase(c.lang, "team_remove_button", name=name_of(m.user, c.lang))[:60],
            "remove",
            str(m.user.id),
        )
        for m in members[:MAX_BUTTONS]
        if buttons
    )
    return Screen("\n".join([title, *lines]), actions)


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
