"""The SQLAlchemy implementation of ``Store`` (SQLite by default; dialect-neutral)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.errors import ConcurrentUpdate
from bot.store.database import create_engine, migrate
from bot.store.export import export_user
from bot.store.records import (
    CommitmentRecord,
    CommitmentWrite,
    Frame,
    NewCommitment,
    SavedAnswer,
    Session,
    User,
)
from bot.store.tables import (
    AnswerRow,
    CommitmentRow,
    ProcessedUpdate,
    SessionRow,
    UserRow,
    utcnow,
)


class SqlStore:
    """Users, sessions and the answer log in a relational database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str) -> SqlStore:
        """Connect to ``url`` and bring its schema up to date."""
        engine = create_engine(url)
        await migrate(engine)
        return cls(engine)

    async def close(self) -> None:
        """Release connections."""
        await self.engine.dispose()

    async def user(self, external_id: str, display_name: str) -> User:
        """The user with ``external_id``, created on first sight."""
        async with self._sessions.begin() as db:
            row = await db.scalar(select(UserRow).where(UserRow.external_id == external_id))
            if row is None:
                row = UserRow(external_id=external_id, display_name=display_name)
                db.add(row)
                try:
                    await db.flush()
                except IntegrityError:  # created by another process a moment ago
                    await db.rollback()
                    return await self.user(external_id, display_name)
            return _user(row)

    async def set_language(self, user_id: int, language: str) -> User:
        """Remember the user's language."""
        async with self._sessions.begin() as db:
            row = await db.get_one(UserRow, user_id)
            row.language = language
            return _user(row)

    async def active_sessions(self, user_id: int) -> list[Session]:
        """The user's unfinished sessions, most recently used first."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(SessionRow)
                .where(SessionRow.user_id == user_id, SessionRow.status == "active")
                .order_by(SessionRow.updated_at.desc(), SessionRow.id.desc())
            )
            return [_session(row) for row in rows]

    async def save(
        self,
        session: Session,
        saved: Sequence[SavedAnswer],
        *,
        expected_step: int | None,
        writes: Sequence[CommitmentWrite] = (),
    ) -> Session:
        """Store the session, its answers and commitment writes in one transaction."""
        now = utcnow()
        async with self._sessions.begin() as db:
            if session.id is None:
                row = SessionRow(user_id=session.user_id, started_at=now, **_columns(session, now))
                db.add(row)
                await db.flush()
                session_id = row.id
            else:
                result = await db.execute(
                    update(SessionRow)
                    .where(SessionRow.id == session.id, SessionRow.step == expected_step)
                    .values(**_columns(session, now))
                )
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    raise ConcurrentUpdate(
                        f"session {session.id} changed since step {expected_step}"
                    )
                session_id = session.id
            db.add_all(
                AnswerRow(
                    session_id=session_id, node=a.node, key=a.key, value=a.value, created_at=now
                )
                for a in saved
            )
            for write in writes:
                await _apply(db, write, session, session_id, now)
        session.id = session_id
        session.updated_at = now
        return session

    async def open_commitments(self, user_id: int) -> list[CommitmentRecord]:
        """The user's commitments not yet checked in on, soonest due first."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(CommitmentRow)
                .where(CommitmentRow.user_id == user_id, CommitmentRow.status == "open")
                .order_by(CommitmentRow.due_at, CommitmentRow.id)
            )
            return [_commitment(row) for row in rows]

    async def claim_update(self, update_id: int) -> bool:
        """True the first time ``update_id`` is claimed, False for a redelivery."""
        try:
            async with self._sessions.begin() as db:
                db.add(ProcessedUpdate(update_id=update_id))
        except IntegrityError:
            return False
        return True

    async def set_active(self, user_id: int, active: bool) -> None:
        """Mark whether the user can be reached (False once they blocked the bot)."""
        async with self._sessions.begin() as db:
            await db.execute(update(UserRow).where(UserRow.id == user_id).values(active=active))

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as JSON-ready data."""
        async with self._sessions() as db:
            return await export_user(db, user_id)

    async def forget(self, user_id: int) -> None:
        """Delete the user and, by cascade, every session, answer and commitment of theirs."""
        async with self._sessions.begin() as db:
            await db.execute(delete(UserRow).where(UserRow.id == user_id))

    async def abandon(self, session_id: int) -> None:
        """Mark a session abandoned (kept for history and analytics)."""
        async with self._sessions.begin() as db:
            await db.execute(
                update(SessionRow)
                .where(SessionRow.id == session_id)
                .values(status="abandoned", updated_at=utcnow())
            )


async def _apply(
    db: AsyncSession, write: CommitmentWrite, session: Session, session_id: int, now: datetime
) -> None:
    if isinstance(write, NewCommitment):
        due = now + timedelta(days=write.follow_up_days)
        db.add(
            CommitmentRow(
                user_id=session.user_id,
                session_id=session_id,
                dialogue_id=session.dialogue_id,
                text=write.text,
                created_at=now,
                due_at=due,
            )
        )
        return
    # Only the user's own open commitment can be closed, whatever the session says.
    await db.execute(
        update(CommitmentRow)
        .where(
            CommitmentRow.id == write.commitment_id,
            CommitmentRow.user_id == session.user_id,
            CommitmentRow.status == "open",
        )
        .values(
            status="done",
            outcome=write.outcome[:200],
            checked_at=now,
            checkin_session_id=session_id,
        )
    )


def _commitment(row: CommitmentRow) -> CommitmentRecord:
    return CommitmentRecord(
        row.id,
        row.user_id,
        row.dialogue_id,
        row.text,
        row.status,
        row.created_at,
        row.due_at,
        row.outcome,
    )


def _columns(session: Session, now: object) -> dict[str, object]:
    return {
        "dialogue_id": session.dialogue_id,
        "content_version": session.version,
        "node": session.node,
        "status": session.status,
        "step": session.step,
        "answers": session.answers,
        "history": [frame.to_json() for frame in session.history],
        "updated_at": now,
        "completed_at": now if session.status == "completed" else None,
    }


def _user(row: UserRow) -> User:
    return User(row.id, row.external_id, row.display_name, row.language)


def _session(row: SessionRow) -> Session:
    return Session(
        user_id=row.user_id,
        dialogue_id=row.dialogue_id,
        version=row.content_version,
        node=row.node,
        answers=dict(row.answers),
        history=[Frame.from_json(f) for f in row.history],
        status=row.status,  # type: ignore[arg-type]
        step=row.step,
        id=row.id,
        started_at=row.started_at,
        updated_at=row.updated_at,
    )
