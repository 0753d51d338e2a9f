"""What a node shows the user: its rendered text, its buttons and its chart."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.dialogue import dates
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.model import (
    PREVIOUS,
    ChoiceNode,
    DateNode,
    EndNode,
    LadderChart,
    MultiNode,
    SayNode,
    ScaleNode,
)
from bot.engine.multi import OFF, ON, PICKED, picked_of, without_picked
from bot.engine.phrases import phrase
from bot.engine.turn import DONE, Button, Chart, Message
from bot.errors import RenderError
from bot.records import Profile, Session

NO_PROFILE = Profile()

# A line holding only "---" in an end node's or a tip's text puts what follows behind a
# "Details" button. An end node's button sends DETAILS; a tip's sends "details-" and the tip's
# place among the dialogue's nodes (a node id may be too long for Telegram's 64-byte buttons).
DETAILS = "details"
TIP_DETAILS = re.compile(r"details-(\d{1,4})")
_FOLD = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)


def fold(text: str) -> tuple[str, str | None]:
    """(what is shown at once, what waits behind "Details"), split at the first fold line."""
    parts = _FOLD.split(text, maxsplit=1)
    if len(parts) == 1 or not parts[1].strip():
        return _FOLD.sub("", text).strip(), None
    return parts[0].strip(), parts[1].strip()


# Where "today" is decided until deployments can set their own time zone.
TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def _today() -> date:
    return datetime.now(TIME_ZONE).date()


@dataclass(frozen=True)
class Person:
    """Who the engine is talking to: their name, the language to answer in, their today and
    their profile."""

    name: str
    lang: str
    today: date = field(default_factory=_today)
    profile: Profile = NO_PROFILE


def context(session: Session, person: Person) -> dict[str, Any]:
    """The names templates and expressions can read: every answer, name, lang, today and
    profile."""
    answers = without_picked(session.answers) if PICKED in session.answers else session.answers
    return {
        **answers,
        "answers": answers,
        "name": person.name,
        "lang": person.lang,
        "today": person.today.isoformat(),
        "profile": person.profile.names(),
    }


def present(dialogue: CompiledDialogue, session: Session, person: Person) -> Message:
    """The message for the node the session is at."""
    node = dialogue.model.nodes[session.node]
    names = context(session, person)
    text = dialogue.render(session.node, person.lang, names)
    image = _chart(dialogue, session, node.chart, person.lang, names) if node.chart else None
    if isinstance(node, ChoiceNode):
        buttons = tuple(Button(o.label.get(person.lang), str(o.value)) for o in node.options)
        return Message(text, buttons, image)
    if isinstance(node, MultiNode):
        picked = {str(v) for v in picked_of(session.answers)}
        options = tuple(
            Button(o.label.get(person.lang), f"{OFF if on else ON}{o.value}", on)
            for o in node.options
            for on in [str(o.value) in picked]
        )
        done = Button(phrase(person.lang, "multi_done"), DONE)
        return Message(text, (*options, done), image, multi=True)
    if isinstance(node, EndNode | SayNode):
        short, details = fold(text)
        if details is not None:
            value = DETAILS if isinstance(node, EndNode) else f"{DETAILS}-{_place(dialogue, node)}"
            button = Button(phrase(person.lang, "details_button"), value)
            return Message(short, (button,), image, details=f"{short}\n\n{details}")
        return Message(text, image=image)
    if isinstance(node, DateNode):
        picks = dates.quick_picks(person.today, node.max_days)
        quick = [Button(dates.short_label(d, person.lang, person.today), str(d)) for d in picks]
        return Message(text, tuple(quick), image)
    if isinstance(node, ScaleNode):
        if node.low is not None and node.high is not None:
            low, high = node.low.get(person.lang), node.high.get(person.lang)
            ends = phrase(person.lang, "scale_ends", low=low, high=high)
            text += f"\n<i>{html.escape(ends, quote=False)}</i>"
        return Message(text, tuple(Button(str(i), str(i)) for i in range(1, 6)), image)
    return Message(text, image=image)


def tip_details(
    dialogue: CompiledDialogue, session: Session, value: str, person: Person
) -> Message | None:
    """The whole text of the tip whose "Details" button sent ``value``, or None if it names no
    tip with details (read again from the session's answers: a tip saves nothing)."""
    match = TIP_DETAILS.fullmatch(value)
    if match is None:  # every answer button passes here: nothing more for those
        return None
    ids = list(dialogue.model.nodes)
    if int(match[1]) >= len(ids):
        return None
    node_id = ids[int(match[1])]
    if not isinstance(dialogue.model.nodes[node_id], SayNode):
        return None
    try:  # a forged button may name a tip the user never reached, whose names are not set
        short, details = fold(dialogue.render(node_id, person.lang, context(session, person)))
    except RenderError:
        return None
    return None if details is None else Message(f"{short}\n\n{details}")


def _place(dialogue: CompiledDialogue, node: object) -> int:
    return next(i for i, n in enumerate(dialogue.model.nodes.values()) if n is node)


def _chart(
    dialogue: CompiledDialogue,
    session: Session,
    chart: LadderChart,
    lang: str,
    names: dict[str, Any],
) -> Chart:
    node_id = session.node
    levels = tuple(chart.levels.get(lang))
    now = _levels(dialogue, node_id, len(chart.ladders), len(levels), names)
    labels = [ladder.label.get(lang) for ladder in chart.ladders]
    # Named per session, so a second run of the track never overwrites the first one's chart.
    filename = f"{dialogue.id}-{session.id or 'new'}-{node_id}.png"
    return Chart(
        chart.title.get(lang),
        levels,
        tuple(zip(labels, now, strict=True)),
        filename,
        before=_levels_before(dialogue, node_id, chart, len(levels), names),
        legend=phrase(lang, "chart_before"),
    )


def _levels(
    dialogue: CompiledDialogue, node_id: str, ladders: int, top: int, names: dict[str, Any]
) -> list[int]:
    found = []
    for index in range(ladders):
        level = dialogue.evaluate(node_id, f"chart.{index}", names)
        if not isinstance(level, int | float) or not 1 <= level <= top:
            raise RenderError(
                f"{dialogue.file}: chart level {level!r} at {node_id!r} is not 1-{top}"
            )
        found.append(int(level))
    return found


def _levels_before(
    dialogue: CompiledDialogue, node_id: str, chart: LadderChart, top: int, names: dict[str, Any]
) -> tuple[int, ...]:
    """The levels of the last run of this track (given as ``previous``), if they can be read."""
    previous = names.get(PREVIOUS)
    if not isinstance(previous, dict) or not previous:
        return ()
    then = {**previous, "answers": previous, "name": names["name"], "lang": names["lang"]}
    try:
        return tuple(_levels(dialogue, node_id, len(chart.ladders), top, then))
    except RenderError:  # an older run of a changed track: show this run alone
        return ()
