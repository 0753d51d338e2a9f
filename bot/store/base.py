"""The storage interface the rest of Coachbot talks to (implementations live beside it).

One update is one *unit*: a plain function that reads what the update needs and saves what the
step changed through a ``Transaction``. The store runs the unit in one database transaction and
returns its result only after the commit, so nothing is ever shown that is not stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.dialogue.versions import Snapshot
from bot.records import (
    CommitmentRecord,
    DueBy,
    Profile,
    Push,
    SavedAnswer,
    Session,
    StoreWrite,
    User,
)
from bot.store.assign_base import AssignTransaction
from bot.store.stats_sql import Log
from bot.store.team_base import TeamTransaction

T = TypeVar("T")


class VersionTransaction(Protocol):
    """Snapshots of content versions (see ``bot.dialogue.versions``)."""

    def stored(self, dialogue_id: str, version: str) -> Snapshot | None:
        """The snapshot of one version, if kept."""
        ...

    def keep(self, snapshots: Iterable[Snapshot], now: datetime) -> int:
        """Store the snapshots not stored yet; how many were new."""
        ...

    def prune(self, newest: set[tuple[str, str]]) -> int:
        """Drop versions neither newest nor used by an unfinished session; how many went."""
        ...


class Transaction(Protocol):
    """What a unit can do inside its one transaction (plain, synchronous calls)."""

    def user(self, external_id: str, display_name: str) -> User:
        """The user, created on first sight; held (locked) until the transaction ends."""
        ...

    def find_user(self, external_id: str) -> User | None:
        """The user if known, without creating or locking anything."""
        ...

    @property
    def teams(self) -> TeamTransaction:
        """Roles, teams and invites, in this same transaction."""
        ...

    @property
    def assignments(self) -> AssignTransaction:
        """Assignments and /assign drafts, in this same transaction."""
        ...

    @property
    def versions(self) -> VersionTransaction:
        """Content versions, in this same transaction."""
        ...

    def claim_update(self, update_id: int) -> bool:
        """True the first time ``update_id`` is claimed, False for a redelivery."""
        ...

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the user's language."""
        ...

    def set_active(self, user_id: int, active: bool) -> None:
        """Mark whether the user can be reached (False once they blocked the bot)."""
        ...

    def active_sessions(self, user_id: int) -> list[Session]:
        """The user's unfinished sessions, most recently used first."""
        ...

    def save(
        self,
        session: Session,
        saved: Sequence[SavedAnswer],
        *,
        expected_step: int | None,
        writes: Sequence[StoreWrite] = (),
    ) -> Session:
        """Store the session, its answers and what its end asks for (commitments, profile).

        ``expected_step`` is the step the session had when it was read (``None`` for a new
        session); if the stored step differs, ``ConcurrentUpdate`` is raised.
        """
        ...

    def profile(self, user_id: int) -> Profile | None:
        """The user's stored profile, if they gave one."""
        ...

    def last_finished(self, user_id: int) -> Session | None:
        """The user's most recently completed session, if any."""
        ...

    def finished_sessions(self, user_id: int) -> list[Session]:
        """The user's completed sessions, oldest first."""
        ...

    def commitments_of(self, user_id: int) -> list[CommitmentRecord]:
        """Every commitment the user made, open or checked in on, oldest first."""
        ...

    def previous_run(
        self, user_id: int, dialogue_id: str
    ) -> tuple[Session, CommitmentRecord | None] | None:
        """The user's last completed session of ``dialogue_id`` and the commitment it made."""
        ...

    def abandon(self, session_id: int) -> None:
        """Mark a session abandoned (kept for history and analytics)."""
        ...

    def due_pushes(self, by: DueBy, channel: str, limit: int) -> list[Push]:
        """Unclaimed pushes due ``by`` now to reachable users of ``channel`` (an external id
        prefix such as ``telegram:``), soonest first: check-ins on their day, an assignment's
        reminders and notices once their moment (or, the reminder before, its eve) has come."""
        ...

    def claim_push(self, push_id: int, now: datetime, claimer: str) -> bool:
        """Take a push for sending; False when another sender took it first."""
        ...

    def release_push(self, push_id: int) -> None:
        """Give a claimed push back unsent, to be claimed again later."""
        ...

    def finish_push(self, push_id: int, now: datetime, failed: str | None = None) -> None:
        """Record that a claimed push was sent, or why it could not be."""
        ...

    def interrupt_pushes(self, claimed_before: datetime) -> int:
        """Mark pushes claimed before ``claimed_before`` and never finished as interrupted:
        their sender died, maybe after Telegram took the message, so they are not sent again."""
        ...

    def open_commitments(self, user_id: int) -> list[CommitmentRecord]:
        """The user's commitments not yet checked in on, soonest due first."""
        ...

    def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as JSON-ready data."""
        ...

    def forget(self, user_id: int) -> None:
        """Delete the user and everything stored about them."""
        ...

    def prune_updates(self, before: datetime) -> int:
        """Forget processed update ids recorded before ``before``; return how many."""
        ...

    def analytics(self, dialogue_ids: Sequence[str]) -> Log:
        """The sessions of ``dialogue_ids`` and how many reached each node (for analytics)."""
        ...


Unit = Callable[[Transaction], T]


class Store(Protocol):
    """Runs units: each in one transaction, committed before its result is returned.

    A unit may run more than once (after a busy database or a concurrent change), so it must
    do nothing but compute and call its ``Transaction``. When the database cannot take the
    unit within the store's bound, ``StoreUnavailable`` is raised and nothing was written.
    """

    async def write(self, unit: Unit[T]) -> T:
        """Run ``unit`` in a write transaction and commit it."""
        ...

    async def read(self, unit: Unit[T]) -> T:
        """Run ``unit`` in a read-only transaction (never waits for writers)."""
        ...

    async def close(self) -> None:
        """Finish queued work and release connections."""
        ...
