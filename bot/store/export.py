"""A user's data as one JSON-ready document (for /mydata)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import AnswerRow, CommitmentRow, SessionRow, UserRow


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def export_user(db: AsyncSession, user_id: int) -> dict[str, Any]:
    """Profile, sessions with their answer log, and commitments of one user."""
    user = await db.get_one(UserRow, user_id)
    sessions = list(
        await db.scalars(
            select(SessionRow).where(SessionRow.user_id == user_id).order_by(SessionRow.id)
        )
    )
    ids = [s.id for s in sessions]
    answers = list(
        await db.scalars(
            select(AnswerRow).where(AnswerRow.session_id.in_(ids)).order_by(AnswerRow.id)
        )
    )
    commitments = await db.scalars(
        select(CommitmentRow).where(CommitmentRow.user_id == user_id).order_by(CommitmentRow.id)
    )
    return {
        "profile": {
            "name": user.display_name,
            "language": user.language,
            "account": user.external_id,
            "created_at": _time(user.created_at),
        },
        "sessions": [
            {
                "dialogue": s.dialogue_id,
                "status": s.status,
                "started_at": _time(s.started_at),
                "completed_at": _time(s.completed_at),
                "answers": s.answers,
                "answer_log": [
                    {"step": a.node, "key": a.key, "value": a.value, "at": _time(a.created_at)}
                    for a in answers
                    if a.session_id == s.id
                ],
            }
            for s in sessions
        ],
        "commitments": [
            {
                "text": c.text,
                "status": c.status,
                "created_at": _time(c.created_at),
                "due_at": _time(c.due_at),
                "outcome": c.outcome,
            }
            for c in commitments
        ],
    }
