"""The storage interface the rest of Coachbot talks to (implementations live beside it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.store.records import CommitmentRecord, CommitmentWrite, SavedAnswer, Session, User


class Store(Protocol):
    """Durable users and sessions. Every write is committed before the method returns."""

    async def user(self, external_id: str, display_name: str) -> User:
        """The user with ``external_id``, created on first sight."""
        ...

    async def set_language(self, user_id: int, language: str) -> User:
        """Remember the user's language."""
        ...

    async def active_sessions(self, user_id: int) -> list[Session]:
        """The user's unfinished sessions, most recently used first."""
        ...

    async def save(
        self,
        session: Session,
        saved: Sequence[SavedAnswer],
        *,
        expected_step: int | None,
        writes: Sequence[CommitmentWrite] = (),
    ) -> Session:
        """Store the session, its answers and commitment writes in one transaction.

        ``expected_step`` is the step the session had when it was read (``None`` for a new
        session); if the stored step differs, another process got there first and
        ``ConcurrentUpdate`` is raised with nothing written.
        """
        ...

    async def open_commitments(self, user_id: int) -> list[CommitmentRecord]:
        """The user's commitments not yet checked in on, soonest due first."""
        ...

    async def claim_update(self, update_id: int) -> bool:
        """True the first time ``update_id`` is claimed, False for a redelivery."""
        ...

    async def set_active(self, user_id: int, active: bool) -> None:
        """Mark whether the user can be reached (False once they blocked the bot)."""
        ...

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as JSON-ready data."""
        ...

    async def forget(self, user_id: int) -> None:
        """Delete the user and everything stored about them."""
        ...

    async def abandon(self, session_id: int) -> None:
        """Mark a session abandoned (kept for history and analytics)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
