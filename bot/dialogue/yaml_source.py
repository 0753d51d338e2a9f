"""Reads YAML safely while remembering where every key and value stands in the file.

The document is built from the parser's events (libyaml's C parser when installed), never
by a constructor: no Python object but dicts, lists and plain scalars is ever made, nesting is
capped before it can exhaust the stack, and anchors and aliases (the "billion laughs") are
refused rather than expanded. Scalars follow YAML 1.2: ``yes``, ``no`` and ``on`` stay words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from bot.dialogue.limits import MAX_PROBLEMS_PER_KIND, MAX_YAML_DEPTH
from bot.errors import Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null")
)
# YAML allows tab, line feed and printable characters; NEL, LS and PS would be line breaks to
# the parser but not to an editor, so they are refused too (the reported lines stay true).
_REFUSED_CHARACTER = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL = {
    "": None,
    "~": None,
    **dict.fromkeys(("null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
}


@dataclass
class Spot:
    """Where one value stands; for a mapping also where its keys stand."""

    line: int  # 0-based, as the parser counts
    column: int
    style: str | None = None  # '|' or '>' for block texts
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    children: dict[str | int, Spot] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """A parsed YAML document plus the means to point at any part of it."""

    file: str
    data: Any
    spots: Spot

    def locate(self, path: Sequence[str | int], *, value: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``path`` found in the document.

        Parts that are not in the document (pydantic's union tags, a missing key) are
        skipped, so a missing key points at the mapping that lacks it.
        """
        spot, where = self.spots, (0, 0)
        for part in path:
            child = spot.children.get(part)
            if child is None:
                continue
            if value or isinstance(part, int):
                where = (child.line, child.column)
            else:
                where = spot.keys.get(str(part), where)
            spot = child
        return where[0] + 1, where[1] + 1

    def problem(self, path: Sequence[str | int], message: str, *, value: bool = False) -> Problem:
        """A problem located at ``path``."""
        line, column = self.locate(path, value=value)
        return Problem(self.file, line, column, message)

    def style_at(self, path: Sequence[str | int]) -> str | None:
        """The block style ('|' or '>') of the text at ``path``, if it is a block."""
        spot: Spot | None = self.spots
        for part in path:
            spot = spot.children.get(part) if spot is not None else None
        return spot.style if spot is not None else None

    def text_start_line(self, path: Sequence[str | int]) -> int:
        """The file line on which the first line of the string at ``path`` stands."""
        line, _ = self.locate(path, value=True)
        return line + 1 if self.style_at(path) in ("|", ">") else line


def folded_block(source: Source, path: Sequence[str | int], file_text: str) -> str | None:
    """The lines of a folded (``>``) block as written, before YAML joins them; else None.

    Jinja counts lines in the text it is given, so checking the written lines keeps every
    reported line number true to the file.
    """
    if source.style_at(path) != ">":
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


def refused_characters(file: str, text: str) -> list[Problem]:
    """A problem for each character YAML (or an editor's line count) cannot take."""
    found = []
    for match in _REFUSED_CHARACTER.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        code = f"U+{ord(match.group()):04X}"
        found.append(Problem(file, line, column, f"the invisible character {code} is not allowed"))
        if len(found) == MAX_PROBLEMS_PER_KIND:
            break
    return found


def parse(file: str, text: str) -> tuple[Source | None, list[Problem]]:
    """Parse ``text`` into plain data and its positions, or say what is wrong and where."""
    problems = refused_characters(file, text)
    if problems:
        return None, problems
    builder = _Builder(file)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if not builder.take(event):
                break
    except yaml.MarkedYAMLError as err:
        return None, [_inside(_syntax_problem(file, err), text)]
    except yaml.YAMLError as err:
        return None, [Problem(file, 1, 1, f"YAML syntax: {err}")]
    if builder.problems:
        return None, builder.problems
    if not isinstance(builder.root, dict) or builder.spots is None:
        return None, [Problem(file, 1, 1, "the file must be a mapping (key: value lines)")]
    return Source(file, builder.root, builder.spots), []


def _inside(problem: Problem, text: str) -> Problem:
    """The problem, moved from past the end of the file (where the parser may stop) to its end."""
    lines = text.split("\n")
    if problem.line <= len(lines) and problem.column <= len(lines[problem.line - 1]) + 1:
        return problem
    line = min(problem.line, len(lines))
    column = min(problem.column, len(lines[line - 1]) + 1)
    return Problem(problem.file, line, column, problem.message)


