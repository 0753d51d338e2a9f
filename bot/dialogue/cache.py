"""Remembers which dialogue files were valid, so an unchanged file is not validated again.

An entry is keyed by the SHA-256 of the file's text, the prompts folder and the code that
validates (every module of this package and the versions of Jinja2, pydantic and PyYAML). It
holds the validated data, the template files the dialogue uses with their hashes, and what
the cross-file checks need. A hit skips YAML, validation and compilation: the model is
rebuilt from the data and texts are compiled when first shown. A template file that changed
makes the entry miss. Entries are JSON (never pickle); only valid dialogues are stored, and
an unreadable or unwritable cache is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Template
from pydantic import ValidationError

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.limits import MAX_TEMPLATE_CHARS
from bot.dialogue.machine import Expression
from bot.dialogue.model import Dialogue, EndNode, LocalText
from bot.dialogue.reading import read_text
from bot.dialogue.rendering import template_source
from bot.dialogue.sandbox import GuardedEnvironment
from bot.errors import ContentError

logger = logging.getLogger(__name__)
FORMAT = 1
KEEP_UNUSED = timedelta(days=30)


@dataclass(frozen=True)
class Entry:
    """What is remembered about one valid dialogue file."""

    data: dict[str, Any]
    templates: dict[str, str]  # file name -> SHA-256 of its text
    dialogue_refs: list[tuple[str, int, int]]
    version: str


def digest(text: str) -> str:
    """SHA-256 of a text, as hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@cache
def _code_fingerprint() -> str:
    """Changes whenever the code that validates changes, so old verdicts are not trusted."""
    parts = [str(FORMAT)]
    parts += [metadata.version(name) for name in ("jinja2", "pydantic", "pyyaml")]
    for module in sorted(Path(__file__).parent.glob("*.py")):
        parts.append(module.read_text(encoding="utf-8"))
    return digest("\0".join(parts))


class ContentCache:
    """A folder of entries, one JSON file per validated dialogue text."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._template_hashes: dict[str, str | None] = {}

    def key(self, text: str, prompts_dir: Path) -> str:
        """The entry name for a dialogue text validated against ``prompts_dir``."""
        return digest("\0".join((_code_fingerprint(), str(prompts_dir.resolve()), text)))

    def get(self, key: str) -> Entry | None:
        """The entry, if there is one and every template file it used is unchanged."""
        try:
            raw = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            entry = Entry(
                data=raw["data"],
                templates=dict(raw["templates"]),
                dialogue_refs=[(str(r), int(line), int(col)) for r, line, col in raw["refs"]],
                version=str(raw["version"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if any(self._template_hash(name) != sha for name, sha in entry.templates.items()):
            return None
        with suppress(OSError):
            os.utime(self.folder / f"{key}.json")  # still in use: kept by ``prune``
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """Store an entry; a cache that cannot be written is skipped (logged)."""
        raw = {
            "data": entry.data,
            "templates": entry.templates,
            "refs": entry.dialogue_refs,
            "version": entry.version,
        }
        target = self.folder / f"{key}.json"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
            partial.replace(target)
        except OSError as err:
            logger.info("content cache not written (%s): %s", target, err)

    def prune(self, older_than: timedelta = KEEP_UNUSED) -> None:
        """Remove entries not used for a while (files that changed or are gone)."""
        cutoff = time.time() - older_than.total_seconds()
        with suppress(OSError):
            for entry in self.folder.glob("*.json"):
                if entry.stat().st_mtime < cutoff:
                    entry.unlink(missing_ok=True)

    def _template_hash(self, name: str) -> str | None:
        if name not in self._template_hashes:
            try:
                text = read_text(Path(name), MAX_TEMPLATE_CHARS * 4)
                self._template_hashes[name] = digest(text)
            except ContentError:
                self._template_hashes[name] = None
        return self._template_hashes[name]


def from_entry(
    entry: Entry, file: str, envs: Mapping[str, GuardedEnvironment]
) -> CompiledDialogue | None:
    """The dialogue an entry describes, compiling its texts lazily; None if the entry is bad."""
    try:
        model = Dialogue.model_validate(entry.data)
    except ValidationError:
        return None
    env = envs["nl"]
    conditions: dict[tuple[str, int], Expression] = {}
    computes: dict[str, tuple[tuple[str, Expression], ...]] = {}
    extras: dict[tuple[str, str], Expression] = {}
    for node_id, node in model.nodes.items():
        computes[node_id] = tuple((k, _Lazy(env, v)) for k, v in node.compute.items())
        for index, branch in enumerate(getattr(node, "branches", list)()):
            if branch.condition is not None:
                conditions[node_id, index] = _Lazy(env, branch.condition)
        for key, text in _extras(node):
            extras[node_id, key] = _Lazy(env, text)
    return CompiledDialogue(
        model=model,
        version=entry.version,
        file=file,
        texts=_LazyTexts(model, envs),
        computes=computes,
        extras=extras,
        dialogue_refs=tuple(entry.dialogue_refs),
        conditions=conditions,
        templates=tuple(sorted(entry.templates)),
    )


def _extras(node: Any) -> Iterator[tuple[str, str]]:
    """The extra expressions of a node, under the keys the loader gives them."""
    for index, ladder in enumerate(node.chart.ladders if node.chart else []):
        yield f"chart.{index}", ladder.value
    if isinstance(node, EndNode):
        if node.commitment is not None:
            yield "commitment.text", node.commitment.text
            yield "commitment.follow_up_days", node.commitment.follow_up_days
        if node.check_in is not None:
            yield "check_in.outcome", node.check_in.outcome
        if node.profile is not None:
            for key, text in node.profile.fields():
                yield f"profile.{key}", text
        if node.start_dialogue is not None:
            yield "start_dialogue", node.start_dialogue


class _Lazy:
    """An expression compiled when first evaluated."""

    __slots__ = ("compiled", "env", "text")

    def __init__(self, env: GuardedEnvironment, text: str) -> None:
        self.env, self.text = env, text
        self.compiled: Expression | None = None

    def __call__(self, **context: Any) -> Any:
        if self.compiled is None:
            self.compiled = self.env.compile_expression(self.text, undefined_to_none=False)
        return self.compiled(**context)


class _LazyTexts(Mapping[tuple[str, str], Template]):
    """Node texts by (node id, lang), each compiled when first shown."""

    def __init__(self, model: Dialogue, envs: Mapping[str, GuardedEnvironment]) -> None:
        self.model, self.envs = model, envs
        self.compiled: dict[tuple[str, str], Template] = {}

    def __getitem__(self, key: tuple[str, str]) -> Template:
        if key not in self.compiled:
            node_id, lang = key
            text, env = self.model.nodes[node_id].text, self.envs[lang]
            source = text.get(lang) if isinstance(text, LocalText) else None
            if source is None:
                source, _ = template_source(env, getattr(text, "template", ""))
            self.compiled[key] = env.from_string(source)
        return self.compiled[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((n, lang) for n in self.model.nodes for lang in self.envs)

    def __len__(self) -> int:
        return len(self.model.nodes) * len(self.envs)
