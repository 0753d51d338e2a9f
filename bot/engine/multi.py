"""Reads input for a multi question: a toggle, "Done", or a typed list of the options' names.

The options picked so far live in the session's answers under ``PICKED`` (a name no dialogue
can save under), so they are stored with the session and survive a restart; templates and
conditions never see them. With them is kept the step at which this visit of the question began
(``since``): every toggle moves the step on, and a button says what it does ("tick on" or "tick
off", not "flip"), so a quick second tap on the question as shown a moment ago still does what
its button showed. Buttons from before the visit are stale like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.dialogue.model import ChoiceNode, MultiNode, Option
from bot.engine.turn import DONE, Incoming

PICKED = "_picked"
ON, OFF = "+", "~"  # before an option's value on its button: tick it on, tick it off
DONE_WORDS = frozenset({"klaar", "done"})
_SEPARATORS = re.compile(r"[,;\n]")
Value = str | int


@dataclass(frozen=True)
class Toggled:
    """The options picked after pressing one of them (in option order)."""

    picked: list[Value]


@dataclass(frozen=True)
class Chosen:
    """The complete answer: the picked option values, in option order."""

    values: list[Value]


@dataclass(frozen=True)
class Refused:
    """Why the input was not taken: a phrase key and its values."""

    reason: str
    values: dict[str, Any]


def picked_of(answers: Mapping[str, Any]) -> list[Value]:
    """The options picked so far at the current multi question."""
    found = answers.get(PICKED)
    return list(found.get("picked", [])) if isinstance(found, dict) else []


def with_picked(answers: Mapping[str, Any], picked: list[Value], step: int) -> dict[str, Any]:
    """The answers with a new selection; ``step`` is the session's step before this toggle."""
    found = answers.get(PICKED)
    since = found.get("since") if isinstance(found, dict) else None
    return {**answers, PICKED: {"since": since if since is not None else step, "picked": picked}}


def restoring(picked: list[Value]) -> dict[str, Any]:
    """The stored form of a finished answer, to show it again when ``/back`` returns to it."""
    return {"picked": picked}


def earlier_this_visit(answers: Mapping[str, Any], incoming: Incoming, step: int) -> bool:
    """True for a press that says what it does on the question as shown earlier in this visit."""
    found = answers.get(PICKED)
    since = found.get("since") if isinstance(found, dict) else None
    says = incoming.value == DONE or incoming.value[:1] in {ON, OFF}
    if incoming.kind != "choice" or not says or since is None or incoming.step is None:
        return False
    return isinstance(since, int) and since <= incoming.step < step


def without_picked(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers without the selection in progress."""
    return {k: v for k, v in answers.items() if k != PICKED}


def read_multi(
    node: MultiNode, incoming: Incoming, lang: str, picked: list[Value]
) -> Toggled | Chosen | Refused:
    """A pressed option toggles it; "Done" (pressed or typed) finishes; a typed list answers."""
    if incoming.kind == "choice":
        if incoming.value == DONE:
            return _finish(node, picked, lang)
        wanted = incoming.value[:1] if incoming.value[:1] in {ON, OFF} else None
        value = incoming.value[1:] if wanted else incoming.value
        option = next((o for o in node.options if str(o.value) == value), None)
        if option is None:
            return Refused("unknown_option", {})
        return _toggle(node, picked, option, wanted)
    text = incoming.value.strip()
    if text.casefold() in DONE_WORDS:
        return _finish(node, picked, lang)
    return _typed(node, text, lang)


def _toggle(
    node: MultiNode, picked: list[Value], option: Option, wanted: str | None
) -> Toggled | Refused:
    chosen = {str(v) for v in picked}
    value = str(option.value)
    if (wanted == ON and value in chosen) or (wanted == OFF and value not in chosen):
        return Toggled(_in_order(node, chosen))  # already as the button said
    if value in chosen:
        chosen.discard(value)
    elif node.is_exclusive(value):
        chosen = {value}
    else:
        chosen = {v for v in chosen if not node.is_exclusive(v)} | {value}
        if node.max is not None and len(chosen) > node.max:
            return Refused("multi_too_many", {"max": node.max, "got": len(chosen)})
    return Toggled(_in_order(node, chosen))


def _finish(node: MultiNode, picked: list[Value], lang: str) -> Chosen | Refused:
    return _checked(node, _in_order(node, {str(v) for v in picked}), lang)


def _typed(node: MultiNode, text: str, lang: str) -> Chosen | Refused:
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    chosen: set[str] = set()
    for part in parts:
        option = option_named(node, part, lang)
        if option is None:
            example = ", ".join(o.label.get(lang) for o in node.options[:2])
            return Refused("multi_typed", {"part": part[:40], "example": example})
        chosen.add(str(option.value))
    return _checked(node, _in_order(node, chosen), lang)


def option_named(node: ChoiceNode | MultiNode, part: str, lang: str) -> Option | None:
    """The option whose label (in ``lang``, else the other language) or value is ``part``."""
    wanted = part.casefold()
    for names in (
        (o.label.get(lang) for o in node.options),
        (o.label.nl if lang != "nl" else o.label.en for o in node.options),
        (str(o.value) for o in node.options),
    ):
        for option, name in zip(node.options, names, strict=True):
            if name.strip().casefold() == wanted:
                return option
    return None


def _checked(node: MultiNode, values: list[Value], lang: str) -> Chosen | Refused:
    exclusive = [v for v in values if node.is_exclusive(v)]
    if exclusive and len(values) > 1:
        return Refused("multi_exclusive", {"label": _label(node, exclusive[0], lang)})
    if not values and node.min > 0:
        return Refused("multi_none", {})
    if len(values) < node.min:
        return Refused("multi_too_few", {"min": node.min, "got": len(values)})
    if node.max is not None and len(values) > node.max:
        return Refused("multi_too_many", {"max": node.max, "got": len(values)})
    return Chosen(values)


def _in_order(node: MultiNode, chosen: Iterable[str]) -> list[Value]:
    wanted = set(chosen)
    return [o.value for o in node.options if str(o.value) in wanted]


def _label(node: MultiNode, value: Value, lang: str) -> str:
    return next(o.label.get(lang) for o in node.options if o.value == value)
