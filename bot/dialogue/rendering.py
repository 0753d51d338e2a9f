"""Jinja2 for dialogue texts and conditions: sandboxed, strict, escaping everything users type."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

MAX_RANGE = 100
_FORBIDDEN_FILTERS = frozenset({"attr"})
# The tags Telegram's HTML parse mode understands; anything else makes it refuse the message.
TELEGRAM_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
    }
)
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
_TAG_NAMES = "|".join(
    sorted(TELEGRAM_TAGS, key=len, reverse=True)
)  # longest first: b vs blockquote
_ALLOWED_TAG = re.compile(rf"</?(?:{_TAG_NAMES})(?:\s[^<>]*)?>", re.IGNORECASE)
_LOOSE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z]+;)")


def _small_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise OverflowError(f"range() is limited to {MAX_RANGE} items in dialogue texts")
    return result


def make_environment(prompts_dir: Path, lang: str) -> SandboxedEnvironment:
    """The environment for one language: ``prompts/<lang>/`` first, then ``prompts/``."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader([prompts_dir / lang, prompts_dir]),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["range"] = _small_range
    return env


def unsafe_constructs(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """(line, reason) for every construct that could reach Python internals or burn CPU."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Call)):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            yield node.lineno, f"'.{node.attr}' reaches Python internals; use plain answer names"
        elif isinstance(node, nodes.Getitem) and _underscore_key(node.arg):
            yield node.lineno, "a key starting with '_' reaches Python internals"
        elif isinstance(node, nodes.Filter) and node.name in _FORBIDDEN_FILTERS:
            yield node.lineno, f"the '|{node.name}' filter is not allowed in dialogue texts"
        elif isinstance(node, nodes.Call) and _is_big_range(node):
            yield node.lineno, f"range() is limited to {MAX_RANGE} items"


def unsupported_tags(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """(first line, tag) for each HTML tag in the literal text that Telegram cannot show."""
    reported: set[str] = set()
    for data in tree.find_all(nodes.TemplateData):
        for match in _TAG.finditer(data.data):
            tag = match.group(1).lower()
            if tag not in TELEGRAM_TAGS and tag not in reported:
                reported.add(tag)
                yield data.lineno + data.data.count("\n", 0, match.start()), tag


def tidy_html(text: str) -> str:
    """Escape a stray ``&``, ``<`` or ``>`` an author typed, so Telegram accepts the message.

    Supported tags are kept; user text is already escaped by autoescaping, so it is never
    touched twice.
    """
    parts, position = [], 0
    for tag in _ALLOWED_TAG.finditer(text):
        parts += [_escape_loose(text[position : tag.start()]), tag.group(0)]
        position = tag.end()
    parts.append(_escape_loose(text[position:]))
    return "".join(parts)


def _escape_loose(segment: str) -> str:
    segment = _LOOSE_AMPERSAND.sub("&amp;", segment)
    return segment.replace("<", "&lt;").replace(">", "&gt;")


def _underscore_key(arg: nodes.Node) -> bool:
    return isinstance(arg, nodes.Const) and isinstance(arg.value, str) and arg.value.startswith("_")


def _is_big_range(call: nodes.Call) -> bool:
    if not (isinstance(call.node, nodes.Name) and call.node.name == "range"):
        return False
    bounds = [a.value for a in call.args if isinstance(a, nodes.Const)]
    return any(isinstance(b, int) and abs(b) > MAX_RANGE for b in bounds)


def included_names(tree: nodes.Template) -> list[str]:
    """Templates this one includes by a constant name (their variables count as its own)."""
    return _constant_names(tree.find_all(nodes.Include))


def imported_names(tree: nodes.Template) -> list[str]:
    """Templates this one imports macros from by a constant name (checked to exist and parse)."""
    return _constant_names(tree.find_all((nodes.Import, nodes.FromImport)))


def _constant_names(found: Iterator[nodes.Node]) -> list[str]:
    names = [getattr(node, "template", None) for node in found]
    return [n.value for n in names if isinstance(n, nodes.Const) and isinstance(n.value, str)]


def variables_used(
    env: SandboxedEnvironment, tree: nodes.Template, seen: frozenset[str]
) -> set[str]:
    """Variables a template reads from its context, following constant ``include``s."""
    found = set(meta.find_undeclared_variables(tree))
    for name in included_names(tree):
        if name in seen:
            continue
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            continue  # reported when the include is compiled
        found |= variables_used(env, env.parse(source), seen | {name})
    return found - set(env.globals)


def line_of_name(tree: nodes.Template, name: str) -> int | None:
    """The first line on which ``name`` is read, if it is read in this template itself."""
    lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else None


def expression_tree(env: SandboxedEnvironment, source: str) -> nodes.Template:
    """Parse an expression the way ``compile_expression`` does, for static checks."""
    return env.parse("{{ " + source + " }}")


def template_source(env: SandboxedEnvironment, name: str) -> tuple[str, str]:
    """(source, filename) of a template file, or raise ``TemplateNotFound``."""
    source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    return source, filename or name
