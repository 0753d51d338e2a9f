"""Turns one YAML file into a ``CompiledDialogue``, or reports every problem in it at once."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template, TemplateNotFound, TemplateSyntaxError
from pydantic import ValidationError

from bot.dialogue import graph, names, rendering, safety, versions
from bot.dialogue.cache import ContentCache, Entry, digest, from_entry
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.expressions import compile_expressions
from bot.dialogue.limits import MAX_FILE_BYTES
from bot.dialogue.located import Where, missing_names
from bot.dialogue.model import NODE_TYPES, UNION_TAGS, Dialogue, LocalText, TemplateRef
from bot.dialogue.reading import read_text
from bot.dialogue.sandbox import GuardedEnvironment
from bot.dialogue.validation_messages import describe
from bot.dialogue.yaml_source import Source, folded_block, parse
from bot.errors import ContentError, Problem


def load_dialogue(
    path: Path,
    prompts_dir: Path,
    *,
    environments: Mapping[str, GuardedEnvironment] | None = None,
    cache: ContentCache | None = None,
) -> CompiledDialogue:
    """Load and compile one dialogue file; raise ``ContentError`` listing every problem.

    ``environments`` (one per language, from ``make_environments``) may be shared between
    the dialogues of a catalog, so template files they share are compiled once. With a
    ``cache``, a file validated before (unchanged, with unchanged templates) is not validated
    again, and a newly valid one is remembered.
    """
    text = read_text(path, MAX_FILE_BYTES)
    envs = environments or rendering.make_environments(prompts_dir)
    key = cache.key(text, prompts_dir) if cache is not None else ""
    entry = cache.get(key) if cache is not None else None
    if entry is not None and (served := from_entry(entry, str(path), envs)) is not None:
        return served
    source, problems = parse(str(path), text)
    if source is None:
        raise ContentError(problems)
    try:
        dialogue = Dialogue.model_validate(source.data)
    except ValidationError as err:
        problems = [_located(source, e) for e in err.errors()]
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column))) from err
    compiler = _Compiler(source, text, dialogue, envs, prompts_dir)
    compiled = compiler.compile()
    if cache is not None:
        templates = {name: digest(text) for name, text in compiler.used_templates.items()}
        refs = list(compiled.dialogue_refs)
        cache.put(key, Entry(source.data, templates, refs, compiled.version))
    return compiled


def _located(source: Source, error: Any) -> Problem:
    loc = tuple(error["loc"])
    # pydantic puts union tags in the path: a node's type ("text" would be mistaken for
    # the node's own text: key) and the kind of text. They are not keys of the file.
    if len(loc) > 2 and loc[0] == "nodes" and loc[2] in NODE_TYPES:
        loc = loc[:2] + loc[3:]
    loc = tuple(part for part in loc if part not in UNION_TAGS)
    if error["type"] == "union_tag_invalid":
        loc = (*loc, "type")  # point at the wrong type, not at the node that has it
    return source.problem(loc, describe(error, NODE_TYPES))


@dataclass
class _Compiler:
    source: Source
    text: str
    dialogue: Dialogue
    envs: Mapping[str, GuardedEnvironment]
    prompts_dir: Path
    problems: list[Problem] = field(default_factory=list)
    used_templates: dict[str, str] = field(default_factory=dict)

    def compile(self) -> CompiledDialogue:
        envs = self.envs
        edges = self._check_graph()
        live = (
            graph.reachable([self.dialogue.start], edges) if self.dialogue.start in edges else set()
        )
        must, may = graph.answers_on_entry(self.dialogue, edges, live)
        texts = self._compile_texts(envs, must, may, live)
        expressions = compile_expressions(self.dialogue, self.source, envs["nl"], must, may)
        self.problems += expressions.problems
        if self.problems:
            raise ContentError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        return CompiledDialogue(
            model=self.dialogue,
            version=self._version(),
            file=self.source.file,
            texts=texts,
            computes=expressions.computes,
            extras=expressions.extras,
            dialogue_refs=tuple(expressions.dialogue_refs),
            conditions=expressions.conditions,
            templates=tuple(sorted(self.used_templates)),
        )

    def _add(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    # -- the graph -------------------------------------------------------------------------

    def _check_graph(self) -> dict[str, list[str]]:
        nodes = self.dialogue.nodes
        start = self.dialogue.start
        if start not in nodes:
            self._add(
                ("start",),
                f"start node {start!r} does not exist{self._hint(start)}",
            )
        for node_id, node in nodes.items():
            for path, target in _target_paths(node_id, node):
                if target not in nodes:
                    self._add(path, f"goes to {target!r}, which is not a node{self._hint(target)}")
        edges = graph.successors(self.dialogue)
        if self.dialogue.start not in nodes:
            return edges
        live = graph.reachable([self.dialogue.start], edges)
        finishing = graph.can_finish(self.dialogue, edges)
        for node_id in nodes:
            if node_id not in live:
                self._add(
                    ("nodes", node_id),
                    f"node {node_id!r} is unreachable: no step leads to it from the start",
                )
            elif node_id not in finishing:
                self._add(
                    ("nodes", node_id), f"from node {node_id!r} no path leads to an 'end' node"
                )
        for node_id in graph.say_loops(self.dialogue, edges):
            self._add(
                ("nodes", node_id),
                f"node {node_id!r} is on a loop of 'say' nodes only; the bot would talk forever",
            )
        return edges

    def _hint(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self.dialogue.nodes), n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""

    # -- texts -----------------------------------------------------------------------------

    def _compile_texts(
        self,
        envs: Mapping[str, GuardedEnvironment],
        must: dict[str, frozenset[str]],
        may: dict[str, frozenset[str]],
        live: set[str],
    ) -> dict[tuple[str, str], Template]:
        texts: dict[tuple[str, str], Template] = {}
        for node_id, node in self.dialogue.nodes.items():
            for lang, env in envs.items():
                compiled = self._compile_text(env, node_id, node.text, lang)
                if compiled is None:
                    continue
                template, tree, where = compiled
                texts[node_id, lang] = template
                if node_id in live:
                    used = names.variables_used(env, tree)
                    self.problems += missing_names(where, used, must[node_id], may[node_id])
        return texts

    def _compile_text(
        self, env: GuardedEnvironment, node_id: str, text: LocalText | TemplateRef, lang: str
    ) -> tuple[Template, Any, Where] | None:
        if isinstance(text, LocalText):
            path = ("nodes", node_id, "text", lang)
            where = Where(
                self.source.file,
                self.source.text_start_line(path),
                self.source.locate(path, value=True)[1],
                pinned=self.source.style_at(path) not in ("|", ">"),
            )
            written = folded_block(self.source, path, self.text)
            return self._parse_template(env, text.get(lang), where, written)
        try:
            source, filename = rendering.template_source(env, text.template)
        except ContentError as err:
            self.problems += err.problems
            return None
        except TemplateNotFound:
            self._add(
                ("nodes", node_id, "text", "template"),
                f"template {text.template!r} not found in prompts/{lang}/ or prompts/",
            )
            return None
        self.used_templates[filename] = source
        return self._parse_template(env, source, Where(filename, 1, 1))

    def _parse_template(
        self, env: GuardedEnvironment, text: str, where: Where, written: str | None = None
    ) -> tuple[Template, Any, Where] | None:
        """Check a template (as ``written`` in the file, if YAML reshaped it) and compile it."""
        try:
            tree = env.parse(written if written is not None else text)
            compiled = tree if written is None or written == text else env.parse(text)
        except TemplateSyntaxError as err:
            self.problems.append(where.problem(err.lineno, f"template syntax: {err.message}"))
            return None
        unsafe = list(safety.refused(tree))
        for lineno, reason in unsafe:
            self.problems.append(where.problem(lineno, f"not allowed: {reason}"))
        for lineno, tag in rendering.unsupported_tags(tree):
            allowed = ", ".join(f"<{t}>" for t in sorted(rendering.TELEGRAM_TAGS))
            message = f"Telegram cannot show the tag <{tag}>; use one of {allowed}"
            self.problems.append(where.problem(lineno, message))
        for line, message in names.hidden_from_imports(env, tree):
            self.problems.append(where.problem(line, message))
        for name in names.included_names(tree) + names.imported_names(tree):
            self._check_include(env, name, where)
        if unsafe:
            return None
        try:
            return env.template_from_tree(compiled), tree, where
        except TemplateSyntaxError as err:
            self.problems.append(where.problem(err.lineno, f"template syntax: {err.message}"))
        except Exception as err:  # e.g. Python's own limits on the code Jinja generates
            self.problems.append(where.problem(1, f"the text cannot be compiled: {err}"))
        return None

    def _check_include(self, env: GuardedEnvironment, name: str, where: Where) -> None:
        try:
            source, filename = rendering.template_source(env, name)
        except ContentError as err:
            self.problems += err.problems
            return
        except TemplateNotFound:
            self.problems.append(
                where.problem(1, f"template {name!r} (included or imported) not found in prompts/")
            )
            return
        if filename in self.used_templates:
            return
        self.used_templates[filename] = source
        self._parse_template(env, source, Where(filename, 1, 1))

    def _version(self) -> str:
        used = {
            versions.relative(name, self.prompts_dir): text
            for name, text in self.used_templates.items()
        }
        return versions.content_version(self.text, used)


def _target_paths(node_id: str, node: Any) -> list[tuple[tuple[str | int, ...], str]]:
    base: tuple[str | int, ...] = ("nodes", node_id)
    found: list[tuple[tuple[str | int, ...], str]] = []
    for index, option in enumerate(getattr(node, "options", [])):
        if option.next is not None:
            found.append(((*base, "options", index, "next"), option.next))
    nxt = getattr(node, "next", None)
    if isinstance(nxt, str):
        found.append(((*base, "next"), nxt))
    elif isinstance(nxt, list):
        found.extend(((*base, "next", i, "goto"), b.goto) for i, b in enumerate(nxt))
    return found
