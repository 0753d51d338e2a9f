"""Content versions: what a version is, its snapshot, and bringing an old one back.

A dialogue's version is a hash of its YAML text and of the template files it uses (named by
their path inside prompts/). A session is pinned to the version it started on. So that it can
finish on that version after an edit and a restart with only the new files on disk, the store
keeps each version's snapshot (the text and its templates) while an unfinished session uses it;
``Restorer`` compiles a snapshot again, in a folder of its own, exactly as it was loaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.limits import MAX_FILE_BYTES, MAX_TEMPLATE_CHARS
from bot.dialogue.reading import read_text
from bot.errors import ContentError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One version of one dialogue: its file's text and the templates it uses."""

    dialogue_id: str
    version: str
    file_name: str  # the YAML file's name, without folders
    source: str
    templates: Mapping[str, str]  # path inside prompts/ -> text


def content_version(text: str, templates: Mapping[str, str]) -> str:
    """The version of a dialogue: a hash of its text and its templates (by path in prompts/)."""
    digest = hashlib.sha256(text.encode())
    for name in sorted(templates):
        digest.update(name.encode() + b"\0" + templates[name].encode())
    return digest.hexdigest()[:12]


def relative(filename: str, prompts_dir: Path) -> str:
    """A template file's path inside prompts/, with forward slashes."""
    try:
        return Path(filename).resolve().relative_to(prompts_dir.resolve()).as_posix()
    except ValueError:  # outside prompts/ (cannot happen through the loader): keep it whole
        return Path(filename).as_posix()


def snapshot_of(dialogue: CompiledDialogue, prompts_dir: Path) -> Snapshot | None:
    """The snapshot of ``dialogue`` read from disk, or None when a file changed since it was
    loaded (the text on disk is then another version)."""
    try:
        source = read_text(Path(dialogue.file), MAX_FILE_BYTES)
        templates = {
            relative(name, prompts_dir): read_text(Path(name), MAX_TEMPLATE_CHARS * 4)
            for name in dialogue.templates
        }
    except (ContentError, OSError):
        return None
    if content_version(source, templates) != dialogue.version:
        return None
    return Snapshot(dialogue.id, dialogue.version, Path(dialogue.file).name, source, templates)


class Restorer:
    """Compiles stored snapshots again, each in its own folder kept while the process runs
    (templates are read when first rendered, so the files must stay)."""

    def __init__(self) -> None:
        self._folder = tempfile.mkdtemp(prefix="coachbot-versions-")
        weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)

    def restore(self, snapshot: Snapshot) -> CompiledDialogue | None:
        """The dialogue as it was at ``snapshot``'s version; None if it cannot be rebuilt."""
        from bot.dialogue.loader import load_dialogue  # the loader imports this module

        root = Path(self._folder, snapshot.version)
        prompts = root / "prompts"
        try:
            for name, text in snapshot.templates.items():
                target = (prompts / name).resolve()
                if not target.is_relative_to(prompts.resolve()):
                    raise ContentError([])  # a stored path that leaves its folder: refuse
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            prompts.mkdir(parents=True, exist_ok=True)
            path = root / os.path.basename(snapshot.file_name or "dialogue.yaml")
            path.write_text(snapshot.source, encoding="utf-8")
            compiled = load_dialogue(path, prompts)
        except (ContentError, OSError) as err:
            log.warning(
                "version %s of %s cannot be restored: %s",
                snapshot.version,
                snapshot.dialogue_id,
                err,
            )
            return None
        if compiled.version != snapshot.version or compiled.id != snapshot.dialogue_id:
            log.warning(
                "version %s of %s restored as another", snapshot.version, snapshot.dialogue_id
            )
            return None
        return replace(compiled, file=snapshot.file_name)
