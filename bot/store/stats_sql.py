"""The statements behind a dialogue's analytics: its sessions, and how many of them reached each
node. The counting is left to the database: a big answer log is never read row by row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select, union

from bot.store.tables import answers, sessions


@dataclass(frozen=True)
class Run:
    """One session of a dialogue as analytics sees it: where it stands and when it moved."""

    dialogue_id: str
    status: str  # active, completed or abandoned
    node: str  # the node it is at now (an end node once completed)
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class Log:
    """The sessions of some dialogues, and per (dialogue, node) how many sessions reached it:
    have an answer at it in the answer log, or stand at it now."""

    runs: list[Run] = field(default_factory=list)
    reached: dict[tuple[str, str], int] = field(default_factory=dict)


def dialogue_log(db: Connection, dialogue_ids: Sequence[str]) -> Log:
    """The sessions of ``dialogue_ids`` (oldest first) and how many reached each node."""
    if not dialogue_ids:
        return Log()
    wanted = sessions.c.dialogue_id.in_(list(dialogue_ids))
    # UNION drops repeats: each (session, node) once, however many answers it logged there.
    at = union(
        select(sessions.c.id, sessions.c.dialogue_id, answers.c.node)
        .join(answers, answers.c.session_id == sessions.c.id)
        .where(wanted),
        select(sessions.c.id, sessions.c.dialogue_id, sessions.c.node).where(wanted),
    ).subquery()
    counted = db.execute(
        select(at.c.dialogue_id, at.c.node, func.count()).group_by(at.c.dialogue_id, at.c.node)
    )
    found = db.execute(
        select(
            sessions.c.dialogue_id,
            sessions.c.status,
            sessions.c.node,
            sessions.c.started_at,
            sessions.c.updated_at,
            sessions.c.completed_at,
        )
        .where(wanted)
        .order_by(sessions.c.started_at, sessions.c.id)
    )
    return Log(
        [Run(*row) for row in found],
        {(dialogue, node): int(count) for dialogue, node, count in counted},
    )
