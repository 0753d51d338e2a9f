"""The ``Transaction`` on a SQLAlchemy connection: prepared Core statements, no ORM objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, Row, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.errors import ConcurrentUpdate
from bot.records import (
    CommitmentRecord,
    DueBy,
    Frame,
    NewCommitment,
    Profile,
    Push,
    SavedAnswer,
    SaveProfile,
    Session,
    StoreWrite,
    User,
)
from bot.store import push_sql
from bot.store.assign_sql import SqlAssignments
from bot.store.export import export_user
from bot.store.push_sql import commitment_of
from bot.store.stats_sql import Log, dialogue_log
from bot.store.tables import (
    answers,
    commitments,
    processed_updates,
    profiles,
    sessions,
    users,
    utcnow,
)
from bot.store.team_sql import SqlTeams
from bot.store.version_sql import SqlVersions

_USER = select(
    users.c.id, users.c.external_id, users.c.display_name, users.c.language, users.c.active
)
_FIND_USER = _USER.where(users.c.external_id == bindparam("external_id"))
# FOR UPDATE holds the user's row until the commit, so two instances of the bot never work on
# one user's updates at once (SQLite has a single writer and leaves the clause out).
_LOCK_USER = _FIND_USER.with_for_update()
_ACTIVE_SESSIONS = (
    select(sessions)
    .where(sessions.c.user_id == bindparam("user_id"), sessions.c.status == "active")
    .order_by(sessions.c.updated_at.desc(), sessions.c.id.desc())
)
_LAST_FINISHED = (
    select(sessions)
    .where(sessions.c.user_id == bindparam("user_id"), sessions.c.status == "completed")
    .order_by(sessions.c.completed_at.desc(), sessions.c.id.desc())
    .limit(1)
)
_FINISHED = (
    select(sessions)
    .where(sessions.c.user_id == bindparam("user_id"), sessions.c.status == "completed")
    .order_by(sessions.c.completed_at, sessions.c.id)
)
_ALL_COMMITMENTS = (
    select(commitments)
    .where(commitments.c.user_id == bindparam("user_id"))
    .order_by(commitments.c.id)
)
_LAST_RUN = _LAST_FINISHED.where(sessions.c.dialogue_id == bindparam("dialogue_id"))
_COMMITMENT_OF = (
    select(commitments)
    .where(commitments.c.session_id == bindparam("session_id"))
    .order_by(commitments.c.id.desc())
    .limit(1)
)
_OPEN_COMMITMENTS = (
    select(commitments)
    .where(commitments.c.user_id == bindparam("user_id"), commitments.c.status == "open")
    .order_by(commitments.c.due_at, commitments.c.id)
)
_NEW_SESSION = sessions.insert().returning(sessions.c.id)
# Keys of the parameters that name columns become the SET clause; the WHERE binds have
# names of their own.
_MOVE_SESSION = update(sessions).where(
    sessions.c.id == bindparam("session_id"), sessions.c.step == bindparam("expected")
)
_LOG_ANSWERS = answers.insert()
_SET_USER = update(users).where(users.c.id == bindparam("user_id"))  # SET from the keys
_PROFILE = select(profiles).where(profiles.c.user_id == bindparam("user_id"))


@cache
def _dialect_statements(dialect: str) -> tuple[Insert, Insert, Insert]:
    """(create a user, claim an update): inserts that do nothing when the row exists;
    (store a profile): an insert that replaces the user's profile when there is one."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    new_user = insert(users).on_conflict_do_nothing(index_elements=[users.c.external_id])
    claim = insert(processed_updates).on_conflict_do_nothing(
        index_elements=[processed_updates.c.update_id]
    )
    fresh = insert(profiles)
    replaced = {c.name: fresh.excluded[c.name] for c in profiles.c if c.name != "user_id"}
    profile = fresh.on_conflict_do_update(index_elements=[profiles.c.user_id], set_=replaced)
    return new_user, claim, profile


