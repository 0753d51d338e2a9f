"""What ``coachbot validate`` reports: every file's verdict, its errors and warnings, a summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.errors import Problem


@dataclass(frozen=True)
class Report:
    """The verdict on the files checked: the catalog loaded from them, errors and warnings."""

    named: list[Path]  # the files and folders given
    files: list[Path]  # the dialogue files found there
    catalog: Catalog
    warnings: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """Every error; no dialogue file at all is one too."""
        if self.files:
            return self.catalog.problems
        where = ", ".join(map(str, self.named))
        return [Problem(where, 1, 1, "no dialogue files (*.yaml, *.yml) found here")]

    @property
    def nodes(self) -> int:
        """The number of nodes of the valid dialogues."""
        return sum(len(d.model.nodes) for d in self.catalog.latest.values())

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (``--format json``)."""
        served = {d.file: d for d in self.catalog.latest.values()}
        files = []
        for path in self.files:
            dialogue = served.get(str(path))
            files.append(
                {
                    "file": str(path),
                    "valid": dialogue is not None,
                    "id": dialogue.id if dialogue else None,
                    "version": dialogue.version if dialogue else None,
                }
            )
        return {
            "dialogues": len(self.catalog.latest),
            "nodes": self.nodes,
            "files": files,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }

    def lines(self) -> list[str]:
        """The text report: errors, then warnings, each ``file:line:column:``, then the summary."""
        found = [str(p) for p in self.errors]
        found += [f"{w.file}:{w.line}:{w.column}: warning: {w.message}" for w in self.warnings]
        return [*found, self.summary()]

    def summary(self) -> str:
        """One line such as ``8 dialogues, 312 nodes: 0 errors, 2 warnings``."""
        counted = [_count(len(self.catalog.latest), "dialogue"), _count(self.nodes, "node")]
        if self.catalog.broken:
            counted.append(_count(len(self.catalog.broken), "broken file"))
        errors, warnings = _count(len(self.errors), "error"), _count(len(self.warnings), "warning")
        return f"{', '.join(counted)}: {errors}, {warnings}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
