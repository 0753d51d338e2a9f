"""Where a piece of content starts, so problems inside it point at the right file line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.dialogue.model import RESERVED_NAMES
from bot.errors import Problem


@dataclass(frozen=True)
class Where:
    """Where a template or expression starts; a line inside it maps to a line of its file."""

    file: str
    line: int
    column: int
    pinned: bool = False  # lines of a quoted text are not file lines: point at its start

    def problem(self, template_line: int | None, message: str) -> Problem:
        """A problem at ``template_line`` (1-based) of the template."""
        offset = 0 if self.pinned else max((template_line or 1) - 1, 0)
        line = self.line + offset
        return Problem(self.file, line, self.column if line == self.line else 1, message)


def missing_names(
    where: Where, used: Mapping[str, int | None], must: frozenset[str], may: frozenset[str]
) -> list[Problem]:
    """A problem for every name read here that is not saved on every path to this point."""
    problems = []
    for name in sorted(set(used) - must - RESERVED_NAMES):
        if name in may:
            why = (
                f"'{name}' is not saved on every path to this step; "
                f"use answers.get('{name}') if it may be missing"
            )
        else:
            why = f"'{name}' is used here but no earlier step saves it"
        problems.append(where.problem(used[name], why))
    return problems
