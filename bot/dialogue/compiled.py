"""A dialogue ready to serve: validated model, compiled templates and conditions, one machine.

Texts and expressions are compiled at validation; a dialogue served from the content cache
(``cache.py``) compiles each when it is first needed instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from jinja2 import Template
from transitions import Machine

from bot.dialogue import budget
from bot.dialogue.budget import LimitExceeded
from bot.dialogue.limits import MAX_VALUE_CHARS
from bot.dialogue.machine import ADVANCE, Cursor, Expression, build_machine
from bot.dialogue.model import Dialogue
from bot.dialogue.rendering import tidy_html
from bot.errors import RenderError


@dataclass(frozen=True)
class CompiledDialogue:
    """Everything needed to run one version of one dialogue."""

    model: Dialogue
    version: str
    file: str
    texts: Mapping[tuple[str, str], Template]  # (node id, lang) -> template
    computes: Mapping[str, tuple[tuple[str, Expression], ...]]  # node id -> (key, expr)
    extras: Mapping[tuple[str, str], Expression]  # (node id, e.g. "chart.0") -> expression
    dialogue_refs: tuple[tuple[str, int, int], ...]  # (dialogue id, line, column) named in the file
    conditions: Mapping[tuple[str, int], Expression]  # (node id, rule index) -> its 'if'
    templates: tuple[str, ...] = ()  # the template files it uses (paths), for its snapshot

    @cached_property
    def machine(self) -> Machine:
        """The one shared machine of this version (built when first needed)."""
        return build_machine(self.model, self.conditions)

    @property
    def id(self) -> str:
        """The dialogue id."""
        return self.model.id

    def render(self, node_id: str, lang: str, context: Mapping[str, Any]) -> str:
        """The node's text in ``lang`` for this context (user text already escaped)."""
        try:
            return tidy_html(budget.render(self.texts[node_id, lang], context).strip())
        except Exception as err:
            raise RenderError(f"{self.file}: node {node_id!r} ({lang}): {_reason(err)}") from err

    def next_node(self, node_id: str, context: Mapping[str, Any]) -> str:
        """Where the dialogue goes after ``node_id``, decided by the shared machine."""
        cursor = Cursor(node_id, context)
        try:
            moved = self.machine.events[ADVANCE].trigger(cursor)
        except Exception as err:
            message = f"{self.file}: a condition after {node_id!r} failed: {_reason(err)}"
            raise RenderError(message) from err
        if not moved:
            raise RenderError(f"{self.file}: no rule of 'next' applies after {node_id!r}")
        return cursor.node

    def evaluate(self, node_id: str, key: str, context: Mapping[str, Any]) -> Any:
        """The value of a node's extra expression (chart values, commitment, ...)."""
        try:
            return _plain_value(budget.evaluate(self.extras[node_id, key], context))
        except Exception as err:
            raise RenderError(f"{self.file}: {key} at {node_id!r}: {_reason(err)}") from err

    def computed(self, node_id: str, context: Mapping[str, Any]) -> dict[str, Any]:
        """The values a node computes when it is left, in order (later ones see earlier)."""
        values: dict[str, Any] = {}
        for key, expression in self.computes.get(node_id, ()):
            try:
                result = budget.evaluate(expression, {**context, **values})
            except Exception as err:
                message = f"{self.file}: computing {key!r} at {node_id!r}: {_reason(err)}"
                raise RenderError(message) from err
            values[key] = _plain_value(result)
        return values


def _reason(err: Exception) -> str:
    """What went wrong, in words (a RecursionError has none of its own)."""
    if isinstance(err, RecursionError):
        return "macros call each other too deeply"
    return str(err) or type(err).__name__


def _plain_value(value: Any) -> Any:
    """Keep computed values JSON-friendly (sessions stay plain data) and within the size limit."""
    size = 0

    def plain(value: Any) -> Any:
        nonlocal size
        size += len(value) if isinstance(value, str) else 1
        if size > MAX_VALUE_CHARS:
            raise LimitExceeded(f"the value is bigger than {MAX_VALUE_CHARS:,} characters")
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return plain(str(value))

    return plain(value)


__all__ = ["ADVANCE", "CompiledDialogue", "Cursor", "Expression"]