def _syntax_problem(file: str, err: yaml.MarkedYAMLError) -> Problem:
    mark: Any = err.problem_mark or err.context_mark
    what = err.problem or err.context or "invalid YAML"
    if "nesting depth" in what:
        what = f"nested more than {MAX_YAML_DEPTH} levels deep"
    # An unclosed [ or { is noticed lines later; point at where it was opened.
    elif err.context_mark is not None and "flow" in (err.context or ""):
        mark = err.context_mark
        what = f"{what}; the bracket opened here is never closed"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(file, line, column, f"YAML syntax: {what}")


@dataclass
class _Open:
    """A mapping or list being built, and for a mapping the key waiting for its value."""

    value: dict[str, Any] | list[Any]
    spot: Spot
    key: str | None = None


@dataclass
class _Builder:
    """Builds plain data and spots from parser events, refusing what is not allowed."""

    file: str
    root: Any = None
    spots: Spot | None = None
    problems: list[Problem] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    documents: int = 0

    def take(self, event: events.Event) -> bool:
        """Handle one event; False when building must stop."""
        mark: Any = event.start_mark
        if isinstance(event, events.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                return self._fail(mark, "only one document per file (remove the '---' line)")
        elif isinstance(event, events.AliasEvent):
            message = f"aliases (*{event.anchor}) are not allowed; write the value out"
            return self._fail(mark, message)
        elif isinstance(event, events.NodeEvent):
            return self._node(event)
        elif isinstance(event, events.CollectionEndEvent):
            done = self.stack.pop()
            self._place(done.value, done.spot, event.start_mark)
        return True

    def _node(self, event: events.NodeEvent) -> bool:
        mark: Any = event.start_mark
        if event.anchor is not None:
            return self._fail(mark, f"anchors (&{event.anchor}) are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS and tag != "!":
            shown = tag.removeprefix("tag:yaml.org,2002:")
            self._add(self._owner(mark), f"tag {shown!r} is not allowed")
        if isinstance(event, events.ScalarEvent):
            value = event.value if tag is not None or not event.implicit[0] else _resolve(event)
            style = event.style if event.style in ("|", ">") else None
            self._place(value, Spot(mark.line, mark.column, style), mark, event.value)
            return True
        if len(self.stack) >= MAX_YAML_DEPTH:
            return self._fail(mark, f"nested more than {MAX_YAML_DEPTH} levels deep")
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, events.MappingStartEvent) else []
        )
        self.stack.append(_Open(container, Spot(mark.line, mark.column)))
        return True

    def _place(self, value: Any, spot: Spot, mark: Any, raw: str | None = None) -> None:
        if not self.stack:
            self.root, self.spots = value, spot
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.spot.children[len(top.value)] = spot
            top.value.append(value)
        elif top.key is None:
            if raw is None:
                self._add(mark, "a key must be a single word or text, not a list or mapping")
                raw = f"<key {len(top.value)}>"
            if raw in top.value:
                first = top.spot.keys[raw][0] + 1
                self._add(mark, f'duplicate key "{raw}" (it is already used on line {first})')
            top.key = raw
            top.spot.keys.setdefault(raw, (spot.line, spot.column))
        else:
            top.value.setdefault(top.key, value)
            top.spot.children.setdefault(top.key, spot)
            top.key = None

    def _owner(self, mark: Any) -> Any:
        """Where the key of a value about to be placed stands (else the value's own place)."""
        top = self.stack[-1] if self.stack else None
        if top is None or not isinstance(top.value, dict) or top.key is None:
            return mark
        line, column = top.spot.keys[top.key]
        return yaml.Mark("", 0, line, column, "", 0)

    def _add(self, mark: Any, message: str) -> None:
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message))

    def _fail(self, mark: Any, message: str) -> bool:
        self._add(mark, message)
        return False


def _resolve(event: events.ScalarEvent) -> Any:
    """The value of a plain scalar under YAML 1.2's core schema."""
    text: str = event.value
    if text in _SPECIAL:
        return _SPECIAL[text]
    try:
        if _INT.match(text):
            return int(text)
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        if _FLOAT.match(text):
            return float(text)
    except ValueError:  # too many digits for Python, or not a number after all
        pass
    return text
