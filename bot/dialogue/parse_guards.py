"""What the sandbox does to a text when it parses it: refuse it, or build the counters in.

A text too big or nested too deeply for Jinja's recursive parser and compiler is refused
before they see it. In a text that passes, every ``{% for %}`` iterates through the
environment's ``guard_loop`` and every macro first calls its ``charge``, each weighed by
the size of its body, and ``a ~ b`` goes through ``guard_concat`` before it is joined.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from jinja2 import TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst

from bot.dialogue import limits

if TYPE_CHECKING:
    from jinja2 import Environment

GUARD_LOOP, CHARGE = "guard_loop", "charge"
_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape"})


class GuardedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``~`` checked before it joins."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 (Jinja's name)
        """``a ~ b``: the parts' total size is checked before they are joined."""
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}(environment.guard_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


def check_size(source: str, name: str | None, filename: str | None) -> None:
    """Refuse a text over ``MAX_TEMPLATE_CHARS``."""
    if len(source) > limits.MAX_TEMPLATE_CHARS:
        raise TemplateSyntaxError(
            f"the text has {len(source):,} characters; at most "
            f"{limits.MAX_TEMPLATE_CHARS:,} are allowed",
            1,
            name,
            filename,
        )


def check_nesting(env: Environment, source: str, name: str | None, filename: str | None) -> None:
    """Refuse brackets or blocks nested too deeply before Jinja's recursive parser sees them."""
    depth, unary, after_block_start = 0, 0, False
    for line, kind, value in env.lexer.tokeniter(source, name, filename):
        if kind == "whitespace":
            continue
        if kind == "operator" and value in _OPENERS:
            depth += 1
        elif kind == "operator" and value in _CLOSERS:
            depth -= 1
        elif after_block_start and kind == "name":
            depth += value in _BLOCKS
            depth -= value.startswith("end") and value != "endset"  # block sets are not counted
        # "- - - x" and "not not x" nest as deeply as brackets do
        unary = unary + 1 if value in ("-", "+", "not") and kind in ("operator", "name") else 0
        after_block_start = kind == "block_begin"
        if depth + unary > limits.MAX_NESTING:
            raise TemplateSyntaxError(
                f"brackets or blocks are nested more than {limits.MAX_NESTING} levels deep",
                line,
                name,
                filename,
            )


def check_depth(tree: nodes.Template, name: str | None, filename: str | None) -> None:
    """Refuse a parsed text nested more than ``MAX_TEMPLATE_DEPTH`` deep, at its deepest line."""
    deepest, line = _depth(tree)
    if deepest > limits.MAX_TEMPLATE_DEPTH:
        raise TemplateSyntaxError(
            f"the text is nested more than {limits.MAX_TEMPLATE_DEPTH} levels deep "
            "(brackets, blocks or a long chain of operations or filters)",
            line,
            name,
            filename,
        )


def _depth(tree: nodes.Node) -> tuple[int, int]:
    """(depth of the deepest node, its line), without recursion."""
    deepest, line = 0, 1
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest, line = depth, getattr(node, "lineno", line) or line
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest, line


def weight(body: Iterable[nodes.Node]) -> int:
    """The work units one run of ``body`` is charged: its nodes and its literal text."""
    total, stack = 0, list(body)
    while stack:
        node = stack.pop()
        total += 1 + (len(node.data) // 64 if isinstance(node, nodes.TemplateData) else 0)
        stack.extend(node.iter_child_nodes())
    return total


def add_guards(tree: nodes.Template) -> None:
    """Make every loop count its rounds and every macro its calls (done at parse time)."""
    for loop in tree.find_all(nodes.For):
        cost = weight([*loop.body, *loop.else_, *([loop.test] if loop.test else [])])
        guard = nodes.EnvironmentAttribute(GUARD_LOOP, lineno=loop.lineno)
        loop.iter = nodes.Call(
            guard, [loop.iter, nodes.Const(cost)], [], None, None, lineno=loop.lineno
        )
    for macro in tree.find_all((nodes.Macro, nodes.CallBlock)):
        assert isinstance(macro, nodes.Macro | nodes.CallBlock)
        charge = nodes.EnvironmentAttribute(CHARGE, lineno=macro.lineno)
        call = nodes.Call(charge, [nodes.Const(weight(macro.body))], [], None, None)
        macro.body.insert(0, nodes.ExprStmt(call, lineno=macro.lineno))


def loop_iterable(loop: nodes.For) -> nodes.Node:
    """The iterable a loop was written with (under the guard ``add_guards`` put around it)."""
    guarded = loop.iter
    if (
        isinstance(guarded, nodes.Call)
        and isinstance(guarded.node, nodes.EnvironmentAttribute)
        and guarded.node.name == GUARD_LOOP
    ):
        first = guarded.args[0]
        assert isinstance(first, nodes.Expr)
        return first
    return guarded
