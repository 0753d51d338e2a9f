"""Reads YAML safely while remembering where every key and value stands in the file."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from bot.errors import Problem

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null")
)
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """A parsed YAML document plus the means to point at any part of it."""

    file: str
    data: Any

    def locate(self, path: Sequence[str | int], *, value: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``path`` found in the document.

        Parts that are not in the document (pydantic's union tags, a missing key) are
        skipped, so a missing key points at the mapping that lacks it.
        """
        node, where = self.data, (0, 0)
        for part in path:
            found = _child_position(node, part, value=value)
            if found is None:
                continue
            node, where = found
        return where[0] + 1, where[1] + 1

    def problem(self, path: Sequence[str | int], message: str, *, value: bool = False) -> Problem:
        """A problem located at ``path``."""
        line, column = self.locate(path, value=value)
        return Problem(self.file, line, column, message)

    def value_at(self, path: Sequence[str | int]) -> Any:
        """The node at ``path``, or None when the path is not in the document."""
        node = self.data
        for part in path:
            found = _child_position(node, part, value=True)
            if found is None:
                return None
            node = found[0]
        return node

    def text_start_line(self, path: Sequence[str | int]) -> int:
        """The file line on which the first line of the string at ``path`` stands."""
        line, _ = self.locate(path, value=True)
        block = isinstance(self.value_at(path), LiteralScalarString | FoldedScalarString)
        return line + 1 if block else line


def folded_block(source: Source, path: Sequence[str | int], file_text: str) -> str | None:
    """The lines of a folded (``>``) block as written, before YAML joins them; else None.

    Jinja counts lines in the text it is given, so checking the written lines keeps every
    reported line number true to the file.
    """
    if not isinstance(source.value_at(path), FoldedScalarString):
        return None
    lines = file_text.splitlines()[source.text_start_line(path) - 1 :]
    written = [line for line in lines if line.strip()]
    indent = len(written[0]) - len(written[0].lstrip()) if written else 0
    block: list[str] = []
    for line in lines:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        block.append(line[indent:])
    return "\n".join(block)


def _child_position(
    node: Any, part: str | int, *, value: bool
) -> tuple[Any, tuple[int, int]] | None:
    if isinstance(node, CommentedMap) and part in node:
        pos = node.lc.value(part) if value else node.lc.key(part)
        return node[part], pos
    if isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
        return node[part], node.lc.item(part)
    return None


def parse(file: str, text: str) -> tuple[Source | None, list[Problem]]:
    """Parse ``text`` with the round-trip loader (no Python objects are ever built)."""
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(io.StringIO(text))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or err.context or "invalid YAML"
        # An unclosed [ or { is noticed lines later; point at where it was opened.
        if err.context_mark is not None and "flow" in (err.context or ""):
            mark = err.context_mark
            what = f"{what}; the bracket opened here is never closed"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(file, line, column, f"YAML syntax: {what}")]
    source = Source(file, data)
    problems = [
        source.problem(path, f"tag {tag!r} is not allowed") for path, tag in _tags(data, ())
    ]
    if not isinstance(data, CommentedMap):
        problems.append(Problem(file, 1, 1, "the file must be a mapping (key: value lines)"))
    return (None if problems else source), problems


def _tags(node: Any, path: Path) -> Iterator[tuple[Path, str]]:
    tag = getattr(getattr(node, "tag", None), "value", None)
    if isinstance(node, TaggedScalar) or (tag is not None and tag not in _PLAIN_TAGS):
        yield path, str(tag)
    if isinstance(node, CommentedMap):
        for key, child in node.items():
            yield from _tags(child, (*path, key))
    elif isinstance(node, CommentedSeq):
        for index, child in enumerate(node):
            yield from _tags(child, (*path, index))


def plain(node: Any) -> Any:
    """The document as plain dicts, lists and scalars (what pydantic validates)."""
    if isinstance(node, CommentedMap):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node
