"""Static checks of a parsed text: what validation refuses before anyone sees it, with its line.

The sandbox (``sandbox``) guards every rendering; these checks refuse what would reach
Python internals, or what would certainly break a limit, as soon as the file is validated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import nodes

from bot.dialogue import limits
from bot.dialogue.budget import LimitExceeded
from bot.dialogue.parse_guards import loop_iterable
from bot.dialogue.sandbox import ALLOWED_METHODS
from bot.dialogue.size_checks import (
    WIDTH_METHODS,
    check_format,
    check_percent_format,
    repeats_too_much,
    too_big_power,
)

# attr reaches attributes by name; safe (and forceescape's opposite) would let what a user
# typed reach Telegram as markup.
_FORBIDDEN_FILTERS = frozenset({"attr", "safe"})
_WIDTH_FILTERS = {"center": 1, "indent": 1, "batch": 1, "slice": 1, "short": 1}  # width position
# Methods of strings, numbers, lists and dicts that texts may not call.
_REFUSED_METHODS = (
    frozenset(
        name
        for kind in (str, int, float, list, tuple, dict, set, bytes)
        for name in dir(kind)
        if not name.startswith("_") and callable(getattr(kind, name))
    )
    - ALLOWED_METHODS
)
_ATTRIBUTE_FILTERS = frozenset(
    {"map", "sort", "groupby", "sum", "selectattr", "rejectattr", "unique", "min", "max", "join"}
    | {"dictsort", "select", "reject"}
)
Found = Iterator[tuple[int, str]]


def refused(tree: nodes.Template) -> Found:
    """(line, reason) for everything in ``tree`` a dialogue text may not do."""
    declared = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for node in tree.find_all(nodes.Node):
        line = node.lineno
        if isinstance(node, nodes.Getattr):
            yield from _getattr(node, declared)
        elif isinstance(node, nodes.Getitem) and _underscore(node.arg):
            yield line, "a key starting with '_' reaches Python internals"
        elif isinstance(node, nodes.Filter):
            yield from _filter(node)
        elif isinstance(node, nodes.Call):
            yield from _call(node)
        elif isinstance(node, nodes.BinExpr):
            yield from _operator(node)
        elif isinstance(node, nodes.For) and node.recursive:
            yield line, "recursive loops are not allowed"
        elif isinstance(node, nodes.ScopedEvalContextModifier | nodes.EvalContextModifier):
            yield line, "'autoescape' cannot be changed: what users type is always escaped"
    yield from _loops(tree)
    yield from _recursive_macros(tree)


def _getattr(node: nodes.Getattr, declared: set[str]) -> Found:
    if node.attr.startswith("_"):
        yield node.lineno, f"'.{node.attr}' reaches Python internals; use plain answer names"
    target = node.node
    if (
        isinstance(target, nodes.Name)
        and target.name in ("name", "lang")
        and target.name not in declared
        and node.attr not in ALLOWED_METHODS
    ):
        yield node.lineno, f"'{target.name}' is a text; it has no '.{node.attr}'"


def _filter(node: nodes.Filter) -> Found:
    if node.name in _FORBIDDEN_FILTERS:
        yield node.lineno, f"the '|{node.name}' filter is not allowed in dialogue texts"
    if node.name in _WIDTH_FILTERS:
        yield from _too_wide(node, _argument(node, _WIDTH_FILTERS[node.name] - 1, "width"))
    if node.name == "format" and isinstance(node.node, nodes.Const):
        yield from _format_widths(node.lineno, node.node.value)
    if node.name in _ATTRIBUTE_FILTERS:
        names = [a for a in node.args if isinstance(a, nodes.Const)]
        names += [k.value for k in node.kwargs if isinstance(k.value, nodes.Const)]
        for arg in names:
            if isinstance(arg.value, str) and any(p.startswith("_") for p in arg.value.split(".")):
                yield node.lineno, f"the name {arg.value!r} reaches Python internals"
            elif node.name == "map" and arg.value in _FORBIDDEN_FILTERS:
                yield node.lineno, f"the '|{arg.value}' filter is not allowed in dialogue texts"


def _call(node: nodes.Call) -> Found:
    callee = node.node
    if isinstance(callee, nodes.Name) and callee.name == "range":
        bounds = [_constant(a) for a in node.args]
        if any(isinstance(b, int) and abs(b) > limits.MAX_RANGE for b in bounds):
            yield node.lineno, f"range() is limited to {limits.MAX_RANGE} items"
    elif isinstance(callee, nodes.Name) and callee.name == "lipsum":
        count, size = _argument(node, 0, "n"), _argument(node, 3, "max")
        if isinstance(count, int) and count > limits.MAX_LIPSUM:
            yield node.lineno, f"lipsum() gives at most {limits.MAX_LIPSUM} paragraphs"
        yield from _too_wide(node, size)
    elif isinstance(callee, nodes.Getattr):
        written = _constant(callee.node)
        if callee.attr == "format" and isinstance(written, str):
            try:
                check_format(written)
            except (LimitExceeded, ValueError) as err:
                yield node.lineno, f"format: {err}"
        elif callee.attr in _REFUSED_METHODS:
            yield (
                node.lineno,
                (
                    f"'.{callee.attr}()' is not allowed in dialogue texts "
                    "(only methods that read, such as .get(), .upper() or .split())"
                ),
            )
        elif callee.attr in WIDTH_METHODS:
            yield from _too_wide(node, _argument(node, 0, "width"))


def _operator(node: nodes.BinExpr) -> Found:
    left, right = _constant(node.left), _constant(node.right)
    if isinstance(node, nodes.Mul):
        for seq, times in ((left, right), (right, left)):
            if repeats_too_much(seq, times):
                size = len(seq) * times
                yield (
                    node.lineno,
                    (
                        f"'*' repeats a text or list into {size:,} characters or items "
                        f"(at most {limits.MAX_VALUE_CHARS:,})"
                    ),
                )
    elif isinstance(node, nodes.Pow) and too_big_power(left, right):
        yield node.lineno, "'**' gives a number that is too big"
    elif isinstance(node, nodes.Mod) and isinstance(left, str):
        yield node.lineno, "formatting texts with '%' is not allowed; join texts with ~"


def _constant(node: nodes.Node) -> Any:
    """The value of a constant written in the text (numbers, texts, lists, ``a ** b``)."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List | nodes.Tuple):
        return [None] * len(node.items)
    if isinstance(node, nodes.Neg):
        value = _constant(node.node)
        return -value if isinstance(value, int | float) else None
    if isinstance(node, nodes.Pow | nodes.Mul):
        left, right = _constant(node.left), _constant(node.right)
        if not (isinstance(left, int) and isinstance(right, int)) or too_big_power(left, right):
            return None
        return left**right if isinstance(node, nodes.Pow) else left * right
    return None


