"""Walks a dialogue in memory with answers given up front: the engine as it is, no store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.dialogue.model import ChoiceNode, DateNode, Dialogue, MultiNode, Node
from bot.engine.engine import Engine, Person
from bot.engine.multi import option_named
from bot.engine.turn import Incoming, Turn
from bot.engine.walks import Trail, start_inputs
from bot.errors import CoachbotError
from bot.records import PROFILE_TEXTS, Profile

TAKEN = frozenset({"accepted", "completed", "toggled"})
PROFILE_KEYS = (*PROFILE_TEXTS, "channels")


class BadAnswer(CoachbotError):
    """An answer in the answers file that the question it reached does not take."""


@dataclass(frozen=True)
class Step:
    """One answer sent and the engine's turn for it."""

    incoming: Incoming
    turn: Turn


@dataclass
class Run:
    """A simulated session: the first turn, then every answer with its turn."""

    first: Turn
    steps: list[Step] = field(default_factory=list)
    stopped_at: str | None = None  # the question no answer was left for
    unused: int = 0  # answers left over after the end

    @property
    def last(self) -> Turn:
        """The newest turn."""
        return self.steps[-1].turn if self.steps else self.first


def simulate(engine: Engine, dialogue_id: str, person: Person, answers: Sequence[Any]) -> Run:
    """The dialogue answered with ``answers`` in order (see ``as_incoming`` for their form)."""
    dialogue = engine.catalog.get(dialogue_id)
    run = Run(engine.start(0, dialogue_id, person, start_inputs(dialogue)))
    left = list(answers)
    while not run.last.finished and left:
        session = run.last.session
        incoming = as_incoming(dialogue.model.nodes[session.node], session.node, left.pop(0))
        turn = engine.reply(session, incoming, person)
        if turn.outcome not in TAKEN:
            reason = turn.notice or turn.outcome
            raise BadAnswer(f"question {session.node!r} does not take {incoming.value!r}: {reason}")
        run.steps.append(Step(incoming, turn))
    if not run.last.finished:
        run.stopped_at = run.last.session.node
    run.unused = len(left)
    return run


def replay(engine: Engine, dialogue_id: str, trail: Trail) -> Run:
    """A walk found by ``walks.covering_walks`` sent through the engine again."""
    dialogue = engine.catalog.get(dialogue_id)
    run = Run(engine.start(0, dialogue_id, trail.person, start_inputs(dialogue)))
    for incoming in trail.inputs:
        run.steps.append(Step(incoming, engine.reply(run.last.session, incoming, trail.person)))
    return run


def as_incoming(node: Node, node_id: str, answer: Any) -> Incoming:
    """An answer from the file as the engine takes it: an option by its value or label (a list
    of them at a multi question), a day as ``2026-05-04``, anything else as typed text."""
    if isinstance(node, MultiNode):
        items = answer if isinstance(answer, list) else [answer]
        values = [str(_option(node, node_id, item).value) for item in items]
        return Incoming.text(", ".join(values))
    if isinstance(answer, list | dict):
        raise BadAnswer(f"question {node_id!r} takes one answer, not {answer!r}")
    if isinstance(node, ChoiceNode):
        return Incoming.choice(str(_option(node, node_id, answer).value))
    if isinstance(node, DateNode) and isinstance(answer, date):
        return Incoming.choice(answer.isoformat())
    return Incoming.text(_plain(answer))


def _option(node: ChoiceNode | MultiNode, node_id: str, answer: Any) -> Any:
    found = option_named(node, _plain(answer).strip(), "nl")
    if found is None:
        allowed = ", ".join(f"{o.value} ({o.label.nl} / {o.label.en})" for o in node.options)
        raise BadAnswer(f"question {node_id!r} has no option {answer!r}; the options: {allowed}")
    return found


def _plain(answer: Any) -> str:
    """YAML reads yes/no as booleans and 2026-05-04 as a date: back to the words written."""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    if isinstance(answer, date):
        return answer.isoformat()
    return str(answer)


def profile_from(data: Any, choices: Mapping[str, Sequence[str]] | None = None) -> Profile:
    """A profile from a mapping of its fields (``channels`` a list or one value); a field in
    ``choices`` must hold one of its values (the profile dialogue's options)."""
    if not isinstance(data, dict):
        raise BadAnswer(f"a profile is a mapping of {', '.join(PROFILE_KEYS)}")
    unknown = sorted(set(map(str, data)) - set(PROFILE_KEYS))
    if unknown:
        raise BadAnswer(f"a profile has no field {unknown[0]!r}; the fields: {PROFILE_KEYS}")
    channels = data.get("channels", [])
    listed = channels if isinstance(channels, list) else [channels]
    fields = {key: _plain(data.get(key, "")) for key in PROFILE_TEXTS}
    picked = [_plain(c) for c in listed]
    given = {key: [value] for key, value in fields.items() if value} | {"channels": picked}
    for key, allowed in (choices or {}).items():
        wrong = [value for value in given.get(key, []) if value not in allowed]
        if wrong:
            raise BadAnswer(f"a profile's {key} is one of {', '.join(allowed)}, not {wrong[0]!r}")
    market, product, role, experience = fields.values()
    return Profile(market, product, role, experience, tuple(picked))


def profile_choices(dialogue: Dialogue) -> dict[str, list[str]]:
    """The values the profile dialogue's buttons save, per profile field."""
    return {
        node.save: [str(o.value) for o in node.options]
        for node in dialogue.nodes.values()
        if isinstance(node, ChoiceNode | MultiNode) and node.save in PROFILE_KEYS
    }
