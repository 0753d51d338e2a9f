"""A member's side of an assignment: finishing it, and choosing what the manager sees.

When a track ends, the member's oldest open assignment of it is done, and they are asked what
their manager may see: only that it is finished (what the manager gets if they never choose)
or their summary too. Nothing of their answers reaches a manager without that press.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from bot.engine.conversation import Conversation
from bot.engine.menu import track_title
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Notice, Panel, Screen, name_of
from bot.engine.turn import Turn
from bot.errors import UnknownDialogue
from bot.records import User
from bot.store.assign_base import Assignment, Shared


def on_finish(c: Conversation, turn: Turn, now: datetime) -> Screen | None:
    """The share question when the finished track was assigned to the user, else None."""
    if turn.outcome != "completed" or turn.session.id is None or not turn.messages:
        return None
    summary = "\n\n".join(m.text for m in turn.messages)  # the closing messages, as shown
    done = c.tx.assignments.complete(
        c.user.id, turn.session.dialogue_id, turn.session.id, summary, now
    )
    if done is None:
        return None
    manager = name_of(done.manager, c.lang)
    buttons = (
        Action(phrase(c.lang, "share_done"), "shdone", str(done.id)),
        Action(phrase(c.lang, "share_summary"), "shsum", str(done.id)),
    )
    return Screen(phrase(c.lang, "share_ask", manager=manager), buttons)


def share(
    c: Conversation,
    assignment_id: int,
    shared: Shared,
    now: datetime,
    lang_of: Callable[[User], str],
) -> Panel:
    """Record the member's choice and tell the manager (in ``lang_of`` them) accordingly, with
    reaction buttons."""
    found = c.tx.assignments.assignment(assignment_id)
    if found is None or found.member.id != c.user.id or found.status != "done":
        return Panel((Screen(phrase(c.lang, "assigned_not_open")),))
    manager = name_of(found.manager, c.lang)
    if not c.tx.assignments.share(found.id, c.user.id, shared, now):
        return Panel((Screen(phrase(c.lang, "share_already", manager=manager)),))
    key = "shared_summary" if shared == "summary" else "shared_done"
    return Panel(
        (Screen(phrase(c.lang, key, manager=manager)),),
        (_told(c, found, shared, lang_of(found.manager)),),
    )


def _told(c: Conversation, found: Assignment, shared: Shared, lang: str) -> Notice:
    track = track_title(c.catalog, found.dialogue_id, lang)
    values = {"name": name_of(found.member, lang), "track": track}
    reactions = (
        Action(phrase(lang, "react_well"), "well", str(found.id)),
        Action(phrase(lang, "react_note"), "rnote", str(found.id)),
    )
    if shared == "done" or not found.summary:
        return Notice(
            found.manager.external_id, phrase(lang, "finished_done_manager", **values), reactions
        )
    head = html.escape(phrase(lang, "finished_summary_manager", **values), quote=False)
    return Notice(found.manager.external_id, f"{head}\n\n{found.summary}", reactions, html=True)


def open_assignment(c: Conversation, assignment_id: int) -> Turn | Panel:
    """ "Start now": the assigned track, resumed or begun, while the assignment is open."""
    found = c.tx.assignments.assignment(assignment_id)
    if found is None or found.member.id != c.user.id or found.status != "open":
        return Panel((Screen(phrase(c.lang, "assigned_not_open")),))
    try:
        return c.open(found.dialogue_id)
    except UnknownDialogue:
        return Panel((Screen(phrase(c.lang, "assigned_not_open")),))