def _argument(node: nodes.Filter | nodes.Call, index: int, name: str) -> Any:
    if len(node.args) > index:
        return _constant(node.args[index])
    for keyword in node.kwargs:
        if keyword.key == name:
            return _constant(keyword.value)
    return None


def _too_wide(node: nodes.Node, width: Any) -> Found:
    if isinstance(width, int) and abs(width) > limits.MAX_WIDTH:
        yield node.lineno, f"a width or count of {width:,} is more than {limits.MAX_WIDTH}"


def _format_widths(line: int, spec: Any) -> Found:
    try:
        check_percent_format(spec)
    except LimitExceeded as err:
        yield line, str(err)


def _underscore(arg: nodes.Node) -> bool:
    return isinstance(arg, nodes.Const) and isinstance(arg.value, str) and arg.value.startswith("_")


def _static_rounds(loop: nodes.For) -> int | None:
    """How often a loop runs, when the text says so (range of numbers, a written list)."""
    iterable = loop_iterable(loop)
    if isinstance(iterable, nodes.Call) and isinstance(iterable.node, nodes.Name):
        if iterable.node.name == "range" and not iterable.kwargs:
            bounds = [_constant(a) for a in iterable.args]
            if 0 < len(bounds) <= 3 and all(isinstance(b, int) for b in bounds):
                if len(bounds) == 3 and bounds[2] == 0:
                    return None
                return len(range(*bounds))
        return None
    value = _constant(iterable)
    return len(value) if isinstance(value, str | list) else None


def _loops(tree: nodes.Template) -> Found:
    """Loops inside loops: at most ``MAX_LOOP_NESTING`` deep, and ``MAX_LOOP_ROUNDS`` rounds."""
    stack: list[tuple[nodes.Node, int, int]] = [(tree, 0, 1)]
    while stack:
        node, depth, rounds = stack.pop()
        if isinstance(node, nodes.For):
            depth += 1
            rounds *= _static_rounds(node) or 1
            if depth > limits.MAX_LOOP_NESTING:
                yield node.lineno, f"loops are nested more than {limits.MAX_LOOP_NESTING} deep"
                continue
            if rounds > limits.MAX_LOOP_ROUNDS:
                yield (
                    node.lineno,
                    (
                        f"these loops inside each other run {rounds:,} times "
                        f"(at most {limits.MAX_LOOP_ROUNDS:,})"
                    ),
                )
                continue
        stack.extend((child, depth, rounds) for child in node.iter_child_nodes())


def _recursive_macros(tree: nodes.Template) -> Found:
    """A macro that calls itself, directly or through other macros of the same text."""
    macros = {m.name: m for m in tree.find_all(nodes.Macro)}
    calls = {
        name: {
            c.node.name
            for c in macro.find_all(nodes.Call)
            if isinstance(c.node, nodes.Name) and c.node.name in macros
        }
        for name, macro in macros.items()
    }
    for name, macro in macros.items():
        seen, todo = set(), list(calls[name])
        while todo:
            callee = todo.pop()
            if callee == name:
                yield macro.lineno, f"the macro '{name}' calls itself; that could go on forever"
                break
            if callee not in seen:
                seen.add(callee)
                todo.extend(calls[callee])
