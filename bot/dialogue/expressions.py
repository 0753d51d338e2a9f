"""Compiles a dialogue's expressions once at load: conditions, computed values and extras."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from bot.dialogue import names, rendering, safety
from bot.dialogue.compiled import Expression
from bot.dialogue.located import Where, missing_names
from bot.dialogue.model import Dialogue, EndNode
from bot.dialogue.sandbox import GuardedEnvironment
from bot.dialogue.yaml_source import Source
from bot.errors import Problem

PathParts = tuple[str | int, ...]


@dataclass
class CompiledExpressions:
    """Every expression of a dialogue, compiled, plus the problems found on the way."""

    conditions: dict[tuple[str, int], Expression] = field(default_factory=dict)
    computes: dict[str, tuple[tuple[str, Expression], ...]] = field(default_factory=dict)
    extras: dict[tuple[str, str], Expression] = field(default_factory=dict)
    dialogue_refs: list[tuple[str, int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def compile_expressions(
    dialogue: Dialogue,
    source: Source,
    env: GuardedEnvironment,
    must: Mapping[str, frozenset[str]],
    may: Mapping[str, frozenset[str]],
) -> CompiledExpressions:
    """Compile and check every expression; names are checked only on reachable nodes."""
    out = _Compiler(source, env, CompiledExpressions())
    for node_id, node in dialogue.nodes.items():
        live = node_id in must
        entry = set(must.get(node_id, frozenset()))
        maybe = set(may.get(node_id, frozenset())) | entry
        for index, ladder in enumerate(node.chart.ladders if node.chart else []):
            path: PathParts = ("nodes", node_id, "chart", "ladders", index, "value")
            out.extra(node_id, f"chart.{index}", ladder.value, path, entry if live else None, maybe)
        known = entry | ({node.save} if hasattr(node, "save") else set())
        steps = []
        for key, text in node.compute.items():
            compiled = out.compile(
                text, ("nodes", node_id, "compute", key), known if live else None, maybe
            )
            if compiled is not None:
                steps.append((key, compiled))
            known.add(key)
            maybe.add(key)
        out.result.computes[node_id] = tuple(steps)
        for index, branch in enumerate(getattr(node, "branches", list)()):
            if branch.condition is not None:
                rule: PathParts = ("nodes", node_id, "next", index, "if")
                compiled = out.compile(branch.condition, rule, known if live else None, maybe)
                if compiled is not None:
                    out.result.conditions[node_id, index] = compiled
        if isinstance(node, EndNode):
            _end_effects(out, node_id, node, known if live else None, maybe)
    return out.result


def _end_effects(
    out: _Compiler, node_id: str, node: EndNode, known: set[str] | None, maybe: set[str]
) -> None:
    base: PathParts = ("nodes", node_id)
    fields: list[tuple[str, str, str]] = []
    if node.commitment is not None:
        fields += [("commitment", "text", node.commitment.text)]
        fields += [("commitment", "follow_up_days", node.commitment.follow_up_days)]
    if node.check_in is not None:
        fields += [("check_in", "outcome", node.check_in.outcome)]
    if node.profile is not None:
        fields += [("profile", key, text) for key, text in node.profile.fields()]
    for group, name, text in fields:
        out.extra(node_id, f"{group}.{name}", text, (*base, group, name), known, maybe)
    if node.start_dialogue is not None:
        path: PathParts = (*base, "start_dialogue")
        tree = out.extra(node_id, "start_dialogue", node.start_dialogue, path, known, maybe)
        line, column = out.source.locate(path, value=True)
        outputs = list(tree.find_all(nodes.Output)) if tree is not None else []
        for value in (v for output in outputs for n in output.nodes for v in _results(n)):
            out.result.dialogue_refs.append((value, line, column))


def _results(node: nodes.Node) -> list[str]:
    """The constant strings an expression can evaluate to (not the ones it compares with)."""
    if isinstance(node, nodes.Const):
        return [node.value] if isinstance(node.value, str) and node.value else []
    if isinstance(node, nodes.CondExpr):
        return _results(node.expr1) + (_results(node.expr2) if node.expr2 is not None else [])
    if isinstance(node, nodes.Or | nodes.And):
        return _results(node.left) + _results(node.right)
    return []


@dataclass
class _Compiler:
    source: Source
    env: GuardedEnvironment
    result: CompiledExpressions
    trees: dict[str, nodes.Template] = field(default_factory=dict)

    def extra(
        self,
        node_id: str,
        key: str,
        text: str,
        path: PathParts,
        known: set[str] | None,
        maybe: set[str],
    ) -> Any:
        """Compile an extra expression under (node id, key); return its parse tree."""
        compiled = self.compile(text, path, known, maybe)
        if compiled is not None:
            self.result.extras[node_id, key] = compiled
        return self.trees.get(text)

    def compile(
        self, text: str, path: PathParts, known: set[str] | None, maybe: set[str]
    ) -> Expression | None:
        """One expression, checked for syntax, safety and names not yet saved."""
        line, column = self.source.locate(path, value=True)
        where = Where(self.source.file, line, column)
        try:
            tree = rendering.expression_tree(self.env, text)
            self.trees[text] = tree
        except TemplateSyntaxError as err:
            self.result.problems.append(
                where.problem(1, f"expression does not compile: {err.message}")
            )
            return None
        unsafe = [reason for _, reason in safety.refused(tree)]
        self.result.problems += [where.problem(1, f"not allowed: {reason}") for reason in unsafe]
        if known is not None:
            used = names.variables_used(self.env, tree)
            self.result.problems += missing_names(where, used, frozenset(known), frozenset(maybe))
        if unsafe:
            return None
        try:
            return self.env.expression_from_tree(tree)
        except Exception as err:  # e.g. Python's own limits on the code Jinja generates
            self.result.problems.append(where.problem(1, f"expression does not compile: {err}"))
            return None
