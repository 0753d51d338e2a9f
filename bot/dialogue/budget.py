"""The work one rendering may do: counted in steps, shared by everything it calls.

Every guard of the sandbox charges the budget of the rendering under way (``current()``);
``render`` and ``evaluate`` start a fresh one for each text or expression. A limit hit raises
``LimitExceeded``, which the dialogue turns into a ``RenderError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2.environment import Template
from jinja2.exceptions import SecurityError

from bot.dialogue import limits


class LimitExceeded(SecurityError):
    """A text tried to use more time, memory or output than content may."""


class Budget:
    """The work one rendering may still do; shared by everything it calls."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0

    def step(self, weight: int = 1) -> None:
        """Count ``weight`` units of work; refuse when the rendering has done too much."""
        self.steps += weight
        if self.steps > limits.MAX_STEPS:
            raise LimitExceeded(
                "the text needs too much work to show (loops or calls over large values)"
            )

    def value(self, value: Any, rate: int = 1) -> Any:
        """Count a value built or worked on (``rate`` times for slow work); refuse a too big one.

        A text costs a unit per 64 characters, a list or mapping one per two items (sorting
        an item takes about as long as copying 64 characters). Returns the value.
        """
        if isinstance(value, str):
            size, cost = len(value), len(value) // 64
        elif isinstance(value, list | tuple | dict | set | frozenset):
            size, cost = len(value), len(value) // 2
        else:
            size, cost = 1, 0
        if size > limits.MAX_VALUE_CHARS:
            raise LimitExceeded(f"a value of {size:,} characters or items is too big")
        self.step(1 + cost * rate)
        return value


_BUDGET: ContextVar[Budget | None] = ContextVar("coachbot_render_budget", default=None)


def current() -> Budget:
    """The budget of the rendering under way (a throwaway one outside of any)."""
    return _BUDGET.get() or Budget()


def render(template: Template, context: Mapping[str, Any]) -> str:
    """Render within the budget; refuse output over ``MAX_OUTPUT_BYTES``."""
    token = _BUDGET.set(Budget())
    try:
        parts, size = [], 0
        for chunk in template.generate(context):
            size += len(chunk.encode("utf-8", "surrogatepass"))
            if size > limits.MAX_OUTPUT_BYTES:
                raise LimitExceeded(f"the text is longer than {limits.MAX_OUTPUT_BYTES:,} bytes")
            parts.append(chunk)
        return "".join(parts)
    finally:
        _BUDGET.reset(token)


def evaluate(expression: Callable[..., Any], context: Mapping[str, Any]) -> Any:
    """Evaluate a compiled expression within the budget."""
    token = _BUDGET.set(Budget())
    try:
        return current().value(expression(**context))
    finally:
        _BUDGET.reset(token)
