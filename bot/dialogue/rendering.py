"""Jinja2 for dialogue texts and conditions: sandboxed, strict, escaping everything users type."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
)
from jinja2.loaders import split_template_path

from bot.dialogue.limits import MAX_TEMPLATE_CHARS
from bot.dialogue.reading import read_text
from bot.dialogue.sandbox import GuardedEnvironment
from bot.languages import LANGUAGES

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


class PromptLoader(FileSystemLoader):
    """Template files from the prompts folder, read within the size limit.

    An unreadable file raises ``ContentError`` with the place of the bad byte.
    """

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        """(source, filename, uptodate) of ``template``, as Jinja's file loader gives them."""
        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if path.is_file():
                break
        else:
            raise TemplateNotFound(template)
        source = read_text(path, MAX_TEMPLATE_CHARS * 4)
        mtime = path.stat().st_mtime

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, os.path.normpath(path), uptodate


def make_environment(prompts_dir: Path, lang: str) -> GuardedEnvironment:
    """The environment for one language: ``prompts/<lang>/`` first, then ``prompts/``."""
    return GuardedEnvironment(
        loader=PromptLoader([prompts_dir / lang, prompts_dir]),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # A template file edited under a running bot must not be picked up unvalidated (and
        # checking every imported file's time on each render costs a stat per import).
        auto_reload=False,
    )


def make_environments(prompts_dir: Path) -> dict[str, GuardedEnvironment]:
    """One environment per language, to share between the dialogues of one catalog."""
    return {lang: make_environment(prompts_dir, lang) for lang in LANGUAGES}


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


def expression_tree(env: GuardedEnvironment, source: str) -> nodes.Template:
    """Parse an expression as ``{{ expression }}``; it must be exactly one expression."""
    tree = env.parse("{{ " + source + " }}")
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        raise TemplateSyntaxError("write one expression, without '{{', '}}' or '{%'", 1)
    return tree


def template_source(env: GuardedEnvironment, name: str) -> tuple[str, str]:
    """(source, filename) of a template file, or raise ``TemplateNotFound``."""
    source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    return source, filename or name
