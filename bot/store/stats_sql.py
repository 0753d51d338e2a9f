"""The statements behind a dialogue's analytics: its sessions and the nodes each answered at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from bot.store.tables import answers, sessions


@dataclass(frozen=True)
class Run:
    """One session of a dialogue as analytics sees it: where it stands and where it answered."""

    dialogue_id: str
    status: str  # active, completed or abandoned
    node: str  # the node it is at now (an end node once completed)
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    answered: frozenset[str]  # the nodes with an answer in the answer log


def dialogue_runs(db: Connection, dialogue_ids: Sequence[str]) -> list[Run]:
    """Every session of ``dialogue_ids``, oldest first, with the nodes it answered at."""
    if not dialogue_ids:
        return []
    wanted = sessions.c.dialogue_id.in_(list(dialogue_ids))
    answered: dict[int, set[str]] = {}
    for row in db.execute(
        select(answers.c.session_id, answers.c.node)
        .distinct()
        .join(sessions, sessions.c.id == answers.c.session_id)
        .where(wanted)
    ):
        answered.setdefault(row.session_id, set()).add(row.node)
    found = db.execute(
        select(
            sessions.c.id,
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
    return [
        Run(
            row.dialogue_id,
            row.status,
            row.node,
            row.started_at,
            row.updated_at,
            row.completed_at,
            frozenset(answered.get(row.id, ())),
        )
        for row in found
    ]
