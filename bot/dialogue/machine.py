"""Builds the one shared ``transitions`` machine of a dialogue version."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from transitions import EventData, Machine

from bot.dialogue import budget
from bot.dialogue.model import ChoiceNode, Dialogue, EndNode

Check = Callable[..., bool]
Expression = Callable[..., Any]
ADVANCE = "advance"


class Cursor:
    """What the shared machine moves: a node id plus the answers its conditions read.

    The machine is shared by every user, so per-user data never lives on it; each step
    builds a Cursor from the stored session and triggers the machine's event on it.
    """

    __slots__ = ("context", "node")

    def __init__(self, node: str, context: Mapping[str, Any]) -> None:
        self.node = node
        self.context = context


def build_machine(dialogue: Dialogue, conditions: Mapping[tuple[str, int], Expression]) -> Machine:
    """A machine whose ``advance`` event moves a Cursor along the first rule that holds.

    ``conditions`` maps (node id, rule index) to the compiled ``if`` of that rule. Options
    with their own ``next`` come first, then the node's rules in order, the default last.
    """
    machine = Machine(
        model=None,
        states=list(dialogue.nodes),
        initial=dialogue.start,
        model_attribute="node",
        auto_transitions=False,
        send_event=True,
    )
    for node_id, node in dialogue.nodes.items():
        if isinstance(node, EndNode):
            continue
        if isinstance(node, ChoiceNode):
            for option in node.options:
                if option.next is not None:
                    check = _chose(node.save, str(option.value))
                    machine.add_transition(ADVANCE, node_id, option.next, conditions=[check])
        for index, branch in enumerate(node.branches()):
            expression = conditions.get((node_id, index))
            checks: list[str | Callable[..., bool | None]] = []
            if expression is not None:
                checks.append(_holds(expression))
            machine.add_transition(ADVANCE, node_id, branch.goto, conditions=checks)
    return machine


def _chose(key: str, value: str) -> Check:
    def check(event: EventData) -> bool:
        cursor = event.model
        assert isinstance(cursor, Cursor)
        return str(cursor.context.get(key)) == value

    return check


def _holds(expression: Expression) -> Check:
    def check(event: EventData) -> bool:
        cursor = event.model
        assert isinstance(cursor, Cursor)
        return bool(budget.evaluate(expression, cursor.context))

    return check
