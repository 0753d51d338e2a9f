"""All dialogues of a folder: the valid ones ready to serve, the broken ones with their problems."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.dialogue.cache import ContentCache
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.loader import load_dialogue
from bot.dialogue.rendering import make_environments
from bot.errors import ContentError, Problem, UnknownDialogue

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass
class Catalog:
    """Dialogues by id (newest version) and by (id, version), plus the files that failed."""

    latest: dict[str, CompiledDialogue] = field(default_factory=dict)
    versions: dict[tuple[str, str], CompiledDialogue] = field(default_factory=dict)
    broken: dict[str, list[Problem]] = field(default_factory=dict)

    def add(self, dialogue: CompiledDialogue) -> None:
        """Serve ``dialogue`` as the newest version of its id (older versions stay reachable)."""
        self.latest[dialogue.id] = dialogue
        self.versions[dialogue.id, dialogue.version] = dialogue

    def get(self, dialogue_id: str, version: str | None = None) -> CompiledDialogue:
        """The dialogue at ``version`` if still known, else its newest version."""
        if version is not None and (dialogue_id, version) in self.versions:
            return self.versions[dialogue_id, version]
        if dialogue_id not in self.latest:
            raise UnknownDialogue(dialogue_id)
        return self.latest[dialogue_id]

    def listed(self) -> list[CompiledDialogue]:
        """The valid dialogues in a stable order (by file name)."""
        return sorted(self.latest.values(), key=lambda d: d.file)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every broken file."""
        return [p for problems in self.broken.values() for p in problems]


def dialogue_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, or found in the folders named, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            found.append(path)
    return found


def load_catalog(
    paths: Iterable[Path],
    prompts_dir: Path,
    *,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
) -> Catalog:
    """Load every dialogue file; a broken file is listed, never fatal for the others.

    ``progress(done, total)`` is called after each file. With ``cache_dir``, files that were
    valid before and did not change are not validated again (see ``cache.py``).
    """
    catalog = Catalog()
    files: dict[str, str] = {}
    environments = make_environments(prompts_dir)
    cache = ContentCache(cache_dir) if cache_dir is not None else None
    found = dialogue_files(paths)
    for done, path in enumerate(found, start=1):
        try:
            dialogue = load_dialogue(path, prompts_dir, environments=environments, cache=cache)
        except ContentError as err:
            catalog.broken[str(path)] = err.problems
            continue
        except Exception as err:  # a bug must cost one dialogue, never all of them
            logger.exception("unexpected error while loading %s", path)
            message = f"could not be loaded ({type(err).__name__}: {err}); please report this"
            catalog.broken[str(path)] = [Problem(str(path), 1, 1, message)]
            continue
        finally:
            if progress is not None:
                progress(done, len(found))
        if dialogue.id in files:
            message = f"dialogue id {dialogue.id!r} is already used by {files[dialogue.id]}"
            catalog.broken[str(path)] = [Problem(str(path), 1, 1, message)]
            continue
        files[dialogue.id] = str(path)
        catalog.add(dialogue)
    _check_references(catalog)
    if cache is not None:
        cache.prune()
    return catalog


def _check_references(catalog: Catalog) -> None:
    """A dialogue that may start another one must name a dialogue that is served."""
    for dialogue in list(catalog.latest.values()):
        problems = [
            Problem(
                dialogue.file,
                line,
                column,
                f"'start_dialogue' names {ref!r}, which is not a valid dialogue",
            )
            for ref, line, column in dialogue.dialogue_refs
            if ref not in catalog.latest
        ]
        if problems:
            del catalog.latest[dialogue.id]
            del catalog.versions[dialogue.id, dialogue.version]
            catalog.broken[dialogue.file] = problems
