"""What a node shows the user: its rendered text, its buttons and its chart."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.model import ChoiceNode, LadderChart, ScaleNode
from bot.engine.phrases import phrase
from bot.engine.turn import Button, Chart, Message
from bot.errors import RenderError
from bot.records import Profile, Session

NO_PROFILE = Profile()


@dataclass(frozen=True)
class Person:
    """Who the engine is talking to: their name, the language to answer in, their profile."""

    name: str
    lang: str
    profile: Profile = NO_PROFILE


def context(session: Session, person: Person) -> dict[str, Any]:
    """The names templates and expressions can read: every answer, name, lang and profile."""
    return {
        **session.answers,
        "answers": session.answers,
        "name": person.name,
        "lang": person.lang,
        "profile": person.profile.names(),
    }


def present(dialogue: CompiledDialogue, session: Session, person: Person) -> Message:
    """The message for the node the session is at."""
    node = dialogue.model.nodes[session.node]
    names = context(session, person)
    text = dialogue.render(session.node, person.lang, names)
    image = _chart(dialogue, session.node, node.chart, person.lang, names) if node.chart else None
    if isinstance(node, ChoiceNode):
        buttons = tuple(Button(o.label.get(person.lang), str(o.value)) for o in node.options)
        return Message(text, buttons, image)
    if isinstance(node, ScaleNode):
        if node.low is not None and node.high is not None:
            low, high = node.low.get(person.lang), node.high.get(person.lang)
            ends = phrase(person.lang, "scale_ends", low=low, high=high)
            text += f"\n<i>{html.escape(ends, quote=False)}</i>"
        return Message(text, tuple(Button(str(i), str(i)) for i in range(1, 6)), image)
    return Message(text, image=image)


def _chart(
    dialogue: CompiledDialogue, node_id: str, chart: LadderChart, lang: str, names: dict[str, Any]
) -> Chart:
    levels = tuple(chart.levels.get(lang))
    rows = []
    for index, ladder in enumerate(chart.ladders):
        level = dialogue.evaluate(node_id, f"chart.{index}", names)
        if not isinstance(level, int | float) or not 1 <= level <= len(levels):
            raise RenderError(
                f"{dialogue.file}: chart level {level!r} at {node_id!r} is not 1-{len(levels)}"
            )
        rows.append((ladder.label.get(lang), int(level)))
    return Chart(chart.title.get(lang), levels, tuple(rows), f"{dialogue.id}-{node_id}.png")