class SqlTransaction:
    """One open transaction on ``connection``; the store begins and ends it."""

    def __init__(self, connection: Connection) -> None:
        self.db = connection
        self._new_user, self._claim, self._profile = _dialect_statements(connection.dialect.name)
        self.teams = SqlTeams(connection)
        self.assignments = SqlAssignments(connection)
        self.versions = SqlVersions(connection)

    def user(self, external_id: str, display_name: str) -> User:
        """The user, created on first sight; locked until the transaction ends."""
        row = self.db.execute(_LOCK_USER, {"external_id": external_id}).first()
        if row is None:
            now = utcnow()
            self.db.execute(
                self._new_user,
                {
                    "external_id": external_id,
                    "display_name": display_name[:200],
                    "created_at": now,
                    "updated_at": now,
                },
            )
            row = self.db.execute(_LOCK_USER, {"external_id": external_id}).one()
        user = _user(row)
        if not user.display_name and display_name:  # made by a role grant, before they wrote
            self.db.execute(
                _SET_USER,
                {"user_id": user.id, "display_name": display_name[:200], "updated_at": utcnow()},
            )
            user = User(user.id, user.external_id, display_name[:200], user.language, user.active)
        if not user.active:  # they came back after blocking the bot
            self.set_active(user.id, True)
            user = User(user.id, user.external_id, user.display_name, user.language, True)
        return user

    def find_user(self, external_id: str) -> User | None:
        """The user if known, without creating or locking anything."""
        row = self.db.execute(_FIND_USER, {"external_id": external_id}).first()
        return _user(row) if row is not None else None

    def claim_update(self, update_id: int) -> bool:
        """True the first time ``update_id`` is claimed, False for a redelivery."""
        result = self.db.execute(self._claim, {"update_id": update_id, "created_at": utcnow()})
        return bool(result.rowcount == 1)

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the user's language."""
        self.db.execute(
            _SET_USER, {"user_id": user_id, "language": language, "updated_at": utcnow()}
        )

    def set_active(self, user_id: int, active: bool) -> None:
        """Mark whether the user can be reached."""
        self.db.execute(_SET_USER, {"user_id": user_id, "active": active, "updated_at": utcnow()})

    def active_sessions(self, user_id: int) -> list[Session]:
        """The user's unfinished sessions, most recently used first."""
        return [_session(row) for row in self.db.execute(_ACTIVE_SESSIONS, {"user_id": user_id})]

    def save(
        self,
        session: Session,
        saved: Sequence[SavedAnswer],
        *,
        expected_step: int | None,
        writes: Sequence[StoreWrite] = (),
    ) -> Session:
        """Store the session, its answers and what its end asks for (commitments, profile)."""
        now = utcnow()
        values = _columns(session, now)
        if session.id is None:
            values |= {"user_id": session.user_id, "started_at": now}
            session.id = self.db.execute(_NEW_SESSION, values).scalar_one()
            session.started_at = now
        else:
            moved = self.db.execute(
                _MOVE_SESSION, {**values, "session_id": session.id, "expected": expected_step}
            )
            if moved.rowcount != 1:
                raise ConcurrentUpdate(f"session {session.id} changed since step {expected_step}")
        if saved:
            self.db.execute(
                _LOG_ANSWERS,
                [
                    {
                        "session_id": session.id,
                        "node": a.node,
                        "key": a.key,
                        "value": a.value,
                        "created_at": now,
                    }
                    for a in saved
                ],
            )
        for write in writes:
            self._apply(write, session, now)
        session.updated_at = now
        return session

    def profile(self, user_id: int) -> Profile | None:
        """The user's stored profile, if they gave one."""
        row = self.db.execute(_PROFILE, {"user_id": user_id}).first()
        return _profile(row) if row is not None else None

    def last_finished(self, user_id: int) -> Session | None:
        """The user's most recently completed session, if any."""
        row = self.db.execute(_LAST_FINISHED, {"user_id": user_id}).first()
        return _session(row) if row is not None else None

    def finished_sessions(self, user_id: int) -> list[Session]:
        """The user's completed sessions, oldest first."""
        return [_session(row) for row in self.db.execute(_FINISHED, {"user_id": user_id})]

    def commitments_of(self, user_id: int) -> list[CommitmentRecord]:
        """Every commitment the user made, open or checked in on, oldest first."""
        rows = self.db.execute(_ALL_COMMITMENTS, {"user_id": user_id})
        return [commitment_of(row) for row in rows]

    def previous_run(
        self, user_id: int, dialogue_id: str
    ) -> tuple[Session, CommitmentRecord | None] | None:
        """The user's last completed session of ``dialogue_id`` and the commitment it made."""
        found = self.db.execute(_LAST_RUN, {"user_id": user_id, "dialogue_id": dialogue_id})
        row = found.first()
        if row is None:
            return None
        made = self.db.execute(_COMMITMENT_OF, {"session_id": row.id}).first()
        return _session(row), commitment_of(made) if made is not None else None

    def abandon(self, session_id: int) -> None:
        """Mark a session abandoned (kept for history and analytics)."""
        self.db.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.status == "active")
            .values(status="abandoned", updated_at=utcnow())
        )

    def due_pushes(self, by: DueBy, channel: str, limit: int) -> list[Push]:
        """Unclaimed pushes due ``by`` now to reachable users of ``channel`` (an external id
        prefix such as ``telegram:``), soonest first."""
        return push_sql.due(self.db, by, channel, limit)

    def claim_push(self, push_id: int, now: datetime, claimer: str) -> bool:
        """Take a push for sending; False when another sender took it first."""
        return push_sql.claim(self.db, push_id, now, claimer)

    def release_push(self, push_id: int) -> None:
        """Give a claimed push back unsent, to be claimed again later."""
        push_sql.release(self.db, push_id)

    def finish_push(self, push_id: int, now: datetime, failed: str | None = None) -> None:
        """Record that a claimed push was sent, or why it could not be."""
        push_sql.finish(self.db, push_id, now, failed)

    def interrupt_pushes(self, claimed_before: datetime) -> int:
        """Mark pushes claimed long ago and never finished as interrupted (not sent again)."""
        return push_sql.interrupt(self.db, claimed_before)

    def open_commitments(self, user_id: int) -> list[CommitmentRecord]:
        """The user's commitments not yet checked in on, soonest due first."""
        rows = self.db.execute(_OPEN_COMMITMENTS, {"user_id": user_id})
        return [commitment_of(row) for row in rows]

    def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as JSON-ready data."""
        return export_user(self.db, user_id)

    def forget(self, user_id: int) -> None:
        """Delete the user and, by cascade, every session, answer, commitment and profile."""
        self.db.execute(delete(users).where(users.c.id == user_id))

    def prune_updates(self, before: datetime) -> int:
        """Forget processed update ids recorded before ``before``."""
        result = self.db.execute(
            delete(processed_updates).where(processed_updates.c.created_at < before)
        )
        return int(result.rowcount)

    def analytics(self, dialogue_ids: Sequence[str]) -> Log:
        """The sessions of ``dialogue_ids`` and how many reached each node (for analytics)."""
        return dialogue_log(self.db, dialogue_ids)

    def _apply(self, write: StoreWrite, session: Session, now: datetime) -> None:
        if isinstance(write, SaveProfile):
            self._save_profile(session.user_id, write.profile, now)
            return
        if isinstance(write, NewCommitment):
            due_at = now + timedelta(days=write.follow_up_days)
            made = self.db.execute(
                commitments.insert()
                .values(
                    user_id=session.user_id,
                    session_id=session.id,
                    dialogue_id=session.dialogue_id,
                    text=write.text,
                    status="open",
                    created_at=now,
                    due_at=due_at,
                )
                .returning(commitments.c.id)
            ).scalar_one()
            push_sql.schedule_check_in(self.db, session.user_id, made, due_at)
            return
        # Only the user's own open commitment can be closed, whatever the session says.
        self.db.execute(
            update(commitments)
            .where(
                commitments.c.id == write.commitment_id,
                commitments.c.user_id == session.user_id,
                commitments.c.status == "open",
            )
            .values(
                status="done",
                outcome=write.outcome[:200],
                checked_at=now,
                checkin_session_id=session.id,
            )
        )
        push_sql.cancel_check_in(self.db, write.commitment_id, now)

    def _save_profile(self, user_id: int, profile: Profile, now: datetime) -> None:
        self.db.execute(
            self._profile,
            {
                "user_id": user_id,
                "market": profile.market[:40],
                "product": profile.product[:1000],
                "role": profile.role[:40],
                "experience": profile.experience[:40],
                "channels": [c[:40] for c in profile.channels[:20]],
                "updated_at": now,
            },
        )


def _columns(session: Session, now: datetime) -> dict[str, Any]:
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


def _user(row: Any) -> User:
    return User(row.id, row.external_id, row.display_name, row.language, bool(row.active))


def _session(row: Row[Any]) -> Session:
    return Session(
        user_id=row.user_id,
        dialogue_id=row.dialogue_id,
        version=row.content_version,
        node=row.node,
        answers=dict(row.answers),
        history=[Frame.from_json(f) for f in row.history],
        status=row.status,
        step=row.step,
        id=row.id,
        started_at=row.started_at,
        updated_at=row.updated_at,
    )


def _profile(row: Row[Any]) -> Profile:
    return Profile(
        row.market,
        row.product,
        row.role,
        row.experience,
        tuple(str(c) for c in row.channels),
        row.updated_at,
    )
