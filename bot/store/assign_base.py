"""What a unit can ask about assignments and a manager's /assign in the making."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from bot.records import Assignment, Shared

Waiting = Literal["date", "note", "redate", "react"]
# Assignment and Shared live in bot.records (a push carries an assignment); kept importable here.
__all__ = ["AssignTransaction", "Assignment", "Draft", "Shared", "Waiting"]


@dataclass(frozen=True)
class Draft:
    """A manager's /assign so far, and what their next typed message is for."""

    manager_id: int
    members: tuple[int, ...] = ()
    dialogue_id: str | None = None
    due_on: date | None = None
    note: str | None = None
    waiting: Waiting | None = None
    about: int | None = None  # the assignment a "redate" or "react" is about
    updated_at: datetime | None = field(default=None, compare=False)


class AssignTransaction(Protocol):
    """Assignments and drafts, through the unit's transaction."""

    def assign(self, draft: Draft, due_at: datetime, now: datetime) -> list[Assignment]:
        """An assignment per member of a complete draft, with its reminders scheduled."""
        ...

    def assignment(self, assignment_id: int) -> Assignment | None:
        """One assignment, whoever it belongs to (callers check)."""
        ...

    def open_for(self, user_id: int) -> list[Assignment]:
        """The member's open assignments, soonest due first."""
        ...

    def of_manager(self, manager_id: int) -> list[Assignment]:
        """Every assignment the manager made to a current member, newest first."""
        ...

    def change_due(self, assignment_id: int, due_on: date, due_at: datetime, now: datetime) -> bool:
        """Move an open assignment's due day (its reminders move too); False if not open."""
        ...

    def withdraw(self, assignment_id: int, now: datetime) -> bool:
        """Withdraw an open assignment (its reminders are cancelled); False if not open."""
        ...

    def withdraw_ties(self, user_id: int | None, manager_id: int | None, now: datetime) -> None:
        """Withdraw the open assignments between a member and a manager who no longer share a
        team (``None``: any member, or any manager)."""
        ...

    def complete(
        self, user_id: int, dialogue_id: str, session_id: int, summary: str, now: datetime
    ) -> Assignment | None:
        """Mark the member's oldest open assignment of ``dialogue_id`` done by this session."""
        ...

    def share(self, assignment_id: int, user_id: int, shared: Shared, now: datetime) -> bool:
        """Record what the member lets the manager see, once; False if already chosen."""
        ...

    def draft(self, manager_id: int) -> Draft | None:
        """The manager's /assign in the making, if any."""
        ...

    def save_draft(self, draft: Draft, now: datetime) -> None:
        """Store the draft (replacing the manager's previous one)."""
        ...

    def drop_draft(self, manager_id: int) -> None:
        """Forget the manager's draft."""
        ...
