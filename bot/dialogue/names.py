"""Which names a text reads: its own, those of the files it includes or imports with context,
and the keys it reads from ``answers``; validation checks each is saved before the text."""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import TemplateNotFound, TemplateSyntaxError, meta, nodes

from bot.dialogue.sandbox import GuardedEnvironment
from bot.errors import ContentError

_DICT_METHODS = frozenset(name for name in dir(dict) if not name.startswith("_"))


def included_names(tree: nodes.Template) -> list[str]:
    """Templates this one includes by a constant name (their variables count as its own)."""
    return _constant_names(tree.find_all(nodes.Include))


def imported_names(tree: nodes.Template) -> list[str]:
    """Templates this one imports macros from by a constant name."""
    return _constant_names(tree.find_all((nodes.Import, nodes.FromImport)))


def _constant_names(found: Iterator[nodes.Node]) -> list[str]:
    names = [getattr(node, "template", None) for node in found]
    return [n.value for n in names if isinstance(n, nodes.Const) and isinstance(n.value, str)]


def _template_name(node: nodes.Include | nodes.Import | nodes.FromImport) -> str | None:
    name = node.template
    return name.value if isinstance(name, nodes.Const) and isinstance(name.value, str) else None


def variables_used(
    env: GuardedEnvironment, tree: nodes.Template, seen: frozenset[str] = frozenset()
) -> dict[str, int | None]:
    """Names the template reads from its context, with the line each is first read on.

    Names read by a file it includes, or imports ``with context``, count as read on the line
    of the include or import; ``answers.key`` and ``answers["key"]`` count as reading ``key``.
    """
    found: dict[str, int | None] = {}
    for name in meta.find_undeclared_variables(tree):
        found[name] = _line_of_name(tree, name)
    for key, line in answer_keys(tree).items():
        found.setdefault(key, line)
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
        assert isinstance(node, nodes.Include | nodes.Import | nodes.FromImport)
        pulled = _template_name(node)
        if node.with_context and pulled is not None:
            for read in names_of_file(env, pulled, seen):
                found.setdefault(read, node.lineno)
    for name in env.globals:
        found.pop(name, None)
    return found


def names_of_file(
    env: GuardedEnvironment, name: str, seen: frozenset[str] = frozenset()
) -> set[str]:
    """Names a template file reads from whatever context it is given (cached per env)."""
    if name in env.names_read:
        return env.names_read[name]
    if name in seen:
        return set()
    try:
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        tree = env.parse(source)
    except (TemplateNotFound, TemplateSyntaxError, ContentError):
        return set()  # reported where the file is checked
    read = set(variables_used(env, tree, seen | {name}))
    env.names_read[name] = read
    return read


def hidden_from_imports(env: GuardedEnvironment, tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """(line, message) for each import without context whose macros read names they can't see."""
    for node in tree.find_all((nodes.Import, nodes.FromImport)):
        assert isinstance(node, nodes.Import | nodes.FromImport)
        name = _template_name(node)
        if node.with_context or name is None:
            continue
        for read in sorted(names_of_file(env, name)):
            yield (
                node.lineno,
                (
                    f"the macros of {name!r} use '{read}', which they cannot see when imported "
                    f"like this; add 'with context' to the import"
                ),
            )


def answer_keys(tree: nodes.Template) -> dict[str, int]:
    """Keys read as ``answers.key`` or ``answers["key"]``, with the first line of each."""
    if any(n.name == "answers" for n in tree.find_all(nodes.Name) if n.ctx != "load"):
        return {}  # 'answers' is something else here
    found: dict[str, int] = {}
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        target = node.node
        if not (isinstance(target, nodes.Name) and target.name == "answers"):
            continue
        if isinstance(node, nodes.Getattr):
            key = node.attr if node.attr not in _DICT_METHODS else None
        else:
            arg = node.arg
            key = arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None
        if key is not None and not key.startswith("_"):
            found.setdefault(key, node.lineno)
    return found


def _line_of_name(tree: nodes.Template, name: str) -> int | None:
    """The first line on which ``name`` is read, if it is read in this template itself."""
    lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else None
