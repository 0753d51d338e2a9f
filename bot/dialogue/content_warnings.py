"""Questionable content that still validates: warnings for authors, each located in its file.

Only ``coachbot validate`` looks for these (the bot's start does not): branches no answer can
take (``dead_rules``), texts too long to read comfortably on a phone and button labels too long
to fit on one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from jinja2 import TemplateNotFound

from bot.dialogue import rendering
from bot.dialogue.catalog import Catalog
from bot.dialogue.dead_rules import dead_rules, only_through_dead
from bot.dialogue.limits import MAX_FILE_BYTES
from bot.dialogue.model import Dialogue, LocalText
from bot.dialogue.reading import read_text
from bot.dialogue.sandbox import GuardedEnvironment
from bot.dialogue.yaml_source import Source, parse
from bot.errors import ContentError, Problem

MAX_TEXT_CHARS = 1000  # as written, markup included; a message this long is a wall on a phone
MAX_LABEL_CHARS = 40  # about what a phone shows on a button of a one-column keyboard
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}


def catalog_warnings(catalog: Catalog, prompts_dir: Path) -> list[Problem]:
    """Warnings about every valid dialogue of ``catalog``; a template shared is warned once."""
    envs = rendering.make_environments(prompts_dir)
    found = (w for d in catalog.listed() for w in file_warnings(Path(d.file), d.model, envs))
    return list(dict.fromkeys(found))


def file_warnings(
    path: Path, dialogue: Dialogue, envs: Mapping[str, GuardedEnvironment]
) -> list[Problem]:
    """Warnings about ``dialogue``, valid and loaded from ``path`` (read again for positions)."""
    try:
        source, _ = parse(str(path), read_text(path, MAX_FILE_BYTES))
    except ContentError:  # changed since it was loaded; validate again to see why
        return []
    return find_warnings(dialogue, source, envs) if source is not None else []


def find_warnings(
    dialogue: Dialogue, source: Source, envs: Mapping[str, GuardedEnvironment]
) -> list[Problem]:
    """Every warning about a valid dialogue, in file order (templates' warnings after)."""
    dead = dead_rules(dialogue, envs["nl"])
    found = [source.problem(rule.path, rule.reason) for rule in dead]
    found += [
        source.problem(("nodes", node_id), _only_dead(node_id))
        for node_id in only_through_dead(dialogue, dead)
    ]
    found += _long_texts(dialogue, source)
    found += _long_labels(dialogue, source)
    found.sort(key=lambda p: (p.line, p.column))
    return [*found, *_long_templates(dialogue, envs)]


def _only_dead(node_id: str) -> str:
    return f"node {node_id!r} is reached only through rules that never apply"


def _long_texts(dialogue: Dialogue, source: Source) -> Iterable[Problem]:
    for node_id, node in dialogue.nodes.items():
        if isinstance(node.text, LocalText):
            for lang, name in LANGUAGE_NAMES.items():
                size = len(node.text.get(lang))
                if size > MAX_TEXT_CHARS:
                    path = ("nodes", node_id, "text", lang)
                    yield source.problem(path, _too_long(name, size), value=True)


def _long_templates(
    dialogue: Dialogue, envs: Mapping[str, GuardedEnvironment]
) -> Iterable[Problem]:
    """Template files without logic ({% ... %}) are measured as written too."""
    for node in dialogue.nodes.values():
        if isinstance(node.text, LocalText):
            continue
        for lang, name in LANGUAGE_NAMES.items():
            try:
                text, filename = rendering.template_source(envs[lang], node.text.template)
            except (TemplateNotFound, ContentError):  # the loader reports these
                continue
            if "{%" not in text and len(text) > MAX_TEXT_CHARS:
                yield Problem(filename, 1, 1, _too_long(name, len(text)))


def _too_long(language: str, size: int) -> str:
    return (
        f"the {language} text is {size:,} characters long (more than {MAX_TEXT_CHARS:,}); "
        "that is a lot to read on a phone: split it over a 'say' node"
    )


def _long_labels(dialogue: Dialogue, source: Source) -> Iterable[Problem]:
    for node_id, node in dialogue.nodes.items():
        for index, option in enumerate(getattr(node, "options", [])):
            for lang, name in LANGUAGE_NAMES.items():
                size = len(option.label.get(lang))
                if size > MAX_LABEL_CHARS:
                    path = ("nodes", node_id, "options", index, "label", lang)
                    message = (
                        f"the {name} label is {size} characters long (more than "
                        f"{MAX_LABEL_CHARS}); it will not fit on a phone's button"
                    )
                    yield source.problem(path, message, value=True)
