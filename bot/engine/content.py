"""The dialogues being served: their versions kept in the store, reloaded live, uploaded.

A reload validates everything first, off the event loop; on any problem the content already
served stays, and the problems come back located. On success the new catalog replaces the old
one in a single assignment, so a step in flight finishes on the catalog it began with. Versions
sessions are pinned to are not carried over: they are rebuilt from their stored snapshot when
next needed (``pinning.py``), so an old version never reads a template file edited since.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bot.dialogue.catalog import Catalog, dialogue_files, load_catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.versions import snapshot_of
from bot.engine.engine import Engine
from bot.errors import Problem
from bot.store.base import Store, Transaction

log = logging.getLogger(__name__)
UPLOAD_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,60}\.ya?ml")
MAX_UPLOAD_BYTES = 256 * 1024
ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """What changed in one dialogue."""

    dialogue_id: str
    kind: ChangeKind
    nodes_added: tuple[str, ...] = ()
    nodes_removed: tuple[str, ...] = ()
    nodes_changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReloadResult:
    """How a reload or an upload went: the problems (nothing changed), or the changes."""

    problems: tuple[Problem, ...] = ()
    changes: tuple[Change, ...] = ()
    installed: str | None = None  # the file an upload wrote

    @property
    def ok(self) -> bool:
        """Whether the new content is being served."""
        return not self.problems


@dataclass
class Content:
    """Loads the dialogues from ``folders`` and keeps what is served and stored in step."""

    engine: Engine
    store: Store
    folders: list[Path]
    prompts_dir: Path
    cache_dir: Path | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def keep_versions(self) -> int:
        """Store the snapshot of every version served now; drop ones nobody needs."""
        catalog = self.engine.catalog
        snapshots = [s for d in catalog.listed() if (s := snapshot_of(d, self.prompts_dir))]
        newest = {(d.id, d.version) for d in catalog.listed()}

        def unit(tx: Transaction) -> int:
            added = tx.versions.keep(snapshots, self.clock())
            tx.versions.prune(newest)
            return added

        return await self.store.write(unit)

    async def reload(self) -> ReloadResult:
        """Load every file again; serve it only if nothing is wrong anywhere."""
        async with self._lock:
            return await self._reload()

    async def _reload(self) -> ReloadResult:
        fresh = await asyncio.to_thread(self.load)
        if fresh.problems:
            log.warning(
                "reload refused: %d problem(s); the served content stays", len(fresh.problems)
            )
            return ReloadResult(problems=tuple(fresh.problems))
        old = self.engine.catalog
        self.engine.catalog = fresh
        changes = tuple(diff(old, fresh))
        await self.keep_versions()
        log.warning("content reloaded: %s", ", ".join(describe(c) for c in changes) or "no change")
        return ReloadResult(changes=changes)

    async def install(self, name: str, data: bytes, who: str) -> ReloadResult:
        """An uploaded dialogue file: checked with the others, then written (the file it
        replaces kept as a backup) and served; or refused with its problems located."""
        async with self._lock:
            problem = upload_problem(name, data)
            if problem is not None:
                return ReloadResult(problems=(Problem(name, 1, 1, problem),))
            folder = self.folders[0]
            problems = await asyncio.to_thread(self._check_upload, folder, name, data)
            if problems:
                return ReloadResult(problems=tuple(problems))
            try:
                backup = await asyncio.to_thread(install_file, folder, name, data, self.clock())
            except OSError as err:  # e.g. a read-only folder in a container
                why = f"cannot be written to {folder}: {err.strerror or err}"
                return ReloadResult(problems=(Problem(name, 1, 1, why),))
            log.warning(
                "dialogue file %s installed by %s (previous kept as %s)", name, who, backup or "-"
            )
            result = await self._reload()
            return replace(result, installed=name)

    def _check_upload(self, folder: Path, name: str, data: bytes) -> list[Problem]:
        """Every problem of the dialogues as they would be with the upload in place."""
        with tempfile.TemporaryDirectory(prefix="coachbot-upload-") as scratch:
            trial = Path(scratch)
            for path in dialogue_files([folder]):
                if path.name != name:
                    shutil.copyfile(path, trial / path.name)
            (trial / name).write_bytes(data)
            catalog = load_catalog([trial], self.prompts_dir)
            return [replace(p, file=str(folder / Path(p.file).name)) for p in catalog.problems]

    def load(self) -> Catalog:
        """The catalog as the files say now (slow: run it off the event loop)."""
        return load_catalog(self.folders, self.prompts_dir, cache_dir=self.cache_dir)


def upload_problem(name: str, data: bytes) -> str | None:
    """Why an uploaded file cannot be a dialogue file, before reading it; None if it may."""
    if not UPLOAD_NAME.fullmatch(name):
        return "the file name must be like talk.yaml: lowercase letters, digits, _ or -"
    if len(data) > MAX_UPLOAD_BYTES:
        return f"the file is {len(data):,} bytes; at most {MAX_UPLOAD_BYTES:,} are taken"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"the file is not UTF-8 text (byte {err.start + 1})"
    return None


def install_file(folder: Path, name: str, data: bytes, now: datetime) -> Path | None:
    """Write ``name`` into ``folder`` atomically; the file it replaces goes to ``.backups/``."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():  # never outside the dialogues folder
        raise ValueError(f"{name!r} is not a file name")
    backup = None
    if target.exists():
        backups = folder / ".backups"
        backups.mkdir(exist_ok=True)
        backup = backups / f"{target.stem}.{now:%Y%m%dT%H%M%S}{target.suffix}"
        shutil.copy2(target, backup)
    written = folder / f".{name}.uploading"
    written.write_bytes(data)
    os.replace(written, target)
    return backup


def diff(old: Catalog, new: Catalog) -> list[Change]:
    """Dialogues added, removed and changed (with their nodes), by id."""
    changes = [Change(i, "added") for i in sorted(new.latest.keys() - old.latest.keys())]
    changes += [Change(i, "removed") for i in sorted(old.latest.keys() - new.latest.keys())]
    for dialogue_id in sorted(old.latest.keys() & new.latest.keys()):
        before, after = old.latest[dialogue_id], new.latest[dialogue_id]
        if before.version != after.version:
            changes.append(_changed(before, after))
    return changes


def _changed(before: CompiledDialogue, after: CompiledDialogue) -> Change:
    old_nodes, new_nodes = before.model.nodes, after.model.nodes
    common = sorted(old_nodes.keys() & new_nodes.keys())
    return Change(
        before.id,
        "changed",
        tuple(sorted(new_nodes.keys() - old_nodes.keys())),
        tuple(sorted(old_nodes.keys() - new_nodes.keys())),
        tuple(n for n in common if old_nodes[n] != new_nodes[n]),
    )


def describe(change: Change) -> str:
    """One line for logs: ``talk changed (+2 nodes, -1, 3 changed)``."""
    if change.kind != "changed":
        return f"{change.dialogue_id} {change.kind}"
    parts = [
        f"+{len(change.nodes_added)} node(s)",
        f"-{len(change.nodes_removed)}",
        f"{len(change.nodes_changed)} changed",
    ]
    return f"{change.dialogue_id} changed ({', '.join(parts)})"
