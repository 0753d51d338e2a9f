"""What each push says, in its recipient's language: HTML, the users' own text escaped.

A push carries its buttons as plain values (the engine knows no channel): ``OpenTrack`` opens a
dialogue, or a commitment's check-in; a team ``Action`` is a press handled by the team buttons.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from bot.dialogue.catalog import Catalog
from bot.dialogue.dates import day_label
from bot.engine.menu import check_in_dialogue, track_title
from bot.engine.phrases import phrase
from bot.engine.roles import Action, name_of
from bot.errors import UnknownDialogue
from bot.records import Assignment, Push

NAME_CHARS = 40  # a name in a push, so the message stays within 600 visible characters
NOTE_CHARS = 240  # the manager's note quoted in a reminder


@dataclass(frozen=True)
class OpenTrack:
    """A button that resumes or starts a dialogue (with a commitment: its check-in)."""

    label: str
    dialogue_id: str
    commitment_id: int | None = None


PushButton = OpenTrack | Action


@dataclass(frozen=True)
class PushMessage:
    """One push, ready for a channel: who, the HTML text and its buttons (one a row)."""

    push: Push
    text: str
    buttons: tuple[PushButton, ...]


def render(
    catalog: Catalog, push: Push, lang: str, today: date, resume: bool = False
) -> PushMessage | None:
    """The message for ``push``; None when what it opens is no longer served."""
    if push.commitment is not None:
        return _check_in(catalog, push, lang)
    assert push.assignment is not None  # every other kind is about an assignment
    title = _title(catalog, push.assignment.dialogue_id, lang)
    if title is None:
        return None
    if push.kind == "finished":
        return _finished(push, push.assignment, title, lang)
    return _reminder(push, push.assignment, title, lang, today, resume)


def _check_in(catalog: Catalog, push: Push, lang: str) -> PushMessage | None:
    check_in = check_in_dialogue(catalog)
    if check_in is None or push.commitment is None:
        return None
    text = phrase(
        lang,
        "push_check_in",
        name=_escaped(push.display_name),
        track=_escaped(track_title(catalog, push.commitment.dialogue_id, lang)),
        plan=_escaped(push.commitment.text),
    )
    button = OpenTrack(phrase(lang, "push_check_in_button"), check_in.id, push.commitment.id)
    return PushMessage(push, text, (button,))


def _reminder(
    push: Push, assignment: Assignment, title: str, lang: str, today: date, resume: bool
) -> PushMessage:
    manager = _name(name_of(assignment.manager, lang))
    text = phrase(
        lang,
        f"push_{push.kind}",
        name=_name(push.display_name),
        manager=manager,
        track=_escaped(title),
        day=day_label(assignment.due_on, lang, today),
    )
    if assignment.note.strip():
        note = _escaped(_clip(assignment.note.strip(), NOTE_CHARS))
        text += "\n\n" + phrase(lang, "push_note", manager=manager, note=note)
    label = phrase(lang, "push_continue" if resume else "push_start")
    return PushMessage(push, text, (OpenTrack(label, assignment.dialogue_id),))


def _finished(push: Push, assignment: Assignment, title: str, lang: str) -> PushMessage:
    member = _name(name_of(assignment.member, lang))
    text = phrase(lang, "push_finished", member=member, track=_escaped(title))
    ref = str(assignment.id)
    buttons = (
        Action(phrase(lang, "push_well_done"), "well", ref),
        Action(phrase(lang, "push_send_note"), "rnote", ref),
    )
    return PushMessage(push, text, buttons)


def _title(catalog: Catalog, dialogue_id: str, lang: str) -> str | None:
    try:
        return catalog.get(dialogue_id).model.title.get(lang)
    except UnknownDialogue:
        return None


def _name(name: str) -> str:
    return _escaped(_clip(name, NAME_CHARS))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _escaped(text: str) -> str:
    return html.escape(text, quote=False)
