"""Branches no answer can take: rules that never apply, and the nodes only they lead to.

The loader already refuses a default rule before the last one and nodes no step leads to; what
is left are rules that pass validation but can never fire: a condition that is always false
(``colour == 'redd'`` where the choice offers red and blue), one after a condition that is
always true, a condition repeated, or a choice's ``next`` when every option has its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, nodes

from bot.dialogue import graph
from bot.dialogue.model import Branch, ChoiceNode, Dialogue, EndNode, MultiNode, ScaleNode
from bot.dialogue.rendering import expression_tree
from bot.dialogue.sandbox import GuardedEnvironment

PathParts = tuple[str | int, ...]
SCALE_VALUES = frozenset(str(n) for n in range(1, 6))
# Answer name -> (whether it holds a list, the values it can hold as text); None: any value.
Values = dict[str, tuple[bool, frozenset[str]] | None]


@dataclass(frozen=True)
class DeadRule:
    """A rule (or a choice's whole ``next``) that never applies, and why."""

    node_id: str
    path: PathParts
    reason: str


def dead_rules(dialogue: Dialogue, env: GuardedEnvironment) -> list[DeadRule]:
    """Every rule of every node's ``next`` that no answer can make apply."""
    values = _possible_values(dialogue)
    found: list[DeadRule] = []
    for node_id, node in dialogue.nodes.items():
        base: PathParts = ("nodes", node_id, "next")
        if isinstance(node, ChoiceNode) and node.next is not None and _all_own(node):
            reason = "every option has its own 'next', so the question's 'next' is never used"
            found.append(DeadRule(node_id, base, reason))
            continue
        if not isinstance(node, EndNode) and isinstance(node.next, list):
            found += _dead_in_list(node_id, node.next, base, env, values)
    return found


def _all_own(node: ChoiceNode) -> bool:
    return all(option.next is not None for option in node.options)


def only_through_dead(dialogue: Dialogue, dead: list[DeadRule]) -> list[str]:
    """Nodes the start reaches only through rules that never apply, in file order."""
    skipped = {rule.path for rule in dead}
    edges: dict[str, list[str]] = {}
    for node_id, node in dialogue.nodes.items():
        base: PathParts = ("nodes", node_id, "next")
        own = [o.next for o in getattr(node, "options", []) if o.next is not None]
        if base not in skipped and isinstance(getattr(node, "next", None), str | list):
            rules = enumerate(getattr(node, "branches", list)())
            own += [b.goto for i, b in rules if (*base, i) not in skipped]
        edges[node_id] = [target for target in own if target in dialogue.nodes]
    live = graph.reachable([dialogue.start], edges)
    return [node_id for node_id in dialogue.nodes if node_id not in live]


def _dead_in_list(
    node_id: str,
    branches: list[Branch],
    base: PathParts,
    env: GuardedEnvironment,
    values: Values,
) -> Iterator[DeadRule]:
    seen: set[str] = set()
    always = False
    for index, branch in enumerate(branches):
        path, condition = (*base, index), branch.condition
        if always:
            yield DeadRule(node_id, path, "an earlier rule always applies, so this one never does")
            continue
        if condition is None:
            continue
        expression = _expression(env, condition)
        key = " ".join(condition.split())
        if key in seen:
            yield DeadRule(node_id, path, "the same condition as an earlier rule, which goes first")
        elif isinstance(expression, nodes.Const):
            always = bool(expression.value)
            if not always:
                yield DeadRule(node_id, path, "the condition is always false")
        elif expression is not None and (why := _impossible(expression, values)) is not None:
            yield DeadRule(node_id, path, f"no answer makes the condition true: {why}")
        seen.add(key)


def _expression(env: GuardedEnvironment, condition: str) -> nodes.Expr | None:
    try:
        output = expression_tree(env, condition).body[0]
    except TemplateSyntaxError:  # the loader reports it as an error
        return None
    assert isinstance(output, nodes.Output)
    expression = output.nodes[0]
    return expression if isinstance(expression, nodes.Expr) else None


def _possible_values(dialogue: Dialogue) -> Values:
    """Answer name -> (True for a list of values, every value as text); None: anything goes."""
    values: Values = dict.fromkeys(dialogue.inputs)
    for node in dialogue.nodes.values():
        for key in node.compute:
            values[key] = None
        save = getattr(node, "save", None)
        if save is None:
            continue
        mine: tuple[bool, frozenset[str]] | None = None
        if isinstance(node, ChoiceNode | MultiNode):
            mine = isinstance(node, MultiNode), frozenset(str(o.value) for o in node.options)
        elif isinstance(node, ScaleNode):
            mine = False, SCALE_VALUES
        before = values.get(save, (mine[0], frozenset()) if mine else None)
        if mine is None or before is None or before[0] != mine[0]:
            values[save] = None
        else:
            values[save] = mine[0], before[1] | mine[1]
    return values


def _impossible(expression: nodes.Expr, values: Values) -> str | None:
    """Why ``expression`` is false for every possible answer, or None if it may be true."""
    if isinstance(expression, nodes.And):
        return _impossible(expression.left, values) or _impossible(expression.right, values)
    if isinstance(expression, nodes.Or):
        first = _impossible(expression.left, values)
        second = _impossible(expression.right, values) if first else None
        return f"{first}; {second}" if first and second else None
    if not isinstance(expression, nodes.Compare) or len(expression.ops) != 1:
        return None
    left, (operand,) = expression.expr, expression.ops
    if operand.op == "eq":  # one value: colour == 'red'
        named, compared, many = left, [operand.expr], False
    elif operand.op == "in" and isinstance(operand.expr, nodes.List | nodes.Tuple):
        named, compared, many = left, operand.expr.items, False  # colour in ['red', 'blue']
    elif operand.op == "in":  # one of several chosen: 'email' in channels
        named, compared, many = operand.expr, [left], True
    else:
        return None
    name = _answer_name(named)
    known = values.get(name) if name is not None else None
    constants = [c.value for c in compared if isinstance(c, nodes.Const)]
    if known is None or known[0] != many or not compared or len(constants) != len(compared):
        return None
    if {str(c) for c in constants} & known[1]:
        return None
    shown = " or ".join(repr(c) for c in constants)
    return f"{shown} is not a value of '{name}' ({', '.join(sorted(known[1]))})"


def _answer_name(expression: nodes.Expr) -> str | None:
    """The answer an expression reads: ``colour``, ``answers.colour`` or ``answers['colour']``."""
    if isinstance(expression, nodes.Name):
        return expression.name
    if isinstance(expression, nodes.Getattr | nodes.Getitem):
        inner = expression.node
        if isinstance(inner, nodes.Name) and inner.name == "answers":
            if isinstance(expression, nodes.Getattr):
                return expression.attr
            if isinstance(expression.arg, nodes.Const) and isinstance(expression.arg.value, str):
                return expression.arg.value
    return None
