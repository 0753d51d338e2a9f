"""The statements behind content versions: keep a snapshot, find one, drop unused ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, delete, exists, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from bot.dialogue.versions import Snapshot
from bot.store.tables import content_versions, sessions


class SqlVersions:
    """Content versions on one open transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self._insert = postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert

    def stored(self, dialogue_id: str, version: str) -> Snapshot | None:
        """The snapshot of one version, if kept."""
        row = self.db.execute(
            select(content_versions).where(
                content_versions.c.dialogue_id == dialogue_id,
                content_versions.c.version == version,
            )
        ).first()
        if row is None:
            return None
        templates = {str(k): str(v) for k, v in dict(row.templates).items()}
        return Snapshot(row.dialogue_id, row.version, row.file_name, row.source, templates)

    def keep(self, snapshots: Iterable[Snapshot], now: datetime) -> int:
        """Store the snapshots not stored yet; how many were new."""
        added = 0
        for snapshot in snapshots:
            done = self.db.execute(
                self._insert(content_versions)
                .values(
                    dialogue_id=snapshot.dialogue_id,
                    version=snapshot.version,
                    file_name=snapshot.file_name[:200],
                    source=snapshot.source,
                    templates=dict(snapshot.templates),
                    created_at=now,
                )
                .on_conflict_do_nothing(
                    index_elements=[content_versions.c.dialogue_id, content_versions.c.version]
                )
            )
            added += done.rowcount
        return added

    def prune(self, newest: set[tuple[str, str]]) -> int:
        """Drop versions that are not the newest of their dialogue and that no unfinished
        session uses; how many went."""
        in_use = exists().where(
            and_(
                sessions.c.dialogue_id == content_versions.c.dialogue_id,
                sessions.c.content_version == content_versions.c.version,
                sessions.c.status == "active",
            )
        )
        found = delete(content_versions).where(~in_use)
        if newest:
            found = found.where(
                tuple_(content_versions.c.dialogue_id, content_versions.c.version).not_in(
                    sorted(newest)
                )
            )
        return int(self.db.execute(found).rowcount)
